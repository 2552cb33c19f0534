"""The admin API's world-shaping calls: clusters, out-of-band changes, deletions."""

from __future__ import annotations

import pytest

from together_api.errors import NotFoundError
from together_api.models import RemediationMode, RemediationState
from together_simulator.process import SimulatorAdminError

from .conftest import TRAINING


def test_a_large_cluster_gets_numbered_nodes(simulator, client):
    made = simulator.add_cluster("cluster-bench", "bench", 300)
    assert len(made["gpu_worker_nodes"]) == 300
    nodes = client.get_cluster("cluster-bench").gpu_worker_nodes
    assert (nodes[0].node_id, nodes[0].instance_id) == ("gpu-001", "inst-bench-001")
    assert nodes[-1].node_id == "gpu-300" and nodes[-1].node_name is None
    with pytest.raises(SimulatorAdminError, match="already exists"):
        simulator.add_cluster("cluster-bench", "bench", 3)
    with pytest.raises(SimulatorAdminError, match="nodes"):
        simulator.add_cluster("cluster-none", "none", 0)


def test_force_state_is_an_out_of_band_change_readers_see(simulator, client):
    created = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY)
    assert client.get_remediation(TRAINING, "inst-training-01", created.id).state == RemediationState.SUCCEEDED
    forced = simulator.force_state(created.id, "FAILED", "host lost power")
    assert forced["state"] == "FAILED" and forced["error_message"] == "host lost power"
    seen = client.get_remediation(TRAINING, "inst-training-01", created.id)
    assert (seen.state, seen.error_message) == (RemediationState.FAILED, "host lost power")
    # Forcing an active state resumes a lifecycle from now.
    simulator.force_state(created.id, "RUNNING")
    assert client.get_remediation(TRAINING, "inst-training-01", created.id).state == RemediationState.SUCCEEDED
    with pytest.raises(SimulatorAdminError, match="state must be one of"):
        simulator.force_state(created.id, "EXPLODED")


def test_a_deleted_remediation_disappears(simulator, client):
    created = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY)
    simulator.delete_remediation(created.id)
    with pytest.raises(NotFoundError):
        client.get_remediation(TRAINING, "inst-training-01", created.id)
    assert client.list_remediations(TRAINING, "inst-training-01").remediations == []
    with pytest.raises(SimulatorAdminError, match="not found"):
        simulator.delete_remediation(created.id)
