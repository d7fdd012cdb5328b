"""`python -m benchmarks workflow` still drives every task through the real windows (the
counts themselves are asserted where each feature is tested; here the benchmark must not
rot as the screens change)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def test_the_workflow_benchmark_runs_every_task(qapp):
    from benchmarks import workflow

    result = workflow.run(quick=True)
    assert result["ticket_taps"] == 1 and result["priority_ticket_taps"] == 2
    assert result["intake_scans"] == 1 and result["hand_back_scans"] == 1
    for name in workflow.GOALS:
        assert f"met_{name}" in result
    assert result["clerk_day_min"] > 0
