"""The dossier feature's settings: the [dossiers] section with its "empty means …" defaults
resolved against [office]."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DossierSettings:
    """Resolved settings: every "empty means …" default already applied."""

    timezone: str
    unit_code: str
    unit_name: str
    parent_authority: str
    deciding_unit_code: str
    deciding_unit_name: str
    station_id: str
    retention_days: int
    result_place: str
    receipt_copies: int
    a4_output_dir: str
    place_name: str
    lookup_url: str

    def lookup_text(self, code: str) -> str:
        """What the receipt's look-up QR holds: the configured URL with the code filled in, or
        the bare code, which the counter's scanner recognises as a dossier code."""
        if self.lookup_url:
            return self.lookup_url.replace("{code}", code)
        return code

    def a4_path(self, code: str, data_dir: Path) -> Path:
        """Where the A4 receipt PDF of `code` goes by default."""
        return self.a4_folder(data_dir) / f"{code}.pdf"

    def slip_pdf_path(self, code: str, form: str, issued_at: datetime, data_dir: Path) -> Path:
        """Where the A4 PDF of an official slip (Mẫu 02-05) goes: beside the A4 receipts,
        named by the dossier, the form and the moment it was issued (one file a slip)."""
        return self.a4_folder(data_dir) / f"{code}_mau-{form}_{issued_at:%Y%m%d-%H%M%S}.pdf"

    def a4_folder(self, data_dir: Path) -> Path:
        """The one folder the counter writes its A4 PDFs to ([dossiers] a4_output_dir)."""
        return Path(self.a4_output_dir) if self.a4_output_dir else data_dir / "receipts"


def dossier_settings(config: Any) -> DossierSettings:
    d = config.dossiers
    office = config.office
    return DossierSettings(
        timezone=office.timezone,
        unit_code=office.code,
        unit_name=d.unit_name or office.name,
        parent_authority=d.parent_authority,
        deciding_unit_code=d.deciding_unit_code or office.code,
        deciding_unit_name=d.deciding_unit_name or d.unit_name or office.name,
        station_id=config.station.id,
        retention_days=int(d.retention_days),
        result_place=d.result_place,
        receipt_copies=max(1, int(d.receipt_copies)),
        a4_output_dir=d.a4_output_dir,
        place_name=d.place_name,
        lookup_url=d.lookup_url,
    )
