"""The shim picks cdktn or cdktf: the one TOGETHER_CDK names, else whichever is installed (cdktn first).

Runs in both environments: where both CDKs are installed, a missing one is simulated by blocking
its import; in the cdktn environment cdktf is really absent, and the cases that need it are skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import INSTALLED_CDKS

# Runs in a fresh interpreter; `sys.modules[name] = None` makes `import name` fail as if not installed.
PROGRAM = """
import sys
for missing in {missing!r}:
    sys.modules[missing] = None
import together_cdk
print(together_cdk.CDK_NAME, together_cdk.App.__module__.split(".")[0], together_cdk.TerraformStack.__module__.split(".")[0],
      ",".join(sorted(name for name in ("cdktf", "cdktn") if sys.modules.get(name) is not None)))
"""


def choose(setting: str | None, missing: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != "TOGETHER_CDK"}
    if setting is not None:
        env["TOGETHER_CDK"] = setting
    return subprocess.run([sys.executable, "-c", PROGRAM.format(missing=missing)], env=env,
                          capture_output=True, text=True, timeout=120)


def needs(*cdks: str) -> pytest.MarkDecorator:
    absent = [name for name in cdks if name not in INSTALLED_CDKS]
    return pytest.mark.skipif(bool(absent), reason=f"{', '.join(absent)} is not installed in this environment")


@pytest.mark.parametrize(
    ("setting", "missing", "chosen"),
    [
        pytest.param("cdktf", (), "cdktf", marks=needs("cdktf")),
        pytest.param("cdktn", (), "cdktn", marks=needs("cdktn")),
        pytest.param(" CDKTF ", (), "cdktf", marks=needs("cdktf")),
        pytest.param(None, (), "cdktn", marks=needs("cdktn")),  # both installed: the maintained fork
        pytest.param(None, ("cdktn",), "cdktf", marks=needs("cdktf")),
        pytest.param(None, ("cdktf",), "cdktn", marks=needs("cdktn")),
    ],
)
def test_the_cdk_chosen(setting, missing, chosen):
    completed = choose(setting, missing)
    assert completed.returncode == 0, completed.stderr
    # App and TerraformStack come from the chosen CDK, and importing together_cdk loads no other CDK.
    assert completed.stdout.split() == [chosen, chosen, chosen, chosen]


def test_a_setting_naming_a_missing_or_unknown_cdk_fails_clearly():
    missing = choose("cdktf", ("cdktf",))
    assert missing.returncode != 0
    assert "TOGETHER_CDK=cdktf but cdktf is not installed: pip install 'together-remediation[cdktf]'" in missing.stderr
    unknown = choose("pulumi")
    assert unknown.returncode != 0
    assert "TOGETHER_CDK='pulumi' is not supported: use one of cdktn, cdktf" in unknown.stderr


def test_neither_cdk_installed_names_both_extras():
    neither = choose(None, ("cdktf", "cdktn"))
    assert neither.returncode != 0
    last_line = neither.stderr.strip().splitlines()[-1]
    assert last_line.startswith("ImportError: together_cdk needs CDK for Terraform and neither cdktn nor cdktf is installed")
    assert "pip install 'together-remediation[cdktn]'" in last_line
    assert "pip install 'together-remediation[cdktf]'" in last_line


def test_a_broken_cdk_install_is_reported_not_skipped():
    """A CDK that is installed but fails to import shows its own error instead of silently using the other CDK."""
    broken = choose(None, ("jsii",))  # both CDKs import jsii
    assert broken.returncode != 0
    assert "import of jsii halted" in broken.stderr
    assert "together_cdk needs CDK for Terraform" not in broken.stderr
