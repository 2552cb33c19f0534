"""The demo's CDK apps ship inside the package, as exact copies of the examples a reader edits."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from together_remediation import demo
from together_remediation.demo_apps import SOURCES

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_each_packaged_demo_app_is_its_example(module):
    packaged = files("together_remediation.demo_apps") / f"{module}.py"
    example = REPO_ROOT / SOURCES[module]
    assert packaged.read_text() == example.read_text(), (
        f"{SOURCES[module]} changed: copy it to together_remediation/demo_apps/{module}.py"
    )


def test_the_demo_runs_the_packaged_apps():
    assert {demo.QUICKSTART, demo.APPROVAL_POLICY} == set(SOURCES)


def test_without_a_cdk_the_demo_names_the_extra_to_install_in_one_line(monkeypatch):
    monkeypatch.setattr(demo.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(demo.DemoError) as raised:
        demo.check_cdk()
    message = str(raised.value)
    assert "\n" not in message
    assert "pip install 'together-remediation[cdktn]'" in message
