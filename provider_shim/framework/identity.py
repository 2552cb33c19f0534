"""Remediation ids derived from the intent, so that every create is exactly-once.

The API takes a client-chosen ``remediation_id`` and answers a repeated create of that id with
the remediation it already made. The provider derives that id from the intent (cluster,
instance, mode or escalation ladder, reason, triggers): an apply killed after the POST and run
again derives the same id and finds its own remediation instead of starting a second one.

Running the same intent again is an explicit act that moves to the next *attempt*:
``terraform apply -replace`` and ``rerun_on_failure`` destroy the old object and create a new
one in the same launch, so the launch remembers which attempts it just forgot
(``ForgottenAttempts``) and the create takes the next one. An escalation ladder's steps get
their own ids within an attempt.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Mapping, Sequence

# Fixed namespace of this provider's derived ids (uuid5 of the provider address).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "registry.terraform.io/together-remediation/together")
MAX_ATTEMPTS_SEARCHED = 64


def intent_base_id(
    cluster_id: str,
    instance_id: str,
    modes: Sequence[str],
    reason: str | None,
    triggers: Mapping[str, str] | None,
) -> str:
    """The id of attempt 0, step 0 of this intent: a UUIDv5 of its canonical JSON."""
    canonical = json.dumps(
        {
            "cluster_id": cluster_id,
            "instance_id": instance_id,
            "modes": list(modes),
            "reason": reason or "",
            "triggers": dict(sorted((triggers or {}).items())),
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return str(uuid.uuid5(NAMESPACE, canonical))


def attempt_id(base_id: str, attempt: int, step: int = 0) -> str:
    """The id of ``attempt`` (0 = first run) and escalation ``step`` (0 = first mode)."""
    if attempt == 0 and step == 0:
        return base_id
    return str(uuid.uuid5(NAMESPACE, f"{base_id}/attempt/{attempt}/step/{step}"))


def locate(base_id: str, remediation_id: str, steps: int, max_attempts: int = MAX_ATTEMPTS_SEARCHED) -> tuple[int, int] | None:
    """``(attempt, step)`` of a derived id, or None when the id is not derived from ``base_id``."""
    for attempt in range(max_attempts):
        for step in range(max(steps, 1)):
            if attempt_id(base_id, attempt, step) == remediation_id:
                return attempt, step
    return None


class ForgottenAttempts:
    """Per launch: the highest attempt of each intent that this launch removed from state."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._highest: dict[str, int] = {}

    def record(self, base_id: str, attempt: int) -> None:
        with self._lock:
            self._highest[base_id] = max(attempt, self._highest.get(base_id, -1))

    def next_attempt(self, base_id: str) -> int:
        with self._lock:
            return self._highest.get(base_id, -1) + 1
