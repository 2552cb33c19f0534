"""Checks on construct props, in pure Python (a `Token` call is a round trip to Node).

Unresolved values (CDK tokens, Terraform expressions such as `"${var.x}"`, CDK objects) are passed
through unchecked: Terraform checks them at plan time. Every error names the construct path and
the prop, so a user can find the line that set it.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any, TypeVar

E = TypeVar("E", bound=Enum)

_DURATION = re.compile(r"^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$")
_TOKEN_MARKERS = ("${", "#{TfToken[", "&{TfToken[")
# CDK number tokens are encoded as doubles near -1.8881545897087626e+289.
_NUMBER_TOKEN_LIMIT = -1e289


class PropError(ValueError):
    """A construct prop has a value the API would refuse; raised while the app is built (synth)."""


def is_unresolved(value: Any) -> bool:
    """True for a value only Terraform can know: a CDK token, a `${...}` expression or a CDK object."""
    if isinstance(value, str):
        return any(marker in value for marker in _TOKEN_MARKERS)
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return value <= _NUMBER_TOKEN_LIMIT
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0].startswith("#{TfToken[")
    if isinstance(value, dict):
        return any(isinstance(key, str) and key.startswith("&{TfToken[") for key in value)
    return not isinstance(value, (list, tuple, dict))


class Checker:
    """Validates the props of one construct before it is created, naming `path` in errors."""

    def __init__(self, scope: Any, construct_id: str) -> None:
        self._scope = scope
        self._id = construct_id

    @property
    def path(self) -> str:
        # Computed only when an error is raised: reading the scope's path costs jsii calls.
        parent = self._scope.node.path
        return f"{parent}/{self._id}" if parent else self._id

    def fail(self, prop: str, problem: str) -> None:
        raise PropError(f"{self.path}: {prop}: {problem}")

    def string(self, prop: str, value: Any, *, required: bool = False) -> Any:
        """A non-empty string (or an unresolved value); None when optional and unset."""
        if value is None:
            if required:
                self.fail(prop, "is required")
            return None
        if isinstance(value, (bytes, bytearray)):  # not a CDK object: decode it first
            self.fail(prop, f"must be a string, got {type(value).__name__}; decode it (e.g. value.decode('utf-8'))")
        if is_unresolved(value):
            return value
        if not isinstance(value, str):
            self.fail(prop, f"must be a string, got {type(value).__name__} {value!r}")
        if not value.strip():
            self.fail(prop, "must not be empty")
        if not _is_utf8(value):
            # An unpaired surrogate (bytes decoded with errors="surrogateescape") is not text:
            # Terraform would silently turn it into U+FFFD.
            self.fail(prop, "must be valid Unicode text; it holds undecodable bytes (an unpaired surrogate)")
        if "\x00" in value:
            self.fail(prop, "must not contain a NUL character (U+0000)")
        return value

    def path_id(self, prop: str, value: Any, *, required: bool = False) -> Any:
        """An id that becomes one segment of an API path: the provider's rule (``together_api.ids``,
        copied: the constructs import nothing of the project), so synth refuses what validate does."""
        value = self.string(prop, value, required=required)
        if value is None or is_unresolved(value):
            return value
        if len(value) > MAX_ID_LENGTH:
            self.fail(prop, f"has {len(value)} characters; at most {MAX_ID_LENGTH} are accepted")
        problem = _id_problem(value)
        if problem:
            self.fail(prop, f"{value!r} {problem}; an id is one path segment of the API's URL")
        return value

    def text(self, prop: str, value: Any, *, max_length: int) -> Any:
        """Free text (a reason, a comment) of at most ``max_length`` characters, or None when unset."""
        value = self.string(prop, value)
        if isinstance(value, str) and not is_unresolved(value) and len(value) > max_length:
            self.fail(prop, f"has {len(value)} characters; at most {max_length} are accepted")
        return value

    def enum(self, prop: str, value: Any, enum_type: type[E], *, required: bool = False) -> Any:
        """The string value of one member of `enum_type` (member or string accepted)."""
        if value is None:
            if required:
                self.fail(prop, "is required")
            return None
        if isinstance(value, enum_type):
            return value.value
        if is_unresolved(value):
            return value
        allowed = [member.value for member in enum_type]
        if value not in allowed:
            self.fail(prop, f"must be one of {', '.join(allowed)}; got {value!r}")
        return value

    def enum_list(self, prop: str, value: Any, enum_type: type[E], *, min_items: int = 0, unique: bool = False) -> Any:
        """A list of `enum_type` values, or None when unset; with `unique`, each value at most once."""
        if value is None or is_unresolved(value):
            return value
        items = [self.enum(f"{prop}[{index}]", item, enum_type, required=True) for index, item in self._items(prop, value, "a list")]
        if len(items) < min_items:
            self.fail(prop, f"needs at least {min_items} item(s)")
        known = [item for item in items if not is_unresolved(item)]
        if unique and len(set(known)) != len(known):
            repeated = sorted({item for item in known if known.count(item) > 1})
            self.fail(prop, f"repeats {', '.join(repeated)}; each value may appear once")
        return items

    def string_list(self, prop: str, value: Any) -> Any:
        """A list of non-empty strings, or None when unset."""
        if value is None or is_unresolved(value):
            return value
        return [self.string(f"{prop}[{index}]", item, required=True) for index, item in self._items(prop, value, "a list of strings")]

    def _items(self, prop: str, value: Any, expected: str) -> Any:
        """`enumerate(value)` of a list (a string is not one)."""
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            self.fail(prop, f"must be {expected}, got {type(value).__name__}")
        return enumerate(value)

    def string_map(self, prop: str, value: Any) -> Any:
        """A map of string to string, or None when unset."""
        if value is None:
            return None
        if is_unresolved(value):
            return value
        if not isinstance(value, Mapping):
            self.fail(prop, f"must be a map of string to string, got {type(value).__name__}")
        result = {}
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                self.fail(prop, f"keys must be non-empty strings, got {key!r}")
            if not (isinstance(item, str) or is_unresolved(item)):
                self.fail(f"{prop}[{key!r}]", f"must be a string, got {type(item).__name__} {item!r}")
            result[key] = item
        return result

    def duration(self, prop: str, value: Any, *, minimum: str | None = None) -> Any:
        """A Go duration string such as "30s", "5m" or "1h30m", or None when unset; with
        `minimum` (a duration), at least that long (the provider's own floor)."""
        if value is None or is_unresolved(value):
            return value
        if not isinstance(value, str) or not (value == "0" or _DURATION.match(value)):
            self.fail(prop, f'must be a duration such as "30s", "5m" or "1h30m"; got {value!r}')
        if minimum is not None and _seconds(value) < _seconds(minimum):
            self.fail(prop, f"must be at least {minimum!r}; got {value!r}")
        return value

    def uuid(self, prop: str, value: Any, *, required: bool = False) -> Any:
        """A UUID string (the API's remediation ids), or None when optional and unset."""
        value = self.string(prop, value, required=required)
        if value is None or is_unresolved(value):
            return value
        try:
            uuid.UUID(value)
        except ValueError:
            self.fail(prop, f"must be a UUID such as 3f2c8a4e-0d7b-4c1e-9a51-6b2f0e8d9c10; got {value!r}")
        return value

    def integer(self, prop: str, value: Any, *, minimum: int | None = None) -> Any:
        """A whole number at least `minimum`, or None when unset."""
        if value is None or is_unresolved(value):
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(prop, f"must be a whole number, got {type(value).__name__} {value!r}")
        if minimum is not None and value < minimum:
            self.fail(prop, f"must be at least {minimum}, got {value}")
        return value

    def boolean(self, prop: str, value: Any) -> Any:
        """True or False, or None when unset."""
        if value is None or is_unresolved(value):
            return value
        if not isinstance(value, bool):
            self.fail(prop, f"must be true or false, got {type(value).__name__} {value!r}")
        return value

    def share(self, prop: str, value: Any) -> float:
        """A fraction in (0, 1]."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
            self.fail(prop, f"must be a number greater than 0 and at most 1, got {value!r}")
        return float(value)


MAX_ID_LENGTH = 256
MAX_TEXT_LENGTH = 4096  # a reason or review comment: the provider's limits
MIN_TIMEOUT = "1s"  # the provider's floor of a timeouts block's durations
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_PATH_CHARACTERS = {"/": "'/'", "\\": "'\\'", "?": "'?'", "#": "'#'", "%": "'%'"}


def _seconds(duration: str) -> float:
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in _DURATION_PART.findall(duration))


def _id_problem(value: str) -> str | None:
    """Why ``value`` cannot be one path segment (the copy of ``together_api.ids.id_problem``)."""
    if value in (".", ".."):
        return f"is {value!r}, which names a directory, not an id"
    for char in value:
        if char in _PATH_CHARACTERS:
            return f"contains a {_PATH_CHARACTERS[char]}, which would change the request's path"
        if char.isspace():
            return "contains whitespace"
        if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            return f"contains a control character (U+{ord(char):04X})"
    return None


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def drop_unset(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes that have a value: Terraform treats an absent argument as null."""
    return {name: value for name, value in attributes.items() if value is not None}


def timeouts_block(
    check: Checker, value: Any, allowed: tuple[str, ...], minimum: str = MIN_TIMEOUT
) -> dict[str, str] | None:
    """The `timeouts` block from a timeouts dataclass or a dict, with each duration at least `minimum`."""
    if value is None:
        return None
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    if is_unresolved(value):
        return value
    if not isinstance(value, Mapping):
        check.fail("timeouts", f"must be a timeouts object or a dict, got {type(value).__name__}")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        check.fail("timeouts", f"has no {', '.join(unknown)}; it takes {', '.join(allowed)}")
    block = drop_unset(
        {name: check.duration(f"timeouts.{name}", value.get(name), minimum=minimum) for name in allowed}
    )
    return block or None
