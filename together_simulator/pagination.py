"""Opaque page tokens: an offset bound to the query it came from.

A token is URL-safe base64 of a small JSON object. It carries a fingerprint of the filters and
order, so a token used with another query is refused instead of silently skipping rows.
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


def encode_token(offset: int, fingerprint: str) -> str:
    raw = json.dumps({"o": offset, "q": fingerprint}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, fingerprint: str) -> int:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        offset, bound_to = data["o"], data["q"]
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise ValueError(offset)
    except Exception:
        raise invalid("pageToken is malformed: pass the next_page_token of a previous page unchanged") from None
    if bound_to != fingerprint:
        raise invalid("pageToken belongs to a listing with other filters or order: keep them the same across pages")
    return offset


def page_size(value: str | None) -> int:
    if value is None:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(value)
    except ValueError:
        raise invalid(f"pageSize must be an integer, got {value!r}") from None
    if size < 0:
        raise invalid(f"pageSize must not be negative, got {size}")
    if size == 0:
        return DEFAULT_PAGE_SIZE
    return min(size, MAX_PAGE_SIZE)
