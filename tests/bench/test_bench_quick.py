"""The benchmarks cannot rot: a ``--quick`` run of the launch, refresh and calls benchmarks prints every
figure next to its target, with values in the range a real run gives on any machine.

No target is asserted (that is the full run's job on a quiet machine): the values are checked
against bounds that only a broken measurement leaves (a launch of 0 ms or of minutes, a floor
slower than the provider it bounds, a ratio that is not the medians' ratio).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import floor
from bench.harness import BUILTIN, FLOOR, PROVIDER, floor_figure, pairwise_ratio, ratio_figure, side_by_side

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.e2e
def test_quick_run_prints_every_figure_with_its_target_and_sane_values(tmp_path):
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not on PATH")
    figures_path = tmp_path / "figures.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "TOGETHER_"))}
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "launch,refresh,calls", "--sizes", "1", "--json", str(figures_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:] + completed.stdout[-3000:]
    figures = {f["name"]: f for f in json.loads(figures_path.read_text())["figures"]}
    assert set(figures) == {
        "provider launch to handshake (median)",
        "schema-only launch, exec to exit (median)",
        "Shutdown answered to process exit (median)",
        "refresh-plan N=1",
        "HTTP requests to refresh N=1",
        "provider CPU per remediation, refresh-plan",
        "provider CPU per remediation, via gRPC (4 calls)",
    }
    for name, figure in figures.items():
        assert name in completed.stdout, name
    has_floor = not floor.missing()

    launch = figures["provider launch to handshake (median)"]
    assert 5 < launch["value"] < 5000 and launch["runs"] == 5 and launch["met"] is (launch["value"] <= 40)
    schema = figures["schema-only launch, exec to exit (median)"]
    assert launch["value"] * 0.5 < schema["value"] < 10_000 and schema["met"] is (schema["value"] <= 50)
    assert 0 < figures["Shutdown answered to process exit (median)"]["value"] < 2000
    if has_floor:  # a Go binary that does nothing starts faster than any Python process
        assert 0 < launch["floor_ms"] < launch["value"] and 0 < schema["floor_ms"] < schema["value"]

    refresh = figures["refresh-plan N=1"]
    assert refresh["provider_ms"] > refresh["terraform_data_ms"] > 0, "a provider plan costs more than a builtin's"
    assert refresh["ratio_to_terraform_data"] == pytest.approx(refresh["provider_ms"] / refresh["terraform_data_ms"], rel=0.02)
    if has_floor:
        assert refresh["unit"] == "× floor"
        assert refresh["provider_ms"] > refresh["floor_ms"] > 0
        assert refresh["value"] == pytest.approx(refresh["provider_ms"] / refresh["floor_ms"], rel=0.02) and refresh["value"] > 1

    # One remediation refreshed: one listing of its cluster, nothing else, and within the target.
    requests = figures["HTTP requests to refresh N=1"]
    assert requests["value"] == 1
    assert requests["by_route"] == {"GET /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations": 1}
    assert requests["met"] is True

    # With one size, the CPU figure is one plan's provider CPU (three launches) over N = 1.
    cpu = figures["provider CPU per remediation, refresh-plan"]
    assert 30 < cpu["provider_cpu_ms_by_n"]["1"] < 20_000 and cpu["value"] == pytest.approx(cpu["provider_cpu_ms_by_n"]["1"], rel=0.01)
    # Call by call: the provider does its work on top of the same runner as the grpcio echo, and
    # Go's gRPC is cheaper than Python's.
    calls = figures["provider CPU per remediation, via gRPC (4 calls)"]
    per_call = calls["per_call_ms"]
    assert set(per_call) == ({"provider", "grpcio echo", "floor"} if has_floor else {"provider", "grpcio echo"})
    rpcs = {"ValidateResourceConfig", "UpgradeResourceState", "ReadResource", "PlanResourceChange"}
    assert all(set(costs) == rpcs and all(0 < ms < 100 for ms in costs.values()) for costs in per_call.values()), per_call
    totals = {side: sum(costs.values()) for side, costs in per_call.items()}
    assert calls["value"] == pytest.approx(totals["provider"], abs=0.002) and totals["provider"] > totals["grpcio echo"]
    if has_floor:
        assert totals["floor"] < totals["grpcio echo"]
    assert "CPU per call through gRPC" in completed.stdout
    assert "Summary" in completed.stdout and "target(s) missed" in completed.stdout
    if cpu["met"] is False:
        assert "Profile of a refresh, per remediation" in completed.stdout and "ReadResource" in completed.stdout


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


def test_floor_figure_targets_the_ratio_to_the_floor_with_terraform_data_beside():
    samples = {PROVIDER: [3.0, 2.0, 2.4], FLOOR: [2.0, 2.0, 2.0], BUILTIN: [1.0, 1.0, 1.0]}
    figure = floor_figure("refresh", samples, 1.2)
    assert figure.value == 1.2 and figure.met is True and figure.unit == "× floor"
    assert figure.extra["ratio_to_terraform_data"] == 2.4 and figure.extra["floor_to_terraform_data"] == 2.0
    assert "floor 2000 ms" in figure.line() and "terraform_data 1000 ms" in figure.line() and "[met]" in figure.line()
    without_floor = floor_figure("refresh", {PROVIDER: [3.0], BUILTIN: [1.0]}, 1.2)
    assert without_floor.met is None and "floor not built" in without_floor.target


def test_pairwise_ratio_is_the_median_of_run_by_run_ratios():
    assert pairwise_ratio({PROVIDER: [2.0, 9.0, 3.0], FLOOR: [1.0, 3.0, 1.0]}, PROVIDER, FLOOR) == 3.0


def test_floor_build_explains_how_to_get_what_is_missing(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(floor.SOURCE_ENV, str(tmp_path / "nowhere"))
    assert floor.build(tmp_path / "schema.json", tmp_path / "build") is None
    said = capsys.readouterr().out
    assert "apt-get install -y golang-go" in said and str(tmp_path / "nowhere") in said
