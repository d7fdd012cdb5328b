"""The rule "the UI never blocks on the database, a printer, a decoder or the network"
(docs/architecture.md): no module under kiosk/ui opens a database connection or a socket
outside the operation lanes.

Two checks: over the source, no kiosk/ui module imports a database or network library itself
(the allow-list below may only shrink); at run time, tests/uiguard.py fails any test during
which the UI thread opened a connection or a socket from kiosk/ui code. The guard's own
behaviour is tested here too.
"""

from __future__ import annotations

import sqlite3
import threading

from tests import uiguard
from tests.test_layers import _check_allowed

# Libraries that open database connections or talk to the network.
IO_LIBRARIES = ("sqlite3", "sqlite_utils", "socket", "requests", "aiohttp", "urllib.request",
                "http.client")

# kiosk/ui modules that import one of them anyway, with the reason. May only shrink (an entry
# that no longer applies fails the test, so it goes with the fix).
UI_IO_ALLOWED: dict[str, set[str]] = {}


def test_ui_modules_import_no_database_or_network_library():
    problems = _check_allowed("kiosk.ui", IO_LIBRARIES, UI_IO_ALLOWED)
    assert not problems, "\n".join(problems)


def test_the_guard_allow_list_names_modules_that_exist():
    from tests.test_layers import _modules

    modules = _modules()
    names = [*uiguard.ALLOWED,
             *(name.partition(":")[0] for name in uiguard.ALLOWED_FUNCTIONS)]
    for name in names:
        assert name in modules, f"{name} is gone: remove it from tests/uiguard.py's lists"


# -- the run-time guard ------------------------------------------------------------------------

def _as_ui_code(source: str, name: str = "guard_probe.py") -> None:
    """Run `source` as if it were a module under kiosk/ui (its frame's file is there)."""
    exec(compile(source, uiguard.UI_DIR + name, "exec"), {"sqlite3": sqlite3})


def test_the_guard_sees_ui_code_opening_a_database_on_the_ui_thread(qapp):
    _as_ui_code("sqlite3.connect(':memory:').close()")
    found = uiguard.take()  # taken, so this test itself does not fail
    assert [(v.event, v.module) for v in found] == [("sqlite3.connect",
                                                      "kiosk.ui.guard_probe")]
    assert "guard_probe.py:1" in found[0].where


def test_the_guard_sees_ui_code_connecting_a_socket_on_the_ui_thread(qapp):
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        exec(compile(f"with socket.create_connection(('127.0.0.1', {port})): pass",
                     uiguard.UI_DIR + "guard_probe.py", "exec"), {"socket": socket})
    assert "socket.connect" in {v.event for v in uiguard.take()}


def test_the_guard_leaves_lanes_other_threads_and_test_code_alone(qtbot):
    from kiosk.ui.operations import Lane

    sqlite3.connect(":memory:").close()  # test code on the UI thread: no kiosk/ui frame
    done = []
    thread = threading.Thread(target=_as_ui_code, args=("sqlite3.connect(':memory:').close()",))
    thread.start()
    thread.join()
    lane = Lane("guard-probe")
    try:
        lane.run(lambda _r: _as_ui_code("sqlite3.connect(':memory:').close()"),
                 done=done.append)
        qtbot.waitUntil(lambda: done == [None], timeout=5000)
    finally:
        lane.stop(5000)
    assert uiguard.take() == []


def test_the_guard_keeps_to_its_allow_list(qapp, monkeypatch):
    monkeypatch.setitem(uiguard.ALLOWED_FUNCTIONS, "kiosk.ui.app:start_office_hub", "probe")
    _as_ui_code("def start_office_hub():\n    sqlite3.connect(':memory:').close()\n"
                "start_office_hub()", "app.py")
    assert uiguard.take() == []  # that one function is allowed
    _as_ui_code("def build_window():\n    sqlite3.connect(':memory:').close()\n"
                "build_window()", "app.py")
    assert [v.function for v in uiguard.take()] == ["build_window"]  # the rest is not


def test_a_violation_fails_the_test(tmp_path):
    import os
    import subprocess
    import sys

    (tmp_path / "conftest.py").write_text(
        "from tests.uiguard import _ui_thread_guard  # noqa: F401\n", encoding="utf-8")
    (tmp_path / "test_probe.py").write_text(f"""
import sqlite3
from PySide6.QtWidgets import QApplication

def test_probe():
    app = QApplication.instance() or QApplication([])
    exec(compile("sqlite3.connect(':memory:').close()", {uiguard.UI_DIR + 'probe.py'!r},
                 "exec"), {{"sqlite3": sqlite3}})
""", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(uiguard.ROOT), QT_QPA_PLATFORM="offscreen")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-p", "no:randomly", str(tmp_path)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert "1 passed, 1 error" in run.stdout, run.stdout + run.stderr
    assert "sqlite3.connect on the UI thread from kiosk.ui.probe" in run.stdout
