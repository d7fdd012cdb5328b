"""What a doctor check gives (`CheckResult`) and what it is given (`Context`): apart from the
checks themselves, so a check module of its own (windows_station.py) needs nothing else."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from kiosk.config import Config
from kiosk.paths import Paths

PASS, WARN, FAIL, SKIP = "PASS", "WARN", "FAIL", "SKIP"

DEFAULT_TIMEOUT_S = 4.0


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False  # ok, but worth a look (paper low, small clock skew, preview printer)
    skipped: bool = False  # not applicable to this station's configuration

    @property
    def status(self) -> str:
        if self.skipped:
            return SKIP
        if not self.ok:
            return FAIL
        return WARN if self.warning else PASS

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status}

    def line(self) -> str:
        text = f"[{self.status}] {self.name}: {self.detail}"
        if self.fix and self.status in (FAIL, WARN):
            text += f"\n       fix: {self.fix}"
        return text


def ok(name: str, detail: str) -> CheckResult:
    return CheckResult(name, True, detail)


def warn(name: str, detail: str, fix: str) -> CheckResult:
    return CheckResult(name, True, detail, fix, warning=True)


def fail(name: str, detail: str, fix: str) -> CheckResult:
    return CheckResult(name, False, detail, fix)


def skip(name: str, detail: str) -> CheckResult:
    return CheckResult(name, True, detail, skipped=True)


@dataclass
class Context:
    paths: Paths
    config: Config | None
    config_error: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S

    @property
    def usable(self) -> Config:
        """The configuration if it loaded, else the defaults (for file locations only)."""
        return self.config or Config()
