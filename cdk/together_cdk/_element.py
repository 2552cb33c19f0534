"""What every Together resource, data source and provider construct shares.

Every jsii call is a round trip to Node, so a construct checks its props and builds its
attributes as a Python dict when it is created, and costs one call then: the create.

At synth, the attributes reach the JSON through one `StackAttributes` element per stack, which
emits the attributes of all of the stack's Together resources and data sources in one callback
(deep-merged by the stack with each resource's own block: meta-arguments and metadata). The
usual pattern, overriding `_synthesize_attributes` on each construct, costs two callbacks per
construct (the CDK renders every element twice per synth) and measured 0.6 to 0.9 ms per
remediation here; the stack element measures about 0.3 ms (see `bench/synth_bench.py`).
HCL output renders each element apart, so it uses `_synthesize_hcl_attributes` on each
construct, which the CDK calls only when synthesizing HCL.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypedDict

import jsii

from ._cdk import cdk
from ._getters import TokenSource
from ._props import BlockProp, Prop, Rule, checked_attributes, props_of
from ._values import Checker

# How each attribute is rendered when the app synthesizes HCL instead of JSON.
_HCL_KINDS: Mapping[str, tuple[str, str]] = {
    "string": ("simple", "string"),
    "number": ("simple", "number"),
    "bool": ("simple", "boolean"),
    "string_list": ("list", "stringList"),
    "string_map": ("map", "stringMap"),
}


def synthesizes_hcl() -> bool:
    """Whether this app synthesizes HCL: the CDK decides from this variable (`cdktf synth --hcl` sets it)."""
    return os.environ.get("SYNTH_HCL_OUTPUT") in ("true", "1")


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
            rendered[name] = value  # a raw Terraform value
    return rendered


class StackAttributes(cdk.TerraformElement):
    """Emits, in one callback, the attributes of every Together resource and data source of a stack."""

    NODE_ID = "TogetherAttributes"

    def __init__(self, stack: Any) -> None:
        super().__init__(stack, self.NODE_ID)
        self._members: list[Any] = []

    @classmethod
    def of(cls, scope: Any) -> StackAttributes:
        """The element of the stack `scope` belongs to, created with the stack's first member."""
        # Remembered on the scope, so constructs that share a scope share one lookup.
        found = getattr(scope, "_together_stack_attributes", None)
        if found is None:
            stack = cdk.TerraformStack.of(scope)
            found = getattr(stack, "_together_stack_attributes", None)
            if found is None:
                found = cls(stack)
                stack._together_stack_attributes = found
            scope._together_stack_attributes = found
        return found

    def add(self, member: Any) -> None:
        self._members.append(member)

    def to_terraform(self) -> Any:
        blocks: dict[str, dict[str, dict[str, Any]]] = {}
        for member in self._members:
            if member._moved:
                continue  # a moved resource has no block of its own any more
            by_type = blocks.setdefault(member._block_kind, {}).setdefault(member._terraform_type, {})
            attributes = member._attributes
            if member._runs_after:
                attributes = {**attributes, "depends_on": [other._address() for other in member._runs_after]}
            by_type[member._logical_id()] = attributes
        return blocks


def declare_props(cls: type) -> None:
    """Records the props a generated construct class declares (a subclass without its own keeps its parent's)."""
    props = props_of(cls)
    if props:
        cls._props = props
        cls._attribute_kinds = {prop.attribute: prop.kind for prop in props}


class MetaArguments(TypedDict, total=False):
    """Terraform's meta-arguments, which every resource and data source takes.

    :param provider: a `TogetherProvider` other than the default one.
    :param depends_on: constructs to create (or read) first: the order the plan shows.
    :param count: how many copies (a number or `TerraformCount`).
    :param for_each: a `TerraformIterator` to make one per element.
    :param lifecycle: `TerraformResourceLifecycle` (e.g. `prevent_destroy`, preconditions, postconditions).
    """

    provider: Any
    depends_on: Sequence[Any]
    count: Any
    for_each: Any
    lifecycle: Any


class TogetherElement(TokenSource):
    """Mixin (listed before the CDK base class, so jsii sees its overrides) for resources and data sources."""

    _block_kind: ClassVar[str] = "resource"
    _terraform_type: ClassVar[str]
    _props: ClassVar[tuple[Prop | BlockProp, ...]] = ()
    _rules: ClassVar[tuple[Rule, ...]] = ()
    _attribute_kinds: ClassVar[Mapping[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declare_props(cls)
    _attributes: dict[str, Any]
    _moved: bool = False
    _cached_logical_id: str | None = None
    _runs_after: Sequence[TogetherElement] = ()

    def _build(self, scope: Any, construct_id: str, given: Mapping[str, Any]) -> None:
        """Checks the props `given` (the `__init__`'s arguments), then creates the construct.

        Nothing is added to the stack when a prop is refused.
        """
        meta = given["meta"]
        unknown = sorted(set(meta) - set(MetaArguments.__annotations__))
        if unknown:  # as Python says it, naming the construct rather than element_config
            raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {unknown[0]!r}")
        self._attributes = checked_attributes(Checker(scope, construct_id), self._props, self._rules, given)
        self._create(scope, construct_id, element_config(self._terraform_type, **meta))

    def _create(self, scope: Any, construct_id: str, config: Any) -> None:
        """Creates the Node side of the construct and registers its attributes for synth."""
        create_in_node(self, scope, construct_id, config)
        StackAttributes.of(scope).add(self)

    def _attribute_path(self, name: str) -> tuple[Any, str]:
        return self, name

    def _logical_id(self) -> str:
        # The CDK fixes an element's logical id the first time it is read, so it can be kept.
        if self._cached_logical_id is None:
            self._cached_logical_id = self.friendly_unique_id
        return self._cached_logical_id

    def _address(self) -> str:
        """The block's Terraform address, e.g. `together_remediation.reboot`."""
        prefix = "data." if self._block_kind == "data" else ""
        return f"{prefix}{self._terraform_type}.{self._logical_id()}"

    def _run_after(self, others: Sequence[TogetherElement]) -> None:
        """Adds `depends_on` on other Together elements of the same stack, without a call to Node."""
        self._runs_after = list(others)

    def add_override(self, path: str, value: Any) -> None:
        """Sets `path` (dot-separated, e.g. `"timeouts.create"`) in the synthesized block: the CDK's escape hatch."""
        super().add_override(path, value)
        # The stack's element writes the same value, so the block is the same whichever merges last.
        *parents, last = path.split(".")
        attributes = self._attributes = dict(self._attributes)
        for key in parents:
            inner = attributes.get(key)
            attributes[key] = dict(inner) if isinstance(inner, dict) else {}
            attributes = attributes[key]
        attributes[last] = value

    def _synthesize_hcl_attributes(self) -> Mapping[str, Any]:
        return hcl_attributes(self._attributes, self._attribute_kinds)


class TogetherResource(TogetherElement):
    """Mixin for resources: a moved resource leaves its old block."""

    def move_to(self, move_target: str, index: Any = None) -> None:
        """Moves this resource to the resource marked `move_target` (see the CDK's `move_to`)."""
        self._moved = True
        super().move_to(move_target, index)

    def move_to_id(self, id: str) -> None:
        """Moves this resource to the address `id` (see the CDK's `move_to_id`)."""
        self._moved = True
        super().move_to_id(id)


class TogetherDataSource(TogetherElement):
    """Mixin for data sources."""

    _block_kind = "data"


class ProviderAttributes:
    """Mixin for the provider, whose block the CDK keeps in a list: it synthesizes its own attributes."""

    _provider_name: ClassVar[str]
    _provider_source: ClassVar[str]
    _provider_version: ClassVar[str]
    _props: ClassVar[tuple[Prop | BlockProp, ...]] = ()
    _attribute_kinds: ClassVar[Mapping[str, str]] = {}
    _attributes: dict[str, Any]
    _alias: str | None = None
    _config: ClassVar[Any] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declare_props(cls)
        for prop in props_of(cls):
            # A provider's arguments are not attributes Terraform can reference: no token getters.
            delattr(cls, prop.attribute)

    def _build(self, scope: Any, construct_id: str, given: Mapping[str, Any]) -> None:
        """Checks the props `given` (the `__init__`'s arguments, `alias` among them), then creates the provider."""
        check = Checker(scope, construct_id)
        self._alias = check.string("alias", given["alias"])
        self._attributes = checked_attributes(check, self._props, (), given)
        create_in_node(self, scope, construct_id, self._provider_config())

    @classmethod
    def _provider_config(cls) -> Any:
        # Built once: building one runs the CDK's runtime type checks.
        if cls._config is None:
            cls._config = cdk.TerraformProviderConfig(
                terraform_resource_type=cls._provider_name,
                terraform_provider_source=cls._provider_source,
                terraform_generator_metadata=cdk.TerraformProviderGeneratorMetadata(
                    provider_name=cls._provider_name, provider_version_constraint=cls._provider_version
                ),
            )
        return cls._config

    @property
    def alias(self) -> str | None:
        """The provider's alias, or None for the default provider."""
        return self._alias

    @alias.setter
    def alias(self, value: str | None) -> None:
        self._alias = value

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self._attributes

    def _synthesize_hcl_attributes(self) -> Mapping[str, Any]:
        return hcl_attributes(self._attributes, self._attribute_kinds)


_PLAIN_CONFIGS: dict[str, Any] = {}
_LAST_CONFIG: list[tuple[tuple[Any, ...], Any]] = []


def element_config(
    terraform_type: str,
    *,
    provider: Any = None,
    depends_on: Sequence[Any] | None = None,
    count: Any = None,
    for_each: Any = None,
    lifecycle: Any = None,
) -> Any:
    """The CDK's resource config (type and meta-arguments).

    Building one runs the CDK's runtime type checks, so the plain config is built once per type
    and a config is reused while the same meta-argument objects come in (e.g. one provider).
    """
    if provider is None and depends_on is None and count is None and for_each is None and lifecycle is None:
        config = _PLAIN_CONFIGS.get(terraform_type)
        if config is None:
            config = _PLAIN_CONFIGS[terraform_type] = cdk.TerraformResourceConfig(terraform_resource_type=terraform_type)
        return config
    # The depends_on items, not the list, so a list changed between two constructs is seen.
    arguments = (terraform_type, provider, count, for_each, lifecycle, *(depends_on or ()))
    if _LAST_CONFIG and len(_LAST_CONFIG[0][0]) == len(arguments) and all(
        a is b for a, b in zip(_LAST_CONFIG[0][0], arguments)
    ):
        return _LAST_CONFIG[0][1]
    config = cdk.TerraformResourceConfig(
        terraform_resource_type=terraform_type,
        provider=provider,
        depends_on=list(depends_on) if depends_on is not None else None,
        count=count,
        for_each=for_each,
        lifecycle=lifecycle,
    )
    # Holding the arguments keeps their ids from being reused by other objects.
    _LAST_CONFIG[:] = [(arguments, config)]
    return config


def create_in_node(construct: Any, scope: Any, construct_id: str, config: Any) -> None:
    """Create the Node side of `construct` in one call.

    This is the call the generated `__init__` of `TerraformResource` / `TerraformDataSource` /
    `TerraformProvider` makes, without its per-call runtime type checks of arguments we built.
    """
    jsii.create(construct.__class__, construct, [scope, construct_id, config])
