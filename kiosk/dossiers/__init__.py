"""Dossiers (hồ sơ): intake at the counter, official statuses, receipts, the logbook, retention,
and the office dossier book a LAN office's hub keeps for every counter (book.py).

Plain Python, no Qt. Names are imported lazily: `import kiosk` imports kiosk.dossiers.schema
(it registers the dossier migration with the store, kiosk/schema.py), which must stay light
(no SQLite, no desk).
"""

from __future__ import annotations

from kiosk.lazy import lazy_exports

_EXPORTS = {
    "DossierDesk": "kiosk.dossiers.intake",
    "normalize_code": "kiosk.dossiers.intake",
    "Dossier": "kiosk.dossiers.models",
    "DossierError": "kiosk.dossiers.models",
    "DossierNotFound": "kiosk.dossiers.models",
    "DocumentItem": "kiosk.dossiers.models",
    "Intake": "kiosk.dossiers.models",
    "InvalidIntake": "kiosk.dossiers.models",
    "Person": "kiosk.dossiers.models",
    "StatusChange": "kiosk.dossiers.models",
    "UnknownProcedure": "kiosk.dossiers.models",
    "portal_record": "kiosk.dossiers.portal",
    "Procedure": "kiosk.dossiers.procedures",
    "load_procedures": "kiosk.dossiers.procedures",
    "DossierStatus": "kiosk.dossiers.status",
    "IllegalTransition": "kiosk.dossiers.status",
    "LogbookRow": "kiosk.dossiers.logbook",
    "logbook_rows": "kiosk.dossiers.logbook",
    "export_logbook": "kiosk.dossiers.logbook",
    "purge_personal_data": "kiosk.dossiers.retention",
    "is_synced": "kiosk.dossiers.retention",
    "seed_dossiers": "kiosk.dossiers.seed",
    "apply_changes": "kiosk.dossiers.book",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
