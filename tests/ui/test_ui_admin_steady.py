"""The admin view in one language and without slips (pytest-qt, the real view at 1366x768 on a
real station folder): the exit question defaults to staying, the test-print button does not
move when its result appears, the doctor's checks and the configuration's keys are named in
Vietnamese (the doctor's English detail kept as a second, smaller line)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, Qt, QTimer  # noqa: E402

from kiosk import config as config_mod  # noqa: E402
from kiosk.ui.admin import AdminView  # noqa: E402
from kiosk.ui.admin.config_editor import HIDDEN_KEYS  # noqa: E402
from kiosk.ui.admin.config_labels_vi import KEYS_VI, SECTIONS_VI  # noqa: E402
from kiosk.ui.admin.doctor_vi import CHECK_NAMES_VI, STATUS_VI  # noqa: E402
from kiosk.ui.admin.tasks import pending_tasks  # noqa: E402
from kiosk.ui.qtapp import ensure_app, load_fonts  # noqa: E402
from tests.ui.test_ui_admin import station, view  # noqa: E402, F401 - fixtures


def test_the_exit_question_defaults_to_staying(qtbot, station):  # noqa: F811
    config, paths, *_ = station
    load_fonts(ensure_app())
    v = AdminView(config, paths, supervised=True, over_kiosk=True, idle_close_ms=None)
    qtbot.addWidget(v)
    v.resize(1366, 768)
    v.show()
    qtbot.waitExposed(v)
    seen = []

    def answer(press):
        box = v.exit_box
        if box is None:
            QTimer.singleShot(20, lambda: answer(press))
            return
        seen.append(box.defaultButton().text())
        qtbot.keyClick(box, press)

    exits = []
    v.exit_requested.connect(lambda: exits.append(True))
    for press in (Qt.Key.Key_Return, Qt.Key.Key_Escape):
        QTimer.singleShot(20, lambda p=press: answer(p))
        qtbot.mouseClick(v.exit_button, Qt.MouseButton.LeftButton)
    assert seen == ["Không", "Không"] and exits == []
    qtbot.waitUntil(lambda: pending_tasks() == 0, timeout=15000)
    v.close()


def test_test_print_button_stays_put(qtbot, view, station):  # noqa: F811
    view.tabs.setCurrentWidget(view.devices_tab)
    panel = view.devices_tab.printer_panel
    qtbot.wait(50)

    def where():
        return [(b.mapTo(view, QPoint(0, 0)), b.size())
                for b in (panel.print_button, panel.status_button,
                          view.devices_tab.scan_panel.listen_button)]

    before = where()
    qtbot.mouseClick(panel.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.last_ok is not None, timeout=15000)
    assert panel.last_ok and panel.result.isVisible()
    qtbot.wait(20)
    assert where() == before


def test_doctor_tab_names_checks_in_vietnamese(qtbot, view):  # noqa: F811
    tab = view.doctor_tab
    view.tabs.setCurrentWidget(tab)
    qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(tab.results), timeout=20000)
    assert all(r.name in CHECK_NAMES_VI for r in tab.results), [r.name for r in tab.results]
    from PySide6.QtWidgets import QLabel

    names = [w.text() for w in tab.rows.findChildren(QLabel, "CheckName")]
    chips = [w.text() for w in tab.rows.findChildren(QLabel, "CheckStatus")]
    details = [w.text() for w in tab.rows.findChildren(QLabel, "CheckDetail")]
    assert sorted(names) == sorted(CHECK_NAMES_VI[r.name] for r in tab.results)
    assert "Máy chủ thành phố" in names and "Cơ sở dữ liệu" in names
    assert set(chips) <= {word for word, _ in STATUS_VI.values()} and "Lỗi" in chips
    # The technician's detail is still there, on its own smaller line.
    city = next(r for r in tab.results if r.name == "city server")
    assert any(city.detail in d and d.startswith("Chi tiết kỹ thuật: ") for d in details)


def test_configuration_keys_have_vietnamese_names(view):  # noqa: F811
    editor = view.config_tab.editor
    shown = {(s, k) for s, k, _ in config_mod.schema()} - HIDDEN_KEYS
    assert shown <= set(KEYS_VI)
    for key in shown:
        label = editor.labels[key]
        assert label.text() == KEYS_VI[key]
        assert label.toolTip()  # the English documentation, for the technician who wants it
    sections = [editor.sections.item(i).text() for i in range(editor.sections.count())]
    assert sections == [SECTIONS_VI[s] for s in dict.fromkeys(s for s, _, _ in
                                                              config_mod.schema())]
