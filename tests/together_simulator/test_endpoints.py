"""Every endpoint through the foundation's client, over HTTP, against the seeded demo."""

from __future__ import annotations

import uuid

import httpx

from together_api.models import RemediationMode, RemediationState, RemediationTrigger
from together_simulator.seed import DEMO_ALERT_ID, DEMO_REMEDIATION_ID

from .conftest import INFERENCE, TRAINING


def test_create_answers_pending_with_the_client_chosen_id_and_the_request(client):
    chosen = str(uuid.uuid4())
    created = client.create_remediation(
        TRAINING, "inst-training-01", RemediationMode.REBOOT_VM, "Xid 79 on GPU 2", remediation_id=chosen
    )
    assert created.id == chosen
    assert created.state == RemediationState.PENDING
    assert created.trigger == RemediationTrigger.MANUAL
    assert created.mode == RemediationMode.REBOOT_VM
    assert created.reason == "Xid 79 on GPU 2"
    assert (created.cluster_id, created.instance_id, created.instance_name) == (TRAINING, "inst-training-01", "gpu-01")
    assert created.requested_by
    assert created.create_time and created.update_time
    assert created.start_time is None and created.end_time is None


def test_create_without_an_id_gets_a_server_assigned_uuid(client):
    created = client.create_remediation(INFERENCE, "inst-inference-07", RemediationMode.HOST_AWARE)
    assert uuid.UUID(created.id)
    assert client.get_remediation(INFERENCE, "inst-inference-07", created.id).id == created.id


def test_get_shows_the_lifecycle_advanced_to_succeeded_with_its_times(client):
    created = client.create_remediation(TRAINING, "inst-training-02", RemediationMode.VM_ONLY)
    done = client.get_remediation(TRAINING, "inst-training-02", created.id)
    assert done.state == RemediationState.SUCCEEDED
    assert done.create_time <= done.start_time <= done.end_time
    assert done.update_time == done.end_time
    assert done.error_message is None


def test_list_every_instance_with_the_wildcard_and_one_instance_by_id(client):
    a = client.create_remediation(TRAINING, "inst-training-04", RemediationMode.REBOOT_VM)
    b = client.create_remediation(TRAINING, "inst-training-05", RemediationMode.REBOOT_VM)
    everything = client.list_remediations(TRAINING, "-")
    assert {a.id, b.id, DEMO_REMEDIATION_ID} <= {r.id for r in everything.remediations}
    assert everything.has_next is False and everything.next_page_token in ("", None)
    one = client.list_remediations(TRAINING, "inst-training-05")
    assert [r.id for r in one.remediations] == [b.id]
    assert client.list_remediations(INFERENCE, "-").remediations == []


def test_approve_sets_the_review_and_starts_the_repair(client):
    approved = client.approve_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID, "go ahead")
    assert approved.state == RemediationState.PENDING
    assert approved.review_comment == "go ahead"
    assert approved.reviewed_by and approved.review_time
    later = client.get_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID)
    assert later.state == RemediationState.SUCCEEDED
    assert later.start_time >= approved.review_time


def test_reject_cancels_with_the_review_recorded(client):
    rejected = client.reject_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID, "node is fine")
    assert rejected.state == RemediationState.CANCELLED
    assert rejected.review_comment == "node is fine"
    assert rejected.reviewed_by and rejected.end_time


def test_cancel_of_a_pending_remediation(simulator, client):
    simulator.set_lifecycle(default=(60, 60))
    created = client.create_remediation(TRAINING, "inst-training-06", RemediationMode.HOST_AWARE)
    cancelled = client.cancel_remediation(TRAINING, "inst-training-06", created.id)
    assert cancelled.state == RemediationState.CANCELLED
    assert cancelled.end_time is not None
    assert client.get_remediation(TRAINING, "inst-training-06", created.id).state == RemediationState.CANCELLED


def test_cancel_of_a_remediation_awaiting_approval(client):
    cancelled = client.cancel_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID)
    assert cancelled.state == RemediationState.CANCELLED


def test_clusters_list_and_get_with_worker_nodes_and_latest_remediation(client):
    clusters = client.list_clusters()
    assert [c.cluster_id for c in clusters] == [TRAINING, INFERENCE]
    cluster = client.get_cluster(TRAINING)
    assert cluster.cluster_name == "training"
    nodes = cluster.gpu_worker_nodes
    assert [n.node_id for n in nodes] == [f"gpu-{i:02d}" for i in range(1, 17)]
    assert [n.instance_id for n in nodes] == [f"inst-training-{i:02d}" for i in range(1, 17)]
    by_name = {n.node_id: n for n in nodes}
    assert by_name["gpu-03"].latest_remediation.id == DEMO_REMEDIATION_ID
    assert by_name["gpu-01"].latest_remediation is None

    first = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.REBOOT_VM)
    client.get_remediation(TRAINING, "inst-training-01", first.id)  # now SUCCEEDED
    second = client.create_remediation(TRAINING, "inst-training-01", RemediationMode.VM_ONLY)
    latest = {n.node_id: n for n in client.get_cluster(TRAINING).gpu_worker_nodes}["gpu-01"].latest_remediation
    assert latest.id == second.id


def test_cluster_document_has_the_spec_fields_and_no_credential(simulator):
    raw = httpx.get(
        f"{simulator.base_url}/compute/clusters/{TRAINING}", headers={"Authorization": f"Bearer {simulator.api_key}"}
    ).json()
    for field in ("cluster_type", "region", "gpu_type", "cuda_version", "nvidia_driver_version", "volumes",
                  "status", "control_plane_nodes", "num_gpus"):
        assert field in raw
    assert raw["num_gpus"] == 16 * 8
    assert raw["kube_config"] == ""


def test_the_seeded_automated_remediation_is_linked_to_its_alert(client):
    pending = client.get_remediation(TRAINING, "inst-training-03", DEMO_REMEDIATION_ID)
    assert pending.state == RemediationState.PENDING_APPROVAL
    assert pending.trigger == RemediationTrigger.AUTOMATED
    assert pending.passive_health_check_event_id == DEMO_ALERT_ID
    [alert] = pending.linked_alerts
    assert alert.alert_name == "GPUXidError"
    assert alert.severity == "PHC_SEVERITY_CRITICAL"
    assert alert.target_vm == "gpu-03"
    assert alert.node_remediation_intent_id == DEMO_REMEDIATION_ID
    assert alert.resolved_at is None
