"""A schema-only launch answers GetProviderSchema from the bytes an earlier launch stored
(``schema_cache``), without loading the provider's code."""

from __future__ import annotations


def test_a_schema_only_launch_answers_from_the_bytes_an_earlier_launch_stored(tmp_path):
    from tf.gen import tfplugin_pb2 as pb

    from provider_shim import schema_cache
    from provider_shim.runner import _LazyServicer

    first = _LazyServicer(str(tmp_path))
    built = first.GetProviderSchema(b"", None)
    answer = pb.GetProviderSchema.Response.FromString(built)
    assert "together_remediation" in answer.resource_schemas and "together_cluster" in answer.data_source_schemas
    assert answer.server_capabilities.plan_destroy and answer.server_capabilities.get_provider_schema_optional

    later = _LazyServicer(str(tmp_path))
    assert later.GetProviderSchema(b"", None) == built
    assert later._servicer is None, "the cached answer needs none of the provider's code"

    # Another fingerprint (an edited checkout) never sees those bytes, and replaces them.
    assert schema_cache.load(str(tmp_path), "another") is None
    schema_cache.store(str(tmp_path), "another", b"x")
    assert [p.name for p in tmp_path.glob("schema-*")] == ["schema-another.pb"]
