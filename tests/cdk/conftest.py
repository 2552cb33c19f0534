"""Fixtures for the construct tests: `together_cdk` loaded on each CDK, and clean synth folders."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

CDKS = ("cdktf", "cdktn")


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
    """`together_cdk` on cdktf, then on cdktn: every test using it runs on both."""
    module = load_together_cdk(request.param)
    assert module.CDK_NAME == request.param
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
