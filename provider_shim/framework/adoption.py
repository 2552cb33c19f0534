"""Where a create starts: adopt the leftover of an interrupted apply of this declaration, or run
the next attempt. The rules (docs/design/contracts.md, "Adopt only what is this resource's own"):

- the latest remediation of the declaration not in state is adopted when it is still active, or
  ended SUCCEEDED or FAILED (an escalation step FAILED with steps left included) less than
  ``timeouts.create`` ago, and it never was in this working directory's state (the released journal);
- anything else (CANCELLED, AUTO_RESOLVED, ended longer ago, released) runs the next attempt;
- an explicit ``remediation_id`` that exists with another instance, mode or reason is an error
  quoting what exists; it has one attempt only, so one that may not be adopted is an error too.

The plan and the apply decide with the same function; the plan's choice travels to the apply in
private state (``PlannedStart``), and an apply whose planned adoption no longer holds fails
asking for a new plan instead of doing something else than the plan said.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from together_api import vocabulary
from together_api.vocabulary import enum_value
from together_api.ids import canonical_remediation_id

from provider_shim.framework.errors import ProviderError
from provider_shim.framework.identity import Intent, OwnRemediation, Position, RemediationIndex, own_remediations, strip_intent_token

PLANNED_START_KEY = "planned_start"


class StartKind(enum.Enum):
    ADOPT = "adopt"  # carry on with a remediation of this declaration that exists
    NEW = "new"  # post the create of a new attempt


@dataclass(frozen=True)
class Start:
    """Where a create starts, and why."""

    kind: StartKind
    position: Position
    remediation: Any = None  # the adopted remediation (ADOPT)
    earlier: Any = None  # NEW: the latest earlier remediation of this declaration, if any
    earlier_not_adopted_because: str = ""
    # ADOPT of a ladder step after the first: the attempt's earlier steps (they ended FAILED), so
    # the resource's ``attempts`` lists every step the declaration took.
    earlier_steps: tuple[Any, ...] = ()

    @property
    def adopting(self) -> bool:
        return self.kind is StartKind.ADOPT


@dataclass(frozen=True)
class PlannedStart:
    """The plan's choice, as private state hands it to the apply."""

    kind: StartKind
    position: Position
    remediation_id: str | None  # the adopted remediation's id (ADOPT)

    def to_private(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "position": self.position.to_private(), "remediation_id": self.remediation_id}

    @classmethod
    def from_private(cls, private: dict[str, Any]) -> PlannedStart | None:
        value = private.get(PLANNED_START_KEY)
        if not isinstance(value, dict):
            return None
        position = Position.from_private(value.get("position"))
        try:
            kind = StartKind(value.get("kind"))
        except ValueError:
            return None
        if position is None:
            return None
        return cls(kind, position, value.get("remediation_id") or None)

    def store(self, private: dict[str, Any]) -> None:
        private[PLANNED_START_KEY] = self.to_private()

    @classmethod
    def of(cls, start: Start) -> PlannedStart:
        return cls(start.kind, start.position, start.remediation.id if start.adopting else None)


def choose_start(
    intent: Intent,
    index: RemediationIndex,
    *,
    first_attempt: int,
    released: frozenset[str] | set[str],
    create_timeout: float,
    now: datetime | None = None,
) -> Start:
    """Adopt the latest own remediation from ``first_attempt`` on if the rules allow, else the next attempt.

    ``first_attempt``: attempts below it are in state or were forgotten by this launch (a
    replacement) and are never adopted. ``released``: ids this working directory's state holds or held.
    """
    if intent.fixed:
        check_explicit_id(intent, index)
    own = own_remediations(intent, index, first_attempt)
    if not own:
        if intent.fixed and first_attempt > 0:
            raise _fixed_id_used(intent, None, "was replaced")
        return Start(StartKind.NEW, Position(first_attempt, 0))
    latest = own[-1]
    why_not = _why_not_adopted(intent, latest, released, create_timeout, now or datetime.now(timezone.utc))
    if why_not is None:
        earlier_steps = tuple(
            o.remediation for o in own if o.position.attempt == latest.position.attempt and o.position.step < latest.position.step
        )
        return Start(StartKind.ADOPT, latest.position, remediation=latest.remediation, earlier_steps=earlier_steps)
    if intent.fixed:
        raise _fixed_id_used(intent, latest.remediation, why_not)
    return Start(
        StartKind.NEW,
        Position(latest.position.attempt + 1, 0),
        earlier=latest.remediation,
        earlier_not_adopted_because=why_not,
    )


def _why_not_adopted(intent: Intent, own: OwnRemediation, released, create_timeout: float, now: datetime) -> str | None:
    """None when ``own`` may be adopted, else why not (the end of a sentence)."""
    remediation = own.remediation
    state = _state(remediation)
    if canonical_remediation_id(remediation.id) in released:
        return "this working directory's state holds or held it (it is not a leftover)"
    if state in vocabulary.ACTIVE_STATES:
        return None
    if state not in vocabulary.ADOPTABLE_ENDED_STATES:
        return f"it ended {state}"
    ended = _parse_time(remediation.end_time) or _parse_time(remediation.update_time) or _parse_time(remediation.create_time)
    if ended is None or (now - ended).total_seconds() >= create_timeout:
        return f"it ended {state} longer than timeouts.create ago"
    return None


def check_explicit_id(intent: Intent, index: RemediationIndex) -> None:
    """An explicit ``remediation_id`` that exists with another instance, mode or reason is an error."""
    existing = index.by_id.get(intent.base_id)
    if existing is None:
        return
    differences = explicit_id_differences(intent, existing)
    if differences:
        raise ProviderError(
            f"remediation_id {intent.chosen_id} names another remediation",
            f"Remediation {existing.id} exists with {quote_remediation(existing)}; this resource declares "
            f"{'; '.join(differences)}. It is never adopted: choose another remediation_id, or leave "
            "remediation_id unset (the provider derives one), or import that remediation "
            f"(terraform import ADDR {existing.cluster_id}/{existing.instance_id}/{existing.id}).",
            path=["remediation_id"],
        )


def explicit_id_differences(intent: Intent, existing: Any) -> list[str]:
    """What the declaration asks for that the existing remediation is not, one phrase each."""
    differences = []
    if existing.cluster_id != intent.cluster_id or existing.instance_id != intent.instance_id:
        differences.append(f"instance {intent.cluster_id}/{intent.instance_id}")
    if _mode(existing) not in intent.modes:
        differences.append("mode " + " then ".join(intent.modes))
    if (strip_intent_token(existing.reason) or None) != (intent.reason or None):
        differences.append(f"reason {intent.reason!r}" if intent.reason else "no reason")
    return differences


def quote_remediation(remediation: Any) -> str:
    """"instance C/I, mode M, reason 'R', state S, created T": what exists, for an error."""
    reason = strip_intent_token(remediation.reason)
    return (
        f"instance {remediation.cluster_id}/{remediation.instance_id}, mode {_mode(remediation)}, "
        f"reason {reason!r}, state {_state(remediation)}, trigger {_enum(remediation.trigger)}, "
        f"created {remediation.create_time or 'at an unknown time'}"
    )


def _fixed_id_used(intent: Intent, remediation: Any, why: str) -> ProviderError:
    what = f"remediation {remediation.id} ({_state(remediation)}, created {remediation.create_time})" if remediation else "its remediation"
    return ProviderError(
        f"remediation_id {intent.chosen_id} names a remediation that cannot run again",
        f"An explicit remediation_id names one remediation, and {what} {why}, so it is not adopted. "
        "Choose a new remediation_id, or leave remediation_id unset (the provider then derives a new id "
        "for each attempt).",
        path=["remediation_id"],
    )


def adoption_warning(start: Start, when: str) -> tuple[str, str]:
    """The summary and detail of the warning an adoption gives (``when``: "This plan" / "The apply")."""
    remediation = start.remediation
    return (
        f"Adopting remediation {remediation.id} ({_state(remediation)}) instead of starting one",
        f"{when} adopts remediation {remediation.id} of {remediation.cluster_id}/{remediation.instance_id}, "
        f"{_state(remediation)}, created {remediation.create_time}: the leftover of an interrupted apply of this "
        "declaration. No new remediation is started. To run the repair again instead, destroy this resource "
        "once adopted and apply again, or change triggers.",
    )


def earlier_attempt_note(start: Start) -> tuple[str, str] | None:
    """A new attempt of an intent that ran before: say so (a CI job re-run the next day)."""
    earlier = start.earlier
    if earlier is None:
        return None
    return (
        f"An earlier remediation of this declaration exists: this plan runs a new one",
        f"Remediation {earlier.id} of {earlier.cluster_id}/{earlier.instance_id} ({_state(earlier)}, created "
        f"{earlier.create_time}) is not adopted: {start.earlier_not_adopted_because}. The apply starts a new "
        "remediation. To keep the earlier one instead, import it "
        f"(terraform import ADDR {earlier.cluster_id}/{earlier.instance_id}/{earlier.id}).",
    )


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _enum(value: Any) -> str | None:
    return enum_value(value)


def _state(remediation: Any) -> str | None:
    return _enum(remediation.state)


def _mode(remediation: Any) -> str | None:
    return _enum(remediation.mode)
