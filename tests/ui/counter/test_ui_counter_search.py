"""Finding a procedure at the counter: accent-insensitive, by code or name, best match first."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from kiosk.dossiers.procedures import load_procedures  # noqa: E402
from kiosk.ui.counter.procedure_picker import ProcedurePicker  # noqa: E402
from kiosk.ui.counter.text import fold, matches, parse_day  # noqa: E402


def test_fold_drops_diacritics_and_case():
    assert fold("  Đăng ký   KHAI SINH ") == "dang ky khai sinh"
    assert fold("Hòa Bình, Quỳnh Phụ") == "hoa binh, quynh phu"
    # NFD input (some keyboards and Mac files) folds the same way.
    import unicodedata

    assert fold(unicodedata.normalize("NFD", "Chứng thực")) == "chung thuc"


@pytest.mark.parametrize("query", ["khai sinh", "dang ky khai sinh", "Đăng ký khai sinh",
                                   "ĐĂNG KÝ KHAI SINH", "1.001193", "  khai   sinh "])
def test_matches(query):
    assert matches(query, "1.001193 Đăng ký khai sinh")


def test_no_match():
    assert not matches("ket hon", "1.001193 Đăng ký khai sinh")


@pytest.fixture
def picker(qtbot):
    widget = ProcedurePicker(load_procedures())
    qtbot.addWidget(widget)
    return widget


@pytest.mark.parametrize("query, first", [
    ("khai sinh", "1.001193"),
    ("dang ky khai sinh", "1.001193"),
    ("khai tu", "1.000656"),  # not "khai sinh", whose field is "Tư pháp"
    ("ket hon", "1.000894"),
    ("1.004222", "1.004222"),
    ("thuong tru", "1.004222"),
    ("chung thuc chu ky", "2.000884"),
])
def test_picker_puts_the_best_match_first(picker, query, first):
    picker.search.setText(query)
    assert picker.visible_codes()[0] == first
    picker.choose_current()
    assert picker.current is not None and picker.current.code == first


def test_picker_filters_and_resets(picker):
    total = len(picker.visible_codes())
    picker.search.setText("khai sinh")
    codes = picker.visible_codes()
    assert "1.001193" in codes and "1.004884" in codes and len(codes) < total
    assert all("khai sinh" in fold(picker.procedures[c].name) for c in codes)
    picker.search.setText("không có thủ tục này")
    assert picker.visible_codes() == []
    assert picker.count.text() == "0 thủ tục"
    picker.reset()
    assert len(picker.visible_codes()) == total and picker.current is None


def test_dates_as_clerks_type_them():
    from datetime import date

    assert parse_day("23/05/2002") == date(2002, 5, 23)
    assert parse_day("23052002") == date(2002, 5, 23)
    assert parse_day("2002-05-23") == date(2002, 5, 23)
    assert parse_day("31/02/2002") is None and parse_day("") is None
