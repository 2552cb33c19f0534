"""Base classes of resources and data sources, and the call contexts the servicer hands them.

A resource type subclasses ``ResourceType`` in its own module under ``provider_shim/resources``
and sets ``RESOURCE_TYPE = TheClass`` there; a data source subclasses ``DataSourceType`` under
``provider_shim/data_sources`` and sets ``DATA_SOURCE_TYPE``. The registry finds them.

States are plain dicts keyed by attribute name; unknown values are ``tf.types.Unknown``.
Private state is a small JSON-able dict Terraform stores next to the state, never shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from tf.schema import Schema
from tf.utils import Diagnostics

# Resources and data sources take ProviderError from here, with the call types.
from provider_shim.framework.errors import ProviderError  # noqa: F401
from provider_shim.framework.validation import Validator

if TYPE_CHECKING:  # pragma: no cover
    from provider_shim.session import Session


State = dict[str, Any]


class ProviderHandle(Protocol):
    """What calls and types use of the provider (``provider_shim.provider.TogetherProvider``)."""

    session: Session | None  # None until ConfigureProvider

    def require_session(self) -> Session: ...


@dataclass
class Call:
    """What every call gets: diagnostics to add to, the type name and the provider."""

    diagnostics: Diagnostics
    type_name: str
    provider: ProviderHandle
    private: dict[str, Any] = field(default_factory=dict)

    @property
    def session(self) -> Session:
        """The launch's configured session (client, lookups, stop signal)."""
        return self.provider.require_session()

    def warn(self, summary: str, detail: str = "", path: list | None = None) -> None:
        self.diagnostics.add_warning(summary, detail=detail, path=path)

    def error(self, summary: str, detail: str = "", path: list | None = None) -> None:
        self.diagnostics.add_error(summary, detail=detail, path=path)


@dataclass
class PlanCall(Call):
    """Plan a create (``prior`` is None), an update or a replacement.

    ``planned`` starts as Terraform's proposed new state, with unset computed attributes
    unknown (or their declared default) for a create. Add attribute names to
    ``requires_replace`` to replace; the servicer already adds changed force-new attributes.
    """

    config: State = field(default_factory=dict)
    prior: State | None = None
    planned: State = field(default_factory=dict)
    requires_replace: list[str] = field(default_factory=list)


@dataclass
class ApplyCall(Call):
    config: State = field(default_factory=dict)
    prior: State | None = None
    planned: State | None = None


@dataclass
class ReadCall(Call):
    state: State = field(default_factory=dict)


class _SchemaType:
    name: ClassVar[str]
    """Type name without the provider prefix: ``"remediation"`` is ``together_remediation``."""

    _schema_cache: ClassVar[dict[type, Schema]] = {}

    def __init__(self, provider: ProviderHandle):
        self.provider = provider

    @classmethod
    def get_name(cls) -> str:
        return cls.name

    @classmethod
    def get_schema(cls) -> Schema:
        schema = _SchemaType._schema_cache.get(cls)
        if schema is None:
            schema = _SchemaType._schema_cache[cls] = cls.schema()
        return schema

    @classmethod
    def schema(cls) -> Schema:  # pragma: no cover - every type defines it
        raise NotImplementedError

    def validate_config(self, check: Validator) -> None:
        """Static checks of the configuration; no API call may happen here."""


class ResourceType(_SchemaType):
    """A managed resource. Override what the resource supports."""

    def plan(self, call: PlanCall) -> None:
        """Adjust ``call.planned`` and ``call.requires_replace`` (create and update plans)."""

    def plan_destroy(self, call: PlanCall) -> None:
        """Say what destroying ``call.prior`` will do (warnings only)."""

    def create(self, call: ApplyCall) -> State | None:
        raise NotImplementedError

    def read(self, call: ReadCall) -> State | None:
        """The live state, or None when the object no longer exists."""
        raise NotImplementedError

    def update(self, call: ApplyCall) -> State | None:
        return call.planned

    def delete(self, call: ApplyCall) -> None:
        raise NotImplementedError

    def import_state(self, call: Call, import_id: str) -> State | None:
        raise ProviderError(f"{call.type_name} cannot be imported")

    def upgrade(self, ctx: object, version: int, old: State) -> State:
        """State written by an older schema version, in the current shape (called by ``tf``)."""
        return old


class DataSourceType(_SchemaType):
    """A data source: ``read`` turns the configuration into the full state."""

    def read(self, call: Call, config: State) -> State:
        raise NotImplementedError
