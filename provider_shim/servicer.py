"""The gRPC servicer: the ``tf`` package's, extended where it falls short.

``tf.provider.ProviderServicer`` supplies the schema, validation and value encoding calls. This
subclass adds what remediations need:
- plans for creates and destroys go through the resource (``tf`` plans only updates), so a
  resource can fill in defaults, mark replacements and explain them;
- private state is handed to the resource and kept by Terraform;
- every state is completed to the full schema (objects and blocks included);
- any exception becomes an error diagnostic quoting the API's message, and a failed update or
  delete keeps the prior object in state instead of dropping it;
- StopProvider tells the provider to stop waiting.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import grpc
from tf.gen import tfplugin_pb2 as pb
from tf.iface import _validate_config
from tf.provider import ProviderServicer as TfProviderServicer
from tf.provider import _decode_state, _encode_state
from tf.types import Unknown
from tf.utils import Diagnostics, _to_attribute_path, read_dynamic_value, to_dynamic_value

from provider_shim.framework.base import ApplyCall, Call, PlanCall, ProviderError, ReadCall
from provider_shim.framework.validation import Validator

log = logging.getLogger("provider_shim.servicer")

# plan_destroy: destroys are planned by the resource; get_provider_schema_optional: Terraform may
# skip GetProviderSchema in a launch when it already holds the schema.
CAPABILITIES = pb.ServerCapabilities(plan_destroy=True, get_provider_schema_optional=True)


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


class ProviderServicer(TfProviderServicer):
    def _schema_maps(self, type_name: str) -> tuple[dict, dict]:
        return self._get_res_attrs(type_name), self._get_res_blocks(type_name)

    @staticmethod
    def _complete(attrs: dict, blocks: dict, state: dict | None, *, resolve_unknown: bool) -> dict | None:
        """Every attribute and block present; after an apply, nothing left unknown."""
        if state is None:
            return None
        full = {name: state.get(name) for name in list(attrs) + list(blocks)}
        if resolve_unknown:
            full = {k: (None if v is Unknown else v) for k, v in full.items()}
        return full

    def _call(self, cls: type, diags: Diagnostics, type_name: str, **fields: Any) -> Any:
        return cls(diagnostics=diags, type_name=type_name, provider=self.app, **fields)

    # ---- metadata and validation ----------------------------------------------------------

    def GetProviderSchema(self, request: pb.GetProviderSchema.Request, context: grpc.ServicerContext):
        # Terraform reads the capabilities here, not from GetMetadata: with them, it asks for the
        # schema once per command and sends destroy plans to the provider.
        response = super().GetProviderSchema(request, context)
        response.server_capabilities.CopyFrom(CAPABILITIES)
        return response

    def GetMetadata(self, request: pb.GetMetadata.Request, context: grpc.ServicerContext):
        return pb.GetMetadata.Response(
            server_capabilities=CAPABILITIES,
            resources=[pb.GetMetadata.ResourceMetadata(type_name=n) for n in self._load_res_cls_map()],
            data_sources=[pb.GetMetadata.DataSourceMetadata(type_name=n) for n in self._load_ds_cls_map()],
        )

    def ValidateResourceConfig(self, request: pb.ValidateResourceConfig.Request, context: grpc.ServicerContext):
        return pb.ValidateResourceConfig.Response(
            diagnostics=self._validate(self._get_res_cls(request.type_name), request).to_pb()
        )

    def ValidateDataResourceConfig(self, request: pb.ValidateDataResourceConfig.Request, context: grpc.ServicerContext):
        return pb.ValidateDataResourceConfig.Response(
            diagnostics=self._validate(self._get_ds_cls(request.type_name), request).to_pb()
        )

    def _validate(self, klass: type, request: Any) -> Diagnostics:
        diags = Diagnostics()
        config = read_dynamic_value(request.config) or {}
        instance = klass(self.app)
        try:
            # tf's checks first (unknown fields, read-only fields set), then the type's own.
            schema = klass.get_schema()
            _validate_config(diags, request.type_name, config, schema.attributes, schema.block_types)
            if not diags.has_errors():
                instance.validate_config(Validator(diags, config))
        except Exception as exc:  # a validator bug must not crash the call
            report_exception(diags, exc, f"validating {request.type_name}")
        return diags

    # ---- resources ------------------------------------------------------------------------

    def PlanResourceChange(self, request: pb.PlanResourceChange.Request, context: grpc.ServicerContext):
        type_name = request.type_name
        diags = Diagnostics()
        attrs, blocks = self._schema_maps(type_name)
        _, prior = _decode_state(diags, attrs, blocks, request.prior_state)
        proposed_enc, proposed = _decode_state(diags, attrs, blocks, request.proposed_new_state)
        if diags.has_errors():
            return pb.PlanResourceChange.Response(diagnostics=diags.to_pb())
        config = read_dynamic_value(request.config) or {}
        resource = self.app.new_resource(self._get_res_cls(type_name))
        call = self._call(
            PlanCall, diags, type_name, private=_load_private(request.prior_private), config=config, prior=prior
        )

        try:
            if proposed is None:  # destroy
                if prior is not None:
                    resource.plan_destroy(call)
                return pb.PlanResourceChange.Response(
                    planned_state=to_dynamic_value(None),
                    planned_private=request.prior_private,
                    diagnostics=diags.to_pb(),
                )
            if prior is None:  # create: unset computed attributes are unknown, or their default
                call.planned = {
                    k: (attrs[k].default if v is None and k in attrs and attrs[k].computed else v)
                    for k, v in proposed.items()
                }
            else:  # update: force-new attributes that changed ask for a replacement
                call.planned = dict(proposed)
                call.requires_replace = [
                    k
                    for k, a in attrs.items()
                    if a.requires_replace and not a.type.semantically_equal(prior.get(k), proposed.get(k))
                ]
            resource.plan(call)
        except Exception as exc:
            report_exception(diags, exc, f"planning {type_name}")
            return pb.PlanResourceChange.Response(diagnostics=diags.to_pb())

        planned = self._complete(attrs, blocks, call.planned, resolve_unknown=False)
        return pb.PlanResourceChange.Response(
            planned_state=_encode_state(attrs, blocks, planned, proposed_enc),
            requires_replace=[_to_attribute_path([k]) for k in dict.fromkeys(call.requires_replace)],
            planned_private=_dump_private(call.private),
            diagnostics=diags.to_pb(),
        )

    def ApplyResourceChange(self, request: pb.ApplyResourceChange.Request, context: grpc.ServicerContext):
        type_name = request.type_name
        diags = Diagnostics()
        attrs, blocks = self._schema_maps(type_name)
        prior_enc, prior = _decode_state(diags, attrs, blocks, request.prior_state)
        planned_enc, planned = _decode_state(diags, attrs, blocks, request.planned_state)
        if diags.has_errors():
            return pb.ApplyResourceChange.Response(diagnostics=diags.to_pb())
        config = read_dynamic_value(request.config) or {}
        resource = self.app.new_resource(self._get_res_cls(type_name))
        call = self._call(
            ApplyCall,
            diags,
            type_name,
            private=_load_private(request.planned_private),
            config=config,
            prior=prior,
            planned=planned,
        )

        if prior is None:
            operation, run, fallback = "creating", resource.create, None
        elif planned is None:
            operation, run, fallback = "destroying", resource.delete, prior
        else:
            operation, run, fallback = "updating", resource.update, prior
        try:
            new_state = run(call)
            if operation == "destroying":
                new_state = None if not diags.has_errors() else prior
        except Exception as exc:
            report_exception(diags, exc, f"{operation} {type_name}")
            new_state = fallback  # a failed update or delete leaves the object as it was

        new_state = self._complete(attrs, blocks, new_state, resolve_unknown=True)
        return pb.ApplyResourceChange.Response(
            new_state=_encode_state(attrs, blocks, new_state, planned_enc if planned is not None else prior_enc),
            private=_dump_private(call.private),
            diagnostics=diags.to_pb(),
        )

    def ReadResource(self, request: pb.ReadResource.Request, context: grpc.ServicerContext):
        type_name = request.type_name
        diags = Diagnostics()
        attrs, blocks = self._schema_maps(type_name)
        current_enc, current = _decode_state(diags, attrs, blocks, request.current_state)
        if diags.has_errors() or current is None:
            return pb.ReadResource.Response(new_state=request.current_state, diagnostics=diags.to_pb())
        resource = self.app.new_resource(self._get_res_cls(type_name))
        call = self._call(ReadCall, diags, type_name, private=_load_private(request.private), state=current)
        try:
            new_state = resource.read(call)
        except Exception as exc:
            report_exception(diags, exc, f"reading {type_name}")
            return pb.ReadResource.Response(new_state=request.current_state, private=request.private, diagnostics=diags.to_pb())
        new_state = self._complete(attrs, blocks, new_state, resolve_unknown=True)
        return pb.ReadResource.Response(
            new_state=_encode_state(attrs, blocks, new_state, current_enc),
            private=_dump_private(call.private),
            diagnostics=diags.to_pb(),
        )

    def ImportResourceState(self, request: pb.ImportResourceState.Request, context: grpc.ServicerContext):
        type_name = request.type_name
        diags = Diagnostics()
        attrs, blocks = self._schema_maps(type_name)
        resource = self.app.new_resource(self._get_res_cls(type_name))
        call = self._call(Call, diags, type_name)
        try:
            state = resource.import_state(call, request.id)
        except Exception as exc:
            report_exception(diags, exc, f"importing {type_name} {request.id!r}")
            state = None
        state = self._complete(attrs, blocks, state, resolve_unknown=True)
        imported = []
        if state is not None and not diags.has_errors():
            imported.append(
                pb.ImportResourceState.ImportedResource(
                    type_name=type_name,
                    state=_encode_state(attrs, blocks, state, None),
                    private=_dump_private(call.private),
                )
            )
        return pb.ImportResourceState.Response(imported_resources=imported, diagnostics=diags.to_pb())

    # ---- data sources ---------------------------------------------------------------------

    def ReadDataSource(self, request: pb.ReadDataSource.Request, context: grpc.ServicerContext):
        type_name = request.type_name
        diags = Diagnostics()
        klass = self._get_ds_cls(type_name)
        schema = klass.get_schema()
        attrs = {a.name: a for a in schema.attributes}
        blocks = {b.type_name: b for b in schema.block_types}
        _, config = _decode_state(diags, attrs, blocks, request.config)
        if diags.has_errors():
            return pb.ReadDataSource.Response(diagnostics=diags.to_pb())
        source = self.app.new_data_source(klass)
        try:
            state = source.read(self._call(Call, diags, type_name), config or {})
        except Exception as exc:
            report_exception(diags, exc, f"reading data source {type_name}")
            return pb.ReadDataSource.Response(diagnostics=diags.to_pb())
        state = self._complete(attrs, blocks, state, resolve_unknown=True)
        return pb.ReadDataSource.Response(state=_encode_state(attrs, blocks, state, None), diagnostics=diags.to_pb())

    # ---- provider -------------------------------------------------------------------------

    def ConfigureProvider(self, request: pb.ConfigureProvider.Request, context: grpc.ServicerContext):
        diags = Diagnostics()
        try:
            self.app.configure_provider(diags, read_dynamic_value(request.config) or {})
        except Exception as exc:
            report_exception(diags, exc, "configuring the provider")
        return pb.ConfigureProvider.Response(diagnostics=diags.to_pb())

    def StopProvider(self, request: pb.StopProvider.Request, context: grpc.ServicerContext):
        log.info("Terraform asked the provider to stop: waits end now, calls in flight finish")
        self.app.stop()
        return pb.StopProvider.Response()
