"""Benchmarks: `python -m benchmarks [NAME ...] [--json]`. Figures go in docs/benchmarks.md."""
