"""Which remediations are this declaration's own: derived ids, intent tokens, attempts and steps.

A declaration (cluster, instance, mode or escalation ladder, reason, triggers) derives a base id
(``intent_base_id``); attempt ``n`` and ladder step ``s`` get their own id (``attempt_id``). The
create sends that id as ``remediation_id`` and, because the API may not honour it, also carries
an *intent token* in the reason it sends: `` [tf-XXXXXXXXXX]``, ten hex digits of the same id.
A remediation is this declaration's own when it is on the same instance and its canonical id is
one of the declaration's ids, or its reason ends in one of its tokens (``Intent.position_of``).

Running the same intent again is an explicit act that moves to the next *attempt*:
``terraform apply -replace`` and ``rerun_on_failure`` destroy the old object and create a new
one, so the launch remembers which attempts it just forgot (``ForgottenAttempts``) and the plan
hands the attempt it chose to the apply (private state). See docs/design/contracts.md,
"Identity: one declaration, one repair".
"""

from __future__ import annotations

import functools
import json
import re
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from together_api.ids import canonical_remediation_id

# Fixed namespace of this provider's derived ids (uuid5 of the provider address).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "registry.terraform.io/together-remediation/together")
MAX_ATTEMPTS_SEARCHED = 64
TOKEN_DIGITS = 10
# The token ends the reason sent; a reason of its own is separated from it by one space.
_TOKEN_AT_END = re.compile(r"(?:^| )\[tf-([0-9a-f]{%d})\]$" % TOKEN_DIGITS)


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


# ---- intent tokens ------------------------------------------------------------------------------


def intent_token(sent_id: str) -> str:
    """``tf-`` and the first ten hex digits of the id sent: what the reason sent ends in."""
    return "tf-" + uuid.UUID(canonical_remediation_id(sent_id)).hex[:TOKEN_DIGITS]


def reason_with_token(reason: str | None, token: str) -> str:
    """The reason the create sends: the user's reason, then `` [tf-XXXXXXXXXX]``."""
    return f"{reason} [{token}]" if reason else f"[{token}]"


def token_of(reason: str | None) -> str | None:
    """The intent token a reason ends in, or None."""
    match = _TOKEN_AT_END.search(reason or "")
    return f"tf-{match.group(1)}" if match else None


def strip_intent_token(reason: str | None) -> str | None:
    """The reason without the provider's intent token (None when nothing else is left)."""
    if not reason:
        return reason
    stripped = _TOKEN_AT_END.sub("", reason)
    return stripped if stripped else None


# ---- the declaration and its attempts -----------------------------------------------------------


@dataclass(frozen=True, order=True)
class Position:
    """Where a remediation sits in a declaration: attempt ``attempt``, ladder step ``step``."""

    attempt: int
    step: int = 0

    def to_private(self) -> list[int]:
        return [self.attempt, self.step]

    @classmethod
    def from_private(cls, value: Any) -> Position | None:
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and v >= 0 for v in value):
            return cls(value[0], value[1])
        return None


@dataclass(frozen=True)
class Intent:
    """One declaration: what it asks for, and the ids and tokens of its attempts."""

    cluster_id: str
    instance_id: str
    modes: tuple[str, ...]
    reason: str | None
    triggers: tuple[tuple[str, str], ...] = ()
    chosen_id: str | None = None  # an explicit remediation_id, as configured

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Intent:
        """The intent of a resource's planned (or prior) values."""
        modes = tuple(values.get("escalation") or [values.get("mode")])
        intent = cls(
            cluster_id=values["cluster_id"],
            instance_id=values["instance_id"],
            modes=modes,
            reason=values.get("reason"),
            triggers=tuple(sorted((values.get("triggers") or {}).items())),
        )
        chosen = values.get("remediation_id")
        if not isinstance(chosen, str) or not chosen:
            return intent  # unset (or unknown until the plan derives it)
        # A state's remediation_id may be one the provider derived: that is no explicit choice.
        if locate(intent.derived_base_id, canonical_remediation_id(chosen), len(modes)) is not None:
            return intent
        return cls(intent.cluster_id, intent.instance_id, modes, intent.reason, intent.triggers, chosen)

    @property
    def fixed(self) -> bool:
        """An explicit ``remediation_id`` names one remediation: it has attempt 0 only."""
        return self.chosen_id is not None

    @functools.cached_property
    def derived_base_id(self) -> str:
        return intent_base_id(self.cluster_id, self.instance_id, self.modes, self.reason, dict(self.triggers))

    @property
    def base_id(self) -> str:
        return canonical_remediation_id(self.chosen_id) if self.chosen_id else self.derived_base_id

    @property
    def steps(self) -> int:
        return len(self.modes)

    def mode_at(self, position: Position) -> str:
        return self.modes[position.step]

    def id_at(self, position: Position) -> str:
        """The id the create of ``position`` sends (canonical)."""
        return attempt_id(self.base_id, position.attempt, position.step)

    def token_at(self, position: Position) -> str:
        return intent_token(self.id_at(position))

    def reason_at(self, position: Position) -> str:
        """The reason the create of ``position`` sends: the user's, with the intent token."""
        return reason_with_token(self.reason, self.token_at(position))

    def attempts_from(self, first_attempt: int) -> range:
        """The attempts a search looks at: attempt 0 only for an explicit id."""
        if self.fixed:
            return range(first_attempt, 1)
        return range(first_attempt, first_attempt + MAX_ATTEMPTS_SEARCHED)

    def position_of_id(self, remediation_id: str | None) -> Position | None:
        """The position of an id derived for this declaration (as the create sent it)."""
        if not remediation_id:
            return None
        found = locate(self.base_id, canonical_remediation_id(remediation_id), self.steps)
        return Position(*found) if found is not None else None


@dataclass(frozen=True)
class RemediationIndex:
    """Remediations of a listing by canonical id and by intent token, for ``own_remediations``."""

    by_id: Mapping[str, Any]
    by_token: Mapping[str, list[Any]]

    @classmethod
    def of(cls, remediations: Iterable[Any]) -> RemediationIndex:
        by_id: dict[str, Any] = {}
        by_token: dict[str, list[Any]] = {}
        for remediation in remediations:
            by_id[canonical_remediation_id(remediation.id)] = remediation
            token = token_of(remediation.reason)
            if token is not None:
                by_token.setdefault(token, []).append(remediation)
        return cls(by_id, by_token)


@dataclass(frozen=True)
class OwnRemediation:
    """A remediation of this declaration found on the server, and where it sits."""

    position: Position
    remediation: Any


def own_remediations(intent: Intent, index: RemediationIndex, first_attempt: int = 0) -> list[OwnRemediation]:
    """This declaration's remediations from ``first_attempt`` on, in order of position.

    Attempts are contiguous (each new one follows the latest), so the search stops at the first
    attempt of which nothing exists: two or three ids derived per declaration, not sixty-four.
    """
    found: list[OwnRemediation] = []
    for attempt in intent.attempts_from(first_attempt):
        in_attempt = []
        for step in range(intent.steps):
            position = Position(attempt, step)
            sent = intent.id_at(position)
            candidates = [index.by_id[sent]] if sent in index.by_id else []
            candidates += index.by_token.get(intent_token(sent), [])
            seen = set()
            for remediation in candidates:
                if remediation.instance_id == intent.instance_id and remediation.id not in seen:
                    seen.add(remediation.id)
                    in_attempt.append(OwnRemediation(position, remediation))
        if not in_attempt:
            break
        found += in_attempt
    return sorted(found, key=lambda own: (own.position, own.remediation.create_time or ""))


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
