"""Waiting in a test for something another process does (a remediation starts, a provider launches)."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(condition: Callable[[], object], what: str, limit: float = 60.0, poll: float = 0.05) -> None:
    """Poll until ``condition()``; the limit only guards against a hung test."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(poll)
