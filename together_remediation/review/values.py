"""Values of a plan that are not plain values: known only after apply, or sensitive.

Terraform's JSON plan carries the planned object (``after``) beside two shadow trees of the same
shape: ``after_unknown`` (true where the value is known only after apply) and
``after_sensitive`` (true where it must not be shown). ``resolve`` folds the three into one tree
where such values are replaced by the sentinels below, so the rest of the review never guesses
an unknown value and never prints a secret.
"""

from __future__ import annotations

from typing import Any


class _Marker:
    def __init__(self, text: str, json_key: str) -> None:
        self.text = text
        self.json_key = json_key

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


UNKNOWN = _Marker("(known after apply)", "known_after_apply")
SENSITIVE = _Marker("(sensitive)", "sensitive")


def is_marker(value: Any) -> bool:
    return isinstance(value, _Marker)


def is_known(value: Any) -> bool:
    """A value that can be compared: neither unknown nor hidden."""
    return not isinstance(value, _Marker)


def resolve(value: Any, unknown: Any = None, sensitive: Any = None) -> Any:
    """``value`` with unknown parts replaced by UNKNOWN and sensitive parts by SENSITIVE."""
    if unknown is True:
        return UNKNOWN
    if sensitive is True:
        return SENSITIVE
    if isinstance(value, dict) or (value is None and isinstance(unknown, dict) and unknown):
        value = value or {}
        keys = list(value) + [k for k in _as_dict(unknown) if k not in value]
        return {
            key: resolve(value.get(key), _as_dict(unknown).get(key), _as_dict(sensitive).get(key))
            for key in keys
        }
    if isinstance(value, list) or (value is None and isinstance(unknown, list) and unknown):
        value = value or []
        unknown_items = _as_list(unknown)
        sensitive_items = _as_list(sensitive)
        length = max(len(value), len(unknown_items))
        return [
            resolve(
                value[i] if i < len(value) else None,
                unknown_items[i] if i < len(unknown_items) else None,
                sensitive_items[i] if i < len(sensitive_items) else None,
            )
            for i in range(length)
        ]
    return value


def _as_dict(shadow: Any) -> dict:
    return shadow if isinstance(shadow, dict) else {}


def _as_list(shadow: Any) -> list:
    return shadow if isinstance(shadow, list) else []
