"""Together's own SDK and CLI (``together`` 3.1.1, the contract) against a real simulator."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import together

from together_simulator.process import SimulatorProcess

TRAINING = "cluster-training"
INFERENCE = "cluster-inference"
TOGETHER_CLI = Path(sys.executable).with_name("together")


def sdk_for(sim: SimulatorProcess, *, api_key: str | None = None) -> together.Together:
    """The SDK as a user makes it: the server's root URL (the SDK's paths start with /v1), every
    response checked against the SDK's models, no retries so each test sees each answer."""
    return together.Together(
        api_key=api_key if api_key is not None else sim.api_key,
        base_url=sim.root_url,
        _strict_response_validation=True,
        max_retries=0,
        timeout=10.0,
    )


@pytest.fixture
def sdk(simulator: SimulatorProcess) -> Iterator[together.Together]:
    client = sdk_for(simulator)
    yield client
    client.close()


def cli_env(sim: SimulatorProcess, home: Path, api_key: str | None = None) -> dict[str, str]:
    """Only what the CLI needs: its key and base URL, a home of its own (no stored login), and no
    telemetry or version check (both would go to the internet). No TOGETHER_PROJECT_ID: the CLI
    asks the simulator's ``/v3/whoami`` for the key's project, as it asks the live API."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "TOGETHER_API_KEY": api_key if api_key is not None else sim.api_key,
        "TOGETHER_BASE_URL": sim.root_url,
        "TOGETHER_TELEMETRY_DISABLED": "1",
        "TOGETHER_DISABLE_VERSION_CHECK": "1",
        "NO_COLOR": "1",
        "COLUMNS": "400",
    }


@pytest.fixture
def together_cli(simulator: SimulatorProcess, tmp_path: Path):
    """``together_cli(*args)`` runs Together's CLI against the simulator: a CompletedProcess."""
    if not TOGETHER_CLI.exists():
        found = shutil.which("together")
        if found is None:
            pytest.fail("Together's CLI (the `together` script of the SDK) is not installed beside this Python")
    executable = str(TOGETHER_CLI) if TOGETHER_CLI.exists() else shutil.which("together")

    def run(*args: str, api_key: str | None = None, project_id: str | None = None) -> subprocess.CompletedProcess[str]:
        env = cli_env(simulator, tmp_path, api_key)
        if project_id is not None:
            env["TOGETHER_PROJECT_ID"] = project_id
        return subprocess.run(
            [executable, "--non-interactive", *args], env=env, capture_output=True, text=True, timeout=120,
        )

    return run
