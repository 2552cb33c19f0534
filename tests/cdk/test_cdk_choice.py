"""The shim picks cdktn or cdktf: the one TOGETHER_CDK names, else whichever is installed (cdktn first)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Runs in a fresh interpreter; `sys.modules[name] = None` makes `import name` fail as if not installed.
PROGRAM = """
import sys
for missing in {missing!r}:
    sys.modules[missing] = None
import together_cdk
print(together_cdk.CDK_NAME, together_cdk.App.__module__.split(".")[0], together_cdk.TerraformStack.__module__.split(".")[0])
"""


def choose(setting: str | None, missing: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != "TOGETHER_CDK"}
    if setting is not None:
        env["TOGETHER_CDK"] = setting
    return subprocess.run([sys.executable, "-c", PROGRAM.format(missing=missing)], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("setting", "missing", "chosen"),
    [
        ("cdktf", (), "cdktf"),
        ("cdktn", (), "cdktn"),
        (" CDKTF ", (), "cdktf"),
        (None, (), "cdktn"),  # both installed: the maintained fork
        (None, ("cdktn",), "cdktf"),
        (None, ("cdktf",), "cdktn"),
    ],
)
def test_the_cdk_chosen(setting, missing, chosen):
    completed = choose(setting, missing)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == [chosen, chosen, chosen]


def test_a_setting_naming_a_missing_or_unknown_cdk_fails_clearly():
    missing = choose("cdktf", ("cdktf",))
    assert missing.returncode != 0
    assert "TOGETHER_CDK=cdktf but cdktf is not installed: pip install cdktf" in missing.stderr
    unknown = choose("pulumi")
    assert unknown.returncode != 0
    assert "TOGETHER_CDK='pulumi' is not supported: use one of cdktn, cdktf" in unknown.stderr
    neither = choose(None, ("cdktf", "cdktn"))
    assert neither.returncode != 0
    assert "together_cdk needs CDK for Terraform: pip install cdktn (or cdktf)" in neither.stderr
