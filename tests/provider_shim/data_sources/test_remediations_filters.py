"""``together_remediations``' filters, applied to what the API answers: linked alerts, modes,
states and triggers (no terraform, no server)."""

from __future__ import annotations

import pytest

from provider_shim.data_sources.remediations import _Filters
from tests.provider_shim.type_helpers import remediation


def alert(name: str, severity: str) -> dict:
    return {
        "passive_health_check_alert_id": f"a-{name}", "cluster_id": "c", "target_vm": "vm", "alert_name": name,
        "severity": severity, "started_at": "2026-01-01T00:00:00Z",
    }


@pytest.mark.parametrize(
    "alerts, modes, alert_names, min_severity, expected",
    [
        ([], [], None, None, True),
        ([], [], None, "PHC_SEVERITY_INFO", False),  # no linked alert: an alert filter never matches
        ([alert("GPUXidError", "PHC_SEVERITY_CRITICAL")], [], None, "PHC_SEVERITY_WARNING", True),
        ([alert("GPUXidError", "PHC_SEVERITY_WARNING")], [], None, "PHC_SEVERITY_CRITICAL", False),
        ([alert("GPUXidError", "PHC_SEVERITY_INFO")], [], ["GPUXidError"], None, True),
        ([alert("Thermal", "PHC_SEVERITY_CRITICAL")], [], ["GPUXidError"], None, False),
        # Name and severity must hold on the same alert.
        ([alert("GPUXidError", "PHC_SEVERITY_INFO"), alert("Thermal", "PHC_SEVERITY_CRITICAL")], [], ["GPUXidError"], "PHC_SEVERITY_CRITICAL", False),
        ([alert("GPUXidError", "PHC_SEVERITY_INFO"), alert("GPUXidError", "PHC_SEVERITY_CRITICAL")], [], ["GPUXidError"], "PHC_SEVERITY_CRITICAL", True),
        # A severity this provider does not know yet never passes a minimum.
        ([alert("GPUXidError", "PHC_SEVERITY_FATAL")], [], None, "PHC_SEVERITY_INFO", False),
        ([], ["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_HOST_AWARE"], None, None, False),
        ([], ["REMEDIATION_MODE_REBOOT_VM", "REMEDIATION_MODE_VM_ONLY"], None, None, True),
    ],
)
def test_linked_alert_and_mode_filters(alerts, modes, alert_names, min_severity, expected):
    wanted = _Filters([], modes, [], None, alert_names, min_severity)
    assert wanted.match(remediation(linked_alerts=alerts)) is expected


@pytest.mark.parametrize(
    "states, triggers, trigger, expected",
    [
        (["QUARANTINING"], [], None, True),
        (["RUNNING", "QUARANTINED"], [], None, False),
        ([], ["REMEDIATION_TRIGGER_MANUAL", "REMEDIATION_TRIGGER_AUTOMATED"], None, True),
        ([], ["REMEDIATION_TRIGGER_MANUAL"], None, False),
        # trigger and triggers together: both must match.
        ([], ["REMEDIATION_TRIGGER_AUTOMATED"], "REMEDIATION_TRIGGER_MANUAL", False),
        ([], ["REMEDIATION_TRIGGER_MANUAL", "REMEDIATION_TRIGGER_AUTOMATED"], "REMEDIATION_TRIGGER_AUTOMATED", True),
    ],
)
def test_state_and_trigger_filters_hold_even_if_a_server_ignores_them(states, triggers, trigger, expected):
    quarantining = remediation(state="QUARANTINING", mode="REMEDIATION_MODE_HOST_POWER_CYCLE")
    assert _Filters(states, [], triggers, trigger, None, None).match(quarantining) is expected
