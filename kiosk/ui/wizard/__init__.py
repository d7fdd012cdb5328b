"""The first-run set-up wizard (`kiosk setup`, and `kiosk run` without a configuration)."""

from kiosk.ui.wizard.wizard import SetupWizard, run_setup_wizard

__all__ = ["SetupWizard", "run_setup_wizard"]
