"""Screen languages through Qt's translation system, the one path for every screen's words.

The source strings in the code are Vietnamese, in `self.tr("...")` inside a widget's methods,
`translate("Context", "...")` elsewhere, and `N_("...")` for the words of a module-level table
(shown with `tr_marked(word)` when the widget is built). `assets/translations/kiosk_en.qm`
(built from kiosk_en.ts by scripts/update_translations.sh, finished translations only) turns
them into English. The citizen's screens offer English; the clerk's and technician's screens
have no English translation, so they stay Vietnamese even over an English kiosk. Switching
installs or removes the translator, and Qt sends every widget a LanguageChange event. Service
names and priority labels are data, not UI text: they come from the catalog and the domain
model.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk.assets import asset_path

log = logging.getLogger(__name__)

LANGUAGES = ("vi", "en")
SOURCE_LANGUAGE = "vi"


def translation_file(language: str):
    return asset_path("translations", f"kiosk_{language}.qm")


class LanguageSwitcher:
    """Owns the application's translator for one screen; `set_language` switches it live."""

    def __init__(self, app: QCoreApplication):
        self._app = app
        self._translators: dict[str, QTranslator] = {}
        self._installed: QTranslator | None = None
        self.language = SOURCE_LANGUAGE

    def _translator(self, language: str) -> QTranslator | None:
        if language not in self._translators:
            translator = QTranslator()
            path = translation_file(language)
            if not translator.load(str(path)):
                log.warning("cannot load the %s translation %s; showing Vietnamese text",
                            language, path)
                return None
            self._translators[language] = translator
        return self._translators[language]

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        self.language = language
        wanted = None if language == SOURCE_LANGUAGE else self._translator(language)
        if wanted is self._installed:
            return
        if self._installed is not None:
            self._app.removeTranslator(self._installed)
            self._installed = None
        if wanted is not None:
            self._app.installTranslator(wanted)
            self._installed = wanted

    def close(self) -> None:
        if self._installed is not None:
            self._app.removeTranslator(self._installed)
            self._installed = None


def translate(context: str, text: str) -> str:
    """`text` (Vietnamese source) in the installed language, for code outside a QObject's
    methods (module functions, static methods); pyside6-lupdate reads `translate("Context",
    "...")` calls like `self.tr("...")`."""
    return QCoreApplication.translate(context, text)


def N_(text: str) -> str:
    """Marks a word of a module-level table for pyside6-lupdate (read as QT_TR_NOOP, so without
    a context: scripts/update_translations.sh passes the alias); the screen shows it with
    `tr_marked(word)` when it builds the widget."""
    return text


def tr_marked(text: str) -> str:
    """A word marked with N_(), in the installed language."""
    return QCoreApplication.translate("", text)
