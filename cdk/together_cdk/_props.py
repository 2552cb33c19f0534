"""How the generated constructs check their props: one `Prop` per argument of the provider's schema.

A prop has the argument's name, its kind (how the HCL output renders it) and its check: one of
`Checker`'s, with the limits the provider's validation uses (the generator writes them in).
`Rule`s check what one prop alone cannot say (`_rules.py`, written by hand).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import Any

from ._values import Checker, timeouts_block

Check = Callable[[Checker, str, Any], Any]
Rule = Callable[[Checker, Mapping[str, Any]], None]
"""Checks the props' checked values together (e.g. exactly one of two); fails through the checker."""


@dataclass(frozen=True)
class Prop:
    name: str
    kind: str  # string, number, bool, string_list, string_map or block
    check: Check


def string(name: str, *, required: bool = False) -> Prop:
    return Prop(name, "string", partial(Checker.string, required=required))


def path_id(name: str, *, required: bool = False) -> Prop:
    """An id that becomes one segment of an API path."""
    return Prop(name, "string", partial(Checker.path_id, required=required))


def uuid(name: str, *, required: bool = False) -> Prop:
    return Prop(name, "string", partial(Checker.uuid, required=required))


def text(name: str, *, max_length: int) -> Prop:
    return Prop(name, "string", partial(Checker.text, max_length=max_length))


def enum(name: str, enum_type: type[Enum], *, required: bool = False) -> Prop:
    return Prop(name, "string", partial(Checker.enum, enum_type=enum_type, required=required))


def enum_list(name: str, enum_type: type[Enum], *, min_items: int = 0, unique: bool = False) -> Prop:
    return Prop(name, "string_list", partial(Checker.enum_list, enum_type=enum_type, min_items=min_items, unique=unique))


def string_list(name: str) -> Prop:
    return Prop(name, "string_list", Checker.string_list)


def string_map(name: str) -> Prop:
    return Prop(name, "string_map", Checker.string_map)


def duration(name: str, *, minimum: str | None = None) -> Prop:
    return Prop(name, "string", partial(Checker.duration, minimum=minimum))


def integer(name: str, *, minimum: int | None = None) -> Prop:
    return Prop(name, "number", partial(Checker.integer, minimum=minimum))


def boolean(name: str) -> Prop:
    return Prop(name, "bool", Checker.boolean)


def timeouts(name: str, *, operations: tuple[str, ...], minimum: str) -> Prop:
    """A `timeouts` block (a timeouts dataclass or a dict) with these operations' durations."""
    return Prop(name, "block", lambda check, prop, value: timeouts_block(check, value, operations, minimum))


def custom(name: str, kind: str, check: Check) -> Prop:
    """A prop with a hand-written check (`_rules.py`)."""
    return Prop(name, kind, check)


def attribute_kinds(props: tuple[Prop, ...]) -> dict[str, str]:
    return {prop.name: prop.kind for prop in props}


def checked_attributes(check: Checker, props: tuple[Prop, ...], rules: tuple[Rule, ...], given: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes to synthesize: each prop checked (unset ones left out), then the rules."""
    attributes = {}
    for prop in props:
        value = prop.check(check, prop.name, given[prop.name])
        if value is not None:  # Terraform treats an absent argument as null
            attributes[prop.name] = value
    for rule in rules:
        rule(check, attributes)
    return attributes
