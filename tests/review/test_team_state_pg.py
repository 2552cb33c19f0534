"""Shared state in PostgreSQL: two CI runners apply one configuration at the same moment.

Terraform's ``pg`` backend takes an advisory lock for the whole apply. One runner gets it; the
other waits (``-lock-timeout``) and then finds nothing left to do, or fails cleanly when it may
not wait. No object is lost or created twice.

To make the overlap certain rather than likely, the first resource of the configuration holds
the lock: its provisioner marks that it is running and waits until the test releases it.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.review.postgres_server import PostgresServer, postgres_missing_reason

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(postgres_missing_reason() is not None, reason=postgres_missing_reason() or ""),
]

DECLARED = ["alpha", "beta", "gamma"]
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
        "terraform": {"backend": {"pg": {}}},  # conn_str comes from PG_CONN_STR, never the files
        "resource": {
            "terraform_data": {
                "hold_lock": {
                    "provisioner": [
                        {"local-exec": {"command": _hold_script(signal_dir), "interpreter": ["/bin/sh", "-c"]}}
                    ]
                },
                **{
                    name: {"input": name, "depends_on": ["terraform_data.hold_lock"]}
                    for name in DECLARED
                },
            }
        },
    }


def _environment(tmp_path: Path, conn_str: str, schema: str) -> dict[str, str]:
    cli_config = tmp_path / "terraformrc"
    cli_config.write_text("")  # no provider installation settings needed: builtin resources only
    return {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "PG_CONN_STR": conn_str,
        "PG_SCHEMA_NAME": schema,
    }


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


def test_concurrent_applies_one_waits_one_fails_cleanly_nothing_lost_or_doubled(postgres, tmp_path):
    signal_dir = tmp_path / "signals"
    signal_dir.mkdir()
    env = _environment(tmp_path, postgres.conn_str(), "team_state_lock")
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
    assert sorted(listed) == sorted(["terraform_data.hold_lock"] + [f"terraform_data.{n}" for n in DECLARED])
    assert postgres.sql("select name from team_state_lock.states").split() == ["default"]
