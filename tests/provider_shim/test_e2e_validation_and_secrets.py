"""Bad input never reaches the API, and the API key never reaches state, plans, logs or errors."""

from __future__ import annotations

import pytest

from tests.provider_shim.hcl import config, remediation

pytestmark = pytest.mark.e2e


def test_invalid_configuration_fails_the_plan_naming_each_attribute_without_an_api_call(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(
        config(
            remediation("bad_mode", instance_id="inst-training-01", mode="REBOOT"),
            remediation("empty_cluster", cluster_id="", instance_id="inst-training-01"),
            remediation("bad_duration", instance_id="inst-training-01", timeouts={"create": "5 minutes"}),
            remediation("bad_wait", instance_id="inst-training-01", wait_for="done"),
            remediation("both", instance_id="inst-training-01", escalation=["REMEDIATION_MODE_VM_ONLY"]),
            remediation("bad_id", instance_id="inst-training-01", remediation_id="not-a-uuid"),
            remediation("bad_ladder", instance_id="inst-training-01", mode=None, escalation=["REMEDIATION_MODE_REBOOT_VM", "REBOOT"]),
        )
    )
    ws.init()
    simulator.reset_stats()
    result = ws.plan(check=False)

    assert result.returncode != 0
    errors = result.stderr
    for expected in (
        "Unsupported value for mode",
        '"REBOOT" is not one of',
        "cluster_id must not be empty",
        "Invalid duration for timeouts.create",
        "Unsupported value for wait_for",
        "Exactly one of mode or escalation must be set",
        "Invalid UUID for remediation_id",
        "Unsupported value for escalation[1]",
    ):
        assert expected.replace('"', "'") in errors.replace('"', "'"), f"missing {expected!r} in:\n{errors}"
    for name in ("bad_mode", "empty_cluster", "bad_duration", "bad_wait", "both", "bad_id", "bad_ladder"):
        assert f'resource "together_remediation" "{name}"' in errors
    assert simulator.stats()["requests_total"] == 0


def test_plain_http_to_a_remote_host_is_refused(terraform_workspace):
    ws = terraform_workspace(base_url="http://api.example.com/v1", api_key="k")
    ws.write(config(remediation("a", instance_id="inst-training-01"), provider='provider "together" {\n  base_url = "http://api.example.com/v1"\n}\n'))
    ws.init()
    result = ws.plan(check=False)
    assert result.returncode != 0 and "Invalid base_url" in result.stderr and "plain http" in result.stderr


SECRET = "tok-SECRET-5f0e6a61c2b8"


def test_api_key_never_reaches_state_plans_logs_or_errors(simulator_factory, terraform_workspace):
    # The key comes from TOGETHER_API_KEY, as documented. (A key passed through a Terraform
    # variable is stored by Terraform itself in saved plans' variables; that is not the provider's.)
    simulator = simulator_factory(api_key=SECRET, seed="demo", durations="zero")
    ws = terraform_workspace(simulator, env={"TF_LOG": "trace"})
    ws.write(config(remediation("a", instance_id="inst-training-05")))
    seen = [ws.init().output, ws.apply().output]
    seen.append(ws.run("plan", "-no-color", "-out=tfplan").output)
    seen.append(ws.run("show", "-json", "tfplan").output)
    seen.append(ws.run("show", "-json").output)
    seen.append(ws.state_file())
    assert ws.resource("together_remediation.a")["state"] == "SUCCEEDED"

    # A rejected key: the error quotes the API, not the key.
    wrong = "tok-REVOKED-93be1d07aa41"
    failing = ws.run(
        "apply", "-auto-approve", "-no-color", "-replace=together_remediation.a", check=False, env={"TOGETHER_API_KEY": wrong}
    )
    assert failing.returncode != 0 and "UNAUTHENTICATED" in failing.stderr
    seen.append(failing.output)

    assert len("".join(seen)) > 10_000, "trace logs were captured"
    # The provider's own log lines reach Terraform's log at their level: each state change.
    assert "[INFO]  provider.terraform-provider-together_v0.1.0: remediation " in seen[1]
    assert ": SUCCEEDED" in seen[1]
    for text in seen:
        assert SECRET not in text and wrong not in text
