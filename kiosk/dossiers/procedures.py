"""The procedure catalog (thủ tục hành chính): what a dossier is filed for, its processing time
in working days, fee, required documents and where the result is collected.

Loaded from assets/catalogs/procedures.json. A dossier copies what it needs from its procedure
when it is saved, so a later catalog edit never changes a receipt already handed out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kiosk.assets import asset_path

CATALOG_FILE = ("catalogs", "procedures.json")

ORIGINAL = "original"
CERTIFIED_COPY = "certified_copy"
COPY = "copy"
DOCUMENT_FORMS = (ORIGINAL, CERTIFIED_COPY, COPY)
FORM_LABELS_VI = {ORIGINAL: "Bản chính", CERTIFIED_COPY: "Bản sao chứng thực", COPY: "Bản sao"}


class CatalogError(ValueError):
    pass


@dataclass(frozen=True)
class RequiredDocument:
    name: str
    form: str  # one of DOCUMENT_FORMS
    quantity: int = 1


@dataclass(frozen=True)
class Procedure:
    code: str  # national procedure code (MaTTHC), e.g. "1.001193"
    name: str
    field_code: str
    field_name: str
    processing_days: int  # working days; 0 = same day
    fee_vnd: int | None  # None where the fee varies: see fee_note
    fee_note: str
    documents: tuple[RequiredDocument, ...]
    result_place: str
    agency: str = ""
    service: str = ""  # ticket service code whose counter handles it

    @property
    def fee_text(self) -> str:
        """How the fee reads on screen and paper."""
        if self.fee_note:
            return self.fee_note
        if not self.fee_vnd:
            return "Miễn phí"
        return f"{self.fee_vnd:,} đ".replace(",", ".")

    @property
    def processing_text(self) -> str:
        return processing_text(self.processing_days)


def processing_text(days: int) -> str:
    return "Trong ngày làm việc" if days == 0 else f"{days:02d} ngày làm việc"


def _need(entry: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, kind) or value in ("", None):
        raise CatalogError(f"{where}: '{key}' is missing or not a {kind.__name__}")
    return value


def _procedure(entry: dict[str, Any], where: str) -> Procedure:
    code = _need(entry, "code", str, where).strip()
    where = f"{where} ({code})"
    days = entry.get("processing_days")
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise CatalogError(f"{where}: processing_days must be a whole number >= 0")
    fee = entry.get("fee", 0)
    if isinstance(fee, bool) or not isinstance(fee, int | str):
        raise CatalogError(f"{where}: fee must be a whole number of VND or a text")
    if isinstance(fee, int) and fee < 0:
        raise CatalogError(f"{where}: fee cannot be negative")
    fee_vnd = fee if isinstance(fee, int) else None
    fee_note = str(entry.get("fee_note", "") or ("" if isinstance(fee, int) else fee))
    documents = []
    for index, doc in enumerate(entry.get("documents", ())):
        dwhere = f"{where} document {index + 1}"
        form = _need(doc, "form", str, dwhere)
        if form not in DOCUMENT_FORMS:
            raise CatalogError(f"{dwhere}: form must be one of {', '.join(DOCUMENT_FORMS)}")
        quantity = doc.get("quantity", 1)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise CatalogError(f"{dwhere}: quantity must be a whole number >= 1")
        documents.append(RequiredDocument(_need(doc, "name", str, dwhere), form, quantity))
    return Procedure(
        code=code,
        name=_need(entry, "name", str, where),
        field_code=_need(entry, "field_code", str, where),
        field_name=_need(entry, "field_name", str, where),
        processing_days=days,
        fee_vnd=fee_vnd,
        fee_note=fee_note,
        documents=tuple(documents),
        result_place=str(entry.get("result_place", "")),
        agency=str(entry.get("agency", "")),
        service=str(entry.get("service", "")),
    )


def parse_procedures(data: dict[str, Any]) -> list[Procedure]:
    entries = data.get("procedures")
    if not isinstance(entries, list) or not entries:
        raise CatalogError("the catalog needs a non-empty 'procedures' list")
    out = [_procedure(e, f"procedure {i + 1}") for i, e in enumerate(entries)]
    seen: set[str] = set()
    for p in out:
        if p.code in seen:
            raise CatalogError(f"procedure code {p.code} appears twice")
        seen.add(p.code)
    return out


def load_procedures(path: Path | None = None) -> list[Procedure]:
    """The catalog in file order. Raises CatalogError naming the bad entry."""
    if path is None:
        return list(_bundled())
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CatalogError(f"cannot read the procedure catalog {path}: {exc}") from exc
    return parse_procedures(data)


@lru_cache(maxsize=1)
def _bundled() -> tuple[Procedure, ...]:
    return tuple(load_procedures(asset_path(*CATALOG_FILE)))
