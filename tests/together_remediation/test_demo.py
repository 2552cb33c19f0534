"""The README's main command, run as a user runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
REPO_ROOT = Path(__file__).resolve().parents[2]


def test_demo_remediates_the_quickstart_nodes_and_reviews_a_pending_plan(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "TOGETHER_"))}
    result = subprocess.run(
        [sys.executable, "-m", "together_remediation.cli", "demo", "--workdir", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr + out
    # The quickstart reboots gpu-01 and approves the pending repair of gpu-03: both end SUCCEEDED.
    assert re.search(r"gpu-01\s+REBOOT_VM\s+manual\s+SUCCEEDED", out), out
    assert re.search(r"gpu-03\s+VM_ONLY\s+automated\s+SUCCEEDED", out), out
    assert "Plan: 2 to add, 0 to change, 0 to destroy." in out
    assert "No changes." in out
    # The second plan's review: the critical Xid alert is approved by the policy, the warning waits.
    assert "## Remediation plan review" in out
    assert re.search(r"\*\*approve\*\* \| gpu-09", out), out
    assert "gpu-12" not in out.split("## Remediation plan review", 1)[1]
    assert "The simulator is stopped." in out and "Try next:" in out
    # The state lives in the demo's working directory, never in the checkout.
    assert (tmp_path / "demo" / "terraform.quickstart.tfstate").exists()
    assert not list((REPO_ROOT / "examples" / "quickstart").glob("*.tfstate*"))


def test_demo_fails_clearly_without_terraform(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "TOGETHER_"))}
    env["PATH"] = os.path.dirname(sys.executable)  # python only, no terraform
    result = subprocess.run(
        [sys.executable, "-m", "together_remediation.cli", "demo"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 1
    assert "terraform was not found on PATH" in result.stderr
