"""The provider against a server that misbehaves in ways the simulator cannot: every answer it
cannot read is one clear error naming the request and what was wrong (and, for a create, that
it may have happened and the next apply finds it); one malformed remediation in a listing fails
only its own resource; and a huge text from the API does not make a huge state.

The server is the live-shape server (``live_shape_server.py``) with faults switched on.
"""

from __future__ import annotations

import json

import pytest

from tests.provider_shim.hcl import config, remediation
from tests.support.terraform_fixtures import error_diagnostics
from tests.provider_shim.live_shape_server import CLUSTER, LiveShapeServer, instance_id

pytestmark = pytest.mark.e2e

NOT_JSON = b"<html><body>502 upstream hiccup</body></html>"


class MisbehavingServer(LiveShapeServer):
    """``create_answer``: how creates are answered: ``"html once"`` (the next create is committed,
    then answered with a proxy's page and status 200) or ``"html, not committed"`` (every create
    is answered so, and nothing is made)."""

    def __init__(self) -> None:
        super().__init__()
        self.create_answer: str | None = None

    def route(self, method, path, query, body):
        creating = method == "POST" and path.endswith("/remediations")
        if creating and self.create_answer == "html, not committed":
            return 200, NOT_JSON
        status, payload = super().route(method, path, query, body)
        if creating and status == 200 and self.create_answer == "html once":
            self.create_answer = None
            return 200, NOT_JSON
        return status, payload

    def _list(self, cluster, instance, query):
        """Every remediation of the instance (or cluster) as stored, malformed ones included."""
        with self._lock:
            found = [r for r in self.remediations.values() if r["cluster_id"] == cluster and instance in ("-", r["instance_id"])]
        return {"remediations": found, "has_next": False, "next_page_token": ""}

    def corrupt(self, remediation_id: str, **fields) -> None:
        """Change a stored remediation in place, past the SDK's models."""
        with self._lock:
            self.remediations[remediation_id].update(fields)
            for name, value in fields.items():
                if value is None:
                    del self.remediations[remediation_id][name]


@pytest.fixture
def server():
    with MisbehavingServer() as running:
        yield running


def _workspace(terraform_workspace, server, *resources):
    ws = terraform_workspace(base_url=server.root_url, api_key=server.api_key)
    ws.write(config(*resources))
    ws.init()
    return ws


def _errors(result) -> list[dict]:
    return error_diagnostics(result.stdout)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _creates(server) -> int:
    return sum(1 for r in server.requests if r.method == "POST" and r.path.endswith("/remediations"))


def test_a_committed_create_answered_with_html_is_found_not_posted_twice(server, terraform_workspace):
    ws = _workspace(terraform_workspace, server, remediation("a", cluster_id=CLUSTER, instance_id=instance_id(1), wait_for="none"))
    server.create_answer = "html once"
    ws.apply()
    assert len(server.remediations) == 1 and _creates(server) == 1
    (only,) = server.remediations.values()
    assert ws.resource("together_remediation.a")["id"] == only["id"]


def test_creates_answered_with_html_are_one_clear_error_and_the_next_apply_creates_once(server, terraform_workspace):
    ws = _workspace(
        terraform_workspace,
        server,
        remediation("a", cluster_id=CLUSTER, instance_id=instance_id(1), wait_for="none"),
    )
    ws.write('provider "together" {\n  max_retries = 1\n}\n', name="provider.tf")
    ws.remove("main.tf")
    ws.write(config(remediation("a", cluster_id=CLUSTER, instance_id=instance_id(1), wait_for="none"), provider=""))
    server.create_answer = "html, not committed"
    failed = ws.run("apply", "-input=false", "-no-color", "-auto-approve", "-json", check=False)
    assert failed.returncode != 0
    errors = _errors(failed)
    assert len(errors) == 1, errors
    text = _one_line(errors[0]["summary"] + " " + errors[0]["detail"])
    assert "POST /v1/compute/clusters/" in text and "not JSON" in text, text
    assert "may have happened" in text and "next apply finds" in text, text
    assert "JSONDecodeError" not in failed.output and "Traceback" not in failed.output
    assert server.remediations == {}

    server.create_answer = None
    ws.apply()
    assert len(server.remediations) == 1
    (only,) = server.remediations.values()
    assert ws.resource("together_remediation.a")["id"] == only["id"]


def test_an_answer_missing_fields_is_one_clear_error_naming_them(server, terraform_workspace):
    seeded = server.seed_remediation(instance_id(2), "REMEDIATION_MODE_VM_ONLY", "PENDING_APPROVAL")
    server.corrupt(seeded["id"], state=None, trigger=None)
    ws = _workspace(
        terraform_workspace,
        server,
        f'data "together_remediation" "r" {{\n  cluster_id = "{CLUSTER}"\n  instance_id = "{instance_id(2)}"\n'
        f'  remediation_id = "{seeded["id"]}"\n}}\n',
    )
    failed = ws.run("plan", "-input=false", "-no-color", "-json", check=False)
    errors = _errors(failed)
    assert failed.returncode != 0 and len(errors) == 1, errors
    text = _one_line(errors[0]["summary"] + " " + errors[0]["detail"])
    assert f"GET /v1/compute/clusters/{CLUSTER}/instances/{instance_id(2)}/remediations/{seeded['id']}" in text, text
    assert "state: field required" in text and "trigger: field required" in text, text
    assert "validation error" not in text and "errors.pydantic.dev" not in text and "input_value" not in text, text
    assert "\n" not in errors[0]["detail"].strip(), "a multi-line dump"


def test_one_malformed_remediation_in_the_listing_fails_only_its_resource(server, terraform_workspace):
    ws = _workspace(
        terraform_workspace,
        server,
        remediation("good", cluster_id=CLUSTER, instance_id=instance_id(1), wait_for="none"),
        remediation("bad", cluster_id=CLUSTER, instance_id=instance_id(2), wait_for="none"),
    )
    ws.apply()
    bad_id = ws.resource("together_remediation.bad")["id"]
    server.corrupt(bad_id, state=None)
    server.requests.clear()

    result = ws.run("plan", "-input=false", "-no-color", "-json", check=False)
    errors = _errors(result)
    assert result.returncode != 0 and len(errors) == 1, errors
    assert errors[0].get("address") == "together_remediation.bad", errors[0]
    text = _one_line(errors[0]["summary"] + " " + errors[0]["detail"])
    assert bad_id in text and "state: field required" in text, text
    refreshed = [json.loads(line) for line in result.stdout.splitlines() if '"refresh_complete"' in line]
    assert any(m["hook"]["resource"]["addr"] == "together_remediation.good" for m in refreshed), "the good one was not refreshed"


def test_a_20_mb_error_message_does_not_make_a_huge_state(server, terraform_workspace):
    from provider_shim.framework.convert import MAX_STATE_TEXT

    seeded = server.seed_remediation(instance_id(3), "REMEDIATION_MODE_REBOOT_VM", "FAILED", trigger="REMEDIATION_TRIGGER_MANUAL")
    huge = "E" * 20_000_000
    server.corrupt(seeded["id"], error_message=huge, review_comment="c" * 1_000_000)
    ws = _workspace(terraform_workspace, server, remediation("a", cluster_id=CLUSTER, instance_id=instance_id(3)))
    ws.import_("together_remediation.a", f"{CLUSTER}/{instance_id(3)}/{seeded['id']}")

    assert len(ws.state_file().encode()) < 1_000_000
    values = ws.resource("together_remediation.a")
    message = values["error_message"]
    assert message.startswith("E" * MAX_STATE_TEXT)
    assert message.endswith(f"[cut by the provider: {len(huge) - MAX_STATE_TEXT} more characters]")
    assert values["attempts"][0]["error_message"] == message
