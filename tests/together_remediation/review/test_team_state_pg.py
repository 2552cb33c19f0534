"""Shared state in PostgreSQL: two CI runners apply one configuration of remediations at the
same moment, against the simulator.

Terraform's ``pg`` backend takes an advisory lock for the whole apply. One runner gets it; the
other waits (``-lock-timeout``) and then finds nothing left to do, or fails cleanly when it may
not wait. No remediation is lost or created twice.

To make the overlap certain rather than likely, the first resource of the configuration holds
the lock: its provisioner marks that it is running and waits until the test releases it; the
remediations depend on it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.together_remediation.review.postgres_server import PostgresServer, postgres_missing_reason
from together_api.client import TogetherClient

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(postgres_missing_reason() is not None, reason=postgres_missing_reason() or ""),
]

CLUSTER = "cluster-training"
DECLARED = {  # resource name -> instance
    "gpu04": "inst-training-04",
    "gpu06": "inst-training-06",
    "gpu08": "inst-training-08",
}
CREATE_ROUTE = "POST /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"
COMMAND_TIMEOUT = 180


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer().start()
    yield server
    server.stop()


def _hold_script(signal_dir: Path) -> str:
    # bounded wait (2 minutes) so that a failing test never leaves terraform hanging
    return (
        f"touch {signal_dir}/holding; i=0; "
        f"while [ ! -f {signal_dir}/release ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done"
    )


def _configuration(signal_dir: Path) -> dict:
    return {
        "terraform": {
            "backend": {"pg": {"conn_str": ""}},  # empty: read from PG_CONN_STR, never the files
            "required_providers": {"together": {"source": "together-remediation/together"}},
        },
        "provider": {"together": {}},  # key and URL from TOGETHER_API_KEY / TOGETHER_BASE_URL
        "resource": {
            "terraform_data": {
                "hold_lock": {
                    "provisioner": [
                        {"local-exec": {"command": _hold_script(signal_dir), "interpreter": ["/bin/sh", "-c"]}}
                    ]
                }
            },
            "together_remediation": {
                name: {
                    "cluster_id": CLUSTER,
                    "instance_id": instance,
                    "mode": "REMEDIATION_MODE_REBOOT_VM",
                    "reason": "shared-state test",
                    "depends_on": ["terraform_data.hold_lock"],
                }
                for name, instance in DECLARED.items()
            },
        },
    }


def _environment(terraform_workspace, simulator, conn_str: str, schema: str) -> dict[str, str]:
    """The shared harness's environment (provider CLI config, simulator URL and key) plus pg's."""
    return {**terraform_workspace(simulator).env, "PG_CONN_STR": conn_str, "PG_SCHEMA_NAME": schema}


def _runner(tmp_path: Path, name: str, signal_dir: Path, env: dict[str, str]) -> Path:
    workdir = tmp_path / name
    workdir.mkdir()
    (workdir / "main.tf.json").write_text(json.dumps(_configuration(signal_dir), indent=2))
    _terraform(workdir, env, "init", "-no-color")
    return workdir


def _terraform(workdir: Path, env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["terraform", *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
    )
    if check and result.returncode != 0:
        raise AssertionError(f"terraform {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _start_apply(workdir: Path, env: dict[str, str], lock_timeout: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["terraform", "apply", "-auto-approve", "-no-color", f"-lock-timeout={lock_timeout}"],
        cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _wait_for(path: Path, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + COMMAND_TIMEOUT
    while not path.exists():
        for process in processes:
            if process.poll() is not None and process.returncode != 0:
                raise AssertionError(f"an apply ended early: {process.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError("no apply reached the lock-holding step")
        time.sleep(0.1)


def test_concurrent_applies_one_waits_one_fails_cleanly_nothing_lost_or_doubled(
    postgres, simulator, terraform_workspace, tmp_path
):
    signal_dir = tmp_path / "signals"
    signal_dir.mkdir()
    env = _environment(terraform_workspace, simulator, postgres.conn_str(), "team_state_lock")
    runner_a = _runner(tmp_path, "runner-a", signal_dir, env)
    runner_b = _runner(tmp_path, "runner-b", signal_dir, env)
    impatient = _runner(tmp_path, "runner-c", signal_dir, env)

    # the two runners start at the same moment; both may wait up to two minutes for the lock
    applies = [_start_apply(runner_a, env, "120s"), _start_apply(runner_b, env, "120s")]
    try:
        _wait_for(signal_dir / "holding", applies)  # one of them holds the lock mid-apply

        # a runner that may not wait fails cleanly, saying who holds the lock
        refused = _terraform(impatient, env, "apply", "-auto-approve", "-no-color", "-lock-timeout=0s", check=False)
        assert refused.returncode == 1
        assert "Error acquiring the state lock" in refused.stderr
        assert "Lock Info:" in refused.stderr and "OperationTypeApply" in refused.stderr
        assert all(p.poll() is None for p in applies)  # the waiting runner is still waiting

        (signal_dir / "release").touch()
        results = [p.communicate(timeout=COMMAND_TIMEOUT) + (p.returncode,) for p in applies]
    finally:
        (signal_dir / "release").touch()
        for process in applies:
            if process.poll() is None:
                process.kill()

    assert [code for _, _, code in results] == [0, 0], results
    outputs = sorted(out for out, _, _ in results)
    created = [o for o in outputs if f"Resources: {len(DECLARED) + 1} added" in o]
    waited = [o for o in outputs if "No changes." in o]
    assert len(created) == 1 and len(waited) == 1, outputs  # the second applied after the first, on its state

    listed = _terraform(impatient, env, "state", "list").stdout.split()
    assert sorted(listed) == sorted(["terraform_data.hold_lock"] + [f"together_remediation.{n}" for n in DECLARED])
    assert postgres.sql("select name from team_state_lock.states").split() == ["default"]

    # the simulator holds exactly the declared remediations: one each, created by one POST each
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        manual = [r for r in client.iter_remediations(CLUSTER) if r.trigger == "REMEDIATION_TRIGGER_MANUAL"]
    assert sorted(r.instance_id for r in manual) == sorted(DECLARED.values())
    assert simulator.stats()["requests_by_route"].get(CREATE_ROUTE) == len(DECLARED)


def test_team_state_example_plans_reviews_gates_and_applies_on_pg(postgres, simulator, terraform_workspace, tmp_path):
    """The documented flow of examples/team-state, as the CI workflow runs it."""
    root = Path(__file__).resolve().parents[3]
    env = _environment(terraform_workspace, simulator, postgres.conn_str(), "team_state_example")
    env["TEAM_STATE_SCHEMA"] = "team_state_example"  # the app writes its schema into the backend
    subprocess.run([sys.executable, str(root / "examples" / "team-state" / "main.py")], cwd=tmp_path, env=env,
                   check=True, timeout=COMMAND_TIMEOUT)
    stack = tmp_path / "cdktf.out" / "stacks" / "fleet-repairs"
    _terraform(stack, env, "init", "-no-color")
    _terraform(stack, env, "plan", "-no-color", "-lock-timeout=10m", "-out=tfplan")

    review = subprocess.run(
        [sys.executable, "-m", "together_remediation.cli", "plan", "review", "tfplan",
         "--policy", str(root / "examples" / "ci" / "remediation-policy.toml")],
        cwd=stack, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
    )
    assert review.returncode == 0, review.stdout + review.stderr
    assert "| **create** | gpu-09 | `inst-training-09` | ladder: REBOOT_VM → VM_ONLY → HOST_AWARE | high (3/4) |" in review.stdout
    assert "2 nodes of 16 disrupted (12.5%)." in review.stdout and "### Policy: passed" in review.stdout

    applied = _terraform(stack, env, "apply", "-no-color", "-lock-timeout=10m", "tfplan")
    assert "Resources: 2 added" in applied.stdout
    assert postgres.sql("select name from team_state_example.states").split() == ["default"]
    stored = postgres.sql("select data from team_state_example.states where name = 'default'")
    assert "together_remediation" in stored and postgres.conn_str() not in stored
