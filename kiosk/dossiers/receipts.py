"""From a stored dossier to what its receipt shows (thermal and A4 use the same slip)."""

from __future__ import annotations

from kiosk.dossiers.models import Dossier
from kiosk.dossiers.procedures import processing_text
from kiosk.dossiers.settings import DossierSettings
from kiosk.printout.receipt import ReceiptDocument, ReceiptSlip


def slip_for(dossier: Dossier, settings: DossierSettings) -> ReceiptSlip:
    """The receipt of `dossier`. Only received documents are listed: the receipt is the
    office's acknowledgement of what it actually holds."""
    documents = tuple(
        ReceiptDocument(d.name, d.originals, d.certified_copies, d.copies)
        for d in dossier.documents if d.received)
    owner = dossier.holder
    return ReceiptSlip(
        unit_name=dossier.receiving_unit_name,
        code=dossier.code,
        lookup_text=settings.lookup_text(dossier.code),
        submitter_name=dossier.submitter.name,
        submitter_id_number=dossier.submitter.id_number,
        submitter_address=dossier.submitter.address,
        submitter_phone=dossier.submitter.phone,
        submitter_email=dossier.submitter.email,
        request=dossier.summary or dossier.procedure_name,
        owner_name=owner.name,
        documents=documents,
        sets=dossier.sets,
        processing_time=processing_text(dossier.processing_days),
        received_at=dossier.received_at,
        appointment=dossier.appointment_date,
        result_place=dossier.result_place,
        clerk=dossier.clerk,
        parent_authority=settings.parent_authority,
        place_name=settings.place_name,
        short_code=dossier.short_code or "",
    )
