"""Fixtures of the reliability tests: one provider install (``Lab``) for the module's runs."""

from __future__ import annotations

import shutil

import pytest

from tests.provider_shim.reliability.harness import Lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not on PATH")
    return Lab(tmp_path_factory.mktemp("reliability"))
