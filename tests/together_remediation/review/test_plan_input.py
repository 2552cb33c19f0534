"""Malformed plans are a clear error (exit 2), never a pass."""

from __future__ import annotations

import json

import pytest

from together_remediation.cli import main


def _run(capsys, *args):
    code = main(["plan", "review", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_plan_exits_zero(capsys, mixed_plan, write_json):
    code, out, err = _run(capsys, write_json(mixed_plan))
    assert code == 0 and out.startswith("## Remediation plan review") and err == ""


def test_json_format_is_parseable(capsys, mixed_plan, write_json):
    code, out, _ = _run(capsys, write_json(mixed_plan), "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"]["remediations_to_run"] == 5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "not the JSON of `terraform show -json`"),
        ("[1, 2]", "expected a JSON object"),
        ('{"format_version": "1.0", "values": {"root_module": {}}}', "this is a state"),
        ('{"hello": "world"}', "not a plan"),
        ('{"format_version": "2.0", "planned_values": {}}', "format_version '2.0' is not 1.x"),
        ('{"planned_values": {}}', "format_version: Field required"),
        ('{"format_version": "1.2", "resource_changes": [{"address": "x"}]}', "resource_changes.0.mode"),
        ('{"format_version": "1.2", "planned_values": {}, "errored": true}', "planning failed"),
    ],
)
def test_malformed_plan_is_a_clear_error(capsys, write_json, content, message):
    path = write_json(content)
    code, out, err = _run(capsys, path)
    assert code == 2
    assert out == ""
    assert message in err and path in err


def test_missing_plan_file(capsys, tmp_path):
    code, _, err = _run(capsys, str(tmp_path / "absent.json"))
    assert code == 2 and "cannot read it" in err


def test_saved_plan_with_failing_terraform_is_a_clear_error(capsys, tmp_path):
    saved = tmp_path / "tfplan"
    saved.write_bytes(b"PK\x03\x04 not really a plan")
    code, _, err = _run(capsys, str(saved), "--terraform", str(tmp_path / "no-terraform"))
    assert code == 2 and "terraform could not be run" in err
