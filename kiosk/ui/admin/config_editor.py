"""The configuration editor of the admin view: a form generated from `kiosk.config.schema()`,
validated by the schema itself (`from_dict`), so a key added to the schema appears here with
its documentation and checks, and a value the file would refuse is refused here, naming it.

Each key shows its Vietnamese name (config_labels_vi), with the file's `[section] key` under
it and the schema's English documentation as its tooltip (a key without a Vietnamese name
shows its file name and documentation).

Secrets (tokens, keys) are masked with a "show" switch; the PIN hash is never shown or edited
as text (the admin view has a "change PIN" button instead).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import config as config_mod
from kiosk.config import Config, ConfigError
from kiosk.diagnostics.redact import is_secret_key
from kiosk.ui.admin.config_labels_vi import key_vi, section_vi
from kiosk.ui.widgets import mark_invalid

HIDDEN_KEYS = {("admin", "pin_hash")}
_INT_LIMIT = 2_000_000_000


def _type_of(f: dataclasses.Field) -> Any:
    tp = f.type
    if isinstance(tp, str):
        tp = {"str": str, "int": int, "float": float, "bool": bool}.get(tp, tuple)
    return tp


class _SecretField(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_button = QPushButton(self.tr("Hiện"))
        self.show_button.setCheckable(True)
        self.show_button.toggled.connect(self._toggle)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.show_button)

    def _toggle(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown
                              else QLineEdit.EchoMode.Password)
        self.show_button.setText(self.tr("Ẩn") if shown else self.tr("Hiện"))


class ConfigEditor(QWidget):
    """Sections on the left, the keys of the chosen section on the right."""

    changed = Signal()

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._config = config
        self.editors: dict[tuple[str, str], tuple[dataclasses.Field, QWidget]] = {}
        self.labels: dict[tuple[str, str], QLabel] = {}
        self.sections = QListWidget()
        self.sections.setObjectName("SectionList")
        self.sections.setFixedWidth(200)
        self.sections.setWordWrap(True)
        self.sections.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QStackedWidget()
        self._page_index: dict[str, int] = {}
        current: str | None = None
        form: QFormLayout | None = None
        for section, key, f in config_mod.schema():
            if section != current:
                current = section
                form = self._add_section(section)
            if (section, key) in HIDDEN_KEYS:
                continue
            assert form is not None
            editor = self._editor(section, key, f)
            self.editors[(section, key)] = (f, editor)
            english = f.metadata.get("doc", "")
            name_vi = key_vi(section, key)
            label = QLabel(name_vi or key)
            label.setProperty("role", "key")
            label.setWordWrap(True)
            label.setFixedWidth(230)
            label.setToolTip(english)
            self.labels[(section, key)] = label
            doc = QLabel(f"[{section}] {key}" if name_vi else english)
            doc.setProperty("role", "doc")
            doc.setWordWrap(True)
            doc.setToolTip(english)
            cell = QWidget()
            cell_box = QVBoxLayout(cell)
            cell_box.setContentsMargins(0, 0, 0, 6)
            cell_box.setSpacing(2)
            cell_box.addWidget(editor)
            cell_box.addWidget(doc)
            form.addRow(label, cell)
        self.sections.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.sections.setCurrentRow(0)
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.sections)
        box.addWidget(self.pages, 1)
        self.set_config(config)

    def _add_section(self, section: str) -> QFormLayout:
        self.sections.addItem(section_vi(section))
        item = self.sections.item(self.sections.count() - 1)
        item.setToolTip(f"[{section}]")
        page = QWidget()
        page.setProperty("role", "page")
        form = QFormLayout(page)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(10)
        form.setHorizontalSpacing(16)
        scroll = QScrollArea()
        scroll.setObjectName("PageScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        self._page_index[section] = self.pages.addWidget(scroll)
        return form

    def _editor(self, section: str, key: str, f: dataclasses.Field) -> QWidget:
        tp = _type_of(f)
        meta = f.metadata
        choices = meta.get("choices")
        if tp is bool:
            widget: QWidget = QCheckBox(self.tr("bật"))
            widget.toggled.connect(self.changed)
        elif choices:
            widget = QComboBox()
            for choice in choices:
                widget.addItem(str(choice), choice)
            widget.currentIndexChanged.connect(self.changed)
        elif tp is int:
            widget = QSpinBox()
            widget.setRange(int(meta["min"]) if meta.get("min") is not None else -_INT_LIMIT,
                            int(meta["max"]) if meta.get("max") is not None else _INT_LIMIT)
            widget.valueChanged.connect(self.changed)
        elif tp is float:
            widget = QDoubleSpinBox()
            widget.setDecimals(2)
            widget.setRange(float(meta["min"]) if meta.get("min") is not None else -1e9,
                            float(meta["max"]) if meta.get("max") is not None else 1e9)
            widget.valueChanged.connect(self.changed)
        elif tp is str and is_secret_key(key):
            widget = _SecretField()
            widget.edit.textEdited.connect(self.changed)
        else:
            widget = QLineEdit()
            if tp is not str:
                widget.setPlaceholderText(self.tr("các giá trị cách nhau bởi dấu phẩy"))
            widget.textEdited.connect(self.changed)
        widget.setObjectName(f"cfg-{section}-{key}")
        return widget

    # -- values ----------------------------------------------------------------------------

    def set_config(self, config: Config) -> None:
        self._config = config
        data = config_mod.to_dict(config)
        for (section, key), (_f, widget) in self.editors.items():
            value = data[section][key]
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QComboBox):
                index = widget.findData(value)
                widget.setCurrentIndex(max(0, index))
            elif isinstance(widget, QSpinBox | QDoubleSpinBox):
                widget.setValue(value)
            elif isinstance(widget, _SecretField):
                widget.edit.setText(str(value))
            elif isinstance(widget, QLineEdit):
                widget.setText(", ".join(value) if isinstance(value, list) else str(value))
            mark_invalid(widget, False)

    def values(self) -> dict[str, dict[str, Any]]:
        """Every key as the form holds it, the hidden ones as the configuration has them."""
        data = config_mod.to_dict(self._config)
        for (section, key), (f, widget) in self.editors.items():
            if isinstance(widget, QCheckBox):
                value: Any = widget.isChecked()
            elif isinstance(widget, QComboBox):
                value = widget.currentData()
            elif isinstance(widget, QSpinBox | QDoubleSpinBox):
                value = widget.value()
            elif isinstance(widget, _SecretField):
                value = widget.edit.text().strip()
            else:
                text = widget.text()
                if _type_of(f) is str:
                    value = text.strip()
                else:
                    value = [part.strip() for part in text.split(",") if part.strip()]
            data[section][key] = value
        return data

    def build(self) -> Config:
        """The configuration in the form, validated by the schema; ConfigError names the key
        (and its field is marked and shown)."""
        for _f, widget in self.editors.values():
            mark_invalid(widget, False)
        try:
            return config_mod.from_dict(self.values())
        except ConfigError as exc:
            self.show_key(exc.key)
            raise

    def show_key(self, key: str | None) -> None:
        if not key or "." not in key:
            return
        section, name = key.split(".", 1)
        entry = self.editors.get((section, name))
        if section in self._page_index:
            self.sections.setCurrentRow(self._page_index[section])
        if entry is not None:
            widget = entry[1]
            mark_invalid(widget, True)
            scroll = self.pages.currentWidget()
            if isinstance(scroll, QScrollArea):
                scroll.ensureWidgetVisible(widget)
            widget.setFocus()
