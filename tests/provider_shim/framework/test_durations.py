"""Durations: the Go-style strings the provider parses (``30s``, ``1h30m``) and how it writes them."""

from __future__ import annotations

import pytest

from provider_shim.framework.durations import format_duration, parse_duration


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
