"""Value types the ``tf`` package lacks: objects (for nested attributes) and single blocks.

``tf`` encodes a value with its type's ``encode`` and names the type with ``tf_type`` (cty's
JSON type notation). An object is encoded with every attribute present (absent ones as null),
which is what Terraform expects of an object value.
"""

from __future__ import annotations

import json
from typing import Any

from tf.schema import Attribute, Block, NestedBlock, NestMode
from tf.types import TfType, Unknown


class Object(TfType):
    """A cty object with fixed attribute types: ``Object({"id": String(), ...})``."""

    def __init__(self, attribute_types: dict[str, TfType]):
        self.attribute_types = attribute_types

    def encode(self, value: Any) -> Any:
        if value is None or value is Unknown:
            return value
        return {name: kind.encode(value.get(name)) for name, kind in self.attribute_types.items()}

    def decode(self, value: Any) -> Any:
        if value is None or value is Unknown:
            return value
        return {name: kind.decode(value.get(name)) for name, kind in self.attribute_types.items()}

    def tf_type(self) -> bytes:
        fields = {name: json.loads(kind.tf_type()) for name, kind in self.attribute_types.items()}
        return json.dumps(["object", fields], separators=(",", ":")).encode()


class SingleNestedBlock(NestedBlock):
    """A block that appears at most once, such as ``timeouts { create = "30m" }``."""

    def __init__(self, type_name: str, attributes: list[Attribute], description: str):
        super().__init__(type_name, NestMode.Single, Block(attributes=attributes, description=description))

    def encode(self, value: Any) -> Any:
        if value is None or value is Unknown:
            return value
        return {a.name: a.type.encode(value.get(a.name)) for a in self.block.attributes}

    def decode(self, value: Any) -> Any:
        if value is None or value is Unknown:
            return value
        return {a.name: a.type.decode(value.get(a.name)) for a in self.block.attributes}

    def semantically_equal(self, a_decoded: Any, b_decoded: Any) -> bool:
        return a_decoded == b_decoded
