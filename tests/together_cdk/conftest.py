"""Fixtures for the construct tests: `together_cdk` loaded on each CDK, and clean synth folders.

Two environments run these tests. The main one (`.venv`, `.[dev]`) has both CDKs: every test that
takes `tc` runs on cdktf and on cdktn, and `TOGETHER_CDK` is left unset. The cdktn one
(`make test-cdktn`: `.venv-cdktn`, `.[cdktn,test]`) has CDK Terrain alone and sets
`TOGETHER_CDK=cdktn`: the tests then run on that CDK only, and fail at once if the other CDK is
importable there, since that environment exists to prove the constructs need nothing of it.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

ALL_CDKS = ("cdktf", "cdktn")
INSTALLED_CDKS = tuple(name for name in ALL_CDKS if importlib.util.find_spec(name) is not None)
# The CDK of a one-CDK environment, named by the setting the shim reads; empty in the main one.
ENVIRONMENT_CDK = os.environ.get("TOGETHER_CDK", "").strip().lower()
CDKS = (ENVIRONMENT_CDK,) if ENVIRONMENT_CDK else ALL_CDKS


@pytest.fixture(scope="session", autouse=True)
def only_the_environment_cdk_is_installed() -> None:
    """In a one-CDK environment, the other CDK must not be importable (it could mask a dependency on it)."""
    if not ENVIRONMENT_CDK:
        return
    if ENVIRONMENT_CDK not in ALL_CDKS:
        pytest.fail(f"TOGETHER_CDK={ENVIRONMENT_CDK!r} names no CDK: use one of {', '.join(ALL_CDKS)}", pytrace=False)
    others = [name for name in INSTALLED_CDKS if name != ENVIRONMENT_CDK]
    if ENVIRONMENT_CDK not in INSTALLED_CDKS or others:
        pytest.fail(
            f"TOGETHER_CDK={ENVIRONMENT_CDK} runs the construct tests in an environment with {ENVIRONMENT_CDK} alone, "
            f"but this one has {', '.join(INSTALLED_CDKS) or 'neither'}: unset TOGETHER_CDK to test both CDKs "
            f"here, or run `make test-{ENVIRONMENT_CDK}`",
            pytrace=False,
        )


def load_together_cdk(cdk_name: str) -> ModuleType:
    """A fresh import of `together_cdk` bound to `cdk_name` (both CDKs can live in one process)."""
    for name in [name for name in sys.modules if name == "together_cdk" or name.startswith("together_cdk.")]:
        del sys.modules[name]
    previous = os.environ.get("TOGETHER_CDK")
    os.environ["TOGETHER_CDK"] = cdk_name
    try:
        return importlib.import_module("together_cdk")
    finally:
        if previous is None:
            del os.environ["TOGETHER_CDK"]
        else:
            os.environ["TOGETHER_CDK"] = previous


@pytest.fixture(scope="module", params=CDKS)
def tc(request: pytest.FixtureRequest) -> ModuleType:
    """`together_cdk` on cdktf, then on cdktn (or on the environment's one CDK): every test using it runs on each."""
    module = load_together_cdk(request.param)
    assert module.CDK_NAME == request.param
    assert module.App.__module__.split(".")[0] == request.param  # the constructs really run on that CDK
    return module


@pytest.fixture
def stack(tc: ModuleType, tmp_path: Any) -> Any:
    """An empty stack in an app that synthesizes into the test's temporary folder."""
    app = tc.App(outdir=str(tmp_path / "cdktf.out"))
    return tc.TerraformStack(app, "test")


def synth_json(tc: ModuleType, stack: Any) -> dict[str, Any]:
    """The stack's synthesized Terraform JSON."""
    return json.loads(tc.Testing.synth(stack))


@pytest.fixture
def full_synth(tc: ModuleType) -> Iterator[Any]:
    """`Testing.full_synth` that removes the temporary folder it leaves behind."""
    folders: list[str] = []

    def run(stack: Any) -> str:
        folder = tc.Testing.full_synth(stack)
        folders.append(folder)
        return folder

    yield run
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
