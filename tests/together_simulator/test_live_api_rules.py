"""The live API's rules (SDK 3.1.1) over raw HTTP: quarantine lifecycles and their restarts,
approve's mode override, list filters in both forms, the ignore-ids mode, typed alert annotations."""

from __future__ import annotations

import uuid

import httpx
import pytest

from together_simulator.seed import DEMO_REMEDIATION_ID

from .conftest import TRAINING

REMEDIATIONS = f"/v1/compute/clusters/{TRAINING}/instances/{{instance}}/remediations"


def api(sim) -> httpx.Client:
    return httpx.Client(base_url=sim.root_url, headers={"Authorization": f"Bearer {sim.api_key}"}, timeout=10)


def create(http: httpx.Client, instance: str, mode: str, **params: str) -> dict:
    response = http.post(REMEDIATIONS.format(instance=instance), json={"mode": mode}, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def get(http: httpx.Client, instance: str, remediation_id: str) -> dict:
    return http.get(REMEDIATIONS.format(instance=instance) + f"/{remediation_id}").json()


def approve(http: httpx.Client, body: dict, instance: str = "inst-training-03",
            remediation_id: str = DEMO_REMEDIATION_ID) -> httpx.Response:
    return http.post(REMEDIATIONS.format(instance=instance) + f"/{remediation_id}/approve", json=body)


def test_a_quarantine_lifecycle_resumes_across_restarts_and_admin_forces_its_states(simulator):
    simulator.set_lifecycle({"HOST_AWARE": (0, 600, 600, 600)})
    with api(simulator) as http:
        made = create(http, "inst-training-01", "REMEDIATION_MODE_HOST_AWARE")
        quarantining = get(http, "inst-training-01", made["id"])
        assert quarantining["state"] == "QUARANTINING" and quarantining["start_time"]
    simulator.restart()  # the process starts with zero durations again: the row's plan holds
    with api(simulator) as http:
        assert get(http, "inst-training-01", made["id"]) == quarantining
        simulator.set_lifecycle({"HOST_AWARE": (0, 600, 600, 600)})
        forced = simulator.force_state(made["id"], "QUARANTINED")
        assert forced["state"] == "QUARANTINED" and forced["start_time"] == quarantining["start_time"]
    simulator.restart(hard=True)
    with api(simulator) as http:
        assert get(http, "inst-training-01", made["id"])["state"] == "QUARANTINED"
        refused = http.post(REMEDIATIONS.format(instance="inst-training-01") + f"/{made['id']}/cancel")
        assert refused.status_code == 400 and "only PENDING_APPROVAL or PENDING" in refused.json()["message"]


def test_zero_durations_take_a_quarantining_mode_to_its_outcome_on_the_next_read(simulator):
    simulator.set_failures([{"mode": "REMEDIATION_MODE_HOST_POWER_CYCLE", "error_message": "BMC did not answer"}])
    with api(simulator) as http:
        made = create(http, "inst-training-02", "REMEDIATION_MODE_HOST_POWER_CYCLE")
        assert made["state"] == "PENDING"
        done = get(http, "inst-training-02", made["id"])
    assert (done["state"], done["error_message"]) == ("FAILED", "BMC did not answer")
    assert done["create_time"] <= done["start_time"] <= done["end_time"]


def test_approve_with_a_mode_runs_that_mode_its_lifecycle_and_its_failure_rules(simulator):
    simulator.set_failures([{"instance_id": "inst-training-03", "mode": "REMEDIATION_MODE_HOST_AWARE",
                             "error_message": "no spare host"}])
    with api(simulator) as http:
        approved = approve(http, {"comment": "move it", "mode": "REMEDIATION_MODE_HOST_AWARE"})
        assert approved.status_code == 200
        assert (approved.json()["mode"], approved.json()["review_comment"]) == ("REMEDIATION_MODE_HOST_AWARE", "move it")
        final = get(http, "inst-training-03", DEMO_REMEDIATION_ID)
    assert (final["state"], final["mode"], final["error_message"]) == ("FAILED", "REMEDIATION_MODE_HOST_AWARE",
                                                                       "no spare host")


def test_approve_with_a_mode_uses_that_modes_durations(simulator):
    simulator.set_lifecycle({"VM_ONLY": (0, 0), "HOST_AWARE": (0, 600, 0, 0)})
    with api(simulator) as http:
        approve(http, {"mode": "REMEDIATION_MODE_HOST_AWARE"})
        assert get(http, "inst-training-03", DEMO_REMEDIATION_ID)["state"] == "QUARANTINING"


@pytest.mark.parametrize(
    "mode, message",
    [("REMEDIATION_MODE_HOST_POWER_CYCLE", "cannot be set as an approval override; create a host power-cycle"),
     ("REMEDIATION_MODE_TURBO", "unknown mode"), (7, "unknown mode")],
)
def test_approve_refuses_a_power_cycle_override_and_unknown_modes(simulator, mode, message):
    with api(simulator) as http:
        refused = approve(http, {"mode": mode})
        assert refused.status_code == 400
        assert refused.json()["code"] == 3 and message in refused.json()["message"]
        assert get(http, "inst-training-03", DEMO_REMEDIATION_ID)["state"] == "PENDING_APPROVAL"


def test_list_filters_take_comma_joined_and_repeated_values_and_both_page_parameter_spellings(simulator):
    simulator.set_lifecycle({"REBOOT_VM": (600, 600)})
    with api(simulator) as http:
        reboot = create(http, "inst-training-01", "REMEDIATION_MODE_REBOOT_VM")
        vm = create(http, "inst-training-02", "REMEDIATION_MODE_VM_ONLY")
        get(http, "inst-training-02", vm["id"])  # SUCCEEDED
        listing = REMEDIATIONS.format(instance="-")

        def ids(query: str) -> set[str]:
            page = http.get(f"{listing}?{query}").json()
            assert page["next_page_token"] == "" and page["has_next"] is False
            return {r["id"] for r in page["remediations"]}

        assert ids("state=PENDING,SUCCEEDED") == {reboot["id"], vm["id"]}
        assert ids("state=PENDING&state=PENDING_APPROVAL") == {reboot["id"], DEMO_REMEDIATION_ID}
        assert ids("state=PENDING_APPROVAL,PENDING&state=SUCCEEDED") == {reboot["id"], vm["id"], DEMO_REMEDIATION_ID}
        assert ids("mode=REMEDIATION_MODE_REBOOT_VM,REMEDIATION_MODE_VM_ONLY&trigger=REMEDIATION_TRIGGER_MANUAL") == {
            reboot["id"], vm["id"]}
        assert ids("trigger=REMEDIATION_TRIGGER_MANUAL,REMEDIATION_TRIGGER_AUTOMATED") == {
            reboot["id"], vm["id"], DEMO_REMEDIATION_ID}
        assert ids("state=QUARANTINING,QUARANTINED") == set()
        bad = http.get(f"{listing}?state=PENDING,DONE")
        assert bad.status_code == 400 and "unknown state 'DONE'" in bad.json()["message"]

        for size, token, order in (("page_size", "page_token", "order_by"), ("pageSize", "pageToken", "orderBy")):
            first = http.get(listing, params={size: 2, order: "create_time desc"}).json()
            assert first["has_next"] is True and first["next_page_token"]
            rest = http.get(listing, params={size: 2, order: "create_time desc",
                                             token: first["next_page_token"]}).json()
            assert rest["has_next"] is False and rest["next_page_token"] == ""
            seen = [r["id"] for r in first["remediations"] + rest["remediations"]]
            assert seen == [vm["id"], reboot["id"], DEMO_REMEDIATION_ID]


def test_the_ignore_ids_mode_assigns_the_servers_ids_and_is_switched_by_the_admin_api(simulator):
    chosen = str(uuid.uuid4())
    assert simulator.settings() == {"ignore_remediation_ids": False}
    assert simulator.set_ignore_remediation_ids(True) == {"ignore_remediation_ids": True}
    with api(simulator) as http:
        first = create(http, "inst-training-01", "REMEDIATION_MODE_REBOOT_VM", remediation_id=chosen)
        second = create(http, "inst-training-02", "REMEDIATION_MODE_REBOOT_VM", remediation_id=chosen)
        ignored_bad = create(http, "inst-training-04", "REMEDIATION_MODE_REBOOT_VM", remediation_id="not-a-uuid")
        assert len({first["id"], second["id"], ignored_bad["id"], chosen}) == 4
        simulator.set_ignore_remediation_ids(False)
        honoured = create(http, "inst-training-05", "REMEDIATION_MODE_REBOOT_VM", remediation_id=chosen)
        assert honoured["id"] == chosen
    with pytest.raises(Exception, match="true or false"):
        simulator.admin("PUT", "/settings", {"ignore_remediation_ids": "yes"})


def test_the_ignore_ids_flag_of_the_process(simulator_factory):
    sim = simulator_factory(ignore_remediation_ids=True)
    chosen = str(uuid.uuid4())
    assert sim.settings() == {"ignore_remediation_ids": True}
    with api(sim) as http:
        assert create(http, "inst-training-01", "REMEDIATION_MODE_REBOOT_VM", remediation_id=chosen)["id"] != chosen


def test_alerts_carry_a_typed_annotation_given_or_derived(simulator):
    given = {"title": "Node drained", "summary_line": "slurmd: not responding", "description": "Slurm drained it.",
             "slurm_node_unavailable": {"reason": "Kill task failed"}}
    made = simulator.inject_alert(TRAINING, "inst-training-07", "SlurmNodeUnavailable", annotation=given)
    assert made["alert"]["annotation"] == given
    derived = simulator.inject_alert(TRAINING, "inst-training-08", "DmesgXidError",
                                     annotations={"summary": "Xid 48 on GPU 2", "description": "DBE"})
    assert derived["alert"]["annotation"] == {
        "title": "Xid 48 on GPU 2", "summary_line": "Xid 48 on GPU 2", "description": "DBE",
        "xid": {"events": [{"xid_code": "48", "mnemonic": "Double Bit ECC Error", "count": 1}]},
    }
    plain = simulator.inject_alert(TRAINING, "inst-training-09", "NodeNotReady")
    assert plain["alert"]["annotation"] == {"title": "NodeNotReady", "summary_line": "", "description": ""}
    with pytest.raises(Exception, match="annotation.xid"):
        simulator.inject_alert(TRAINING, "inst-training-10", "X", annotation={"xid": {"events": [{"count": 1}]}})
    seeded = simulator.admin("GET", "/health")  # the admin API still answers after a refusal
    assert seeded == {"status": "ok"}
    with api(simulator) as http:
        [alert] = get(http, "inst-training-03", DEMO_REMEDIATION_ID)["linked_alerts"]
    assert alert["annotation"]["xid"]["events"] == [{"xid_code": "79", "mnemonic": "GPU has fallen off the bus",
                                                     "count": 1}]
    assert alert["annotations"]["summary"]  # the legacy map beside it
