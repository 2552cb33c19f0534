"""The provider's schema as the generator reads it: blocks, their attributes and the object types
inside computed attributes, in Terraform's own type notation (what `terraform providers schema
-json` prints), so nothing here depends on how the provider builds its schema."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from provider_shim import PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION, TYPE_PREFIX, registry
from provider_shim.provider import provider_schema

from together_remediation.cdk_gen import spec

SCALAR_KINDS = {"string": "string", "number": "number", "bool": "bool"}
COLLECTION_KINDS = {("list", "string"): "string_list", ("map", "string"): "string_map"}


@dataclass(frozen=True)
class Attribute:
    name: str
    type: Any  # Terraform's type notation: "string", ["list", "string"], ["object", {...}]...
    description: str
    required: bool = False
    optional: bool = False
    computed: bool = False

    @property
    def kind(self) -> str:
        return kind_of(self.type)

    @property
    def is_argument(self) -> bool:
        return self.required or self.optional


@dataclass(frozen=True)
class NestedBlock:
    name: str
    description: str
    attributes: tuple[Attribute, ...]


@dataclass(frozen=True)
class Block:
    kind: str  # "provider", "resource" or "data"
    terraform_type: str
    description: str
    attributes: tuple[Attribute, ...]
    blocks: tuple[NestedBlock, ...] = ()

    @property
    def arguments(self) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if a.is_argument)


@dataclass
class ObjectType:
    """An object inside computed attributes, named by the attribute that holds it (`spec.OBJECTS`)."""

    reference: str
    list_reference: str
    fields: dict[str, Any] = field(default_factory=dict)  # name -> type
    used_by: set[str] = field(default_factory=set)


def kind_of(kind: Any) -> str:
    if isinstance(kind, str):
        return SCALAR_KINDS[kind]
    if tuple(kind) in COLLECTION_KINDS:
        return COLLECTION_KINDS[tuple(kind)]
    if kind[0] == "object" or (kind[0] == "list" and isinstance(kind[1], list) and kind[1][0] == "object"):
        return "object"
    raise ValueError(f"no construct type for the Terraform type {kind!r}")


def object_fields(kind: Any) -> dict[str, Any] | None:
    """The fields of an object type or of a list of objects; None for any other type."""
    if isinstance(kind, list) and kind[0] == "list":
        kind = kind[1]
    if isinstance(kind, list) and kind[0] == "object":
        return kind[1]
    return None


def _attributes(schema_attributes: Any) -> tuple[Attribute, ...]:
    return tuple(
        Attribute(
            name=a.name,
            type=json.loads(a.type.tf_type()),
            description=(a.description or "").strip(),
            required=bool(a.required),
            optional=bool(a.optional),
            computed=bool(a.computed),
        )
        for a in schema_attributes
    )


def _block(kind: str, terraform_type: str, schema: Any) -> Block:
    nested = tuple(
        NestedBlock(b.type_name, (b.block.description or "").strip(), _attributes(b.block.attributes))
        for b in schema.block_types
    )
    return Block(kind, terraform_type, (schema.description or "").strip(), _attributes(schema.attributes), nested)


def provider_block() -> Block:
    return _block("provider", PROVIDER_TYPE, provider_schema())


def element_blocks() -> list[Block]:
    """Every resource, then every data source, in the registry's order."""
    blocks = [_block("resource", TYPE_PREFIX + r.name, r.schema()) for r in registry.resource_types()]
    blocks += [_block("data", TYPE_PREFIX + d.name, d.schema()) for d in registry.data_source_types()]
    return blocks


def object_types(blocks: list[Block]) -> dict[str, ObjectType]:
    """Every object type inside the blocks' attributes, by its reference class name, innermost first."""
    found: dict[str, ObjectType] = {}

    def visit(owner: str, name: str, kind: Any) -> None:
        fields = object_fields(kind)
        if fields is None:
            return
        if name not in spec.OBJECTS:
            raise ValueError(f"{owner}.{name} holds objects: name their reference class in spec.OBJECTS")
        reference, list_reference = spec.OBJECTS[name]
        for field_name, field_kind in fields.items():
            visit(reference, field_name, field_kind)
        known = found.setdefault(reference, ObjectType(reference, list_reference, dict(fields)))
        if known.fields != fields:
            raise ValueError(f"{owner}.{name}: {reference} has other fields elsewhere in the schema")
        known.used_by.add(owner)

    for block in blocks:
        for attribute in block.attributes:
            visit(block.terraform_type, attribute.name, attribute.type)
    return found


PROVIDER = {"source": PROVIDER_SOURCE, "name": PROVIDER_TYPE, "version": PROVIDER_VERSION}
