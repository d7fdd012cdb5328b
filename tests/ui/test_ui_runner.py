"""The station runner (kiosk/ui/runner.py): one start-up, loop and stop for every station."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import logging  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QTimer, Signal  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.paths import Paths  # noqa: E402
from kiosk.ui.runner import Opened, Station, run_station  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


class _Window(QWidget):
    quit_requested = Signal()
    finished = Signal(object)

    def __init__(self, stopped: list[str]) -> None:
        super().__init__()
        self.stopped = stopped

    def shutdown(self) -> None:
        self.stopped.append("window")


class _Service:
    def __init__(self, name: str, stopped: list[str], method: str = "stop") -> None:
        self.name = name
        setattr(self, method, lambda: stopped.append(name))


def _station(stopped: list[str], after: int, action: str, **declared) -> tuple[Station, dict]:
    built: dict = {}

    def open_(app, config, paths, **options):
        window = _Window(stopped)
        built.update(window=window, options=options)
        if action == "quit":
            QTimer.singleShot(after, window.quit_requested.emit)
        elif action == "finish":
            QTimer.singleShot(after, lambda: window.finished.emit("saved"))
        elif action == "sigterm":
            QTimer.singleShot(after, lambda: os.kill(os.getpid(), signal.SIGTERM))
        return Opened(window, services=[_Service("built", stopped, "close")], detail="test",
                      done=window.finished if declared.get("modal") else None)

    declared = {"services": (lambda config, paths: _Service("declared", stopped),
                             lambda config, paths: None), **declared}
    return Station("test station", open=open_, size=(320, 200), **declared), built


def main(data_dir: str) -> None:
    """The scenarios, in a child interpreter (see `runs`): each prints one JSON line."""
    import json

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    paths = Paths(Path(data_dir), Path(data_dir) / "kiosk.toml")
    logging.basicConfig(level=logging.INFO, format="LOG %(message)s")
    out: dict = {}
    # A modal station first: after app.exec() has ended once, Qt may end later local loops
    # at once (a shown window's quit), which is the station's business, not this test's.
    stopped: list[str] = []
    station, built = _station(stopped, 50, "finish", modal=True, refused=None)
    out["modal"] = {"result": run_station(station, None, paths), "stopped": stopped,
                    "hidden": built["window"].isHidden()}
    out["refused"] = run_station(Station("refusing", open=lambda app, config, paths: None,
                                         refused=7), Config(), paths)
    stopped = []
    station, built = _station(stopped, 50, "quit")
    before = signal.getsignal(signal.SIGTERM)
    out["quit"] = {"code": run_station(station, Config(), paths, flag=True),
                   "options": built["options"], "stopped": stopped,
                   "handler_restored": signal.getsignal(signal.SIGTERM) is before,
                   "width": built["window"].size().width()}
    stopped = []
    station, _ = _station(stopped, 100, "sigterm")
    out["sigterm"] = {"code": run_station(station, Config(), paths), "stopped": stopped}
    os.environ["KIOSK_EXIT_AFTER_FIRST_FRAME"] = "1"
    stopped = []
    station, _ = _station(stopped, 0, "none")
    out["first_frame"] = {"code": run_station(station, Config(), paths), "stopped": stopped}
    app.processEvents()
    print("RESULT " + json.dumps(out), flush=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Run the scenarios in a fresh interpreter: a finished app.exec() leaves Qt state behind
    that would end the next test's local event loops (qtbot.waitSignal) at once."""
    import json

    data_dir = tmp_path_factory.mktemp("runner")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_EXIT_AFTER_FIRST_FRAME", None)
    proc = subprocess.run([sys.executable, "-c", "import sys; from tests.ui.test_ui_runner import "
                           "main; main(sys.argv[1])", str(data_dir)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    result = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    return {**json.loads(result[len("RESULT "):]), "stdout": proc.stdout, "log": proc.stderr}


def test_a_station_runs_until_it_asks_to_quit_then_stops_everything_in_order(runs):
    quit_ = runs["quit"]
    assert quit_["code"] == 0
    assert quit_["options"] == {"flag": True}
    assert quit_["stopped"] == ["window", "declared", "built"]
    assert quit_["handler_restored"]
    assert quit_["width"] == 320
    assert "LOG test station started (test)" in runs["log"]
    assert "LOG test station stopped (exit code 0)" in runs["log"]


def test_sigterm_ends_the_loop_cleanly(runs):
    assert runs["sigterm"] == {"code": 0, "stopped": ["window", "declared", "built"]}


def test_a_modal_station_returns_what_it_finished_with(runs):
    assert runs["modal"] == {"result": "saved", "stopped": ["window", "declared", "built"],
                             "hidden": True}


def test_nothing_to_open_gives_the_refused_code(runs):
    assert runs["refused"] == 7


def test_exit_after_first_frame(runs):
    assert runs["first_frame"] == {"code": 0, "stopped": ["window", "declared", "built"]}
    assert any(line.startswith("first frame after ") for line in runs["stdout"].splitlines())


def test_every_station_declares_itself():
    from kiosk.ui.admin.standalone import ADMIN
    from kiosk.ui.app import KIOSK
    from kiosk.ui.counter.window import COUNTER
    from kiosk.ui.display.app import DISPLAY
    from kiosk.ui.office.window import OFFICE
    from kiosk.ui.rating_view import RATING
    from kiosk.ui.wizard.wizard import WIZARD

    stations = [KIOSK, COUNTER, DISPLAY, RATING, OFFICE, WIZARD, ADMIN]
    assert all(isinstance(s, Station) for s in stations)
    assert len({s.name for s in stations}) == len(stations)
    assert [s.name for s in stations if s.lockdown] == ["ticket kiosk"]
    assert {s.name for s in stations if s.modal} == {"set-up wizard", "admin view"}
    kiosk_config = Config().with_values(kiosk={"fullscreen": True})
    assert KIOSK.full_screen(kiosk_config, {})
    assert not DISPLAY.full_screen(Config().with_values(display={"fullscreen": True}),
                                   {"windowed": True})
    assert RATING.full_screen(Config(), {"fullscreen": True})


def busy_at_exit(data_dir: str, then: str) -> None:
    """`kiosk office` whose window leaves a lane busy past its stop wait; with then="fail",
    the command fails after the window closed (see the test below)."""
    import time

    import kiosk.ui.office
    from kiosk.cli import main
    from kiosk.ui.operations import Lane

    lane = Lane("test-busy", stop_wait_ms=200)

    class Busy(_Window):
        def shutdown(self) -> None:
            lane.stop()

    def open_(app, config, paths, **options):
        window = Busy([])
        lane.run(lambda _: time.sleep(30), label="a long read")
        QTimer.singleShot(50, window.quit_requested.emit)
        return Opened(window)

    def run_office(config, paths, prepare=None):
        code = run_station(Station("busy station", open=open_, size=(320, 200)), config, paths)
        if then == "fail":
            raise RuntimeError("a step after the window failed")
        return code

    kiosk.ui.office.run_office = run_office
    sys.exit(main(["--data-dir", data_dir, "office"]))


@pytest.mark.parametrize(("then", "code"), [("quit", 0), ("fail", 70)])
def test_a_lane_still_busy_at_exit_does_not_change_how_the_process_ends(tmp_path, then, code):
    """Qt aborts a process that deletes a running thread, which the interpreter's exit does;
    `kiosk run` would take the abort for a crash and open the window the user closed again,
    or take a clean exit for the failure that came after it (EXIT_CRASHED, 70)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_EXIT_AFTER_FIRST_FRAME", None)
    proc = subprocess.run([sys.executable, "-c", "import sys; from tests.ui.test_ui_runner import "
                           "busy_at_exit; busy_at_exit(*sys.argv[1:])", str(tmp_path), then],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == code, proc.stderr
    log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "lane test-busy did not stop within 200 ms (busy with a long read)" in log
    assert "leaving with lanes still busy: test-busy (a long read)" in log
