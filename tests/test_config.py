import re
from pathlib import Path

import pytest

from kiosk import config as cfg
from kiosk.config import Config, ConfigError

DOCS = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults(tmp_path):
    assert cfg.load(tmp_path / "nope.toml") == Config()


def test_values_are_read_and_coerced(tmp_path):
    path = write(tmp_path, """
[office]
name = "Điểm phục vụ hành chính công phường Hoàn Kiếm"
[printer]
uri = "tcp://192.0.2.10:9100"
width = 58
timeout_s = 5
[kiosk]
services = ["CT", "HT"]
""")
    c = cfg.load(path)
    assert c.office.name.endswith("Hoàn Kiếm")
    assert c.printer.width == 58
    assert c.printer.timeout_s == 5.0 and isinstance(c.printer.timeout_s, float)
    assert c.kiosk.services == ("CT", "HT")


@pytest.mark.parametrize(("text", "key", "words"), [
    ("[printer]\nwidth = 70", "printer.width", "must be 58 or 80"),
    ("[printer]\nwidht = 80", "printer.widht", "unknown key"),
    ("[printer]\nuri = \"ftp://x\"", "printer.uri", "usb://"),
    ("[kiosk]\nconfirm_timeout_s = 1", "kiosk.confirm_timeout_s", "at least 3"),
    ("[kiosk]\nfullscreen = \"yes\"", "kiosk.fullscreen", "true or false"),
    ("[kiosk]\nservices = \"CT\"", "kiosk.services", "list of text"),
    ("[queue]\npriority_policy = \"fifo\"", "queue.priority_policy", "'strict'"),
    ("[office]\ntimezone = \"Mars/Base\"", "office.timezone", "unknown time zone"),
    ("[logging]\nlevel = \"LOUD\"", "logging.level", "DEBUG"),
])
def test_bad_values_name_the_key(tmp_path, text, key, words):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        cfg.load(path)
    assert err.value.key == key
    section, name = key.split(".")
    assert f"[{section}] {name}" in str(err.value)
    assert words in str(err.value)
    assert str(path) in str(err.value)


def test_unknown_section_and_broken_toml(tmp_path):
    with pytest.raises(ConfigError, match="unknown section \\[printr\\]"):
        cfg.load(write(tmp_path, "[printr]\nuri = 'x'"))
    with pytest.raises(ConfigError, match="not valid TOML"):
        cfg.load(write(tmp_path, "[printer\nuri = "))


def test_save_and_load_round_trip(tmp_path):
    c = Config().with_values(printer={"width": 58}, kiosk={"services": ["CT"]})
    path = tmp_path / "sub" / "kiosk.toml"
    cfg.save(c, path)
    assert cfg.load(path) == c


def test_with_values_validates():
    with pytest.raises(ConfigError):
        Config().with_values(printer={"width": 99})


def test_every_key_is_documented_with_its_default():
    """docs/configuration.md carries the table generated from the schema, unchanged."""
    text = DOCS.read_text(encoding="utf-8")
    assert cfg.reference_markdown() in text
    for section, name, _ in cfg.schema():
        assert re.search(rf"\| `{name}` \|", text), f"{section}.{name} undocumented"
