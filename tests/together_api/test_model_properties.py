"""Property-based tests (hypothesis) of the models: any remediation and any alert survive the
round trip through them, values the client does not know yet included."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from together_api.models import PassiveHealthCheckAlert, Remediation, RemediationMode, RemediationState, RemediationTrigger

MODES = [m.value for m in RemediationMode]
STATES = [s.value for s in RemediationState]

texts = st.text(st.characters(codec="utf-8"), max_size=40)
times = st.datetimes(timezones=st.just(__import__("datetime").timezone.utc)).map(lambda t: t.isoformat().replace("+00:00", "Z"))
uuids = st.uuids().map(str)
alerts = st.fixed_dictionaries(
    {"passive_health_check_alert_id": uuids, "cluster_id": texts, "target_vm": texts, "alert_name": texts,
     "severity": st.sampled_from(["PHC_SEVERITY_CRITICAL", "PHC_SEVERITY_WARNING", "PHC_SEVERITY_FROM_THE_FUTURE"]),
     "started_at": times},
    optional={"instance_id": texts, "annotations": st.dictionaries(texts, texts, max_size=3),
              "resolved_at": times, "node_remediation_intent_id": uuids},
)
remediations = st.fixed_dictionaries(
    {
        "id": uuids, "cluster_id": texts, "instance_id": texts,
        # Values the client does not know yet (a newer API) must survive too.
        "mode": st.sampled_from(MODES + ["REMEDIATION_MODE_FROM_THE_FUTURE"]),
        "state": st.sampled_from(STATES + ["STATE_FROM_THE_FUTURE"]),
        "trigger": st.sampled_from([t.value for t in RemediationTrigger] + ["REMEDIATION_TRIGGER_FROM_THE_FUTURE"]),
    },
    optional={
        "reason": texts, "requested_by": texts, "error_message": texts, "reviewed_by": texts, "review_comment": texts,
        "create_time": times, "start_time": times, "end_time": times, "update_time": times, "review_time": times,
        "instance_name": texts, "active_health_check_run_id": texts, "passive_health_check_event_id": texts,
        "linked_alerts": st.lists(alerts, max_size=3),
    },
)


@settings(deadline=None)
@given(remediations)
def test_a_remediation_survives_the_round_trip_through_the_model(document):
    model = Remediation.model_validate(document)
    again = Remediation.model_validate(json.loads(json.dumps(model.to_api())))
    assert again == model
    out = again.to_api()
    for name, value in document.items():
        if name != "linked_alerts":
            assert out[name] == value, name
    assert [a["passive_health_check_alert_id"] for a in out.get("linked_alerts") or []] == [
        a["passive_health_check_alert_id"] for a in document.get("linked_alerts") or []
    ]


@settings(deadline=None)
@given(alerts)
def test_an_alert_survives_the_round_trip_through_the_model(document):
    model = PassiveHealthCheckAlert.model_validate(document)
    assert PassiveHealthCheckAlert.model_validate(model.to_api()) == model
    assert {k: v for k, v in model.to_api().items() if k in document} == document
