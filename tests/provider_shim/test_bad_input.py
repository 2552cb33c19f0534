"""Bad input never reaches the API: a table of bad inputs, each with the clear error it gives.

Through HCL (``terraform plan -json`` or ``terraform import``): the error names the attribute,
and the simulator's counters show that no API request was made. A review of a remediation that
does not exist is the one input only the API can judge: it fails at plan with the API's own
message, and nothing is approved or rejected. The table's other rows sit with what they test:
``together_cdk`` props in ``tests/together_cdk/test_bad_input.py``, the plan review's files in
``tests/together_remediation/review/test_bad_input.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.provider_shim.hcl import remediation, value
from tests.support.terraform_fixtures import REQUIRED_PROVIDERS, error_diagnostics
from tests.together_cdk.test_bad_input import CDK_CASES
from tests.together_remediation.review.test_bad_input import FILE_CASES
from together_simulator.process import SimulatorProcess

pytestmark = pytest.mark.e2e

CLUSTER = "cluster-training"
UUID = "3f2c8a4e-0d7b-4c1e-9a51-6b2f0e8d9c10"
OVERSIZED = "x" * 100_000


@dataclass(frozen=True)
class Case:
    name: str
    hcl: str | bytes  # resources (and provider block) after REQUIRED_PROVIDERS
    attribute: str  # must appear in the error's summary or detail (or its source line)
    says: str  # a phrase of the error
    import_id: str | None = None  # run `terraform import ADDRESS ID` instead of plan
    address: str = "together_remediation.a"  # the ADDRESS of an import


def resource(**arguments) -> str:
    base = {"instance_id": "inst-training-05"}
    return remediation("a", **{**base, **arguments})


def review(**arguments) -> str:
    values = {"cluster_id": CLUSTER, "instance_id": "inst-training-03", "remediation_id": UUID, "decision": "APPROVE", **arguments}
    body = "".join(f"  {k} = {value(v)}\n" for k, v in values.items() if v is not None)
    return f'resource "together_remediation_review" "r" {{\n{body}}}\n'


PATH_IDS = [
    ("with a route", "cluster/instances/x/remediations/y", "request's path"),
    ("dot", ".", "names a directory"),
    ("dot-dot", "..", "names a directory"),
    ("with a space", "inst training", "whitespace"),
    ("with a tab", "inst\ttraining", "whitespace"),
    ("with a control character", "inst\u0001x", "control character"),
    ("with a query", "inst?x=1", "query string"),
    ("with an escape", "inst%2Fx", "escape"),
]


def data(kind: str, **arguments) -> str:
    body = "".join(f"  {k} = {value(v)}\n" for k, v in arguments.items())
    return f'data "{kind}" "d" {{\n{body}}}\n'


def provider(**settings) -> str:
    return 'provider "together" {\n' + "".join(f"  {k} = {value(v)}\n" for k, v in settings.items()) + "}\n"


def with_provider(text: str, **settings) -> str:
    return provider(**settings) + text


HCL_CASES = [
    Case("unknown mode", resource(mode="REBOOT"), "mode", "not one of"),
    Case("empty mode", resource(mode=""), "mode", "not one of"),
    Case("neither mode nor escalation", resource(mode=None), "mode", "Exactly one of mode or escalation"),
    Case("mode and escalation together", resource(escalation=["REMEDIATION_MODE_REBOOT_VM"]), "escalation", "Exactly one of mode or escalation"),
    Case("empty escalation", resource(mode=None, escalation=[]), "escalation", "must not be empty"),
    Case("escalation with an unknown mode", resource(mode=None, escalation=["REMEDIATION_MODE_REBOOT_VM", "REBOOT"]), "escalation[1]", "not one of"),
    Case("escalation repeating a mode", resource(mode=None, escalation=["REMEDIATION_MODE_REBOOT_VM"] * 2), "escalation", "repeats a mode"),
    Case("empty cluster id", resource(cluster_id=""), "cluster_id", "must not be empty"),
    Case("blank instance id", resource(instance_id="   "), "instance_id", "must not be empty"),
    Case("malformed remediation id", resource(remediation_id="r-1"), "remediation_id", "Invalid UUID"),
    Case("empty remediation id", resource(remediation_id=""), "remediation_id", "Invalid UUID"),
    Case("unknown wait_for", resource(wait_for="forever"), "wait_for", "not one of"),
    Case("bad create timeout", resource(timeouts={"create": "ten minutes"}), "timeouts.create", "Invalid duration"),
    Case("negative delete timeout", resource(timeouts={"delete": "-5m"}), "timeouts.delete", "Invalid duration"),
    Case("rerun_on_failure not a bool", resource(rerun_on_failure="sometimes"), "rerun_on_failure", "a bool is required"),
    Case("unknown argument", resource(modee="REMEDIATION_MODE_REBOOT_VM"), "modee", "Unsupported argument"),
    Case("oversized instance id", resource(instance_id=OVERSIZED), "instance_id", "too long"),
    Case("oversized reason", resource(reason="r" * 1_000_000), "reason", "too long"),
    Case("non-UTF-8 reason", resource(reason="XX").encode().replace(b"XX", b"caf\xe9"), "reason", "Invalid character encoding"),
    Case("request_timeout without a unit", with_provider(resource(), request_timeout="30"), "request_timeout", "Invalid duration"),
    Case("unknown poll_interval", with_provider(resource(), poll_interval="fast"), "poll_interval", "Invalid duration"),
    Case("negative max_retries", with_provider(resource(), max_retries=-1), "max_retries", "too small"),
    Case("zero max_in_flight_per_cluster", with_provider(resource(), max_in_flight_per_cluster=0), "max_in_flight_per_cluster", "too small"),
    Case("absurd max_in_flight_per_cluster", with_provider(resource(), max_in_flight_per_cluster=-1_000_000), "max_in_flight_per_cluster", "too small"),
    Case("base_url in clear", with_provider(resource(), base_url="http://api.together.xyz/v1"), "base_url", "plain http"),
    Case("unknown review decision", review(decision="MAYBE"), "decision", "not one of"),
    Case("review of a malformed remediation id", review(remediation_id="latest"), "remediation_id", "Invalid UUID"),
    Case("import id with two parts", resource(), "import id", "expected CLUSTER/INSTANCE/REMEDIATION", import_id=f"{CLUSTER}/inst-training-05"),
    Case("import id with four parts", resource(), "import id", "expected CLUSTER/INSTANCE/REMEDIATION", import_id=f"{CLUSTER}/inst-training-05/{UUID}/x"),
    Case("import id with an empty part", resource(), "import id", "non-empty parts", import_id=f"{CLUSTER}//{UUID}"),
    Case("import id with spaces", resource(), "import id", "spaces around a part", import_id=f"{CLUSTER}/ inst-training-05/{UUID}"),
    Case("empty import id", resource(), "import id", "malformed", import_id="-"),
    # Ids with path syntax would name another route of the API (issue 15).
    *[
        Case(f"cluster_id {label}", resource(cluster_id=bad), "cluster_id", says)
        for label, bad, says in PATH_IDS
    ],
    *[
        Case(f"instance_id {label}", resource(instance_id=bad), "instance_id", says)
        for label, bad, says in PATH_IDS
    ],
    Case("review cluster_id with a route", review(cluster_id="cluster/instances/x/remediations/y"), "cluster_id", "request's path"),
    Case("review instance_id dot", review(instance_id="."), "instance_id", "names a directory"),
    Case("data cluster_id with a route", data("together_cluster", cluster_id="cluster/instances/x"), "cluster_id", "request's path"),
    Case("data remediation instance_id dot-dot", data("together_remediation", cluster_id=CLUSTER, instance_id="..", remediation_id=UUID), "instance_id", "names a directory"),
    Case("data remediations cluster_id with a space", data("together_remediations", cluster_id="cluster training"), "cluster_id", "whitespace"),
    Case("data remediations instance_id with a route", data("together_remediations", cluster_id=CLUSTER, instance_id="x/remediations"), "instance_id", "request's path"),
    Case("import id ending in /.", resource(), "import id", "names a directory", import_id=f"{CLUSTER}/inst-training-05/."),
    Case("import id with a .. part", resource(), "import id", "names a directory", import_id=f"{CLUSTER}/../{UUID}"),
    Case("import id with a control character", resource(), "import id", "control character", import_id=f"{CLUSTER}/inst\x01/{UUID}"),
    Case("review import id ending in /.", review(), "import id", "names a directory", import_id=f"{CLUSTER}/inst-training-03/.", address="together_remediation_review.r"),
    # Durations too short to work.
    Case("poll_interval 0s", with_provider(resource(), poll_interval="0s"), "poll_interval", "at least '100ms'"),
    Case("request_timeout 0s", with_provider(resource(), request_timeout="0s"), "request_timeout", "at least '1s'"),
    Case("timeouts.create 0s", resource(timeouts={"create": "0s"}), "timeouts.create", "at least '1s'"),
    Case("review timeouts.create 0s", review()[:-2] + '  timeouts {\n    create = "0s"\n  }\n}\n', "timeouts.create", "at least '1s'"),
    # Hostile text.
    Case("oversized review comment", review(comment="c" * 100_000), "comment", "too long"),
    Case("base_url with credentials", with_provider(resource(), base_url="https://user:s3cr3t@api.together.ai"), "base_url", "carries credentials"),
]


@pytest.fixture(scope="module")
def sim():
    with SimulatorProcess(seed="demo", durations="zero") as simulator:
        yield simulator


@pytest.fixture(scope="module")
def workspace(lab, sim):
    ws = lab.workspace(sim)
    ws.write(REQUIRED_PROVIDERS + resource())
    ws.init()
    return ws


def _error_texts(ws, case: Case) -> tuple[int, list[tuple[str, str]]]:
    """Exit code and, per error, (its summary and detail, the source line terraform shows)."""
    if case.import_id is not None:
        result = ws.run("import", "-input=false", "-no-color", case.address, case.import_id, check=False)
        return result.returncode, [(" ".join(result.output.split()), "")]  # terraform wraps long lines
    result = ws.run("plan", "-input=false", "-no-color", "-json", check=False)
    texts = []
    for diagnostic in error_diagnostics(result.stdout):
        snippet = (diagnostic.get("snippet") or {}).get("code", "")
        texts.append((diagnostic.get("summary", "") + " " + diagnostic.get("detail", ""), snippet))
    return result.returncode, texts or [(result.output, "")]


def test_the_table_has_at_least_30_bad_inputs():
    assert len(HCL_CASES) + len(CDK_CASES) + len(FILE_CASES) >= 30
    assert len({c.name for c in HCL_CASES}) == len(HCL_CASES)


@pytest.mark.parametrize("case", HCL_CASES, ids=lambda c: c.name)
def test_bad_hcl_gives_an_error_naming_the_attribute_and_makes_no_api_request(case, workspace, sim):
    path = workspace.directory / "main.tf"
    prefix = REQUIRED_PROVIDERS.encode()
    path.write_bytes(prefix + (case.hcl if isinstance(case.hcl, bytes) else case.hcl.encode()))
    sim.reset_stats()
    code, errors = _error_texts(workspace, case)
    assert code != 0, f"{case.name}: terraform accepted it"
    assert any(case.attribute in message + snippet and case.says in message for message, snippet in errors), f"{case.name}: {errors}"
    assert all(OVERSIZED not in message for message, _ in errors), "an error must not echo a huge value"
    assert sim.stats()["requests_total"] == 0, f"{case.name}: reached the API: {sim.stats()['requests_by_route']}"


def test_review_of_a_remediation_that_does_not_exist_fails_at_plan_with_the_api_message(workspace, sim):
    (workspace.directory / "main.tf").write_text(REQUIRED_PROVIDERS + review())
    sim.reset_stats()
    result = workspace.run("plan", "-input=false", "-no-color", check=False)
    assert result.returncode != 0
    assert UUID in result.output and "not found" in result.output.lower(), result.output
    routes = sim.stats()["requests_by_route"]
    assert not any(route.startswith("POST") for route in routes), routes
