"""Go-style duration strings (``"30s"``, ``"5m"``, ``"1h30m"``, ``"250ms"``) as seconds."""

from __future__ import annotations

import re

MIN_TIMEOUT = "1s"
"""The shortest ``timeouts`` value accepted: ``"0s"`` would give up before the first answer."""

_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")


def parse_duration(text: str) -> float:
    """Seconds in a Go duration string; ``ValueError`` names what is wrong.

    Negative durations are refused: every duration here is a wait or a time-out.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a duration must be a non-empty string such as \"30s\", \"5m\" or \"1h30m\"")
    value = text.strip()
    if value == "0":
        return 0.0
    position, total = 0, 0.0
    while position < len(value):
        match = _PART.match(value, position)
        if match is None:
            raise ValueError(
                f"{text!r} is not a duration: use a number followed by a unit (ns, us, ms, s, m, h), e.g. \"30s\" or \"1h30m\""
            )
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    return total


def format_duration(seconds: float) -> str:
    """A short human form for messages: ``"1m30s"``, ``"250ms"``."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{secs}s" if secs or whole == 0 else ""]
    return "".join(parts)
