"""Developer tools run from a source checkout (`python -m tools....`); not part of the shipped
packages (kiosk, drivers, sync), not in the frozen build."""
