"""Every cluster and remediation method of Together's SDK against the simulator over HTTP, with
``_strict_response_validation=True``: each answer must parse into the SDK's own models."""

from __future__ import annotations

import time
import uuid

import pytest
import together
from together.types.cluster import Cluster
from together.types.clusters.remediation import Remediation

from together_api import vocabulary
from together_simulator.seed import DEMO_REMEDIATION_ID

from .conftest import INFERENCE, TRAINING, sdk_for

MANUAL, AUTOMATED = "REMEDIATION_TRIGGER_MANUAL", "REMEDIATION_TRIGGER_AUTOMATED"


def message_of(error: together.APIStatusError) -> str:
    assert isinstance(error.body, dict)
    return error.body["message"]


# ---- clusters ---------------------------------------------------------------------------------


def test_clusters_list_and_retrieve_in_the_sdks_full_cluster_shape(sdk):
    listed = sdk.clusters.list()
    assert [c.cluster_id for c in listed.clusters] == [TRAINING, INFERENCE]
    cluster = sdk.clusters.retrieve(TRAINING)
    assert isinstance(cluster, Cluster)
    assert (cluster.cluster_name, cluster.status, cluster.kube_config) == ("training", "Ready", "")
    assert cluster.num_gpus == 16 * 8 and cluster.project_id and cluster.deleted_gpu_worker_nodes == []
    nodes = cluster.gpu_worker_nodes
    assert [n.node_id for n in nodes] == [f"gpu-{i:02d}" for i in range(1, 17)]
    assert [n.instance_id for n in nodes] == [f"inst-training-{i:02d}" for i in range(1, 17)]
    assert all(n.phase_transitions and n.networks and n.marked_for_deletion is False for n in nodes)
    gpu03 = nodes[2]
    assert gpu03.latest_remediation.id == DEMO_REMEDIATION_ID
    assert gpu03.latest_remediation.instance_name == "gpu-03"
    [alert] = gpu03.latest_remediation.linked_alerts
    assert [(e.xid_code, e.mnemonic) for e in alert.annotation.xid.events] == [("79", "GPU has fallen off the bus")]
    raw = sdk.clusters.with_raw_response.retrieve(TRAINING).http_response.json()
    assert all("node_name" not in node for node in raw["gpu_worker_nodes"])


def test_an_unknown_cluster_is_not_found(sdk):
    with pytest.raises(together.NotFoundError) as caught:
        sdk.clusters.retrieve("cluster-nope")
    assert message_of(caught.value) == 'cluster "cluster-nope" not found'


# ---- create, retrieve, list ------------------------------------------------------------------


def test_create_then_retrieve(sdk):
    made = sdk.clusters.remediations.create("inst-training-05", cluster_id=TRAINING,
                                            mode="REMEDIATION_MODE_REBOOT_VM", reason="ECC errors")
    assert isinstance(made, Remediation)
    assert (made.state, made.trigger, made.reason, made.instance_name) == ("PENDING", MANUAL, "ECC errors", "gpu-05")
    done = sdk.clusters.remediations.retrieve(made.id, cluster_id=TRAINING, instance_id="inst-training-05")
    assert done.state == "SUCCEEDED" and done.start_time and done.end_time


@pytest.fixture
def a_world(sdk, simulator):
    """One remediation of each kind on cluster-training: REBOOT_VM stays PENDING, VM_ONLY has
    SUCCEEDED, HOST_POWER_CYCLE has FAILED; the seeded VM_ONLY one waits in PENDING_APPROVAL."""
    simulator.set_lifecycle({"REBOOT_VM": (600, 600)})
    simulator.set_failures([{"mode": "REMEDIATION_MODE_HOST_POWER_CYCLE", "error_message": "BMC unreachable"}])
    made = {}
    for instance, mode in (("inst-training-01", "REMEDIATION_MODE_REBOOT_VM"),
                           ("inst-training-02", "REMEDIATION_MODE_VM_ONLY"),
                           ("inst-training-04", "REMEDIATION_MODE_HOST_POWER_CYCLE")):
        made[mode] = sdk.clusters.remediations.create(instance, cluster_id=TRAINING, mode=mode).id
    made["seeded"] = DEMO_REMEDIATION_ID
    return made


def ids(page) -> set[str]:
    return {r.id for r in page.remediations}


def test_list_per_instance_and_for_every_instance(sdk, a_world):
    every = sdk.clusters.remediations.list("-", cluster_id=TRAINING)
    assert ids(every) == set(a_world.values())
    assert every.has_next is False and every.next_page_token == ""
    one = sdk.clusters.remediations.list("inst-training-02", cluster_id=TRAINING)
    assert ids(one) == {a_world["REMEDIATION_MODE_VM_ONLY"]}
    assert sdk.clusters.remediations.list("-", cluster_id=INFERENCE).remediations == []


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"state": ["PENDING"]}, {"REMEDIATION_MODE_REBOOT_VM"}),
        ({"state": ["PENDING_APPROVAL", "SUCCEEDED", "FAILED"]},
         {"seeded", "REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_HOST_POWER_CYCLE"}),
        ({"state": ["QUARANTINING", "QUARANTINED"]}, set()),
        ({"mode": ["REMEDIATION_MODE_HOST_POWER_CYCLE"]}, {"REMEDIATION_MODE_HOST_POWER_CYCLE"}),
        ({"mode": ["REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_REBOOT_VM"]},
         {"seeded", "REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_REBOOT_VM"}),
        ({"trigger": [AUTOMATED]}, {"seeded"}),
        ({"trigger": [MANUAL, AUTOMATED]},
         {"seeded", "REMEDIATION_MODE_VM_ONLY", "REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_HOST_POWER_CYCLE"}),
        ({"state": ["SUCCEEDED", "PENDING_APPROVAL"], "mode": ["REMEDIATION_MODE_VM_ONLY"], "trigger": [MANUAL]},
         {"REMEDIATION_MODE_VM_ONLY"}),
    ],
)
def test_list_filters_with_one_and_with_several_values(sdk, a_world, filters, expected):
    page = sdk.clusters.remediations.list("-", cluster_id=TRAINING, **filters)
    assert ids(page) == {a_world[key] for key in expected}


def test_paging_through_every_page_with_page_size(sdk, simulator):
    simulator.add_cluster("cluster-paged", "paged", 7)
    made = [sdk.clusters.remediations.create(f"inst-paged-{i:02d}", cluster_id="cluster-paged",
                                             mode="REMEDIATION_MODE_REBOOT_VM").id for i in range(1, 8)]
    seen, pages, token = [], [], None
    while True:
        page = sdk.clusters.remediations.list("-", cluster_id="cluster-paged", page_size=3, order_by="create_time",
                                              **({"page_token": token} if token else {}))
        pages.append(len(page.remediations))
        seen += [r.id for r in page.remediations]
        if not page.has_next:
            assert page.next_page_token == ""
            break
        token = page.next_page_token
        assert token
    assert pages == [3, 3, 1] and seen == made


# ---- approve, reject, cancel -----------------------------------------------------------------


def test_approve_with_a_comment(sdk):
    approved = sdk.clusters.remediations.approve(DEMO_REMEDIATION_ID, cluster_id=TRAINING,
                                                 instance_id="inst-training-03", comment="go ahead")
    assert (approved.state, approved.review_comment, approved.mode) == ("PENDING", "go ahead",
                                                                        "REMEDIATION_MODE_VM_ONLY")
    assert approved.reviewed_by and approved.review_time


def test_approve_with_a_mode_override_runs_that_mode(sdk, simulator):
    simulator.set_lifecycle({"HOST_AWARE": (0, 600, 0, 0)})
    approved = sdk.clusters.remediations.approve(DEMO_REMEDIATION_ID, cluster_id=TRAINING,
                                                 instance_id="inst-training-03", mode="REMEDIATION_MODE_HOST_AWARE")
    assert approved.mode == "REMEDIATION_MODE_HOST_AWARE"
    now = sdk.clusters.remediations.retrieve(DEMO_REMEDIATION_ID, cluster_id=TRAINING, instance_id="inst-training-03")
    assert (now.state, now.mode) == ("QUARANTINING", "REMEDIATION_MODE_HOST_AWARE")


def test_a_host_power_cycle_override_is_refused(sdk):
    with pytest.raises(together.BadRequestError) as caught:
        sdk.clusters.remediations.approve(DEMO_REMEDIATION_ID, cluster_id=TRAINING, instance_id="inst-training-03",
                                          mode="REMEDIATION_MODE_HOST_POWER_CYCLE")
    assert message_of(caught.value) == ("REMEDIATION_MODE_HOST_POWER_CYCLE cannot be set as an approval override;"
                                        " create a host power-cycle remediation directly")
    assert caught.value.body["code"] == 3  # INVALID_ARGUMENT
    still = sdk.clusters.remediations.retrieve(DEMO_REMEDIATION_ID, cluster_id=TRAINING,
                                               instance_id="inst-training-03")
    assert still.state == "PENDING_APPROVAL"


def test_reject(sdk, simulator):
    raised = simulator.inject_alert(TRAINING, "inst-training-09", "DmesgXidError",
                                    annotations={"summary": "Xid 48 on GPU 1"})
    remediation_id = raised["remediation"]["id"]
    rejected = sdk.clusters.remediations.reject(remediation_id, cluster_id=TRAINING, instance_id="inst-training-09",
                                                comment="false alarm")
    assert (rejected.state, rejected.review_comment) == ("CANCELLED", "false alarm")
    assert rejected.linked_alerts[0].annotation.xid.events[0].xid_code == "48"


def test_cancel_a_pending_one_and_not_a_finished_one(sdk, simulator):
    simulator.set_lifecycle({"VM_ONLY": (600, 600)})
    waiting = sdk.clusters.remediations.create("inst-training-06", cluster_id=TRAINING, mode="REMEDIATION_MODE_VM_ONLY")
    cancelled = sdk.clusters.remediations.cancel(waiting.id, cluster_id=TRAINING, instance_id="inst-training-06")
    assert cancelled.state == "CANCELLED" and cancelled.end_time
    with pytest.raises(together.BadRequestError) as caught:
        sdk.clusters.remediations.cancel(waiting.id, cluster_id=TRAINING, instance_id="inst-training-06")
    assert message_of(caught.value) == (f'remediation "{waiting.id}" is CANCELLED: only PENDING_APPROVAL or PENDING'
                                        " remediations can be cancelled")


# ---- errors ------------------------------------------------------------------------------------


def test_unknown_instance_and_remediation_are_not_found(sdk):
    with pytest.raises(together.NotFoundError) as caught:
        sdk.clusters.remediations.create("inst-nope", cluster_id=TRAINING, mode="REMEDIATION_MODE_REBOOT_VM")
    assert message_of(caught.value) == 'instance "inst-nope" not found in cluster "cluster-training"'
    missing = str(uuid.uuid4())
    with pytest.raises(together.NotFoundError) as caught:
        sdk.clusters.remediations.retrieve(missing, cluster_id=TRAINING, instance_id="inst-training-01")
    assert message_of(caught.value) == (f'remediation "{missing}" not found on instance "inst-training-01"'
                                        ' of cluster "cluster-training"')
    with pytest.raises(together.NotFoundError):
        sdk.clusters.remediations.list("-", cluster_id="cluster-nope")


def test_approving_what_does_not_wait_for_approval_is_refused(sdk):
    made = sdk.clusters.remediations.create("inst-training-07", cluster_id=TRAINING, mode="REMEDIATION_MODE_REBOOT_VM")
    with pytest.raises(together.BadRequestError) as caught:
        sdk.clusters.remediations.approve(made.id, cluster_id=TRAINING, instance_id="inst-training-07")
    assert message_of(caught.value).endswith("only PENDING_APPROVAL remediations can be approved")
    assert caught.value.body["code"] == 9  # FAILED_PRECONDITION, HTTP 400


def test_a_bad_mode_is_invalid_argument(sdk):
    with pytest.raises(together.BadRequestError) as caught:
        sdk.clusters.remediations.create("inst-training-08", cluster_id=TRAINING,
                                         mode="REMEDIATION_MODE_TURBO")  # type: ignore[arg-type]
    assert message_of(caught.value).startswith("unknown mode 'REMEDIATION_MODE_TURBO'")
    with pytest.raises(together.BadRequestError, match="unknown state"):
        sdk.clusters.remediations.list("-", cluster_id=TRAINING, state=["DONE"])  # type: ignore[list-item]


def test_an_unknown_key_is_unauthenticated(simulator):
    with sdk_for(simulator, api_key="not-a-key") as stranger:
        with pytest.raises(together.AuthenticationError) as caught:
            stranger.clusters.list()
    assert message_of(caught.value) == "invalid API key"


# ---- quarantine lifecycles, ignored ids ------------------------------------------------------------


@pytest.mark.parametrize("mode", sorted(vocabulary.QUARANTINING_MODES))
def test_a_quarantining_mode_goes_through_quarantining_and_quarantined_before_running(sdk, simulator, mode):
    simulator.set_lifecycle({mode: (0, 1.0, 1.0, 1.0)})
    made = sdk.clusters.remediations.create("inst-training-10", cluster_id=TRAINING, mode=mode)
    seen = [made.state]
    deadline = time.monotonic() + 30
    while seen[-1] not in vocabulary.TERMINAL_STATES and time.monotonic() < deadline:
        state = sdk.clusters.remediations.retrieve(made.id, cluster_id=TRAINING, instance_id="inst-training-10").state
        if state != seen[-1]:
            seen.append(state)
        time.sleep(0.05)
    assert seen == ["PENDING", "QUARANTINING", "QUARANTINED", "RUNNING", "SUCCEEDED"]
    done = sdk.clusters.remediations.retrieve(made.id, cluster_id=TRAINING, instance_id="inst-training-10")
    assert (done.end_time - done.start_time).total_seconds() == pytest.approx(3.0, abs=0.01)


def test_other_modes_never_quarantine(sdk, simulator):
    simulator.set_lifecycle({"VM_ONLY": (0, 600)})
    made = sdk.clusters.remediations.create("inst-training-11", cluster_id=TRAINING, mode="REMEDIATION_MODE_VM_ONLY")
    now = sdk.clusters.remediations.retrieve(made.id, cluster_id=TRAINING, instance_id="inst-training-11")
    assert now.state == "RUNNING"


def test_ids_sent_as_the_query_parameter_are_honoured_or_ignored_per_the_servers_mode(sdk, simulator):
    chosen = str(uuid.uuid4())
    honoured = sdk.clusters.remediations.create("inst-training-12", cluster_id=TRAINING,
                                                mode="REMEDIATION_MODE_REBOOT_VM", extra_query={"remediation_id": chosen})
    assert honoured.id == chosen
    simulator.set_ignore_remediation_ids(True)
    other = str(uuid.uuid4())
    ignored = sdk.clusters.remediations.create("inst-training-13", cluster_id=TRAINING,
                                               mode="REMEDIATION_MODE_REBOOT_VM", extra_query={"remediation_id": other})
    assert ignored.id != other
    assert sdk.clusters.remediations.retrieve(ignored.id, cluster_id=TRAINING, instance_id="inst-training-13").id \
        == ignored.id
