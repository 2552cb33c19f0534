"""The data sources' validation names the attribute and the element (no terraform, no server)."""

from __future__ import annotations

from provider_shim.data_sources.cluster import ClusterDataSource
from provider_shim.data_sources.remediation import RemediationDataSource
from provider_shim.data_sources.remediations import RemediationsDataSource
from tests.provider_shim.type_helpers import errors


def test_remediations_validation_names_the_attribute_and_element():
    assert errors(RemediationsDataSource, {"cluster_id": "c", "order_by": "Create_Time  DESC"}) == []
    assert errors(RemediationsDataSource, {"cluster_id": "c", "states": ["PENDING", "DONE"]}) == [
        ("Unsupported value for states[1]", ["states", 1])
    ]
    assert errors(RemediationsDataSource, {"cluster_id": "c", "modes": ["REBOOT_VM"]}) == [("Unsupported value for modes[0]", ["modes", 0])]
    assert errors(RemediationsDataSource, {"cluster_id": "c", "order_by": "name"}) == [("Unsupported value for order_by", ["order_by"])]
    assert errors(RemediationsDataSource, {"cluster_id": "c", "min_severity": "CRITICAL"}) == [
        ("Unsupported value for min_severity", ["min_severity"])
    ]
    assert errors(RemediationsDataSource, {"cluster_id": "c", "trigger": "MANUAL"}) == [("Unsupported value for trigger", ["trigger"])]
    assert errors(RemediationsDataSource, {"cluster_id": "c", "triggers": ["REMEDIATION_TRIGGER_MANUAL", "AUTOMATED"]}) == [
        ("Unsupported value for triggers[1]", ["triggers", 1])
    ]
    # The live API's additions are accepted.
    assert errors(RemediationsDataSource, {"cluster_id": "c", "states": ["QUARANTINING", "QUARANTINED"], "modes": ["REMEDIATION_MODE_HOST_POWER_CYCLE"]}) == []
    assert errors(RemediationsDataSource, {"cluster_id": "c", "alert_names": ["GPUXidError", ""]}) == [
        ("alert_names must not hold an empty name", ["alert_names", 1])
    ]
    assert errors(RemediationDataSource, {"cluster_id": "c", "instance_id": "i", "remediation_id": "x"}) == [
        ("Invalid UUID for remediation_id", ["remediation_id"])
    ]
    assert errors(ClusterDataSource, {"cluster_id": ""}) == [("cluster_id must not be empty", ["cluster_id"])]
