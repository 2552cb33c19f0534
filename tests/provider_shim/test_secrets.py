"""The API key never leaves the Authorization header: not in state, plans, logs, crash output,
the simulator's log or a plan review, whatever Terraform does. And the provider never sends it
over plain http to another machine.

One recognisable key goes through plan, apply, import, a failing apply, a provider crash, a plan
with that key plus a suffix (refused by the API) and destroy, all with ``TF_LOG=trace``; then
every file and every output is scanned for it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid

import pytest

from tests.provider_shim.hcl import config, remediation
from tests.provider_shim.reliability.harness import provider_processes
from tests.support.polling import wait_for
from together_simulator.process import SimulatorProcess

pytestmark = pytest.mark.e2e

CLUSTER = "cluster-training"
DEMO_PENDING = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"  # the demo's remediation on inst-training-03
FAILING_INSTANCE = "inst-training-09"
CRASH_INSTANCE = "inst-training-10"


def _occurrences(data: bytes, needles: list[bytes]) -> int:
    return sum(data.count(needle) for needle in needles)


@pytest.fixture
def canary():
    marker = uuid.uuid4().hex
    return f"tgr-canary-{marker}", marker


def test_the_api_key_appears_nowhere(canary, tmp_path, terraform_workspace):
    key, marker = canary
    outputs: dict[str, bytes] = {}
    with SimulatorProcess(api_key=key, seed="demo", durations="zero") as sim:
        logs = tmp_path / "logs"
        logs.mkdir()

        def env(name: str, **extra: str) -> dict[str, str]:
            return {"TF_LOG": "trace", "TF_LOG_PATH": str(logs / f"{name}.log"), **extra}

        ws = terraform_workspace(sim)
        resources = [
            remediation("a", instance_id="inst-training-05", reason="Xid 79"),
            remediation("imported", instance_id="inst-training-03", mode="REMEDIATION_MODE_VM_ONLY"),
        ]
        ws.write(config(*resources))

        def run(name: str, *args: str, check: bool = True, **extra: str):
            result = ws.run(*args, check=check, env=env(name, **extra))
            outputs[name] = (result.stdout + result.stderr).encode()
            return result

        run("init", "init", "-input=false", "-no-color")
        run("plan", "plan", "-input=false", "-no-color", "-out=tfplan", "-target=together_remediation.a")
        plan_json = run("show-plan", "show", "-json", "tfplan").stdout
        (tmp_path / "plan.json").write_text(plan_json)
        run("apply", "apply", "-input=false", "-no-color", "tfplan")
        run("import", "import", "-input=false", "-no-color", "together_remediation.imported", f"{CLUSTER}/inst-training-03/{DEMO_PENDING}")

        # The plan review of the plan, in both formats.
        for fmt in ("markdown", "json"):
            review = subprocess.run(
                [sys.executable, "-m", "together_remediation.cli", "plan", "review", str(tmp_path / "plan.json"), "--format", fmt],
                capture_output=True, env={**ws.env, "TF_LOG": "trace"},
            )
            assert review.returncode == 0, review.stderr
            outputs[f"review-{fmt}"] = review.stdout + review.stderr

        # A failing apply: the API ends the remediation FAILED with its message.
        sim.set_failures([{"instance_id": FAILING_INSTANCE, "error_message": "reboot did not clear Xid 79"}])
        ws.write(config(*resources, remediation("failing", instance_id=FAILING_INSTANCE)))
        failed = run("failing-apply", "apply", "-input=false", "-no-color", "-auto-approve", check=False)
        assert failed.returncode != 0 and "reboot did not clear Xid 79" in failed.output

        # A provider crash in the middle of an apply, with Python's fault handler dumping stacks.
        sim.set_lifecycle({}, default=(0, 600))
        ws.write(config(*resources, remediation("crash", instance_id=CRASH_INSTANCE)))
        process = ws.start("apply", "-input=false", "-no-color", "-auto-approve", env=env("crash", PYTHONFAULTHANDLER="1"))
        wait_for(
            lambda: sim.stats()["remediations_by_state"].get("RUNNING", 0) >= 1 and provider_processes(process.pid),
            "a running remediation and the provider's process",
            poll=0.02,
        )
        os.kill(max(provider_processes(process.pid)), signal.SIGABRT)
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode != 0
        outputs["crash"] = (stdout + stderr).encode()
        assert b"Fatal Python error" in (logs / "crash.log").read_bytes() + outputs["crash"], "the crash left no trace to scan"

        # A wrong key (the right one with a suffix): the API refuses it, and the error must not echo it.
        refused = run("wrong-key", "plan", "-input=false", "-no-color", check=False, TOGETHER_API_KEY=f"{key}-revoked")
        assert refused.returncode != 0 and "invalid API key" in " ".join(refused.output.split())

        sim.set_lifecycle({}, default=(0, 0))
        run("destroy", "destroy", "-input=false", "-no-color", "-auto-approve")
        sim.stop()
        outputs["simulator-log"] = sim.log_path.read_bytes()
        assert b"POST /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations 200" in outputs["simulator-log"]

    files = [path for path in [*ws.directory.rglob("*"), *tmp_path.rglob("*")] if path.is_file() and not path.is_symlink()]
    scanned = {str(path): path.read_bytes() for path in files}
    scanned.update({f"output of {name}": data for name, data in outputs.items()})
    # What the scan covers: state, its backup, the saved plan, its JSON, a trace log per command.
    for expected in ("terraform.tfstate", "terraform.tfstate.backup", "tfplan", "plan.json", "apply.log", "crash.log", "import.log", "wrong-key.log"):
        assert any(name.endswith(expected) for name in scanned), f"{expected} was not scanned"
    assert b"ConfigureProvider" in scanned[str(logs / "apply.log")], "the trace log is not a trace log"
    needles = [key.encode(), marker.encode(), marker.upper().encode()]
    leaks = {name: _occurrences(data, needles) for name, data in scanned.items()}
    assert sum(leaks.values()) == 0, {name: n for name, n in leaks.items() if n}
    assert sum(len(data) for data in scanned.values()) > 100_000


@pytest.mark.parametrize(
    "base_url",
    [
        "http://api.together.xyz/v1",
        "http://10.0.0.5:8787/v1",
        "http://localhost.example.com/v1",
        "http://127.0.0.1.example.com/v1",
        "http://localhost@example.com/v1",
        "ftp://127.0.0.1/v1",
        "api.together.xyz/v1",
    ],
)
def test_base_url_in_clear_to_another_machine_is_refused_before_any_request(base_url, simulator, terraform_workspace):
    ws = terraform_workspace(simulator, base_url=base_url)
    ws.write(config(remediation("a", instance_id="inst-training-05")))
    ws.init()
    simulator.reset_stats()
    result = ws.plan(check=False)
    assert result.returncode != 0
    assert "Invalid base_url" in result.output
    if "@" in base_url:  # its user part may be a secret: named, not repeated
        assert "credentials" in result.output and "localhost@" not in result.output
    else:
        assert repr(base_url) in result.output
    assert simulator.stats()["requests_total"] == 0


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_base_url_in_clear_to_loopback_and_https_anywhere_are_accepted(host):
    from provider_shim.provider import base_url_problem

    assert base_url_problem(f"http://{host}:8787/v1") is None
    assert base_url_problem("https://api.together.xyz/v1") is None
    assert base_url_problem("https://10.0.0.5/v1") is None


def test_base_url_set_in_the_provider_block_is_checked_at_validate(simulator, terraform_workspace):
    ws = terraform_workspace(simulator)
    ws.write(config(remediation("a", instance_id="inst-training-05"), provider='provider "together" {\n  base_url = "http://api.together.xyz/v1"\n}\n'))
    ws.init()
    result = ws.run("validate", "-no-color", check=False)
    assert result.returncode != 0 and "Invalid base_url" in result.output and "plain http" in result.output


# ---- keys of every shape (issue 15) -----------------------------------------------------------

def _pieces(key: str) -> list[bytes]:
    """The key and every part of it long enough to be recognisable, as bytes and escaped."""
    parts = {key, key.strip(), *[p for p in key.split() if len(p) >= 8]}
    found = set()
    for part in parts:
        found |= {part.encode(), repr(part)[1:-1].encode(), part.encode("unicode_escape"), repr(part.encode())[2:-1].encode()}
    return [p for p in found if p.strip()]


def _scan(directory, outputs: dict[str, bytes], key: str) -> dict[str, int]:
    scanned = {str(p): p.read_bytes() for p in directory.rglob("*") if p.is_file() and not p.is_symlink()}
    scanned.update(outputs)
    needles = _pieces(key)
    return {name: _occurrences(data, needles) for name, data in scanned.items() if _occurrences(data, needles)}


def _bad_key_shapes():
    marker = uuid.uuid4().hex
    return {
        "newline inside": f"tgr-first-line-{marker}\ntgr-second-line-{marker}",
        "space inside": f"tgr-{marker} tgr-{marker[::-1]}",
        "unicode": f"tgr-ключ-{marker}",
        "control character": f"tgr-{marker}\x07bell",
        "carriage return and header": f"tgr-{marker}\r\nX-Injected: yes",
    }


@pytest.mark.parametrize("shape", list(_bad_key_shapes()))
def test_a_key_that_cannot_be_a_header_is_one_diagnostic_on_api_key_without_it_and_no_request(shape, tmp_path, simulator, terraform_workspace):
    import time

    key = _bad_key_shapes()[shape]
    log = tmp_path / "trace.log"
    ws = terraform_workspace(simulator, api_key=key, env={"TF_LOG": "trace", "TF_LOG_PATH": str(log)})
    ws.write(config(remediation("a", instance_id="inst-training-05")))
    ws.init()
    simulator.reset_stats()
    started = time.monotonic()
    result = ws.run("plan", "-input=false", "-no-color", check=False)
    elapsed = time.monotonic() - started
    assert result.returncode != 0
    text = " ".join(result.output.split())
    assert "Invalid api_key" in text and "cannot be sent as an HTTP header" in text, text
    assert simulator.stats()["requests_total"] == 0
    assert elapsed < 8, f"{elapsed:.1f} s: retried a request that can never be sent"
    assert _scan(tmp_path, {"output": result.output.encode()}, key) == {}


def test_a_key_with_a_trailing_newline_is_trimmed_and_works(tmp_path, terraform_workspace):
    key = f"tgr-{uuid.uuid4().hex}"
    with SimulatorProcess(api_key=key, seed="demo", durations="zero") as sim:
        log = tmp_path / "trace.log"
        ws = terraform_workspace(sim, api_key=key + "\n", env={"TF_LOG": "trace", "TF_LOG_PATH": str(log)})
        ws.write(config(remediation("a", instance_id="inst-training-05")))
        ws.init()
        applied = ws.apply()
        assert ws.resource("together_remediation.a")["state"] == "SUCCEEDED"
    assert _scan(tmp_path, {"apply": applied.output.encode()}, key) == {}


@pytest.mark.parametrize(
    "shape",
    ["regex metacharacters", "short", "quotes and backslashes"],
)
def test_keys_of_any_valid_shape_appear_in_no_output(shape, tmp_path, terraform_workspace):
    marker = uuid.uuid4().hex[:12]
    key = {
        "regex metacharacters": f"tgr-$.*+?()[]{{}}|^-{marker}",
        "short": f"k{marker[:7]}",
        "quotes and backslashes": f"tgr-\"'\\%s-{marker}",
    }[shape]
    outputs: dict[str, bytes] = {}
    with SimulatorProcess(api_key=key, seed="demo", durations="zero") as sim:
        logs = tmp_path / "logs"
        logs.mkdir()
        ws = terraform_workspace(sim, api_key=key)

        def run(name: str, *args: str, check: bool = True, **extra: str):
            result = ws.run(*args, check=check, env={"TF_LOG": "trace", "TF_LOG_PATH": str(logs / f"{name}.log"), **extra})
            outputs[name] = (result.stdout + result.stderr).encode()
            return result

        ws.write(config(remediation("a", instance_id="inst-training-05")))
        run("init", "init", "-input=false", "-no-color")
        run("plan", "plan", "-input=false", "-no-color", "-out=tfplan")
        outputs["plan-json"] = run("show", "show", "-json", "tfplan").stdout.encode()
        (tmp_path / "plan.json").write_bytes(outputs["plan-json"])
        run("apply", "apply", "-input=false", "-no-color", "tfplan")
        wrong = run("wrong-key", "plan", "-input=false", "-no-color", check=False, TOGETHER_API_KEY=key + "-revoked")
        assert wrong.returncode != 0
        review = subprocess.run(
            [sys.executable, "-m", "together_remediation.cli", "plan", "review", str(tmp_path / "plan.json")],
            capture_output=True, env={**ws.env, "TF_LOG": "trace"},
        )
        assert review.returncode == 0, review.stderr
        outputs["review"] = review.stdout + review.stderr
    leaks = _scan(tmp_path, outputs, key)
    leaks.update(_scan(ws.directory, {}, key))
    assert leaks == {}, leaks


def test_base_url_credentials_from_the_environment_are_refused_without_repeating_them(tmp_path, simulator, terraform_workspace):
    password = f"s3cr3t-{uuid.uuid4().hex}"
    base_url = simulator.base_url.replace("http://", f"http://admin:{password}@")
    log = tmp_path / "trace.log"
    ws = terraform_workspace(simulator, base_url=base_url, env={"TF_LOG": "trace", "TF_LOG_PATH": str(log)})
    ws.write(config(remediation("a", instance_id="inst-training-05")))
    ws.init()
    simulator.reset_stats()
    result = ws.run("plan", "-input=false", "-no-color", check=False)
    assert result.returncode != 0
    text = " ".join(result.output.split())
    assert "Invalid base_url" in text and "credentials" in text, text
    assert simulator.stats()["requests_total"] == 0
    for data in (result.output.encode(), log.read_bytes()):
        assert password.encode() not in data and b"admin:" not in data
