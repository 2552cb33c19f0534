"""Fixtures of the provider's tests: one provider install (``Lab``, the reliability harness's) for a
module's runs, used by the reliability campaign's tests and the bad-input table."""

from __future__ import annotations

import shutil

import pytest

from tests.provider_shim.reliability.harness import Lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not on PATH")
    return Lab(tmp_path_factory.mktemp("reliability"))
