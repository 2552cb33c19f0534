"""The gRPC servicer: every RPC of plugin protocol 6 that Terraform sends this provider.

It is written on the generated protocol code (``tf.gen``) and ``tf``'s public API only (the
schema classes, ``Diagnostics``, ``read_dynamic_value``/``to_dynamic_value``); the state codec
is ``provider_shim.wire``. What it does for the resources and data sources:
- plans for creates, updates and destroys go through the resource, so a resource can fill in
  defaults, mark replacements and explain what an apply will do;
- private state is handed to the resource and kept by Terraform;
- every state is completed to the full schema (objects and blocks included);
- any exception becomes an error diagnostic quoting the API's message, and a failed update or
  delete keeps the prior object in state instead of dropping it;
- every diagnostic is redacted of the API key and URL credentials (``framework.log.redact``);
- StopProvider tells the provider to stop waiting.

Where nothing changed, Terraform gets its own bytes back: the schema is serialized once, an
UpgradeResourceState at the current version returns the JSON it was given, a read whose state
equals the prior returns the prior, and so does a plan that changes nothing.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from typing import Any

import grpc
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc
from tf.utils import Diagnostics, read_dynamic_value

from provider_shim.framework.log import redact
from provider_shim.framework.base import ApplyCall, Call, PlanCall, ProviderError, ReadCall
from provider_shim.framework.validation import Validator
from provider_shim.wire import NULL, DecodeError, StateCodec, attribute_path

log = logging.getLogger("provider_shim.servicer")

# plan_destroy: destroys are planned by the resource; get_provider_schema_optional: Terraform may
# skip GetProviderSchema in a launch when it already holds the schema. Terraform reads them from
# GetProviderSchema (and GetMetadata for clients that ask).
CAPABILITIES = pb.ServerCapabilities(plan_destroy=True, get_provider_schema_optional=True)


class RedactedDiagnostics(Diagnostics):
    """Diagnostics that leave the provider redacted of the API key and URL credentials, whatever
    put them there (an API message echoing a header, an exception of a library)."""

    def to_pb(self) -> list:
        for diagnostic in self.diagnostics:
            diagnostic.summary = redact(diagnostic.summary)
            diagnostic.detail = redact(diagnostic.detail) if diagnostic.detail else diagnostic.detail
        return super().to_pb()


def _load_private(raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _dump_private(private: dict[str, Any]) -> bytes:
    return json.dumps(private, sort_keys=True, separators=(",", ":")).encode() if private else b""


def report_exception(diags: Diagnostics, exc: BaseException, doing: str) -> None:
    """One error diagnostic for ``exc``: the API's own message, or the provider's."""
    from_api = type(exc).__module__.startswith("together_api")
    if isinstance(exc, ProviderError):
        diags.add_error(exc.summary, detail=exc.detail, path=exc.path)
    elif from_api:
        diags.add_error(f"Together API error while {doing}", detail=str(exc))
    else:
        log.error("unexpected error while %s", doing, exc_info=exc)
        diags.add_error(f"Unexpected provider error while {doing}", detail=f"{type(exc).__name__}: {exc}")


def check_config_fields(diags: Diagnostics, type_name: str, config: dict, codec: StateCodec) -> None:
    """Terraform's config must name only the schema's fields and set no read-only attribute."""
    unknown = sorted(set(config) - set(codec.names))
    for name in unknown:
        diags.add_error(
            f"Unknown field {type_name}.{name}",
            f"The field '{name}' was supplied, but is not a valid field for {type_name}.",
        )
    if unknown:
        return
    for name, attribute in codec.attributes.items():
        read_only = attribute.computed and not attribute.optional and not attribute.required
        if read_only and config.get(name) is not None:
            diags.add_error(f"Field {type_name}.{name} is read-only and should not be set", path=[name])


@dataclass(frozen=True)
class _Change:
    """What a PlanResourceChange or an ApplyResourceChange works from."""

    diags: Diagnostics
    codec: StateCodec
    resource: Any
    prior: dict | None
    new: dict | None  # the proposed state of a plan, the planned state of an apply (None: destroy)
    config: dict


class ProviderServicer(rpc.ProviderServicer):
    def __init__(self, provider: Any):
        self.provider = provider

    # ---- the provider's types, loaded on first use ------------------------------------------

    @functools.cached_property
    def resource_types(self) -> dict[str, type]:
        prefix = self.provider.get_model_prefix()
        return {prefix + kind.get_name(): kind for kind in self.provider.get_resources()}

    @functools.cached_property
    def data_source_types(self) -> dict[str, type]:
        prefix = self.provider.get_model_prefix()
        return {prefix + kind.get_name(): kind for kind in self.provider.get_data_sources()}

    @functools.cached_property
    def resource_codecs(self) -> dict[str, StateCodec]:
        return {name: StateCodec.of(kind.get_schema()) for name, kind in self.resource_types.items()}

    @functools.cached_property
    def data_source_codecs(self) -> dict[str, StateCodec]:
        # A data source may share its type name with a resource (together_remediation).
        return {name: StateCodec.of(kind.get_schema()) for name, kind in self.data_source_types.items()}

    def _change(self, request, new_value: pb.DynamicValue) -> _Change:
        """A plan's or an apply's inputs, decoded (decoding errors land in its diagnostics)."""
        diags = RedactedDiagnostics()
        codec = self.resource_codecs[request.type_name]
        return _Change(
            diags=diags,
            codec=codec,
            resource=self.provider.new_resource(self.resource_types[request.type_name]),
            prior=self._decode(diags, codec, request.prior_state),
            new=self._decode(diags, codec, new_value),
            config=read_dynamic_value(request.config) or {},
        )

    def _decode(self, diags: Diagnostics, codec: StateCodec, value: pb.DynamicValue) -> dict | None:
        try:
            return codec.decode(value)
        except DecodeError as exc:
            diags.add_error(f"Failed to decode field '{exc.name}'", detail=str(exc), path=[exc.name])
            return None

    def _call(self, cls: type, diags: Diagnostics, type_name: str, **fields: Any) -> Any:
        return cls(diagnostics=diags, type_name=type_name, provider=self.provider, **fields)

    # ---- schema and metadata --------------------------------------------------------------

    @functools.cached_property
    def schema_response(self) -> bytes:
        """The whole GetProviderSchema answer, serialized once per process."""
        diags = RedactedDiagnostics()
        response = pb.GetProviderSchema.Response(
            provider=self.provider.get_provider_schema(diags).to_pb(),
            provider_meta=pb.Schema(block=pb.Schema.Block()),
            resource_schemas={n: k.get_schema().to_pb() for n, k in self.resource_types.items()},
            data_source_schemas={n: k.get_schema().to_pb() for n, k in self.data_source_types.items()},
            server_capabilities=CAPABILITIES,
            diagnostics=diags.to_pb(),
        )
        return response.SerializeToString()

    def GetProviderSchema(self, request: pb.GetProviderSchema.Request, context: grpc.ServicerContext) -> bytes:
        # Bytes: the runner's serializer sends them as they are.
        return self.schema_response

    def GetMetadata(self, request: pb.GetMetadata.Request, context: grpc.ServicerContext):
        return pb.GetMetadata.Response(
            server_capabilities=CAPABILITIES,
            resources=[pb.GetMetadata.ResourceMetadata(type_name=n) for n in self.resource_types],
            data_sources=[pb.GetMetadata.DataSourceMetadata(type_name=n) for n in self.data_source_types],
        )

    def GetFunctions(self, request: pb.GetFunctions.Request, context: grpc.ServicerContext):
        return pb.GetFunctions.Response()

    # ---- validation -----------------------------------------------------------------------

    def ValidateProviderConfig(self, request: pb.ValidateProviderConfig.Request, context: grpc.ServicerContext):
        diags = self._with_provider_config(self.provider.validate_config, request, "validating the provider configuration")
        return pb.ValidateProviderConfig.Response(diagnostics=diags.to_pb())

    def ValidateResourceConfig(self, request: pb.ValidateResourceConfig.Request, context: grpc.ServicerContext):
        kind, codec = self.resource_types[request.type_name], self.resource_codecs[request.type_name]
        return pb.ValidateResourceConfig.Response(diagnostics=self._validate(kind, codec, request).to_pb())

    def ValidateDataResourceConfig(self, request: pb.ValidateDataResourceConfig.Request, context: grpc.ServicerContext):
        kind, codec = self.data_source_types[request.type_name], self.data_source_codecs[request.type_name]
        return pb.ValidateDataResourceConfig.Response(diagnostics=self._validate(kind, codec, request).to_pb())

    def _validate(self, kind: type, codec: StateCodec, request: Any) -> Diagnostics:
        diags = RedactedDiagnostics()
        config = read_dynamic_value(request.config) or {}
        try:
            # The schema's checks first (unknown fields, read-only fields set), then the type's own.
            check_config_fields(diags, request.type_name, config, codec)
            if not diags.has_errors():
                kind(self.provider).validate_config(Validator(diags, config))
        except Exception as exc:  # a validator bug must not crash the call
            report_exception(diags, exc, f"validating {request.type_name}")
        return diags

    # ---- resources ------------------------------------------------------------------------

    def UpgradeResourceState(self, request: pb.UpgradeResourceState.Request, context: grpc.ServicerContext):
        diags = RedactedDiagnostics()
        raw = request.raw_state
        if raw.flatmap:
            diags.add_error(
                "UpgradeResourceState is not supported",
                detail="This provider never wrote a flatmap state (Terraform 0.11 and older).",
            )
            return pb.UpgradeResourceState.Response(diagnostics=diags.to_pb())
        codec = self.resource_codecs[request.type_name]
        if request.version == codec.version:
            # Already in the current shape: Terraform decodes its own JSON against the schema.
            return pb.UpgradeResourceState.Response(upgraded_state=pb.DynamicValue(json=raw.json))
        resource = self.provider.new_resource(self.resource_types[request.type_name])
        try:
            state = resource.upgrade(self._call(Call, diags, request.type_name), request.version, json.loads(raw.json))
        except Exception as exc:
            report_exception(diags, exc, f"upgrading the state of {request.type_name}")
            return pb.UpgradeResourceState.Response(diagnostics=diags.to_pb())
        return pb.UpgradeResourceState.Response(
            upgraded_state=pb.DynamicValue(json=json.dumps(state).encode()), diagnostics=diags.to_pb()
        )

    def PlanResourceChange(self, request: pb.PlanResourceChange.Request, context: grpc.ServicerContext):
        type_name, change = request.type_name, self._change(request, request.proposed_new_state)
        diags, codec, resource, prior, proposed = change.diags, change.codec, change.resource, change.prior, change.new
        if diags.has_errors():
            return pb.PlanResourceChange.Response(diagnostics=diags.to_pb())
        private = _load_private(request.prior_private)
        call = self._call(PlanCall, diags, type_name, private=dict(private), config=change.config, prior=prior)

        try:
            if proposed is None:  # destroy
                if prior is not None:
                    resource.plan_destroy(call)
                return pb.PlanResourceChange.Response(
                    planned_state=NULL, planned_private=request.prior_private, diagnostics=diags.to_pb()
                )
            attributes = codec.attributes
            if prior is None:  # create: unset computed attributes are unknown, or their default
                call.planned = {
                    k: (attributes[k].default if v is None and k in attributes and attributes[k].computed else v)
                    for k, v in proposed.items()
                }
            else:  # update: force-new attributes that changed ask for a replacement
                call.planned = dict(proposed)
                call.requires_replace = [
                    k
                    for k, a in attributes.items()
                    if a.requires_replace and not a.type.semantically_equal(prior.get(k), proposed.get(k))
                ]
            resource.plan(call)
        except Exception as exc:
            report_exception(diags, exc, f"planning {type_name}")
            return pb.PlanResourceChange.Response(diagnostics=diags.to_pb())

        planned = codec.complete(call.planned, resolve_unknown=False)
        if planned == prior and not call.requires_replace and call.private == private:
            # Nothing changes: Terraform's own prior bytes are the plan.
            return pb.PlanResourceChange.Response(
                planned_state=request.prior_state, planned_private=request.prior_private, diagnostics=diags.to_pb()
            )
        return pb.PlanResourceChange.Response(
            planned_state=codec.encode(planned),
            requires_replace=[attribute_path([k]) for k in dict.fromkeys(call.requires_replace)],
            planned_private=_dump_private(call.private),
            diagnostics=diags.to_pb(),
        )

    def ApplyResourceChange(self, request: pb.ApplyResourceChange.Request, context: grpc.ServicerContext):
        change = self._change(request, request.planned_state)
        diags, prior, planned = change.diags, change.prior, change.new
        if diags.has_errors():
            return pb.ApplyResourceChange.Response(diagnostics=diags.to_pb())
        private = _load_private(request.planned_private)
        call = self._call(ApplyCall, diags, request.type_name, private=private, config=change.config, prior=prior, planned=planned)

        if prior is None:
            operation, run, fallback = "creating", change.resource.create, None
        elif planned is None:
            operation, run, fallback = "destroying", change.resource.delete, prior
        else:
            operation, run, fallback = "updating", change.resource.update, prior
        try:
            new_state = run(call)
            if operation == "destroying":
                new_state = None if not diags.has_errors() else prior
        except Exception as exc:
            report_exception(diags, exc, f"{operation} {request.type_name}")
            new_state = fallback  # a failed update or delete leaves the object as it was

        return pb.ApplyResourceChange.Response(
            new_state=change.codec.encode(change.codec.complete(new_state, resolve_unknown=True)),
            private=_dump_private(call.private),
            diagnostics=diags.to_pb(),
        )

    def ReadResource(self, request: pb.ReadResource.Request, context: grpc.ServicerContext):
        type_name = request.type_name
        diags = RedactedDiagnostics()
        codec = self.resource_codecs[type_name]
        current = self._decode(diags, codec, request.current_state)
        if diags.has_errors() or current is None:
            return pb.ReadResource.Response(new_state=request.current_state, diagnostics=diags.to_pb())
        resource = self.provider.new_resource(self.resource_types[type_name])
        private = _load_private(request.private)
        call = self._call(ReadCall, diags, type_name, private=dict(private), state=current)
        try:
            new_state = resource.read(call)
        except Exception as exc:
            report_exception(diags, exc, f"reading {type_name}")
            return pb.ReadResource.Response(new_state=request.current_state, private=request.private, diagnostics=diags.to_pb())
        new_state = codec.complete(new_state, resolve_unknown=True)
        if new_state == current and call.private == private:
            # The live object matches the state: hand Terraform its own bytes back.
            return pb.ReadResource.Response(new_state=request.current_state, private=request.private, diagnostics=diags.to_pb())
        return pb.ReadResource.Response(
            new_state=codec.encode(new_state), private=_dump_private(call.private), diagnostics=diags.to_pb()
        )

    def ImportResourceState(self, request: pb.ImportResourceState.Request, context: grpc.ServicerContext):
        type_name = request.type_name
        diags = RedactedDiagnostics()
        codec = self.resource_codecs[type_name]
        resource = self.provider.new_resource(self.resource_types[type_name])
        call = self._call(Call, diags, type_name)
        try:
            state = resource.import_state(call, request.id)
        except Exception as exc:
            report_exception(diags, exc, f"importing {type_name} {request.id!r}")
            state = None
        state = codec.complete(state, resolve_unknown=True)
        imported = []
        if state is not None and not diags.has_errors():
            imported.append(
                pb.ImportResourceState.ImportedResource(
                    type_name=type_name, state=codec.encode(state), private=_dump_private(call.private)
                )
            )
        return pb.ImportResourceState.Response(imported_resources=imported, diagnostics=diags.to_pb())

    def MoveResourceState(self, request: pb.MoveResourceState.Request, context: grpc.ServicerContext):
        diags = RedactedDiagnostics().add_error("Moving resource state is not supported by this provider")
        return pb.MoveResourceState.Response(diagnostics=diags.to_pb())

    # ---- data sources ---------------------------------------------------------------------

    def ReadDataSource(self, request: pb.ReadDataSource.Request, context: grpc.ServicerContext):
        type_name = request.type_name
        diags = RedactedDiagnostics()
        codec = self.data_source_codecs[type_name]
        config = self._decode(diags, codec, request.config)
        if diags.has_errors():
            return pb.ReadDataSource.Response(diagnostics=diags.to_pb())
        source = self.provider.new_data_source(self.data_source_types[type_name])
        try:
            state = source.read(self._call(Call, diags, type_name), config or {})
        except Exception as exc:
            report_exception(diags, exc, f"reading data source {type_name}")
            return pb.ReadDataSource.Response(diagnostics=diags.to_pb())
        state = codec.complete(state, resolve_unknown=True)
        return pb.ReadDataSource.Response(state=codec.encode(state), diagnostics=diags.to_pb())

    # ---- provider -------------------------------------------------------------------------

    def ConfigureProvider(self, request: pb.ConfigureProvider.Request, context: grpc.ServicerContext):
        diags = self._with_provider_config(self.provider.configure_provider, request, "configuring the provider")
        return pb.ConfigureProvider.Response(diagnostics=diags.to_pb())

    @staticmethod
    def _with_provider_config(step, request, doing: str) -> Diagnostics:
        diags = RedactedDiagnostics()
        try:
            step(diags, read_dynamic_value(request.config) or {})
        except Exception as exc:
            report_exception(diags, exc, doing)
        return diags

    def StopProvider(self, request: pb.StopProvider.Request, context: grpc.ServicerContext):
        log.info("Terraform asked the provider to stop: waits end now, calls in flight finish")
        self.provider.stop()
        return pb.StopProvider.Response()

