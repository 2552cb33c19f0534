"""The id rule the client, the provider and the constructs share."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest

from together_api.ids import canonical_remediation_id, id_problem

R = "6f1c2d3e-0000-4000-8000-000000000001"


@pytest.mark.parametrize("value", ["cluster-training", "inst-training-03", "-", R, "gpu_05", "a.b", "node:7", "ü"])
def test_plain_ids_have_no_problem(value):
    assert id_problem(value) is None


@pytest.mark.parametrize(
    "value,problem",
    [
        ("", "is empty"),
        (".", "is '.', which names a directory, not an id"),
        ("..", "is '..', which names a directory, not an id"),
        ("a/b", "contains a '/', which would change the request's path"),
        ("a\\b", "contains a '\\', which some servers read as '/'"),
        ("a?b", "contains a '?', which would start the query string"),
        ("a#b", "contains a '#', which would start a fragment"),
        ("a%2Fb", "contains a '%', which would start an escape"),
        ("a b", "contains whitespace"),
        ("a\tb", "contains whitespace"),
        ("a\u00a0b", "contains whitespace"),
        ("a\nb", "contains whitespace"),
        ("a\x00b", "contains a control character (U+0000)"),
        ("a\x1bb", "contains a control character (U+001B)"),
        ("a\x7fb", "contains a control character (U+007F)"),
        ("a\x85b", "contains whitespace"),
        (None, "is a NoneType, not a string"),
        (7, "is a int, not a string"),
    ],
)
def test_values_that_could_change_the_route_are_named(value, problem):
    assert id_problem(value) == problem


@pytest.mark.parametrize("spelling", [R.upper(), "{" + R + "}", "urn:uuid:" + R, R.replace("-", ""), "{" + R.upper() + "}"])
def test_every_uuid_spelling_becomes_the_canonical_form(spelling):
    assert canonical_remediation_id(spelling) == R


@pytest.mark.parametrize("value", ["my-remediation", "", "6f1c2d3e", R + "0", " " + R])
def test_anything_else_is_unchanged(value):
    assert canonical_remediation_id(value) == value


def test_canonical_ids_are_what_uuid_prints():
    made = uuid.uuid4()
    assert canonical_remediation_id(str(made).upper()) == str(made)


def test_the_module_imports_nothing_of_the_project_or_heavy():
    code = (
        "import sys; import together_api.ids; "
        "heavy = [m for m in ('httpx', 'pydantic', 'uuid', 'together_api.models', 'together_api.client') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
