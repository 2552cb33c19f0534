"""What an apply saw, kept in private state, and the drift a later plan reports against it.

Private state (never shown, stored by Terraform next to the state) records per resource:
- ``position``: the attempt and ladder step of the remediation in ``id``;
- ``sent_id`` and ``honoured``: the id the create sent and whether the API answered with it;
- ``seen``: the remediation's state, mode and reason (without the intent token) as the apply
  last saw them.

A refresh stores what it saw under ``live``; a plan compares ``live`` with ``seen``: one that ended FAILED, CANCELLED or
AUTO_RESOLVED since, or whose mode or reason differ on the server, gets a warning naming what
changed and what to do, also when no change is planned.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from together_api import vocabulary
from together_api.vocabulary import enum_value

from provider_shim.framework.identity import Position, strip_intent_token

APPLIED_KEY = "applied"
LIVE_KEY = "live"


@dataclass(frozen=True)
class Seen:
    state: str | None
    mode: str | None
    reason: str | None

    @classmethod
    def of(cls, remediation: Any) -> Seen:
        return cls(enum_value(remediation.state), enum_value(remediation.mode), strip_intent_token(remediation.reason))


@dataclass(frozen=True)
class AppliedRecord:
    position: Position | None
    sent_id: str | None
    honoured: bool | None
    seen: Seen | None

    def to_private(self) -> dict[str, Any]:
        return {
            "position": self.position.to_private() if self.position else None,
            "sent_id": self.sent_id,
            "honoured": self.honoured,
            "seen": vars(self.seen) if self.seen else None,
        }

    @classmethod
    def from_private(cls, private: dict[str, Any]) -> AppliedRecord | None:
        value = private.get(APPLIED_KEY)
        if not isinstance(value, dict):
            return None
        seen = value.get("seen")
        seen_value = None
        if isinstance(seen, dict):
            seen_value = Seen(seen.get("state"), seen.get("mode"), seen.get("reason"))
        honoured = value.get("honoured")
        sent = value.get("sent_id")
        return cls(
            Position.from_private(value.get("position")),
            sent if isinstance(sent, str) else None,
            honoured if isinstance(honoured, bool) else None,
            seen_value,
        )

    def seeing(self, remediation: Any) -> AppliedRecord:
        return replace(self, seen=Seen.of(remediation))

    def store(self, private: dict[str, Any]) -> None:
        private[APPLIED_KEY] = self.to_private()


@dataclass(frozen=True)
class Drift:
    summary: str
    detail: str


def live_seen(private: dict[str, Any]) -> Seen | None:
    """What the last refresh saw (``read`` stores it under ``LIVE_KEY``)."""
    value = private.get(LIVE_KEY)
    if not isinstance(value, dict):
        return None
    return Seen(value.get("state"), value.get("mode"), value.get("reason"))


def store_live(private: dict[str, Any], remediation: Any) -> None:
    private[LIVE_KEY] = vars(Seen.of(remediation))


def drift_since_apply(record: AppliedRecord | None, live: Seen | None, prior: dict[str, Any]) -> list[Drift]:
    """What changed on the server since the apply saw the remediation (``live``: the refresh's view)."""
    if record is None or record.seen is None or live is None:
        return []
    seen = record.seen
    rid, where = prior.get("id"), f"{prior.get('cluster_id')}/{prior.get('instance_id')}"
    drifts = []
    if live.state != seen.state and live.state in vocabulary.ENDED_WITHOUT_REPAIR_STATES:
        because = f": {prior.get('error_message')}" if prior.get("error_message") else ""
        drifts.append(Drift(
            f"Remediation {rid} ended {live.state} since the apply saw it {seen.state}",
            f"Remediation {rid} of {where} ended {live.state}{because} outside the apply that made it: the repair "
            "has not run to success. Set rerun_on_failure = true to plan a new attempt, or run "
            "terraform apply -replace=ADDR to run it again now.",
        ))
    if live.mode and seen.mode and live.mode != seen.mode:
        drifts.append(Drift(
            f"Remediation {rid} runs mode {live.mode}, not {seen.mode}",
            f"The mode of remediation {rid} of {where} changed on the server from {seen.mode} to {live.mode} "
            "since the apply saw it. Run terraform apply -replace=ADDR to run the declared mode.",
        ))
    if live.reason != seen.reason:
        drifts.append(Drift(
            f"The reason of remediation {rid} changed on the server",
            f"The apply saw reason {seen.reason!r} on remediation {rid} of {where}; the server now holds "
            f"{live.reason!r}. Run terraform apply -replace=ADDR to run the declared remediation again.",
        ))
    return drifts
