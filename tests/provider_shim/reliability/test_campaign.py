"""The fault campaign and the killed applies, small: the same code as
``python -m tests.provider_shim.reliability.campaign``, with about 100 faults and one killed apply
per signal, against a simulator that honours ``remediation_id`` and one that ignores it."""

from __future__ import annotations

import random

import pytest

from tests.provider_shim.reliability.campaign import ID_MODES, PROFILES, run_fault_campaign, table
from tests.provider_shim.reliability.killed import SIGNALS, run_killed_applies
from together_simulator.process import SimulatorProcess

pytestmark = pytest.mark.e2e
IGNORE_IDS = pytest.mark.parametrize("ignore_ids", [ignore for _, ignore in ID_MODES], ids=[name for name, _ in ID_MODES])


@IGNORE_IDS
def test_about_100_faults_give_no_duplicate_and_no_remediation_missing_from_state(lab, ignore_ids):
    everything, harsh = len(PROFILES) - 2, len(PROFILES) - 1
    with SimulatorProcess(seed=None, durations="zero", ignore_remediation_ids=ignore_ids) as simulator:
        figures = run_fault_campaign(lab, simulator, 100, 16, seed=11, log=lambda line: None, order=[everything, harsh, 0, 3])
    summary = table(figures)
    assert figures.injected_without_latency >= 100, summary
    for kind in ("drop_after_commit", "http_5xx", "http_429", "reset", "latency"):
        assert figures.faults[kind] > 0, f"no {kind} fault was injected\n{summary}"
    assert figures.created == figures.declared, summary
    assert figures.duplicates == 0, summary
    assert figures.missing_from_state == 0 and figures.lost == 0 and figures.mismatched == 0, summary
    assert figures.left_after_destroy == 0, summary
    assert figures.commands_failed > 0, f"the harsh round should make a command fail\n{summary}"
    assert figures.not_recovered == 0, summary
    assert not figures.problems, figures.problems


@pytest.mark.parametrize(
    ("kind", "aim"),
    [("SIGKILL terraform", "during"), ("SIGKILL provider", "after"), ("SIGINT terraform", "during")],
)
@IGNORE_IDS
def test_killed_apply_run_again_has_each_remediation_once_and_in_state(lab, kind, aim, ignore_ids):
    assert kind in SIGNALS
    with SimulatorProcess(seed=None, durations="zero", ignore_remediation_ids=ignore_ids) as simulator:
        figures = run_killed_applies(lab, simulator, 1, random.Random(f"{kind}/{aim}"), log=lambda line: None, plan=[(kind, aim)])
    [run] = figures.runs
    assert run.hit == aim, f"the signal landed {run.hit}, not {aim}: {run}"
    assert run.rerun_ok, run
    assert run.duplicates == 0 and not run.lost and not run.mismatched, run
    assert not run.missing_after_signal, f"created but not in state after a graceful stop: {run}"
