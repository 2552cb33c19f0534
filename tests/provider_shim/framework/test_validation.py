"""Ids that become a segment of a request's path (``Validator.path_ids``) are refused, on every type
that sends one, naming the attribute (no terraform, no server)."""

from __future__ import annotations

from provider_shim.data_sources.cluster import ClusterDataSource
from provider_shim.data_sources.remediations import RemediationsDataSource
from provider_shim.resources.remediation_review import RemediationReviewResource
from tests.provider_shim.type_helpers import UUID, errors


def test_ids_that_would_change_the_request_path_are_refused_naming_the_attribute():
    good = {"cluster_id": "c", "instance_id": "i", "remediation_id": UUID, "decision": "APPROVE"}
    assert errors(RemediationReviewResource, {**good, "instance_id": "../admin"}) == [("Invalid instance_id", ["instance_id"])]
    assert errors(RemediationsDataSource, {"cluster_id": "c?x=1"}) == [("Invalid cluster_id", ["cluster_id"])]
    assert errors(RemediationsDataSource, {"cluster_id": "c", "instance_id": "-"}) == []
    assert errors(ClusterDataSource, {"cluster_id": "a/b"}) == [("Invalid cluster_id", ["cluster_id"])]
