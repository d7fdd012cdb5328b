"""Scanning: image decoding per engine, the camera pipeline, and scan-to-form latency.

    python -m benchmarks scan [--quick] [--json]

1. Decoding a generated corpus of degraded images (benchmarks/scan_corpus.py: CCCD QR codes
   and CODE128 dossier codes under rotation, perspective, blur, noise, dim light, glare, small
   size and JPEG artefacts), zxing-cpp, pyzbar and OpenCV side by side, each once as a single
   plain read ("plain") and once through decode_image's preprocessing and retries. A read is
   correct when it equals the generated payload; any other text is a wrong result.
2. The camera pipeline on a generated 1280x720 video: capture, preview (downscaled to a QImage)
   and decoding, unthrottled (frames per second) and paced at 25 fps (CPU load, where 1.0 is
   one core fully busy). CPU is the process's user+system time.
3. Scan to form: bytes written to a pty standing in for a USB-CDC scanner -> SerialScanner ->
   Qt signal -> parse_scan -> QLineEdits of a small intake form filled.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections import Counter, defaultdict

from benchmarks.scan_corpus import DEGRADATIONS, KINDS, cccd_payload, corpus, write_video

#: Machine-readable figures of the last run, returned under "figures".
FIGURES: dict = {}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def bench_decoding(per_case: int) -> dict:
    from drivers.scanners.decoders import (
        available_engines,
        decode_detailed,
        get_engine,
        plausible,
    )
    from kiosk.scanning import check_read, repair_mojibake

    def validate(d):  # the kiosk's verdict, as the stations pass it
        return plausible(d, check_read)

    engines = [name for name, problem in available_engines().items() if problem is None]
    configs = [(e, retries) for e in engines for retries in (False, True)]
    read: Counter = Counter()
    wrong: Counter = Counter()
    total: Counter = Counter()
    times: dict[tuple[str, bool], list[float]] = defaultdict(list)
    misses: dict[tuple[str, bool], Counter] = defaultdict(Counter)
    unsupported: Counter = Counter()
    payload_bytes = []
    count = 0
    for sample in corpus(per_case):
        count += 1
        if sample.kind == "cccd":
            payload_bytes.append(len(sample.payload.encode("utf-8")))
        fmt = "qr" if sample.kind == "cccd" else "code128"
        for config in configs:
            engine, retries = config
            if fmt not in get_engine(engine).formats:
                unsupported[config] += 1
                continue
            started = time.perf_counter()
            texts = {d.text for d in decode_detailed(sample.image, engine, retries=retries,
                                                      validate=validate, repair=repair_mojibake)}
            times[config].append(time.perf_counter() - started)
            total[config] += 1
            if sample.payload in texts:
                read[config] += 1
            else:
                misses[config][f"{sample.kind}/{sample.degradation}"] += 1
            if texts - {sample.payload}:
                wrong[config] += 1
    out: dict = {
        "corpus": f"{count} generated images: {len(KINDS)} kinds x {len(DEGRADATIONS)} "
                  f"degradations ({', '.join(DEGRADATIONS)}) x {per_case}; CCCD QR payloads "
                  f"{min(payload_bytes)}-{max(payload_bytes)} bytes UTF-8, CODE128 dossier codes",
    }
    for config in configs:
        engine, retries = config
        label = f"{engine}{'' if retries else ' plain'}"
        if not total[config]:
            continue
        rate = read[config] / total[config]
        summary = (f"{rate:.1%} of {total[config]} read, {wrong[config]} wrong, "
                   f"mean {_ms(statistics.fmean(times[config]))}, "
                   f"p95 {_ms(_pct(times[config], 0.95))}")
        if unsupported[config]:
            summary += f" ({unsupported[config]} CODE128 images skipped: not supported)"
        out[label] = summary
        if misses[config] and retries:
            out[f"{label} misses"] = ", ".join(f"{k} {v}" for k, v in
                                               sorted(misses[config].items()))
        FIGURES[f"decode {label}"] = {"read_rate": round(rate, 4), "wrong": wrong[config],
                          "mean_ms": round(statistics.fmean(times[config]) * 1000, 2),
                          "p95_ms": round(_pct(times[config], 0.95) * 1000, 2)}
    return out


def bench_camera(quick: bool) -> dict:
    from PySide6.QtGui import QImage  # noqa: F401 - the preview path includes the QImage copy

    from drivers.scanners.camera import CameraScanner
    from drivers.scanners.qt_adapters import preview_to_qimage

    rng = random.Random(11)
    codes = 3 if quick else 8
    payloads = [cccd_payload(rng) for _ in range(codes)]
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        video = os.path.join(tmp, "desk.avi")
        write_video(video, payloads, frames_per_code=15 if quick else 30)
        for realtime in (False, True):
            scans = []
            camera = CameraScanner(video, scans.append, realtime=realtime,
                                   on_frame=lambda preview: preview_to_qimage(preview))
            cpu0, wall0 = time.process_time(), time.perf_counter()
            camera.start()
            camera.wait(120)
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            camera.stop()
            found = [s.text for s in scans]
            correct = sum(1 for p in payloads if p in found)
            if realtime:
                out["camera 1280x720 at 25 fps"] = (
                    f"CPU load {cpu / wall:.2f} cores, {correct}/{codes} codes read, "
                    f"{len(found) - correct} wrong")
                FIGURES["camera_cores_at_25fps"] = round(cpu / wall, 3)
            else:
                out["camera 1280x720 unthrottled"] = (
                    f"{camera.frames / wall:.0f} fps, {cpu / camera.frames * 1000:.1f} ms CPU "
                    f"per frame, {correct}/{codes} codes read, {len(found) - correct} wrong")
                FIGURES["camera_fps"] = round(camera.frames / wall, 1)
                FIGURES["camera_cpu_ms_per_frame"] = round(cpu / camera.frames * 1000, 2)
    return out


def bench_scan_to_form(quick: bool) -> dict:
    if not hasattr(os, "openpty"):
        return {"scan to form": "skipped: needs a POSIX pty"}
    from PySide6.QtCore import QEventLoop, QObject, QTimer, Slot
    from PySide6.QtWidgets import QApplication, QFormLayout, QLineEdit, QWidget

    from drivers.scanners.qt_adapters import QtSerialScanner
    from kiosk.scanning import parse_scan

    app = QApplication.instance() or QApplication([])

    class IntakeForm(QWidget):
        def __init__(self) -> None:
            super().__init__()
            layout = QFormLayout(self)
            self.edits = {name: QLineEdit() for name in
                          ("id_number", "full_name", "date_of_birth", "address")}
            for name, edit in self.edits.items():
                layout.addRow(name, edit)
            self.filled_at = 0.0

        @Slot(object)
        def on_scan(self, event) -> None:
            result = parse_scan(event.text)
            if result.kind == "cccd" and result.fields:
                for name, edit in self.edits.items():
                    edit.setText(result.fields[name])
                self.filled_at = time.perf_counter()

    rng = random.Random(5)
    payloads = [cccd_payload(rng).encode("utf-8") + b"\r\n" for _ in range(10 if quick else 60)]
    master, slave = os.openpty()
    tmp = tempfile.TemporaryDirectory()
    link = os.path.join(tmp.name, "scanner")
    os.symlink(os.ttyname(slave), link)
    form = IntakeForm()
    scanner = QtSerialScanner(port=link)
    scanner.scanned.connect(form.on_scan)
    connected = QEventLoop()

    class Waiter(QObject):
        @Slot(str, str)
        def on_status(self, status: str, port: str) -> None:
            if status == "connected":
                connected.quit()

    waiter = Waiter()
    scanner.status_changed.connect(waiter.on_status)
    QTimer.singleShot(5000, connected.quit)
    scanner.start()
    connected.exec()
    latencies = []
    try:
        for payload in payloads:
            form.filled_at = 0.0
            loop = QEventLoop()
            timer = QTimer()
            timer.setInterval(1)
            timer.timeout.connect(lambda loop=loop: form.filled_at and loop.quit())
            timer.start()
            QTimer.singleShot(2000, loop.quit)
            sent = time.perf_counter()
            os.write(master, payload)
            loop.exec()
            timer.stop()
            if form.filled_at:
                latencies.append(form.filled_at - sent)
            app.processEvents()
    finally:
        scanner.stop()
        os.close(master)
        os.close(slave)
        tmp.cleanup()
    if not latencies:
        return {"scan to form": "failed: no scan reached the form"}
    FIGURES["scan_to_form_mean_ms"] = round(statistics.fmean(latencies) * 1000, 2)
    FIGURES["scan_to_form_p95_ms"] = round(_pct(latencies, 0.95) * 1000, 2)
    return {
        "scan to form (serial pty -> QLineEdit)": (
            f"mean {_ms(statistics.fmean(latencies))}, p95 {_ms(_pct(latencies, 0.95))}, "
            f"max {_ms(max(latencies))}, {len(latencies)}/{len(payloads)} scans"),
    }


def run(quick: bool = False) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    FIGURES.clear()
    results: dict = {}
    results.update(bench_scan_to_form(quick))
    results.update(bench_camera(quick))
    results.update(bench_decoding(2 if quick else 25))
    results["figures"] = dict(FIGURES)
    return results
