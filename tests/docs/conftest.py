"""Fixtures of the docs tests: the provider schema Terraform reads, and the generated pages, once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def live_schema():
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not on PATH")
    from together_remediation.docs_gen.live_schema import read_live_schema

    return read_live_schema()


@pytest.fixture(scope="session")
def generated(live_schema):
    from together_remediation.docs_gen.generate import build_pages

    return build_pages(REPO_ROOT, live_schema)
