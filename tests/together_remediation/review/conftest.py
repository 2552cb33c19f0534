"""Fixtures of the plan review tests: hand-written plans shaped like Terraform 1.11's JSON."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def mixed_plan() -> dict:
    """A plan with every kind of change a reviewer meets (see fixtures/mixed_plan.json)."""
    return copy.deepcopy(json.loads((FIXTURES / "mixed_plan.json").read_text()))


@pytest.fixture
def write_json(tmp_path):
    def write(data, name: str = "plan.json") -> str:
        path = tmp_path / name
        path.write_text(json.dumps(data) if not isinstance(data, str) else data)
        return str(path)

    return write
