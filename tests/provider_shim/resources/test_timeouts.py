"""A create that outlives ``timeouts.create`` fails the apply, and a re-run within
``timeouts.create`` of its end waits for the same remediation and says it adopts it: it never
starts a second one (a tainted resource would be replaced)."""

from __future__ import annotations

import pytest

from tests.provider_shim.hcl import config, remediation
from tests.provider_shim.reliability.harness import server_remediations
from tests.support.terraform_fixtures import changes_by_address

pytestmark = pytest.mark.e2e


def test_create_timeout_then_plain_rerun_adopts_the_same_remediation(simulator, terraform_workspace):
    simulator.set_lifecycle({}, default=(0, 3))  # RUNNING for 3 s; the apply waits 1 s
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("a", instance_id="inst-training-07", reason="timeout test", timeouts={"create": "1s"})))
    ws.init()

    first = ws.apply(check=False)
    assert first.returncode != 0 and "Timed out creating remediation" in first.stderr
    [running] = server_remediations(simulator, "cluster-training", "timeout test")
    assert running.state.value == "RUNNING"
    assert "together_remediation.a" not in ws.resources(), "kept out of state, so it is not tainted"

    simulator.set_lifecycle({}, default=(0, 0))
    simulator.force_state(running.id, "RUNNING")  # still running; now ends at the next read
    # Run again with a window that covers the seconds terraform takes to start: a leftover is
    # adopted while it ended less than timeouts.create ago (docs/design/contracts.md).
    ws.write(config(remediation("a", instance_id="inst-training-07", reason="timeout test", timeouts={"create": "5m"})))
    rerun = ws.apply()
    assert f"Adopting remediation {running.id}" in rerun.output
    assert [r.id for r in server_remediations(simulator, "cluster-training", "timeout test")] == [running.id]
    assert ws.resource("together_remediation.a")["id"] == running.id
    assert ws.resource("together_remediation.a")["state"] == "SUCCEEDED"
    assert changes_by_address(ws.plan_json()) == {}
