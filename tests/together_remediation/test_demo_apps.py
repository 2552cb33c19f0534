"""The demo's CDK apps ship inside the package; the examples link to them."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from together_remediation import demo
from together_remediation.demo_apps import SOURCES

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_each_example_is_the_packaged_demo_app(module):
    """One source: the example a reader opens is a link to the app the package ships."""
    packaged = files("together_remediation.demo_apps") / f"{module}.py"
    example = REPO_ROOT / SOURCES[module]
    assert example.is_symlink(), f"{SOURCES[module]} must link to together_remediation/demo_apps/{module}.py"
    assert example.resolve() == Path(str(packaged)).resolve()


def test_the_demo_runs_the_packaged_apps():
    assert {demo.QUICKSTART, demo.APPROVAL_POLICY} == set(SOURCES)


def test_without_a_cdk_the_demo_names_the_extra_to_install_in_one_line(monkeypatch):
    monkeypatch.setattr(demo.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(demo.DemoError) as raised:
        demo.check_cdk()
    message = str(raised.value)
    assert "\n" not in message
    assert "pip install 'together-remediation[cdktn]'" in message
