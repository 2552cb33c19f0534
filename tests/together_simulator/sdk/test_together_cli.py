"""Together's CLI (``together``, from the SDK) against the simulator, as a user runs it: only
TOGETHER_API_KEY and TOGETHER_BASE_URL (the simulator's root URL) set.

Every remediation command and the cluster commands that can work offline run here; cluster
create/update/delete, list-regions, storage, get-credentials and ssh are left out (see
docs/simulator.md: the simulator serves no provisioning, regions, volumes, kubeconfig or OIDC).
"""

from __future__ import annotations

import json

from together_simulator.seed import DEMO_REMEDIATION_ID

from .conftest import TRAINING


def ok(result) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def json_of(result) -> dict:
    return json.loads(ok(result))


def test_clusters_list_and_retrieve(together_cli):
    table = ok(together_cli("clusters", "list"))
    assert "cluster-training" in table and "cluster-inference" in table and "Ready" in table
    listed = json_of(together_cli("--json", "clusters", "list"))
    assert [c["cluster_id"] for c in listed["clusters"]] == ["cluster-training", "cluster-inference"]
    cluster = json_of(together_cli("--json", "clusters", "retrieve", TRAINING))
    assert [n["node_id"] for n in cluster["gpu_worker_nodes"]][:3] == ["gpu-01", "gpu-02", "gpu-03"]
    assert "node_id='gpu-05'" in ok(together_cli("clusters", "get", TRAINING))  # the alias, printed as a model


def test_remediations_list_with_filters_and_for_one_instance(together_cli, simulator):
    simulator.set_lifecycle({"REBOOT_VM": (600, 600)})
    made = json_of(together_cli("--json", "clusters", "remediations", "create", TRAINING, "inst-training-01",
                                "--mode", "REBOOT_VM"))
    table = ok(together_cli("clusters", "remediations", "list", TRAINING))
    assert DEMO_REMEDIATION_ID in table and made["id"] in table and "gpu-03 (inst-training-03)" in table

    def listed(*args: str) -> set[str]:
        page = json_of(together_cli("--json", "clusters", "remediations", "list", TRAINING, *args))
        return {r["id"] for r in page["remediations"]}

    assert listed("--state", "PENDING_APPROVAL") == {DEMO_REMEDIATION_ID}
    assert listed("--state", "PENDING_APPROVAL", "--state", "PENDING") == {DEMO_REMEDIATION_ID, made["id"]}
    assert listed("--mode", "REBOOT_VM") == {made["id"]}
    assert listed("--mode", "REBOOT_VM", "--mode", "VM_ONLY") == {DEMO_REMEDIATION_ID, made["id"]}
    assert listed("--trigger", "AUTOMATED") == {DEMO_REMEDIATION_ID}
    assert listed("--trigger", "MANUAL", "--trigger", "AUTOMATED") == {DEMO_REMEDIATION_ID, made["id"]}
    assert listed("inst-training-03") == {DEMO_REMEDIATION_ID}


def test_remediations_list_pages_with_after(together_cli, simulator):
    simulator.add_cluster("cluster-big", "big", 60)
    for i in range(1, 53):  # more than the default page of 50
        simulator.inject_alert("cluster-big", f"inst-big-{i:02d}", "NodeNotReady")
    first = ok(together_cli("clusters", "remediations", "list", "cluster-big"))
    assert "To display the next page, run:" in first
    token = first.split("--after ", 1)[1].split()[0]
    rest = json_of(together_cli("--json", "clusters", "remediations", "list", "cluster-big", "--after", token))
    assert len(rest["remediations"]) == 2 and rest["has_next"] is False and rest["next_page_token"] == ""


def test_remediations_create_and_retrieve(together_cli):
    printed = ok(together_cli("clusters", "remediations", "create", TRAINING, "inst-training-05",
                              "--mode", "HOST_POWER_CYCLE", "--reason", "GPU fell off the bus"))
    assert "Remediation created" in printed
    remediation_id = printed.split("(", 1)[1].split(")", 1)[0]
    shown = json_of(together_cli("--json", "clusters", "remediations", "retrieve", remediation_id))
    assert (shown["mode"], shown["state"], shown["reason"]) == ("REMEDIATION_MODE_HOST_POWER_CYCLE", "SUCCEEDED",
                                                                "GPU fell off the bus")
    assert remediation_id in ok(together_cli("clusters", "remediations", "get", remediation_id))


def test_remediations_approve_with_a_comment_and_a_mode(together_cli, simulator):
    simulator.set_lifecycle({"HOST_AWARE": (600, 600)})
    printed = ok(together_cli("clusters", "remediations", "approve", DEMO_REMEDIATION_ID,
                              "--comment", "move it off that host", "--mode", "HOST_AWARE"))
    assert f"Remediation approved. ({DEMO_REMEDIATION_ID})" in printed
    shown = json_of(together_cli("--json", "clusters", "remediations", "retrieve", DEMO_REMEDIATION_ID))
    assert (shown["state"], shown["mode"], shown["review_comment"]) == ("PENDING", "REMEDIATION_MODE_HOST_AWARE",
                                                                        "move it off that host")


def test_remediations_reject(together_cli):
    printed = ok(together_cli("clusters", "remediations", "reject", DEMO_REMEDIATION_ID, "--comment", "not now"))
    assert f"Remediation rejected. ({DEMO_REMEDIATION_ID})" in printed
    shown = json_of(together_cli("--json", "clusters", "remediations", "retrieve", DEMO_REMEDIATION_ID))
    assert (shown["state"], shown["review_comment"]) == ("CANCELLED", "not now")


def test_remediations_cancel(together_cli, simulator):
    simulator.set_lifecycle({"VM_ONLY": (600, 600)})
    made = json_of(together_cli("--json", "clusters", "remediations", "create", TRAINING, "inst-training-06",
                                "--mode", "VM_ONLY"))
    printed = ok(together_cli("clusters", "remediations", "cancel", made["id"]))
    assert f"Remediation cancelled. ({made['id']})" in printed
    shown = json_of(together_cli("--json", "clusters", "remediations", "retrieve", made["id"]))
    assert shown["state"] == "CANCELLED"


def test_errors_show_the_simulators_message(together_cli):
    refused = together_cli("clusters", "remediations", "approve", DEMO_REMEDIATION_ID, "--mode", "HOST_POWER_CYCLE")
    assert refused.returncode == 1
    assert ("REMEDIATION_MODE_HOST_POWER_CYCLE cannot be set as an approval override; create a host power-cycle"
            " remediation directly") in refused.stdout
    missing = together_cli("clusters", "remediations", "create", TRAINING, "inst-nope", "--mode", "REBOOT_VM")
    assert missing.returncode == 1
    assert 'instance "inst-nope" not found in cluster "cluster-training"' in missing.stdout
    as_json = together_cli("--json", "clusters", "retrieve", "cluster-nope")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["message"] == 'cluster "cluster-nope" not found'


def test_an_unknown_key_is_refused_with_the_simulators_message(together_cli):
    # With a project named, the CLI skips its whoami and the command's own error handling prints
    # the API's message. (Without one, the CLI's up-front whoami fails outside that handling and
    # the CLI ends with a traceback that quotes the body: the same against the live API.)
    refused = together_cli("clusters", "list", api_key="not-a-key", project_id="proj-simulator")
    assert refused.returncode == 1
    assert "Error" in refused.stdout and "invalid API key" in refused.stdout
    bare = together_cli("clusters", "list", api_key="not-a-key")
    assert bare.returncode == 1 and "invalid API key" in bare.stderr
