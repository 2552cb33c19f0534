"""What a cluster, instance or remediation id may be, written once.

An id becomes one segment of a request's path (``/v1/compute/clusters/{cluster_id}/...``). A
value that is not a plain id could name another route (``..``, ``a/b``), end the path early
(``?``, ``#``), smuggle an escape (``%2F``) or break the request line (whitespace, control
characters), so it is refused before anything is sent. The client, the provider's validation and
the constructs apply this rule (the constructs keep a copy: they import nothing of the project).

Imports nothing at module level: the provider's schema validation loads it before any HTTP code.
"""

from __future__ import annotations

import functools

ID_FIELDS = ("cluster_id", "instance_id", "remediation_id")
"""The ids that become path segments."""

# Characters that change what a path means, with why, for the error message.
_PATH_CHARACTERS = {
    "/": "a '/', which would change the request's path",
    "\\": "a '\\', which some servers read as '/'",
    "?": "a '?', which would start the query string",
    "#": "a '#', which would start a fragment",
    "%": "a '%', which would start an escape",
}


def id_problem(value: object) -> str | None:
    """Why ``value`` cannot be a path segment, as the end of a sentence, or None if it can.

    ``id_problem("a/b")`` -> ``"contains a '/', which would change the request's path"``.
    """
    if not isinstance(value, str):
        return f"is a {type(value).__name__}, not a string"
    if value == "":
        return "is empty"
    if value in (".", ".."):
        return f"is {value!r}, which names a directory, not an id"
    for char in value:
        if char in _PATH_CHARACTERS:
            return "contains " + _PATH_CHARACTERS[char]
        if char.isspace():
            return "contains whitespace"
        if _is_control(char):
            return f"contains a control character (U+{ord(char):04X})"
    return None


def _is_control(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F


def canonical_remediation_id(value: str) -> str:
    """A UUID in any spelling the API accepts (upper case, braces, ``urn:uuid:``, no hyphens) as
    the lower-case hyphenated form the API answers with; anything else unchanged."""
    if not isinstance(value, str):
        return value
    return _canonical_uuid(value)


@functools.lru_cache(maxsize=65_536)  # a refresh canonicalizes each state's ids several times
def _canonical_uuid(value: str) -> str:
    import uuid  # stdlib, but not needed by id_problem's callers at import time

    try:
        return str(uuid.UUID(value))
    except ValueError:
        return value
