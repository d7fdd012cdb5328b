"""The receipt's 6-character look-up code: unique within an office by construction, decoded
back to the full dossier code, stored at intake (migration 9), printed large on the receipt
and taken by the public look-up."""

import random
from datetime import date, timedelta

import zxingcpp

from drivers.printers import open_printer
from kiosk.dossiers.shortcode import ALPHABET, LENGTH, parse_short_code, short_code, short_code_of
from kiosk.feedback.lookup import lookup_code
from kiosk.printout.receipt import render_receipt
from tests.dossiers.test_dossiers_helpers import CLERK, THURSDAY_9AM, intake
from tests.escpos_raster import parse_escpos

AMBIGUOUS = set("0O1IL2Z5S8BUV")


def test_alphabet_has_no_look_alikes():
    assert not AMBIGUOUS & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 23


def test_every_code_of_two_months_is_unique_and_decodes_back():
    seen: dict[str, tuple[date, int]] = {}
    start = date(2026, 1, 1)
    for offset in range(60):
        day = start + timedelta(days=offset)
        for seq in range(1, 1024):
            code = short_code(day, seq)
            assert code is not None and len(code) == LENGTH and set(code) <= set(ALPHABET)
            assert code not in seen, (code, seen.get(code), (day, seq))
            seen[code] = (day, seq)
            assert parse_short_code(code) == (day, seq)
    # Neighbours look unrelated (not a counter a passer-by could step through by eye).
    a, b = short_code(start, 1), short_code(start, 2)
    assert sum(x == y for x, y in zip(a, b, strict=True)) <= 3


def test_out_of_range_has_no_short_code():
    assert short_code(date(2026, 1, 1), 1024) is None
    assert short_code(date(2023, 12, 31), 1) is None
    assert short_code_of("000.00.01.H26-260115-1500") is None
    assert short_code_of("not a dossier code") is None


def test_typed_forms_and_typos():
    code = short_code(date(2026, 1, 15), 7)
    for typed in (code, code.lower(), f"{code[:3]} {code[3:]}", f" {code[:3]}-{code[3:]} "):
        assert parse_short_code(typed) == (date(2026, 1, 15), 7)
    # One wrong character: most give no code at all (a message), not someone else's dossier.
    rng = random.Random(4)
    wrong = valid = 0
    for _ in range(2000):
        seq = rng.randint(1, 300)
        day = date(2026, 1, 1) + timedelta(days=rng.randint(0, 700))
        c = list(short_code(day, seq))
        i = rng.randrange(LENGTH)
        c[i] = rng.choice([x for x in ALPHABET if x != c[i]])
        decoded = parse_short_code("".join(c))
        if decoded is None:
            wrong += 1
        elif decoded[1] <= 300 and date(2026, 1, 1) <= decoded[0] <= date(2027, 12, 31):
            valid += 1  # would name a plausible other dossier
    assert wrong / 2000 > 0.85
    assert valid / 2000 < 0.02


def test_look_up_takes_the_short_code_with_the_office_unit():
    full = "000.00.01.H26-260115-0007"
    code = short_code_of(full)
    assert lookup_code(code, "000.00.01.H26") == full
    assert lookup_code(f"{code[:3].lower()} {code[3:].lower()}", "000.00.01.H26") == full
    assert lookup_code(code) is None  # no office to complete it with
    assert lookup_code("ACD7K", "000.00.01.H26") is None  # too short
    assert lookup_code("ACD7K0", "000.00.01.H26") is None  # 0 is not in the alphabet


def test_intake_stores_it_and_the_receipt_prints_it_large(desk, db, tmp_path):
    d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    assert d.short_code == short_code_of(d.code)
    stored = db.execute("SELECT short_code FROM dossiers WHERE code = ?", (d.code,)).fetchone()
    assert stored[0] == d.short_code
    assert lookup_code(d.short_code, d.unit_code) == d.code

    slip = desk.receipt_slip(d.code)
    assert slip.short_code == d.short_code
    out = tmp_path / "receipt.bin"
    desk.print_receipt(d.code, open_printer(f"file://{out}", width_mm=80), copies=1)
    image = parse_escpos(out.read_bytes()).pages[0].image
    assert [r.text for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.Code128] == [d.code]
    # The code's band: a black stamp with white letters, taller than the dossier code line.
    from dataclasses import replace

    without = render_receipt(replace(slip, short_code=""), 576)
    assert image.height - without.height >= 60
