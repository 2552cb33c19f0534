"""The props of the generated constructs: one declaration per argument of the provider's schema,
which is at once how the prop is checked, how the HCL output renders it and its token getter::

    cluster_id = path_id("The GPU cluster's id.", required=True)

A prop's check is one of `Checker`'s, with the limits the provider's validation uses (the
generator writes them in). `Rule`s check what one prop alone cannot say (`_rules.py`, by hand).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from functools import partial
from typing import Any

from ._getters import Getter, token_reader
from ._values import Checker, timeouts_block

Check = Callable[[Checker, str, Any], Any]
Rule = Callable[[Checker, Mapping[str, Any]], None]
"""Checks the props' checked values together (e.g. exactly one of two); fails through the checker."""


class Prop(Getter):
    """An argument: its check, its kind (string, number, bool, string_list, string_map or block)
    and, but for a block, its token getter."""

    def __init__(self, kind: str, check: Check, doc: str) -> None:
        read, returns = token_reader(kind)
        super().__init__(read, returns, doc)
        self.kind = kind
        self.check = check


def string(doc: str, *, required: bool = False) -> Any:
    return Prop("string", partial(Checker.string, required=required), doc)


def path_id(doc: str, *, required: bool = False) -> Any:
    """An id that becomes one segment of an API path."""
    return Prop("string", partial(Checker.path_id, required=required), doc)


def uuid(doc: str, *, required: bool = False) -> Any:
    return Prop("string", partial(Checker.uuid, required=required), doc)


def text(doc: str, *, max_length: int) -> Any:
    return Prop("string", partial(Checker.text, max_length=max_length), doc)


def enum(enum_type: type[Enum], doc: str, *, required: bool = False) -> Any:
    return Prop("string", partial(Checker.enum, enum_type=enum_type, required=required), doc)


def enum_list(enum_type: type[Enum], doc: str, *, min_items: int = 0, unique: bool = False) -> Any:
    return Prop("string_list", partial(Checker.enum_list, enum_type=enum_type, min_items=min_items, unique=unique), doc)


def string_list(doc: str) -> Any:
    return Prop("string_list", Checker.string_list, doc)


def string_map(doc: str) -> Any:
    return Prop("string_map", Checker.string_map, doc)


def duration(doc: str, *, minimum: str | None = None) -> Any:
    return Prop("string", partial(Checker.duration, minimum=minimum), doc)


def integer(doc: str, *, minimum: int | None = None) -> Any:
    return Prop("number", partial(Checker.integer, minimum=minimum), doc)


def boolean(doc: str) -> Any:
    return Prop("bool", Checker.boolean, doc)


def custom(kind: str, check: Check, doc: str) -> Any:
    """A prop with a hand-written check (`_rules.py`)."""
    return Prop(kind, check, doc)


class BlockProp:
    """A nested block prop, such as `timeouts` (a timeouts dataclass or a dict): no token getter."""

    kind = "block"

    def __init__(self, check: Check) -> None:
        self.check = check
        self.attribute = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.attribute = name


def timeouts_block_prop(*, operations: tuple[str, ...], minimum: str) -> Any:
    """A `timeouts` block with these operations' durations, each at least `minimum`."""
    return BlockProp(lambda check, prop, value: timeouts_block(check, value, operations, minimum))


def props_of(cls: type) -> tuple[Prop | BlockProp, ...]:
    """The props a construct class declares, in the order it declares them."""
    return tuple(value for value in vars(cls).values() if isinstance(value, (Prop, BlockProp)))


def checked_attributes(check: Checker, props: tuple[Prop | BlockProp, ...], rules: tuple[Rule, ...],
                       given: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes to synthesize: each prop checked (unset ones left out), then the rules."""
    attributes = {}
    for prop in props:
        value = prop.check(check, prop.attribute, given[prop.attribute])
        if value is not None:  # Terraform treats an absent argument as null
            attributes[prop.attribute] = value
    for rule in rules:
        rule(check, attributes)
    return attributes
