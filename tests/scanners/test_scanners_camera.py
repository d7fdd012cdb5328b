"""The camera path, on a generated video file standing in for the camera."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import random  # noqa: E402

import pytest  # noqa: E402

cv2 = pytest.importorskip("cv2")

from benchmarks.scan_corpus import cccd_payload, write_video  # noqa: E402
from drivers.scanners import CameraScanner, ScannerStatus, parse_source  # noqa: E402

PUBLIC_SAMPLE = ("089202017098|352576714|Lê Văn Lương|23052002|Nam|"
                 "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang|31122021")


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    rng = random.Random(4)
    payloads = [PUBLIC_SAMPLE, cccd_payload(rng), cccd_payload(rng)]
    path = tmp_path_factory.mktemp("camera") / "desk.avi"
    # Each QR drifts between random positions over 12 frames of a 1280x720 desk.
    write_video(str(path), payloads, frames_per_code=12, module_px=3.5)
    return str(path), payloads


def test_video_file_is_read_like_a_camera(video):
    path, payloads = video
    scans, statuses, previews = [], [], []
    camera = CameraScanner(path, scans.append, on_status=lambda s, src: statuses.append(s),
                           on_frame=lambda p: previews.append(p.shape), preview_width=480)
    camera.start()
    assert camera.wait(20)
    camera.stop()
    # Each code is reported once, although it is in view for 12 frames.
    assert [s.text for s in scans] == payloads
    assert scans[0].data == PUBLIC_SAMPLE.encode("utf-8")
    assert scans[0].source == f"camera:{path}"
    assert statuses == [ScannerStatus.CONNECTED, ScannerStatus.ENDED]
    assert camera.frames == len(previews) > 36
    assert set(previews) == {(270, 480, 3)}  # downscaled for display


def test_nothing_is_written_next_to_the_video_or_in_the_working_dir(video, tmp_path, monkeypatch):
    path, _ = video
    monkeypatch.chdir(tmp_path)
    before = sorted(os.listdir(os.path.dirname(path)))
    camera = CameraScanner(path, lambda e: None, on_frame=lambda p: None)
    camera.start()
    camera.wait(20)
    camera.stop()
    assert sorted(os.listdir(os.path.dirname(path))) == before
    assert os.listdir(tmp_path) == []


def test_zbar_engine_reads_vietnamese_from_the_video(video):
    pytest.importorskip("pyzbar")
    path, payloads = video
    scans = []
    camera = CameraScanner(path, scans.append, engine="zbar")
    camera.start()
    camera.wait(30)
    camera.stop()
    assert [s.text for s in scans] == payloads


def test_a_missing_camera_is_retried_until_stopped(tmp_path):
    # A path that does not exist may be a camera not plugged in yet (/dev/video2): retried.
    import threading

    statuses, seen = [], threading.Event()

    def on_status(status, source):
        statuses.append(status)
        seen.set()

    camera = CameraScanner(str(tmp_path / "video9"), lambda e: None, on_status=on_status,
                           reconnect_s=0.05)
    camera.start()
    assert seen.wait(5)
    assert not camera.wait(0.2)  # still trying
    camera.stop()
    assert statuses == [ScannerStatus.DISCONNECTED, ScannerStatus.STOPPED]


def test_sources():
    assert parse_source("0") == 0
    assert parse_source(" 2 ") == 2
    assert parse_source("/dev/video2") == "/dev/video2"


def test_qt_adapter_emits_preview_qimages_and_scans(qtbot, video):
    from PySide6.QtGui import QImage

    from drivers.scanners.qt_adapters import QtCameraScanner

    path, payloads = video
    adapter = QtCameraScanner(path, preview_width=320)
    frames, scans = [], []
    adapter.frame.connect(lambda img: frames.append((img.width(), img.height(), img.format())))
    adapter.scanned.connect(lambda e: scans.append(e.text))
    with qtbot.waitSignal(adapter.status_changed, timeout=20000,
                          check_params_cb=lambda status, src: status == "ended"):
        adapter.start()
    qtbot.waitUntil(lambda: len(scans) == len(payloads), timeout=5000)
    adapter.stop()
    assert scans == payloads
    assert frames and set(frames) == {(320, 180, QImage.Format.Format_BGR888)}
