"""What every Together resource, data source and provider construct shares.

Attributes are checked and built into a Python dict when the construct is created, and handed to
the CDK in one callback at synth (`_synthesize_attributes`), so a construct costs two round trips
to Node whatever its number of attributes: the create and that callback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import jsii

from ._cdk import cdk

# How each attribute is rendered when the app synthesizes HCL instead of JSON.
_HCL_KINDS: Mapping[str, tuple[str, str]] = {
    "string": ("simple", "string"),
    "number": ("simple", "number"),
    "bool": ("simple", "boolean"),
    "string_list": ("list", "stringList"),
    "string_map": ("map", "stringMap"),
}


def hcl_attributes(attributes: Mapping[str, Any], kinds: Mapping[str, str]) -> dict[str, Any]:
    """The `{value, isBlock, type, storageClassType}` form the CDK's HCL renderer reads."""
    rendered: dict[str, Any] = {}
    for name, value in attributes.items():
        kind = kinds.get(name)
        if kind == "block":
            rendered[name] = {"value": value, "isBlock": True, "type": "struct", "storageClassType": name}
        elif kind in _HCL_KINDS:
            hcl_type, storage = _HCL_KINDS[kind]
            rendered[name] = {"value": value, "isBlock": False, "type": hcl_type, "storageClassType": storage}
        else:
            rendered[name] = value  # a raw Terraform value (e.g. a for_each expression)
    return rendered


class SynthesizedAttributes:
    """Mixin (listed before the CDK base class, so jsii sees the overrides) that synthesizes `_attributes`."""

    _attribute_kinds: ClassVar[Mapping[str, str]] = {}
    _attributes: dict[str, Any]

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self._attributes

    def _synthesize_hcl_attributes(self) -> Mapping[str, Any]:
        return hcl_attributes(self._attributes, self._attribute_kinds)


_PLAIN_CONFIGS: dict[str, Any] = {}


def element_config(
    terraform_type: str,
    *,
    provider: Any = None,
    depends_on: Sequence[Any] | None = None,
    count: Any = None,
    for_each: Any = None,
    lifecycle: Any = None,
) -> Any:
    """The CDK's resource config (type and meta-arguments); the plain one is built once per type."""
    if provider is None and depends_on is None and count is None and for_each is None and lifecycle is None:
        config = _PLAIN_CONFIGS.get(terraform_type)
        if config is None:
            config = _PLAIN_CONFIGS[terraform_type] = cdk.TerraformResourceConfig(terraform_resource_type=terraform_type)
        return config
    return cdk.TerraformResourceConfig(
        terraform_resource_type=terraform_type,
        provider=provider,
        depends_on=list(depends_on) if depends_on is not None else None,
        count=count,
        for_each=for_each,
        lifecycle=lifecycle,
    )


def create_in_node(construct: Any, scope: Any, construct_id: str, config: Any) -> None:
    """Create the Node side of `construct` in one call.

    This is the call the generated `__init__` of `TerraformResource` / `TerraformDataSource` /
    `TerraformProvider` makes, without its per-call runtime type checks of arguments we built.
    """
    jsii.create(construct.__class__, construct, [scope, construct_id, config])


class ObjectReference:
    """One object inside a computed attribute; its properties are tokens for its fields."""

    def __init__(self, element: Any, path: str) -> None:
        self._element = element
        self._path = path

    @property
    def resolvable(self) -> Any:
        """The whole object, as a value to pass to other constructs or outputs."""
        return self._element.interpolation_for_attribute(self._path)

    def _string(self, field: str) -> str:
        return cdk.Token.as_string(self._element.interpolation_for_attribute(f"{self._path}.{field}"))

    def _string_map(self, field: str) -> Mapping[str, str]:
        return cdk.Token.as_string_map(self._element.interpolation_for_attribute(f"{self._path}.{field}"))


class ObjectListReference:
    """A computed list of objects: `get(i)` for one element, `resolvable` for the whole list."""

    def __init__(self, element: Any, path: str, item_type: type[ObjectReference]) -> None:
        self._element = element
        self._path = path
        self._item_type = item_type

    def get(self, index: int) -> Any:
        """The element at `index` (0-based), whose fields are tokens."""
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise ValueError(f"{self._path}: the index must be a whole number of at least 0, got {index!r}")
        return self._item_type(self._element, f"{self._path}[{index}]")

    @property
    def resolvable(self) -> Any:
        """The whole list, e.g. for `TerraformOutput(value=...)` or `TerraformIterator.from_list(...)`."""
        return self._element.interpolation_for_attribute(self._path)
