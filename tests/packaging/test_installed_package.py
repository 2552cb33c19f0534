"""Installed from its wheel, with no checkout, everything a user runs works from any directory.

One build (sdist, then the wheel from the sdist) and one virtualenv with the ``[cdktn]`` extra
serve the whole module; each test runs the installed ``together-remediation`` from an empty
directory of its own, with a HOME of its own and no Terraform or Together settings inherited.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from tests.packaging.distribution import (
    REPO_ROOT,
    Distribution,
    Virtualenv,
    build_distribution,
    clean_environment,
    fresh_virtualenv,
    run,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DEPRECATION = re.compile(r"deprecat", re.IGNORECASE)
READY_LINE = re.compile(r"listening on http://127\.0\.0\.1:(\d+)/v1")
DEMO_API_KEY = "sim-demo-key"  # the simulator's default key, as `simulator serve --help` says

MAIN_TF = """terraform {
  required_providers {
    together = {
      source  = "together-remediation/together"
      version = "0.1.0"
    }
  }
}

provider "together" {} # reads TOGETHER_API_KEY and TOGETHER_BASE_URL

resource "together_remediation" "reboot" {
  cluster_id  = "cluster-training"
  instance_id = "inst-training-05"
  mode        = "REMEDIATION_MODE_REBOOT_VM"
  reason      = "installed from the wheel"
}

output "reboot_state" {
  value = together_remediation.reboot.state
}
"""

CDK_APP = """import json
from together_cdk import CDK_NAME, App, Remediation, RemediationMode, TerraformStack, TogetherProvider

app = App()
stack = TerraformStack(app, "installed")
TogetherProvider(stack, "together")
Remediation(stack, "reboot", cluster_id="cluster-training", instance_id="inst-training-07",
            mode=RemediationMode.REBOOT_VM, reason="synthesized from the wheel")
app.synth()
print(json.dumps({"cdk": CDK_NAME}))
"""


@pytest.fixture(scope="module")
def distribution(tmp_path_factory) -> Distribution:
    return build_distribution(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def venv(distribution, tmp_path_factory) -> Virtualenv:
    if shutil.which("terraform") is None or shutil.which("node") is None:
        pytest.skip("terraform and node (for the CDK) are needed on PATH")
    return fresh_virtualenv(tmp_path_factory.mktemp("user") / "venv", f"{distribution.wheel}[cdktn]")


@pytest.fixture
def user_dir(tmp_path) -> tuple[Path, dict[str, str]]:
    """An empty working directory and a user's environment (HOME of its own) around it."""
    (tmp_path / "home").mkdir()
    (tmp_path / "work").mkdir()
    return tmp_path / "work", clean_environment(HOME=str(tmp_path / "home"))


def test_build_prints_no_deprecation_and_the_wheel_comes_from_the_sdist(distribution):
    assert not DEPRECATION.findall(distribution.build_log), distribution.build_log
    assert "Building wheel from sdist" in distribution.build_log
    with tarfile.open(distribution.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"pyproject.toml", "README.md", "LICENSE", "together_remediation/demo_apps/quickstart.py"} <= names
    dist_info = distribution.wheel.name.rsplit("-", 3)[0] + ".dist-info"  # together_remediation-VERSION
    with zipfile.ZipFile(distribution.wheel) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"{dist_info}/METADATA").decode()
    assert {
        "together_remediation/demo_apps/quickstart.py",
        "together_remediation/demo_apps/approval_policy.py",
        f"{dist_info}/licenses/LICENSE",
    } <= names
    assert not any(name.startswith(("examples/", "tests/")) for name in names)
    assert "License-Expression: MIT" in metadata and "Project-URL: " in metadata and "Classifier: " in metadata


def test_install_prints_no_deprecation_and_runs_the_installed_code(venv, user_dir):
    assert not DEPRECATION.findall(venv.install_log), venv.install_log
    work, env = user_dir
    located = run([venv.bin("python"), "-c", "import together_remediation, together_cdk; print(together_remediation.__file__)"], cwd=work, env=env)
    assert located.stdout.startswith(str(venv.root)), located.stdout
    assert not Path(located.stdout.strip()).is_relative_to(REPO_ROOT)


def test_demo_runs_from_an_empty_directory(venv, user_dir):
    work, env = user_dir
    result = run([venv.bin("together-remediation"), "demo"], cwd=work, env=env, timeout=600)
    out = result.stdout
    assert "Plan: 2 to add, 0 to change, 0 to destroy." in out
    assert re.search(r"REBOOT_VM\s+manual\s+SUCCEEDED", out), out
    assert "No changes." in out and "## Remediation plan review" in out
    assert "The simulator is stopped." in out
    assert list(work.iterdir()) == []  # the demo works in a directory of its own and removes it


def test_provider_install_then_plain_hcl_apply_against_the_installed_simulator_and_reinstall_keeps_the_lock(venv, user_dir):
    work, env = user_dir
    simulator, base_url = _start_simulator(venv, work, env)
    try:
        # `provider install` with no options: the default directory under the user's HOME.
        installed = run([venv.bin("together-remediation"), "provider", "install"], cwd=work, env=env)
        export = re.search(r"^export TF_CLI_CONFIG_FILE=(\S+)$", installed.stdout, re.MULTILINE)
        assert export, installed.stdout
        cli_config = Path(export.group(1))
        assert cli_config.is_relative_to(Path(env["HOME"]))
        tf_env = {**env, "TF_CLI_CONFIG_FILE": str(cli_config), "TOGETHER_BASE_URL": base_url, "TOGETHER_API_KEY": DEMO_API_KEY}
        (work / "main.tf").write_text(MAIN_TF)

        def terraform(*args: str) -> str:
            return run(["terraform", *args, "-no-color"], cwd=work, env=tf_env).stdout

        terraform("init", "-input=false")
        lock = (work / ".terraform.lock.hcl").read_bytes()
        terraform("plan", "-input=false", "-out=tfplan")
        review = run([venv.bin("together-remediation"), "plan", "review", "tfplan"], cwd=work, env=tf_env).stdout
        assert "together_remediation.reboot" in review and "REBOOT_VM" in review, review
        terraform("apply", "-input=false", "tfplan")
        assert json.loads(terraform("output", "-json"))["reboot_state"]["value"] == "SUCCEEDED"

        launchers = list((cli_config.parent / "mirror").rglob("terraform-provider-together_*"))
        assert launchers
        written = {path: path.stat().st_mtime_ns for path in launchers}
        run([venv.bin("together-remediation"), "provider", "install"], cwd=work, env=env)
        assert {path: path.stat().st_mtime_ns for path in launchers} == written  # identical files are not rewritten
        terraform("init", "-input=false")
        assert (work / ".terraform.lock.hcl").read_bytes() == lock
        assert "No changes." in terraform("plan", "-input=false")
    finally:
        simulator.terminate()
        simulator.wait(timeout=30)


def test_cdk_synth_with_the_installed_cdktn_extra(venv, user_dir):
    work, env = user_dir
    (work / "main.py").write_text(CDK_APP)
    result = run([venv.bin("python"), "main.py"], cwd=work, env=env, timeout=300)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"cdk": "cdktn"}
    synthesized = json.loads((work / "cdktf.out" / "stacks" / "installed" / "cdk.tf.json").read_text())
    assert synthesized["terraform"]["required_providers"]["together"]["source"] == "together-remediation/together"
    (reboot,) = synthesized["resource"]["together_remediation"].values()
    assert reboot["instance_id"] == "inst-training-07" and reboot["mode"] == "REMEDIATION_MODE_REBOOT_VM"


def test_pipx_install_of_the_wheel_runs_and_the_demo_names_the_extra_it_needs(distribution, tmp_path):
    if shutil.which("terraform") is None:
        pytest.skip("terraform is needed on PATH (the demo checks it before the CDK)")
    tools = fresh_virtualenv(tmp_path / "pipx-venv", "pipx")
    env = clean_environment(
        HOME=str(tmp_path / "home"),
        PIPX_HOME=str(tmp_path / "pipx"),
        PIPX_BIN_DIR=str(tmp_path / "bin"),
        PIPX_MAN_DIR=str(tmp_path / "man"),
    )
    (tmp_path / "home").mkdir()
    (tmp_path / "work").mkdir()
    run([tools.bin("pipx"), "install", str(distribution.wheel)], cwd=tmp_path / "work", env=env)
    command = str(tmp_path / "bin" / "together-remediation")
    helped = run([command, "--help"], cwd=tmp_path / "work", env=env)
    assert "demo" in helped.stdout and "provider" in helped.stdout
    # No extra, so no CDK: the demo says, in one line, which extra to install.
    demo = subprocess.run([command, "demo"], cwd=tmp_path / "work", env=env, capture_output=True, text=True, timeout=120)
    assert demo.returncode == 1
    lines = demo.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'together-remediation[cdktn]'" in lines[0], demo.stderr


def _start_simulator(venv: Virtualenv, work: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    log = work.parent / "simulator.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [venv.bin("together-remediation"), "simulator", "serve", "--seed", "demo", "--port", "0"],
            cwd=work.parent, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = READY_LINE.search(log.read_text())
        if found:
            return process, f"http://127.0.0.1:{found.group(1)}/v1"
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise AssertionError(f"the installed simulator did not start:\n{log.read_text()}")
