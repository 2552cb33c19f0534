"""Validation diagnostics that name the attribute: Terraform underlines it in the configuration.

Values may still be unknown while Terraform validates (they come from other resources); every
check skips unknown and null values, so it runs again, with real values, at plan time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from tf.types import Unknown
from tf.utils import Diagnostics

from provider_shim.framework.durations import parse_duration

MAX_ID_LENGTH = 256
"""The longest cluster or instance id a data source takes (the resources' limit too)."""

Path = list  # attribute path: names, and (index,) tuples for list elements or map keys


def is_known(value: Any) -> bool:
    """Set and known: neither null nor unknown (at any depth)."""
    if value is None or value is Unknown:
        return False
    if isinstance(value, dict):
        return all(v is not Unknown for v in value.values())
    if isinstance(value, list):
        return all(v is not Unknown for v in value)
    return True


class Validator:
    """Adds error diagnostics with attribute paths to ``diagnostics``."""

    def __init__(self, diagnostics: Diagnostics, config: dict[str, Any]):
        self.diagnostics = diagnostics
        self.config = config or {}

    def error(self, path: Path, summary: str, detail: str = "") -> None:
        self.diagnostics.add_error(summary, detail=detail, path=list(path))

    def value(self, path: Path) -> Any:
        current: Any = self.config
        for step in path:
            if current is None or current is Unknown:
                return current
            key = step[0] if isinstance(step, tuple) else step
            current = current[key] if isinstance(current, list) else current.get(key)
        return current

    def non_empty(self, *names: str) -> None:
        for name in names:
            value = self.config.get(name)
            if isinstance(value, str) and not value.strip():
                self.error([name], f"{name} must not be empty", f"Set {name} to a non-empty string.")

    def path_ids(self, *names: str) -> None:
        """Ids that become a segment of a request's path: ``together_api.ids.id_problem``'s rule."""
        from together_api.ids import id_problem  # imports nothing

        for name in names:
            value = self.config.get(name)
            if isinstance(value, str) and value.strip():
                problem = id_problem(value)
                if problem:
                    self.error([name], f"Invalid {name}", f"{value!r} {problem}; an id is one path segment of the API's URL.")

    def max_length(self, limit: int, *names: str) -> None:
        """Strings of at most ``limit`` characters: a pasted file or a runaway expression fails here,
        naming the attribute, instead of as an unreadable URL or request error at apply."""
        for name in names:
            value = self.config.get(name)
            if isinstance(value, str) and len(value) > limit:
                self.error([name], f"{name} is too long", f"{name} has {len(value)} characters; at most {limit} are accepted.")

    def text(self, limit: int, *names: str) -> None:
        """Free text (a reason, a comment): at most ``limit`` characters and no NUL, which the API's
        JSON would carry into Together's systems and most terminals cut the text at."""
        self.max_length(limit, *names)
        for name in names:
            value = self.config.get(name)
            if isinstance(value, str) and "\x00" in value:
                self.error([name], f"{name} contains a NUL character", f"{name} must not contain U+0000 (at character {value.index(chr(0)) + 1}).")

    def one_of(self, path: Path, allowed: Sequence[str]) -> None:
        value = self.value(path)
        if is_known(value) and value not in allowed:
            name = _path_text(path)
            self.error(path, f"Unsupported value for {name}", f"{value!r} is not one of: {', '.join(allowed)}.")

    def duration(self, path: Path, minimum: str | None = None) -> None:
        """A Go duration; with ``minimum`` (itself a duration, such as ``"100ms"``), at least that."""
        value = self.value(path)
        if is_known(value):
            try:
                seconds = parse_duration(value)
            except ValueError as exc:
                self.error(path, f"Invalid duration for {_path_text(path)}", str(exc))
                return
            if minimum is not None and seconds < parse_duration(minimum):
                name = _path_text(path)
                self.error(path, f"{name} is too short", f"{name} must be at least {minimum!r}, not {value!r}.")

    def uuid(self, path: Path) -> None:
        value = self.value(path)
        if is_known(value):
            try:
                uuid.UUID(value)
            except ValueError:
                self.error(path, f"Invalid UUID for {_path_text(path)}", f"{value!r} is not a UUID such as \"{uuid.UUID(int=0)}\".")

    def at_least(self, path: Path, minimum: float) -> None:
        value = self.value(path)
        if is_known(value) and value < minimum:
            self.error(path, f"{_path_text(path)} is too small", f"{_path_text(path)} must be at least {minimum:g}, not {value:g}.")

    def exactly_one_of(self, names: Iterable[str]) -> None:
        names = list(names)
        values = {n: self.config.get(n) for n in names}
        if any(v is Unknown for v in values.values()):
            return
        present = [n for n, v in values.items() if v is not None]
        if len(present) != 1:
            which = " and ".join(present) if present else "neither"
            self.error(
                [present[-1]] if present else [],
                f"Exactly one of {' or '.join(names)} must be set",
                f"Set exactly one of {', '.join(names)} (got {which}).",
            )


def _path_text(path: Path) -> str:
    text = ""
    for step in path:
        if isinstance(step, tuple):
            text += f"[{step[0]!r}]" if isinstance(step[0], str) else f"[{step[0]}]"
        else:
            text += ("." if text else "") + step
    return text
