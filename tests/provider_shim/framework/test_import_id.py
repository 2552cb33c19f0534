"""Import ids: ``CLUSTER/INSTANCE/REMEDIATION`` split into its parts, or refused naming that form
(examples, then hypothesis properties)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provider_shim.framework.import_id import parse_import_id
from together_api.ids import id_problem


def test_import_id_splits_into_its_parts():
    assert parse_import_id("c/i/r", ("cluster", "instance", "remediation")) == ("c", "i", "r")


@pytest.mark.parametrize("bad", ["", "c/i", "c/i/r/x", "c//r", "/i/r", "c/i/", "c/ i/r"])
def test_malformed_import_ids_show_the_expected_form(bad):
    with pytest.raises(ValueError) as raised:
        parse_import_id(bad, ("cluster", "instance", "remediation"))
    assert "CLUSTER/INSTANCE/REMEDIATION" in str(raised.value)


PARTS = ("cluster", "instance", "remediation")
# A plain id: what the API's paths can carry (together_api.ids refuses the rest, tested apart).
part = st.text(st.characters(codec="utf-8", exclude_characters="/"), min_size=1, max_size=30).filter(
    lambda p: p.strip() == p and p.strip() and id_problem(p) is None
)


@settings(deadline=None)
@given(st.tuples(part, part, part))
def test_import_id_of_three_parts_parses_back_to_them(parts):
    assert parse_import_id("/".join(parts), PARTS) == parts


@settings(deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=60))
def test_import_id_parser_accepts_exactly_three_clean_parts_or_names_the_form(text):
    try:
        parsed = parse_import_id(text, PARTS)
    except ValueError as error:
        assert "CLUSTER/INSTANCE/REMEDIATION" in str(error)
        pieces = text.split("/")
        assert len(pieces) != 3 or any(not p.strip() or p != p.strip() for p in pieces)
    else:
        assert "/".join(parsed) == text and len(parsed) == 3
        assert all(p and p == p.strip() and id_problem(p) is None for p in parsed)
