"""The receipt: thermal raster through a real printer driver, A4 PDF, barcode read-back."""

import shutil
import subprocess
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image

from drivers.printers import open_printer
from kiosk.printout.code128 import code128_image, encode, module_count, modules
from kiosk.printout.receipt import barcode_layout, render_receipt, time_received_vi
from tests.dossiers.test_dossiers_helpers import (
    ADDRESS,
    CLERK,
    EMAIL,
    ID_NUMBER,
    NAME,
    OWNER,
    THURSDAY_9AM,
    intake,
)
from tests.escpos_raster import parse_escpos

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdftoppm"),
                                   reason="poppler-utils (pdftotext, pdftoppm) not installed")


def code128_texts(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.Code128]


@pytest.mark.parametrize("text", ["000.00.01.H26-260212-0001", "A", "99", "1234567",
                                  "H26.22-260115-12345", "abc-DEF 0123456789"])
def test_code128_round_trip_and_compact_encoding(text):
    image = code128_image(text, module=2, height=40)
    assert code128_texts(image) == [text]
    assert module_count(text) == len(modules(text)) == 11 * (len(encode(text)) - 1) + 13
    with pytest.raises(ValueError):
        encode("Mã")


def test_dossier_code_uses_code_set_c_for_digit_runs():
    # 25 characters in 23 data symbols: "260212" and "0001" are packed two digits a symbol.
    assert module_count("000.00.01.H26-260212-0001") == 288


def test_thermal_receipt_printed_and_read_back(desk, tmp_path):
    d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    out = tmp_path / "receipt.bin"
    desk.print_receipt(d.code, open_printer(f"file://{out}", width_mm=80), copies=2)
    pages = parse_escpos(out.read_bytes()).pages
    assert len(pages) == 2 and all(p.cut for p in pages)
    image = pages[0].image
    assert image.width == 576 and image.height > 1200
    assert code128_texts(image) == [d.code]
    qr = [r.text for r in zxingcpp.read_barcodes(image)
          if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert qr == [d.code]
    # Reprinting renders the same receipt from the stored dossier.
    assert pages[1].image.tobytes() == image.tobytes()
    assert desk.render_receipt(d.code, 576).tobytes() == render_receipt(
        desk.receipt_slip(d.code), 576).tobytes()


def test_58mm_receipt_barcode_reads_back(desk, tmp_path):
    d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    out = tmp_path / "r58.bin"
    desk.print_receipt(d.code, open_printer(f"file://{out}", width_mm=58))
    image = parse_escpos(out.read_bytes()).pages[0].image
    assert image.width == 384
    assert code128_texts(image) == [d.code]


def bar_runs(image: Image.Image, y: int) -> list[int]:
    """Widths of the bar and space runs between the first and the last bar of a row."""
    row = [image.getpixel((x, y)) for x in range(image.width)]
    black = [x for x, value in enumerate(row) if not value]
    runs: list[int] = []
    for x in range(black[0], black[-1] + 1):
        if x > black[0] and row[x] == row[x - 1]:
            runs[-1] += 1
        else:
            runs.append(1)
    return runs


@pytest.mark.parametrize(("width", "module"), [(576, 2), (384, 1)])
def test_barcode_modules_are_whole_dots(width, module):
    code = "000.00.01.H26-260212-0001"
    assert barcode_layout(module_count(code), width)[0] == module
    m, quiet = barcode_layout(module_count(code), width)
    grey = code128_image(code, module=m, height=10, quiet_zone=quiet)
    assert {value for _count, value in grey.getcolors()} == {0, 255}  # never scaled: no grey
    image = grey.convert("1")
    assert image.width <= width
    runs = bar_runs(image, 5)
    assert all(run % module == 0 for run in runs)
    assert sum(runs) == module_count(code) * module


def test_long_documents_and_long_names_stay_within_the_paper(desk):
    from kiosk.dossiers import DocumentItem

    docs = [DocumentItem("Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp theo quy định tại Điều 5 "
                         f"Nghị định số 154/2024/NĐ-CP, mục {i}", "certified_copy", i % 3 + 1)
            for i in range(12)]
    d = desk.save_intake(intake(documents=docs), clerk=CLERK, at=THURSDAY_9AM)
    for width in (576, 384):
        image = desk.render_receipt(d.code, width)
        assert image.width == width and image.mode == "1"
        assert code128_texts(image) == [d.code]


def test_time_received_wording():
    assert time_received_vi(THURSDAY_9AM + timedelta(minutes=5)) == (
        "09 giờ 05 phút, ngày 12 tháng 02 năm 2026")


@needs_poppler
def test_a4_pdf_has_the_vietnamese_text_and_a_readable_barcode(desk, tmp_path):
    d = desk.save_intake(intake(), clerk=CLERK, at=THURSDAY_9AM)
    pdf = desk.write_receipt_pdf(d.code, tmp_path / "out" / "receipt.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", d.code, NAME, ID_NUMBER,
                     ADDRESS, EMAIL, OWNER, "Đăng ký thường trú", "Bản chính",
                     "Bản sao", "01 bộ", "07 ngày làm việc",
                     "09 giờ 00 phút, ngày 12 tháng 02 năm 2026",
                     "ngày 02 tháng 03 năm 2026", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ",
                     CLERK, "Công an xã", "Mã tra cứu tại máy lấy số:",
                     f"{d.short_code[:3]} {d.short_code[3:]}"):
        assert expected in text, expected
    # The top of the page (header, title, barcode) at 200 dpi: 0.33 mm modules are 2.6 px.
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", "-H", "700",
                    str(pdf), str(tmp_path / "page")], check=True)
    page = Image.open(tmp_path / "page.png")
    assert code128_texts(page) == [d.code]
