"""Build the package as a release is built, and install it as a user does, far from the checkout.

``build_distribution`` copies the working tree (what a fresh clone plus the current edits would
hold) to a temporary directory and runs ``python -m build`` there: the sdist first, then the
wheel built from the unpacked sdist, so a file missing from the sdist is missing from the wheel.
``fresh_virtualenv`` makes a new ``python -m venv`` and pip-installs the wheel into it.
Both keep their logs, which the tests read for deprecation warnings.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# Not part of a clone, or made by running things in the checkout.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv*", ".tools", "node_modules", "build", "dist", "*.egg-info", "__pycache__",
    ".pytest_cache", ".hypothesis", "cdktf.out", ".terraform", ".terraform.lock.hcl", "*.tfstate*", ".gen",
)


@dataclass(frozen=True)
class Distribution:
    sdist: Path
    wheel: Path
    build_log: str


@dataclass(frozen=True)
class Virtualenv:
    root: Path
    install_log: str

    def bin(self, name: str) -> str:
        return str(self.root / "bin" / name)


def clean_environment(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: no Terraform, Together or virtualenv settings, no checkout on sys.path."""
    dropped = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "XDG_DATA_HOME", "PIP_REQUIRE_VIRTUALENV")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "TOGETHER_", "PIPX_")) and k not in dropped}
    # The venv running the tests must not be found first on PATH.
    test_bin = str(Path(sys.prefix) / "bin")
    environment["PATH"] = os.pathsep.join(p for p in environment.get("PATH", "").split(os.pathsep) if p != test_bin)
    environment.update({"CHECKPOINT_DISABLE": "1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "TF_INPUT": "0"})
    environment.update(extra)
    return environment


def run(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def build_distribution(workdir: Path) -> Distribution:
    source = workdir / "source"
    shutil.copytree(REPO_ROOT, source, ignore=NOT_COPIED, symlinks=True)
    outdir = workdir / "dist"
    # Without --sdist/--wheel, build makes the sdist and then the wheel from the unpacked sdist.
    result = run([sys.executable, "-m", "build", "--outdir", str(outdir), str(source)], cwd=workdir, env=clean_environment())
    (sdist,) = outdir.glob("*.tar.gz")
    (wheel,) = outdir.glob("*.whl")
    return Distribution(sdist=sdist, wheel=wheel, build_log=result.stdout + result.stderr)


def fresh_virtualenv(root: Path, requirement: str, *, python: str | None = None) -> Virtualenv:
    """A new virtualenv at ``root`` with ``requirement`` pip-installed (from the configured index)."""
    environment = clean_environment()
    run([python or _base_python(), "-m", "venv", str(root)], cwd=root.parent, env=environment)
    result = run([str(root / "bin" / "python"), "-m", "pip", "install", requirement], cwd=root.parent, env=environment)
    return Virtualenv(root=root, install_log=result.stdout + result.stderr)


def _base_python() -> str:
    # The interpreter the test venv was made from, as a user's system Python.
    base = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    return str(base) if base.exists() else sys.executable
