"""Listing: pages with opaque tokens, filters by state, mode and trigger, and order."""

from __future__ import annotations

import httpx
import pytest

from together_api.errors import InvalidArgumentError
from together_api.models import RemediationMode, RemediationState, RemediationTrigger

from .conftest import TRAINING


@pytest.fixture
def busy_cluster(simulator, client):
    """120 nodes, each with one remediation, created in node order; every third one failed."""
    simulator.add_cluster("cluster-big", "big", 120)
    simulator.set_failures([{"instance_id": f"inst-big-{i:03d}", "error_message": "boom"} for i in range(3, 121, 3)])
    modes = [RemediationMode.REBOOT_VM, RemediationMode.VM_ONLY]
    ids = [
        client.create_remediation("cluster-big", f"inst-big-{i:03d}", modes[i % 2]).id for i in range(1, 121)
    ]
    return ids


def test_pages_follow_tokens_to_the_end_without_gaps_or_repeats(client, busy_cluster):
    first = client.list_remediations("cluster-big", page_size=50)
    assert len(first.remediations) == 50 and first.has_next and first.next_page_token
    seen = [r.id for r in client.iter_remediations("cluster-big", page_size=50)]
    assert seen == busy_cluster


def test_default_page_size_is_50_and_the_maximum_500(client, busy_cluster):
    assert len(client.list_remediations("cluster-big").remediations) == 50
    assert len(client.list_remediations("cluster-big", page_size=10_000).remediations) == 120
    assert client.list_remediations("cluster-big", page_size=10_000).has_next is False


def test_max_page_size_is_500(simulator, client):
    simulator.add_cluster("cluster-huge", "huge", 600)
    for i in range(1, 602 - 1):
        client.create_remediation("cluster-huge", f"inst-huge-{i:03d}", RemediationMode.REBOOT_VM)
    page = client.list_remediations("cluster-huge", page_size=1000)
    assert len(page.remediations) == 500 and page.has_next


def test_order_by_create_time_desc_reverses(client, busy_cluster):
    newest_first = [r.id for r in client.iter_remediations("cluster-big", order_by="create_time desc", page_size=40)]
    assert newest_first == list(reversed(busy_cluster))
    assert [r.id for r in client.iter_remediations("cluster-big", order_by="create_time")] == busy_cluster


def test_filters_by_state_mode_and_trigger(client, busy_cluster):
    failed = list(client.iter_remediations("cluster-big", states=[RemediationState.FAILED]))
    assert len(failed) == 40 and all(r.error_message == "boom" for r in failed)
    either = list(client.iter_remediations("cluster-big", states=["FAILED", "SUCCEEDED"]))
    assert len(either) == 120
    reboots = list(client.iter_remediations("cluster-big", modes=[RemediationMode.REBOOT_VM]))
    assert len(reboots) == 60 and {r.mode for r in reboots} == {RemediationMode.REBOOT_VM}
    assert list(client.iter_remediations("cluster-big", triggers=[RemediationTrigger.AUTOMATED])) == []
    automated = list(client.iter_remediations(TRAINING, triggers=[RemediationTrigger.AUTOMATED]))
    assert [r.instance_id for r in automated] == ["inst-training-03"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"pageToken": "not-a-token"}, "page_token is malformed"),
        ({"pageToken": "eyJvIjotMSwicSI6IngifQ"}, "page_token is malformed"),  # {"o":-1,"q":"x"}
        ({"state": "DONE"}, "unknown state"),
        ({"mode": "REMEDIATION_MODE_SOMETHING"}, "unknown mode"),
        ({"trigger": "BY_HAND"}, "unknown trigger"),
        ({"orderBy": "reason"}, "order_by"),
        ({"pageSize": "ten"}, "page_size"),
        ({"page_size": "-1"}, "page_size"),
    ],
)
def test_bad_list_parameters_are_invalid_argument(simulator, params, message):
    response = httpx.get(
        f"{simulator.base_url}/compute/clusters/{TRAINING}/instances/-/remediations",
        params=params,
        headers={"Authorization": f"Bearer {simulator.api_key}"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == 3 and message in response.json()["message"]


def test_rows_created_or_deleted_between_pages_neither_repeat_nor_go_missing(simulator, client, busy_cluster):
    first = client.list_remediations("cluster-big", order_by="create_time desc", page_size=50)
    # Meanwhile a newer remediation appears (before the cursor) and one of page 1 vanishes.
    newer = client.create_remediation("cluster-big", "inst-big-120", RemediationMode.VM_ONLY)
    simulator.delete_remediation(first.remediations[0].id)
    rest = []
    page = first
    while page.has_next:
        page = client.list_remediations("cluster-big", order_by="create_time desc", page_size=50,
                                        page_token=page.next_page_token)
        rest.extend(page.remediations)
    ids = [r.id for r in first.remediations] + [r.id for r in rest]
    assert ids == list(reversed(busy_cluster))  # page 1 as it was, then the rest, once each
    assert newer.id not in ids


def test_update_time_order_follows_changes(simulator, client, busy_cluster):
    simulator.force_state(busy_cluster[0], "FAILED", "changed last")
    newest_change = client.list_remediations("cluster-big", order_by="update_time desc", page_size=1)
    assert newest_change.remediations[0].id == busy_cluster[0]
    oldest = [r.id for r in client.iter_remediations("cluster-big", order_by="update_time", page_size=30)]
    assert sorted(oldest) == sorted(busy_cluster) and oldest[-1] == busy_cluster[0]


def test_a_token_from_another_query_is_refused(client, busy_cluster):
    token = client.list_remediations("cluster-big", page_size=10).next_page_token
    with pytest.raises(InvalidArgumentError) as caught:
        client.list_remediations("cluster-big", states=["FAILED"], page_size=10, page_token=token)
    assert "other filters" in caught.value.api_message
