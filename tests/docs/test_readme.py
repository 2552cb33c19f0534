"""Every command in the README runs, in order, as a reader would type them, against a simulator.

The README's shell blocks and the files it asks to save make one bash session, run from the
root of a fresh checkout (``examples/`` copied, ``.venv`` linked) with a HOME of its own.
Commands not run here are listed below with the reason, and must appear in the README exactly,
so this list cannot rot either. The simulator, which the README starts in a terminal of its
own, is started by the test with the README's exact command in the background, on a free
port instead of 8787 (the README's ``127.0.0.1:8787`` is pointed at it).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.docs.conftest import REPO_ROOT
from tests.docs.readme import Block, fenced_blocks, session_script

README = REPO_ROOT / "README.md"
README_SIMULATOR_ADDRESS = "127.0.0.1:8787"
SIMULATOR_COMMAND = ".venv/bin/together-remediation simulator serve --seed demo"
NOT_RUN_HERE = {
    "make test": "the whole test suite, which includes this test",
    "make demo": "the demo (`together-remediation demo`) is run by its own end-to-end test",
    # A user's install: tests/packaging builds the wheel and runs these from a fresh virtualenv.
    "pipx install 'together-remediation[cdktn]'\ntogether-remediation provider install": "a user's install (tests/packaging)",
    "pip install 'together-remediation[cdktn]'\neval \"$(together-remediation provider install --quiet)\"": "a CI job's install (tests/packaging)",
}
READY_LINE = re.compile(r"together-simulator listening on http://127\.0\.0\.1:(\d+)/v1")


def _blocks() -> list[Block]:
    return fenced_blocks(README.read_text())


def test_the_readme_lists_the_commands_it_does_not_run_here_and_keeps_its_two_set_up_commands():
    shell = [block.text.strip() for block in _blocks() if block.is_shell]
    for command in NOT_RUN_HERE:
        assert command in shell, f"{command!r} is no longer a README block: update NOT_RUN_HERE"
    assert SIMULATOR_COMMAND in shell
    setup = README.read_text().split("## Set up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"```sh\n(.*?)\n```", setup, re.DOTALL) == ["make demo", "make test"]


def test_readme_snippets_are_valid_hcl_and_python():
    snippets = [block for block in _blocks() if not block.is_shell and block.language in ("hcl", "python")]
    assert len(snippets) >= 5
    for block in snippets:
        if block.language == "python":
            ast.parse(block.text, filename=f"README.md line {block.line}")
            continue
        if shutil.which("terraform") is None:
            pytest.skip("terraform is not on PATH")
        formatted = subprocess.run(["terraform", "fmt", "-no-color", "-"], input=block.text, capture_output=True, text=True, timeout=60)
        assert formatted.returncode == 0, f"README.md line {block.line}: {formatted.stderr}"
        assert formatted.stdout == block.text, f"README.md line {block.line} is not `terraform fmt` formatted"


def _checkout(root: Path) -> Path:
    checkout = root / "checkout"
    checkout.mkdir()
    shutil.copytree(REPO_ROOT / "examples", checkout / "examples", ignore=shutil.ignore_patterns(".terraform", "cdktf.out", "*.tfstate*"))
    (checkout / ".venv").symlink_to(sys.prefix)  # the venv running the tests (`make` builds it as .venv)
    return checkout


def _reader_environment(root: Path) -> dict[str, str]:
    """A shell as a reader has it: no Terraform or Together settings, the venv not yet on PATH."""
    venv_bin = str(Path(sys.prefix) / "bin")
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TF_", "TOGETHER_")) and key not in ("VIRTUAL_ENV", "XDG_DATA_HOME", "PYTHONPATH")
    }
    environment["PATH"] = os.pathsep.join(p for p in environment.get("PATH", "").split(os.pathsep) if p != venv_bin)
    environment["HOME"] = str(root / "home")
    environment["TF_INPUT"] = "0"
    environment["CHECKPOINT_DISABLE"] = "1"
    environment["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    (root / "home").mkdir()
    return environment


def _start_simulator(checkout: Path, environment: dict[str, str], log: Path) -> tuple[subprocess.Popen, int]:
    with log.open("w") as out:
        process = subprocess.Popen(
            ["bash", "-c", f"exec {SIMULATOR_COMMAND} --port 0"],
            cwd=checkout, env=environment, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = READY_LINE.search(log.read_text())
        if found:
            return process, int(found.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise AssertionError(f"the README's simulator command did not start:\n{log.read_text()}")


@pytest.mark.e2e
def test_every_readme_command_runs_against_the_simulator(tmp_path, terraform_install):
    checkout = _checkout(tmp_path)
    environment = _reader_environment(tmp_path)
    simulator, port = _start_simulator(checkout, environment, tmp_path / "simulator.log")
    try:
        readme = README.read_text().replace(README_SIMULATOR_ADDRESS, f"127.0.0.1:{port}")
        blocks = [
            block
            for block in fenced_blocks(readme)
            if (block.is_shell and block.text.strip() not in NOT_RUN_HERE and block.text.strip() != SIMULATOR_COMMAND)
            or block.file is not None
        ]
        session = subprocess.run(
            ["bash", "-c", session_script(blocks)],
            cwd=checkout, env=environment, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL,
        )
        output = session.stdout + session.stderr
        assert session.returncode == 0, f"a README command failed (see the last '>>> README line'):\n{output[-6000:]}"

        # What the quickstart promises happened, on the simulator's side too.
        assert re.search(r"^\"[0-9a-f-]{36}: SUCCEEDED\"$", session.stdout, re.MULTILINE), "the HCL reboot did not succeed"
        assert '"SUCCEEDED"' in session.stdout  # the approved reprovision of gpu-03 ran to the end
        assert "inst-training-05" in session.stdout and "REBOOT_VM" in session.stdout  # the plan review
        assert "Destroy complete! Resources: 1 destroyed." in session.stdout
        stats = httpx.get(f"http://127.0.0.1:{port}/_simulator/stats", timeout=10).json()
        assert stats["remediations_by_state"].get("SUCCEEDED") == 3, stats  # gpu-05, gpu-06 and the approved gpu-03
        assert stats["requests_by_route"]["POST /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"] == 2
        debug_log = (checkout / "quickstart-hcl" / "terraform.log").read_text()
        assert "/compute/clusters/cluster-training" in debug_log  # TF_LOG=debug shows the API calls...
        assert "sim-demo-key" not in debug_log  # ...never the key
    finally:
        simulator.terminate()
        simulator.wait(timeout=30)
