"""The benchmarks cannot rot: a ``--quick`` run of two small ones prints sane figures.

Nothing here asserts a timing: only that each figure is printed next to its target, that the
side-by-side runs really ran both sides, and that the counters the benchmarks read are right.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.harness import BUILTIN, PROVIDER, ratio_figure, side_by_side

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.e2e
def test_quick_run_prints_every_figure_with_its_target(tmp_path):
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not on PATH")
    figures_path = tmp_path / "figures.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "TOGETHER_"))}
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "launch,refresh", "--sizes", "1", "--json", str(figures_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:] + completed.stdout[-3000:]
    figures = {f["name"]: f for f in json.loads(figures_path.read_text())["figures"]}
    assert set(figures) == {
        "provider launch to handshake (median)",
        "Shutdown answered to process exit (median)",
        "refresh-plan N=1 vs terraform_data",
        "HTTP requests to refresh N=1",
    }
    for name, figure in figures.items():
        assert figure["name"] in completed.stdout and "target" in completed.stdout, name

    launch = figures["provider launch to handshake (median)"]
    assert launch["value"] > 0 and launch["runs"] == 5 and launch["met"] in (True, False)

    refresh = figures["refresh-plan N=1 vs terraform_data"]
    assert refresh["provider_ms"] > 0 and refresh["terraform_data_ms"] > 0
    assert refresh["value"] == pytest.approx(refresh["provider_ms"] / refresh["terraform_data_ms"], rel=0.02)

    # One remediation refreshed: one listing of its cluster, nothing else, and within the target.
    requests = figures["HTTP requests to refresh N=1"]
    assert requests["value"] == 1
    assert requests["by_route"] == {"GET /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations": 1}
    assert requests["met"] is True
    assert "Summary" in completed.stdout and "target(s) missed" in completed.stdout


def test_side_by_side_alternates_which_side_goes_first():
    order: list[str] = []
    samples = side_by_side(4, {
        PROVIDER: lambda: order.append(PROVIDER) or 2.0,
        BUILTIN: lambda: order.append(BUILTIN) or 1.0,
    })
    assert order == [PROVIDER, BUILTIN, BUILTIN, PROVIDER, PROVIDER, BUILTIN, BUILTIN, PROVIDER]
    assert samples == {PROVIDER: [2.0] * 4, BUILTIN: [1.0] * 4}


def test_ratio_figure_compares_medians_against_the_target():
    figure = ratio_figure("x", {PROVIDER: [3.0, 1.0, 2.0], BUILTIN: [1.0, 1.0, 9.0]}, 1.5)
    assert figure.value == 2.0 and figure.met is False
    assert figure.extra["provider_ms"] == 2000.0 and figure.extra["terraform_data_ms"] == 1000.0
    assert "≤ 1.5×" in figure.line() and "[MISSED]" in figure.line()
