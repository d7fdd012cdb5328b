"""Image decoding: engines, Vietnamese text, preprocessing and retries, validation, CLI."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402
import qrcode  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

from drivers.scanners import decoders  # noqa: E402
from drivers.scanners.decoders import (  # noqa: E402
    Decoded,
    EngineUnavailable,
    decode_detailed,
    decode_image,
    get_engine,
    plausible,
)
from kiosk.config import Config  # noqa: E402
from kiosk.scanning import check_read, repair_mojibake  # noqa: E402

CCCD = ("089202017098|352576714|Lê Văn Lương|23052002|Nam|"
        "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang|31122021")
CCCD_NO_OLD_ID = ("034303011829||Nguyễn Thị Hoa|21032003|Nữ|"
                  "Thôn Lai Ổn, An Quý, Quỳnh Phụ, Thái Bình|14082021")
SHORT_NAME = "HUỲNH HIẾU THUẬN"  # zbar's encoding guess turns this into Chinese characters
DOSSIER = "000.00.01.H26-260115-0007"


def qr_image(text: str, box: int = 4) -> Image.Image:
    # Bytes, not str: byte mode with no ECI marker, as on the cards.
    return qrcode.make(text.encode("utf-8"), box_size=box, border=4).get_image().convert("L")


def code128_image(text: str, scale: int = 3) -> Image.Image:
    import numpy as np
    import zxingcpp

    bars = np.array(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128)
                    .to_image(scale=scale, add_quiet_zones=True))
    return ImageOps.expand(Image.fromarray(bars).convert("L"), border=30, fill=255)


def engines():
    out = []
    for name in decoders.ENGINES:
        try:
            get_engine(name)
        except EngineUnavailable:
            continue
        out.append(name)
    return out


@pytest.mark.parametrize("engine", engines())
@pytest.mark.parametrize("text", [CCCD, CCCD_NO_OLD_ID, SHORT_NAME])
def test_every_engine_reads_vietnamese_utf8(engine, text):
    assert decode_image(qr_image(text), engine) == [text]


def test_plain_pyzbar_garbles_but_our_zbar_engine_does_not():
    pyzbar = pytest.importorskip("pyzbar.pyzbar")
    raw = pyzbar.decode(qr_image(SHORT_NAME))[0].data.decode("utf-8")
    assert raw != SHORT_NAME  # the known problem (e.g. "HU廙淇H HI廕銳 THU廕昧")
    read = decode_detailed(qr_image(SHORT_NAME), "zbar")
    assert read[0].text == SHORT_NAME and read[0].data == SHORT_NAME.encode("utf-8")


def test_zbar_without_binary_mode_falls_back_to_mojibake_repair(monkeypatch):
    pytest.importorskip("pyzbar.pyzbar")
    engine = get_engine("zbar")
    real = engine._w.zbar_image_scanner_set_config

    def old_zbar(scanner, symbol, config, value):  # zbar < 0.23.1 refuses the binary option
        return 1 if config == decoders._ZBAR_CFG_BINARY else real(scanner, symbol, config, value)

    monkeypatch.setattr(engine._w, "zbar_image_scanner_set_config", old_zbar)
    fixed = {"check": check_read, "repair": repair_mojibake}
    assert decode_image(qr_image(CCCD), "zbar", **fixed) == [CCCD]
    assert decode_image(qr_image(SHORT_NAME), "zbar", **fixed) == [SHORT_NAME]


@pytest.mark.parametrize("engine", [e for e in engines() if e != "opencv"])
def test_dossier_code128(engine):
    assert decode_image(code128_image(DOSSIER), engine) == [DOSSIER]


def test_opencv_cannot_read_code128_and_says_nothing():
    pytest.importorskip("cv2")
    assert "code128" not in get_engine("opencv").formats
    assert decode_image(code128_image(DOSSIER), "opencv") == []


def test_a_tilted_linear_code_is_found_by_the_rotation_retry():
    image = code128_image(DOSSIER, scale=2).rotate(35, resample=Image.Resampling.BICUBIC,
                                                   expand=True, fillcolor=255)
    assert decode_image(image, retries=False) == []
    assert decode_image(image) == [DOSSIER]


def test_stripe_angle_estimate():
    image = code128_image(DOSSIER, scale=2)
    for angle in (0, 25, -60):
        turned = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True,
                              fillcolor=255)
        estimate = decoders.stripe_angles(turned)[0]
        assert abs((estimate + angle + 90) % 180 - 90) < 4, (angle, estimate)


def test_transparent_png_and_file_paths(tmp_path):
    rgba = qr_image(DOSSIER).convert("RGBA")
    # Dark modules opaque, light modules transparent: must be read as dark on white paper.
    rgba.putalpha(ImageOps.invert(qr_image(DOSSIER)))
    path = tmp_path / "qr.png"
    rgba.save(path)
    assert decode_image(path) == [DOSSIER]
    assert decode_image(str(path)) == [DOSSIER]


def test_validation():
    def linear(text):
        return Decoded(text, text.encode(), "code128", "zxing")

    assert plausible(linear(DOSSIER), check_read) is True
    assert plausible(linear("000.00.01.H26-261315-0007"), check_read) is False  # month 13
    assert plausible(linear("0015161417235320"), check_read) is None  # needs a 2nd read
    assert plausible(Decoded(CCCD, CCCD.encode(), "qr", "zxing"), check_read) is True
    garbled = CCCD.replace("Lê Văn Lương", "L磚 V融 L튼ng")
    assert plausible(Decoded(garbled, garbled.encode(), "qr", "zbar"), check_read) is False
    assert plausible(Decoded("ab\ufffdc", b"", "qr", "zxing"), check_read) is False
    # Without the kiosk's check the driver only knows printable text and QR vs linear.
    assert plausible(linear(DOSSIER)) is None
    assert plausible(Decoded(CCCD, CCCD.encode(), "qr", "zxing")) is True
    assert plausible(Decoded("ab\ufffdc", b"", "qr", "zxing")) is False
    assert "Lê" not in repr(Decoded(CCCD, CCCD.encode(), "qr", "zxing"))


def test_a_single_unconfirmed_linear_read_is_not_returned(monkeypatch):
    calls = []

    class OneShot(decoders._Engine):
        name = "fake"
        formats = frozenset({"code128"})

        def read(self, image, formats, thorough):
            calls.append(1)
            return [Decoded("0015161417235320", b"0015161417235320", "code128", "fake")] if len(
                calls) == 3 else []

    monkeypatch.setitem(decoders._ENGINE_CLASSES, "fake", OneShot)
    get_engine.cache_clear()
    try:
        assert decode_image(code128_image(DOSSIER), "fake", formats=("code128",)) == []
        assert len(calls) > 3  # it kept trying after the unconfirmed read
    finally:
        get_engine.cache_clear()


def test_degraded_corpus_sample_reads_right_with_zero_wrong():
    pytest.importorskip("cv2")
    from benchmarks.scan_corpus import corpus

    for sample in corpus(1, seed=99):
        assert decode_image(sample.image) == [sample.payload], sample.name


def test_base_install_without_opencv(monkeypatch):
    monkeypatch.setitem(sys.modules, "cv2", None)  # import cv2 -> ImportError
    get_engine.cache_clear()
    try:
        assert decode_image(qr_image(CCCD)) == [CCCD]
        with pytest.raises(EngineUnavailable, match=r"hcc-kiosk\[camera\]"):
            get_engine("opencv")
        assert decoders.available_engines()["opencv"] is not None
        from drivers.scanners.camera import CameraScanner

        with pytest.raises(EngineUnavailable, match="camera"):
            CameraScanner(0, lambda e: None)
    finally:
        get_engine.cache_clear()


def test_missing_pyzbar_gives_an_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyzbar", None)
    get_engine.cache_clear()
    try:
        with pytest.raises(EngineUnavailable, match="libzbar0"):
            get_engine("zbar")
    finally:
        get_engine.cache_clear()


def test_unknown_engine():
    with pytest.raises(ValueError, match="zxing"):
        decode_image(qr_image(CCCD), "tesseract")


# --- `kiosk scan decode` ----------------------------------------------------------------------


def _run(argv, capsys):
    from kiosk.commands.scan_devices import register_into

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    register_into(sub.add_parser("scan").add_subparsers())
    args = parser.parse_args(["scan", *argv])
    code = args.handler(args, Config(), None)
    lines = capsys.readouterr().out.splitlines()
    return code, [json.loads(line) for line in lines]


@pytest.mark.parametrize("engine", ["zxing", "zbar"])
def test_cli_decode_prints_one_json_object_per_image(tmp_path, capsys, engine):
    assert engine in engines()  # the dev install carries the optional engines
    cccd, old, dossier = tmp_path / "cccd.png", tmp_path / "old.jpg", tmp_path / "receipt.png"
    qr_image(CCCD).save(cccd)
    qr_image(CCCD_NO_OLD_ID, box=6).save(old, quality=60)
    code128_image(DOSSIER).save(dossier)
    code, out = _run(["decode", str(cccd), str(old), str(dossier), "--engine", engine], capsys)
    assert code == 0
    assert out[0] == {
        "file": str(cccd), "text": CCCD, "kind": "cccd", "error": None,
        "fields": {"id_number": "089202017098", "old_id_number": "352576714",
                   "full_name": "Lê Văn Lương", "date_of_birth": "2002-05-23", "gender": "male",
                   "address": "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang",
                   "issue_date": "2021-12-31"}}
    assert out[1]["fields"]["old_id_number"] is None
    assert out[1]["fields"]["gender"] == "female"
    assert out[2]["kind"] == "dossier" and out[2]["text"] == DOSSIER
    assert out[2]["fields"]["code"] == DOSSIER


def test_cli_decode_reports_images_without_codes(tmp_path, capsys):
    blank, broken = tmp_path / "blank.png", tmp_path / "broken.png"
    Image.new("L", (200, 200), 255).save(blank)
    broken.write_bytes(b"not a png")
    code, out = _run(["decode", str(blank), str(broken)], capsys)
    assert code == 2
    assert out[0]["text"] is None and out[0]["error"]["code"] == "decode.not_found"
    assert out[1]["error"]["code"] == "decode.unreadable"
    assert out[0]["kind"] == "unknown" and out[0]["file"] == str(blank)


def test_cli_decode_flags_a_rejected_card(tmp_path, capsys):
    forged = CCCD.replace("|Nam|", "|Nữ|")  # digit 4 of the ID number says male
    path = tmp_path / "forged.png"
    qr_image(forged).save(path)
    code, out = _run(["decode", str(path)], capsys)
    assert code == 2
    assert out[0]["text"] == forged and out[0]["error"]["code"] == "cccd.id_gender"


def test_cli_decode_with_a_missing_engine(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "cv2", None)
    get_engine.cache_clear()
    try:
        code, out = _run(["decode", str(tmp_path / "x.png"), "--engine", "opencv"], capsys)
    finally:
        get_engine.cache_clear()
    assert code == 2 and out == []
