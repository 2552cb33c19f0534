"""Time as the API writes it: RFC 3339 in UTC with microseconds, from epoch seconds."""

from __future__ import annotations

import time
from datetime import datetime, timezone


def now() -> float:
    return time.time()


def rfc3339(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
