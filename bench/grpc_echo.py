"""A plugin process that serves through the provider's own runner (its gRPC server, worker pool,
TLS, GIL switch interval and GC settings) but answers every call at once, echoing the state it
was sent as the floor does: what grpcio itself costs a call, in Python. Started by
``bench.grpc_calls`` as Terraform starts a plugin (magic cookie, handshake line).

    python -m bench.grpc_echo
"""

from __future__ import annotations


class EchoServicer:
    """The four calls a refresh sends per remediation echo their state; any other answers empty."""

    def close(self) -> None:
        pass

    def UpgradeResourceState(self, request, context):
        from tf.gen import tfplugin_pb2 as pb

        return pb.UpgradeResourceState.Response(upgraded_state=pb.DynamicValue(json=request.raw_state.json))

    def ReadResource(self, request, context):
        from tf.gen import tfplugin_pb2 as pb

        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    def PlanResourceChange(self, request, context):
        from tf.gen import tfplugin_pb2 as pb

        return pb.PlanResourceChange.Response(planned_state=request.proposed_new_state, planned_private=request.prior_private)

    def __getattr__(self, method: str):
        if method.startswith("_"):
            raise AttributeError(method)
        return lambda request, context: b""  # an empty message: a valid answer of every type


if __name__ == "__main__":
    from provider_shim.runner import main, tune_interpreter

    tune_interpreter()
    main(EchoServicer())
