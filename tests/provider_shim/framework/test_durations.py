"""Durations and import ids: the user-facing strings the provider parses."""

from __future__ import annotations

import pytest

from provider_shim.framework.durations import format_duration, parse_duration
from provider_shim.framework.import_id import parse_import_id


@pytest.mark.parametrize(
    "text, seconds",
    [("30s", 30), ("5m", 300), ("1h30m", 5400), ("250ms", 0.25), ("1.5h", 5400), ("0", 0), (" 2m ", 120), ("1m30s", 90)],
)
def test_go_durations_parse_to_seconds(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "   ", "30", "5 minutes", "-5m", "5x", "m5", "1h 30m", "5M"])
def test_bad_durations_say_what_a_duration_looks_like(text):
    with pytest.raises(ValueError) as raised:
        parse_duration(text)
    assert "30s" in str(raised.value)


def test_durations_format_briefly():
    assert [format_duration(s) for s in (0.25, 30, 90, 3600, 5400)] == ["250ms", "30s", "1m30s", "1h", "1h30m"]


def test_import_id_splits_into_its_parts():
    assert parse_import_id("c/i/r", ("cluster", "instance", "remediation")) == ("c", "i", "r")


@pytest.mark.parametrize("bad", ["", "c/i", "c/i/r/x", "c//r", "/i/r", "c/i/", "c/ i/r"])
def test_malformed_import_ids_show_the_expected_form(bad):
    with pytest.raises(ValueError) as raised:
        parse_import_id(bad, ("cluster", "instance", "remediation"))
    assert "CLUSTER/INSTANCE/REMEDIATION" in str(raised.value)
