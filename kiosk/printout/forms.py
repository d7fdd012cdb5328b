"""The official one-stop slips (Mẫu 02-05) as data: assets/forms/NN.toml, one file a form.

A template names the form's title, its fixed sentences with `{placeholders}`, its fields and
its signature blocks; kiosk/printout/slip.py (thermal) and slip_pdf.py (A4) lay any template
out, so a changed form is a change of its file. assets/forms/README.md lists the block kinds
and placeholders; docs/forms.md the legal sources.
"""

from __future__ import annotations

import functools
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from kiosk.assets import asset_path

FORMS = ("02", "03", "04", "05")

#: Every placeholder a template may use (what SlipPrint.values holds).
PLACEHOLDERS = frozenset({
    "code", "unit_name", "deciding_unit", "submitter_name", "request", "procedure",
    "received_at", "received_date", "due_date", "reason", "new_date", "issued_date", "clerk",
})
BLOCK_KINDS = ("text", "field", "items", "stamp", "handovers")


class FormTemplateError(ValueError):
    """A form template that cannot be laid out (unknown block or placeholder)."""


@dataclass(frozen=True)
class Signature:
    heading: str
    hint: str
    signer: str  # may hold placeholders ("{clerk}") or be empty (signed by hand)


@dataclass(frozen=True)
class FormTemplate:
    form: str
    number: str  # "Mẫu số 02"
    title: str
    source: str
    blocks: tuple[Mapping[str, Any], ...]
    signatures: tuple[Signature, ...]
    cases: tuple[str, ...] = ()  # the cases its blocks may be for; the first is the default

    def for_case(self, case: str | None) -> FormTemplate:
        """The template as printed for `case` (e.g. Mẫu 03: "receipt" or "settlement"): the
        blocks for no case, and those for this one (an unknown or missing case: the first)."""
        if not self.cases:
            return self
        chosen = case if case in self.cases else self.cases[0]
        return replace(self, blocks=tuple(b for b in self.blocks
                                          if b.get("case", chosen) == chosen))


@dataclass(frozen=True)
class HandoverRow:
    """One line of Mẫu 05's table, already worded."""

    parties: str  # "Giao: Bộ phận một cửa / Nhận: Công chức Tư pháp - Hộ tịch"
    at: str
    handed_by: str
    received_by: str
    result: str  # "Trước hạn" / "Đúng hạn" / "Quá hạn" / ""
    note: str


@dataclass(frozen=True)
class SlipPrint:
    """Everything a slip shows, chosen and formatted by the dossier desk (kiosk/dossiers/
    slips.py); the renderers only lay it out."""

    template: FormTemplate
    code: str
    lookup_text: str  # QR payload: a look-up URL or the bare code
    unit_name: str
    parent_authority: str
    place_name: str
    issued_at: datetime
    values: Mapping[str, str]
    missing: tuple[str, ...] = ()
    handovers: tuple[HandoverRow, ...] = ()

    def fill(self, text: str) -> str:
        return fill(text, self.values)


def placeholders_of(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def fill(text: str, values: Mapping[str, str]) -> str:
    return text.format_map({name: values.get(name, "") for name in placeholders_of(text)})


def _check(form: str, data: Mapping[str, Any]) -> None:
    texts: list[str] = [data.get("title", "")]
    cases = data.get("cases", [])
    if not isinstance(cases, list) or not all(isinstance(c, str) and c for c in cases):
        raise FormTemplateError(f"form {form}: cases must be a list of names")
    for block in data.get("blocks", ()):
        if "case" in block and block["case"] not in cases:
            raise FormTemplateError(f"form {form}: a block's case {block['case']!r} is not "
                                    f"one of its cases {cases}")
        kinds = [k for k in BLOCK_KINDS if k in block]
        if len(kinds) != 1:
            raise FormTemplateError(f"form {form}: a block needs exactly one of {BLOCK_KINDS}: "
                                    f"{dict(block)}")
        for key in ("text", "field", "value", "stamp"):
            if isinstance(block.get(key), str):
                texts.append(block[key])
    texts.extend(s.get("signer", "") for s in data.get("signatures", ()))
    unknown = set().union(*(placeholders_of(t) for t in texts)) - PLACEHOLDERS
    if unknown:
        raise FormTemplateError(f"form {form}: unknown placeholders {sorted(unknown)}")


def load_form(form: str) -> FormTemplate:
    """The template of Mẫu `form` ("02".."05") from assets/forms/."""
    if form not in FORMS:
        raise FormTemplateError(f"no such form {form!r}: one of {', '.join(FORMS)}")
    with asset_path("forms", f"{form}.toml").open("rb") as fh:
        data = tomllib.load(fh)
    if data.get("form") != form:
        raise FormTemplateError(f"assets/forms/{form}.toml says form {data.get('form')!r}")
    _check(form, data)
    return FormTemplate(
        form=form, number=data["number"], title=data["title"], source=data.get("source", ""),
        blocks=tuple(data.get("blocks", ())),
        signatures=tuple(Signature(s["heading"], s.get("hint", ""), s.get("signer", ""))
                         for s in data.get("signatures", ())),
        cases=tuple(data.get("cases", ())))


@functools.cache
def printed_number(form: str) -> str:
    """The number form `form` prints under ("05" -> "06": the command line keeps the 2018
    numbering, the template the current circular's), for what the clerk reads on screen."""
    return load_form(form).number.split()[-1]
