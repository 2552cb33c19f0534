"""The provider's own declarations of plan behaviour, keyed like the pages.

Terraform's schema JSON has no "forces replacement" and no defaults; the provider declares
both on its schema attributes (``requires_replace``, ``default``), so they are read here.
"""

from __future__ import annotations

from typing import Any

from together_remediation.docs_gen.attributes import PlanBehaviour

Behaviours = dict[tuple[str, ...], PlanBehaviour]


def declared_behaviours() -> dict[tuple[str, str], Behaviours]:
    """``("provider", "")``, ``("resource", type)`` and ``("data-source", type)`` → attribute path → behaviour."""
    from provider_shim import TYPE_PREFIX
    from provider_shim.provider import provider_schema
    from provider_shim.registry import data_source_types, resource_types

    found = {("provider", ""): _behaviours(provider_schema())}
    for kind in resource_types():
        found[("resource", TYPE_PREFIX + kind.name)] = _behaviours(kind.get_schema())
    for kind in data_source_types():
        found[("data-source", TYPE_PREFIX + kind.name)] = _behaviours(kind.get_schema())
    return found


def _behaviours(schema: Any) -> Behaviours:
    behaviours: Behaviours = {}
    _collect(schema.attributes, schema.block_types, (), behaviours)
    return behaviours


def _collect(attributes: list, blocks: list, path: tuple[str, ...], into: Behaviours) -> None:
    for attribute in attributes:
        into[(*path, attribute.name)] = PlanBehaviour(bool(attribute.requires_replace), attribute.default)
    for block in blocks:
        _collect(block.block.attributes, block.block.block_types, (*path, block.type_name), into)
