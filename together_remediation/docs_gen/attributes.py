"""One documented attribute, from Terraform's schema JSON plus the provider's plan behaviour.

Terraform's schema JSON carries every attribute's type, description and required / optional /
computed / sensitive flags. Two things a user needs are plan behaviour that the plugin protocol
does not carry, so they come from the provider's own declarations (``provider_shim``): whether
a change forces replacement, and the default an unset attribute takes. A default the provider
applies outside the plan (provider settings, timeouts) is stated in the description as
``(default `30s`)``, ``(default 6)`` or ``Default `-`:``, and read from there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from tf.types import Unknown

# "(default `30s`)", "(default 6)", "Default `-`: ...", "Default false: ...": how descriptions state a default.
DEFAULT_IN_DESCRIPTION = re.compile(r"(?:\(default|\bDefault):? (?:`([^`]+)`|(-?\d+(?:\.\d+)?|true|false)\b)")


@dataclass(frozen=True)
class PlanBehaviour:
    """What the provider declares beyond Terraform's schema JSON for one attribute."""

    forces_replacement: bool = False
    default: Any = Unknown


@dataclass
class NestedSchema:
    """The fields of an object-typed attribute or of a nested block, with the anchor that links to them."""

    anchor: str
    path: str
    attributes: list[DocAttribute] = field(default_factory=list)


@dataclass
class DocAttribute:
    name: str
    type_label: str
    description: str
    required: bool = False
    optional: bool = False
    computed: bool = False
    sensitive: bool = False
    forces_replacement: bool = False
    default: str | None = None  # as an HCL literal
    is_block: bool = False
    nested: NestedSchema | None = None

    @property
    def group(self) -> str:
        """tfplugindocs' grouping: Required, Optional (also optional + computed) or Read-Only."""
        if self.required:
            return "Required"
        if self.optional:
            return "Optional"
        return "Read-Only"


def type_label(cty_type: Any) -> str:
    """A cty JSON type as the registry names it: ``String``, ``List of String``, ``List of Object``."""
    if isinstance(cty_type, str):
        return {"string": "String", "number": "Number", "bool": "Bool", "dynamic": "Dynamic"}[cty_type]
    kind, inner = cty_type[0], cty_type[1]
    if kind == "object":
        return "Object"
    return f"{kind.capitalize()} of {type_label(inner)}"


def object_fields(cty_type: Any) -> dict[str, Any] | None:
    """The fields of an object, or of the object a list / set / map holds; None for other types."""
    if isinstance(cty_type, list):
        if cty_type[0] == "object":
            return cty_type[1]
        if cty_type[0] in ("list", "set", "map"):
            return object_fields(cty_type[1])
    return None


def hcl_literal(value: Any, cty_type: Any) -> str:
    """A default as it would be written in HCL: strings quoted, numbers and bools bare."""
    if cty_type == "string":
        return json.dumps(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def default_of(description: str, cty_type: Any, behaviour: PlanBehaviour) -> str | None:
    if behaviour.default is not Unknown and behaviour.default is not None:
        return hcl_literal(behaviour.default, cty_type)
    match = DEFAULT_IN_DESCRIPTION.search(description)
    if match is None:
        return None
    return hcl_literal(match.group(1) if match.group(1) is not None else match.group(2), cty_type)


def attributes_of_block(
    block: dict[str, Any], behaviours: dict[tuple[str, ...], PlanBehaviour], anchor: str, path: tuple[str, ...] = ()
) -> list[DocAttribute]:
    """The documented attributes and nested blocks of one schema block (Terraform's JSON), sorted by name."""
    documented: list[DocAttribute] = []
    for name, spec in sorted(block.get("attributes", {}).items()):
        behaviour = behaviours.get((*path, name), PlanBehaviour())
        description = (spec.get("description") or "").strip()
        attribute = DocAttribute(
            name=name,
            type_label=type_label(spec["type"]),
            description=description,
            required=bool(spec.get("required")),
            optional=bool(spec.get("optional")),
            computed=bool(spec.get("computed")),
            sensitive=bool(spec.get("sensitive")),
            forces_replacement=behaviour.forces_replacement,
            default=default_of(description, spec["type"], behaviour) if spec.get("optional") else None,
        )
        fields = object_fields(spec["type"])
        if fields is not None:
            attribute.nested = _object_schema(fields, f"{anchor}nestedatt--{'--'.join((*path, name))}", ".".join((*path, name)), bool(spec.get("computed")) and not spec.get("optional"))
        documented.append(attribute)
    for name, nested in sorted(block.get("block_types", {}).items()):
        inner = nested.get("block", {})
        description = (inner.get("description") or "").strip()
        attribute = DocAttribute(
            name=name,
            type_label="Block" if nested.get("nesting_mode") == "single" else f"Block {nested.get('nesting_mode', '').capitalize()}",
            description=description,
            required=int(nested.get("min_items") or 0) > 0,
            optional=int(nested.get("min_items") or 0) == 0,
            is_block=True,
        )
        attribute.nested = NestedSchema(
            anchor=f"{anchor}nestedblock--{'--'.join((*path, name))}",
            path=".".join((*path, name)),
            attributes=attributes_of_block(inner, behaviours, anchor, (*path, name)),
        )
        documented.append(attribute)
    return documented


def _object_schema(fields: dict[str, Any], anchor: str, path: str, read_only: bool) -> NestedSchema:
    """An object type's fields; read-only when the attribute is, with their own nested objects."""
    nested = NestedSchema(anchor=anchor, path=path)
    for name, cty_type in sorted(fields.items()):
        attribute = DocAttribute(name=name, type_label=type_label(cty_type), description="", computed=read_only, optional=not read_only)
        inner = object_fields(cty_type)
        if inner is not None:
            attribute.nested = _object_schema(inner, f"{anchor}--{name}", f"{path}.{name}", read_only)
        nested.attributes.append(attribute)
    return nested
