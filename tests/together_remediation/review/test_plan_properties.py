"""Property-based tests (hypothesis) of the plan review on malformed plans: a real plan with parts
replaced by arbitrary JSON, any JSON value, or arbitrary bytes is reviewed or refused clearly."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.together_remediation.review.conftest import FIXTURES

texts = st.text(st.characters(codec="utf-8"), max_size=40)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=12,
)


def _paths(document, prefix=()):
    """Every path to a value in a JSON document."""
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _paths(value, prefix + (index,))


PLAN = json.loads((FIXTURES / "mixed_plan.json").read_text())
PLAN_PATHS = [p for p in _paths(PLAN) if p]


def _replace(document, path, value):
    mutated = copy.deepcopy(document)
    target = mutated
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return mutated


def _review(data):
    """The whole review of a decoded plan: parse, build, render both ways, check a policy."""
    from together_remediation.review import Policy, build_review, check_policy, parse_plan, render_json, render_markdown

    review = build_review(parse_plan(data, source="plan.json"))
    violations = check_policy(review, Policy(max_remediations_per_plan=1, require_reason=True))
    render_markdown(review, violations)
    json.loads(render_json(review, violations))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PLAN_PATHS), json_values), min_size=1, max_size=3))
def test_a_real_plan_with_parts_replaced_is_reviewed_or_refused_clearly(replacements):
    from together_remediation.review import ReviewInputError

    document = PLAN
    for path, value in replacements:
        try:
            document = _replace(document, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    try:
        _review(document)
    except ReviewInputError as error:
        assert str(error).startswith("plan plan.json: ")


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_any_json_value_is_reviewed_or_refused_clearly(data):
    from together_remediation.review import ReviewInputError

    try:
        _review(data)
    except ReviewInputError as error:
        assert str(error).startswith("plan plan.json: ")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode) | st.integers(1, 2000).map(lambda n: json.dumps(PLAN).encode()[:n]))
def test_malformed_plan_bytes_are_refused_clearly(tmp_path, raw):
    from together_remediation.review import ReviewInputError, load_plan

    assume(not raw.startswith(b"PK"))  # a saved plan file goes to terraform
    path = tmp_path / "plan.json"
    path.write_bytes(raw)
    try:
        load_plan(str(path))
    except ReviewInputError as error:
        assert str(error).startswith(f"plan {path}: ")
