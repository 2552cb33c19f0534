"""States on the wire: a type's schema turned into its decoder and encoder of ``DynamicValue``s.

Terraform sends and expects every state as a msgpack object with each attribute and block of
the schema present. A ``StateCodec`` is built once per type from its ``tf.schema.Schema`` (its
public ``Attribute`` and ``NestedBlock`` fields and their types' ``encode`` and ``decode``) and
does only the work a value needs: strings, numbers and bools are already Python values after
msgpack, so only lists, maps, objects and blocks go through their type's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tf.gen import tfplugin_pb2 as pb
from tf.schema import Attribute, Schema
from tf.types import Bool, Number, String, Unknown
from tf.utils import read_dynamic_value, to_dynamic_value

# Types whose decode and encode return the value unchanged (exact classes: subclasses such as
# NormalizedJson do work).
_NATIVE_TYPES = (String, Number, Bool)


class DecodeError(ValueError):
    """A value Terraform sent that the schema's type rejects."""

    def __init__(self, name: str, cause: Exception):
        super().__init__(f"Error decoding field '{name}': {cause}")
        self.name = name


def attribute_path(path: list) -> pb.AttributePath:
    """``["escalation", (1,)]`` as a protocol path: names are attributes, 1-tuples are keys."""
    steps = []
    for step in path:
        if isinstance(step, tuple):
            key = step[0]
            steps.append(pb.AttributePath.Step(element_key_int=key) if isinstance(key, int) else pb.AttributePath.Step(element_key_string=key))
        else:
            steps.append(pb.AttributePath.Step(attribute_name=step))
    return pb.AttributePath(steps=steps)


NULL = to_dynamic_value(None)


@dataclass(frozen=True)
class StateCodec:
    schema: Schema
    attributes: dict[str, Attribute]
    names: tuple[str, ...]  # every attribute and block, in schema order
    coders: dict[str, Any]  # the names whose values need their type's encode/decode

    @classmethod
    def of(cls, schema: Schema) -> StateCodec:
        attributes = {a.name: a for a in schema.attributes}
        blocks = {b.type_name: b for b in schema.block_types}
        coders: dict[str, Any] = {n: a.type for n, a in attributes.items() if type(a.type) not in _NATIVE_TYPES}
        coders.update(blocks)
        return cls(schema, attributes, tuple(attributes) + tuple(blocks), coders)

    @property
    def version(self) -> int:
        return self.schema.version or 0

    def decode(self, value: pb.DynamicValue) -> dict | None:
        """The state as a dict of Python values (attributes outside the schema dropped), or None."""
        raw = read_dynamic_value(value)
        if raw is None:
            return None
        state = {}
        for name in self.names:
            item = raw.get(name)
            coder = self.coders.get(name)
            if coder is not None and item is not None and item is not Unknown:
                try:
                    item = coder.decode(item)
                except Exception as exc:
                    raise DecodeError(name, exc) from exc
            state[name] = item
        return state

    def complete(self, state: dict | None, *, resolve_unknown: bool) -> dict | None:
        """Every attribute and block present; after an apply or a read, nothing left unknown."""
        if state is None:
            return None
        if resolve_unknown:
            return {name: (None if (v := state.get(name)) is Unknown else v) for name in self.names}
        return {name: state.get(name) for name in self.names}

    def encode(self, state: dict | None) -> pb.DynamicValue:
        """A complete state (see ``complete``) as Terraform's msgpack value."""
        if state is None:
            return NULL
        encoded = {}
        for name, item in state.items():
            coder = self.coders.get(name)
            encoded[name] = coder.encode(item) if coder is not None and item is not None and item is not Unknown else item
        return to_dynamic_value(encoded)
