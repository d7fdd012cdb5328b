"""Diagnostics for technicians: `kiosk doctor` checks, the offline self-test of a build, and
the support bundle (logs and configuration with secrets and personal data removed)."""

from kiosk.diagnostics.checks import CheckResult, run_checks

__all__ = ["CheckResult", "run_checks"]
