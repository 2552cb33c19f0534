"""Concurrent requests: writes are serialized, so one id makes one remediation."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from together_api.models import RemediationMode

from .conftest import TRAINING, client_for


def test_simultaneous_creates_with_one_id_make_one_remediation(simulator):
    simulator.set_faults(latency_ms=1000)  # they all arrive, then all proceed together
    chosen = str(uuid.uuid4())
    with client_for(simulator) as api, ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(
            lambda _: api.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY, "x",
                                             remediation_id=chosen),
            range(20),
        ))
        assert {a.id for a in answers} == {chosen}
        assert len({a.create_time for a in answers}) == 1
        assert [r.id for r in api.list_remediations(TRAINING, "inst-training-01").remediations] == [chosen]
    assert simulator.stats()["in_flight_peak"] >= 20


def test_simultaneous_creates_on_one_instance_leave_one_active(simulator):
    simulator.set_lifecycle(default=(60, 60))
    simulator.set_faults(latency_ms=500)

    def attempt(_):
        try:
            return api.create_remediation(TRAINING, "inst-training-02", RemediationMode.VM_ONLY).id
        except Exception as error:  # the losers are refused
            return type(error).__name__

    with client_for(simulator) as api, ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(attempt, range(10)))
    winners = [o for o in outcomes if o != "FailedPreconditionError"]
    assert len(winners) == 1
    assert outcomes.count("FailedPreconditionError") == 9
