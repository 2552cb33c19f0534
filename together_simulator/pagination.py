"""Opaque page tokens: the position after the last row of a page, bound to its query.

A token is URL-safe base64 of a small JSON object: the sort value and sequence number of the
page's last row (keyset pagination, so rows created or deleted meanwhile neither repeat nor go
missing), and a fingerprint of the filters and order, so that a token used with another query
is refused instead of silently skipping rows.
"""

from __future__ import annotations

import base64
import hashlib
import json

from together_simulator.errors import invalid

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def query_fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


Position = tuple[float, int]
"""(sort value, sequence number) of the last row a page returned."""


def encode_token(after: Position, fingerprint: str) -> str:
    raw = json.dumps({"a": list(after), "q": fingerprint}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, fingerprint: str) -> Position:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        (value, seq), bound_to = data["a"], data["q"]
        numbers = (value, seq)
        if any(isinstance(n, bool) or not isinstance(n, (int, float)) for n in numbers) or not isinstance(seq, int):
            raise ValueError(numbers)
    except Exception:
        raise invalid("page_token is malformed: pass the next_page_token of a previous page unchanged") from None
    if bound_to != fingerprint:
        raise invalid("page_token belongs to a listing with other filters or order: keep them the same across pages")
    return float(value), seq


def page_size(value: str | None) -> int:
    if value is None:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(value)
    except ValueError:
        raise invalid(f"page_size must be an integer, got {value!r}") from None
    if size < 0:
        raise invalid(f"page_size must not be negative, got {size}")
    if size == 0:
        return DEFAULT_PAGE_SIZE
    return min(size, MAX_PAGE_SIZE)
