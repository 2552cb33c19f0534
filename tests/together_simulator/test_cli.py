"""``together-remediation simulator serve`` as a user runs it."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx

from together_simulator.process import SimulatorProcess
from tests.support.polling import wait_for

from .conftest import client_for

LOG_LINE = re.compile(r"^\S+ \S+ (GET|POST|PUT|DELETE) (/\S+) (\d{3}|reset|dropped-after-\d{3}) \d+\.\dms$")


def test_help_lists_the_options():
    result = subprocess.run(
        [sys.executable, "-m", "together_remediation.cli", "simulator", "serve", "--help"],
        capture_output=True, text=True, check=True,
    )
    for option in ("--host", "--port", "--db", "--api-key", "--seed", "--duration", "--latency-ms"):
        assert option in result.stdout


def test_bad_duration_flag_is_a_clear_error():
    result = subprocess.run(
        [sys.executable, "-m", "together_remediation.cli", "simulator", "serve", "--duration", "REBOOT_VM"],
        capture_output=True, text=True,
    )
    assert result.returncode != 0 and "--duration" in result.stderr


def test_one_log_line_per_request_with_route_status_and_time_never_the_key(simulator_factory):
    sim = simulator_factory(api_key="s3cret-key-value")
    with client_for(sim) as api:
        api.list_clusters()
        api.get_cluster("cluster-training")
    httpx.get(f"{sim.base_url}/compute/clusters", headers={"Authorization": "Bearer wrong-key-value"})

    def request_lines() -> list[str]:
        return [line for line in sim.log_text().splitlines() if "/v1/" in line and "listening" not in line]

    # The server writes a request's line after it has answered: give the last one a moment.
    wait_for(lambda: len(request_lines()) >= 3, "the third request's log line", limit=10)
    log = sim.log_text()
    assert "s3cret-key-value" not in log and "wrong-key-value" not in log
    request_lines = request_lines()
    assert len(request_lines) == 3
    assert all(LOG_LINE.match(line) for line in request_lines), request_lines
    assert "GET /v1/compute/clusters/{cluster_id} 200" in log
    assert request_lines[-1].split()[4] == "401"


def test_several_keys_are_accepted(tmp_path):
    sim = SimulatorProcess(api_key="key-one", extra_args=["--api-key", "key-two"], seed=None)
    with sim:
        for key in ("key-one", "key-two"):
            with client_for(sim, api_key=key) as api:
                assert api.list_clusters() == []
