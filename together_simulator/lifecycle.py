"""How long each mode stays in each state, and which remediations are made to fail.

A remediation in a mode of ``vocabulary.QUARANTINING_MODES`` goes PENDING -> QUARANTINING ->
QUARANTINED -> RUNNING -> SUCCEEDED/FAILED; every other mode PENDING -> RUNNING -> ... The
durations and the planned outcome are decided when a remediation enters PENDING and stored on
its row, so a restart resumes every lifecycle exactly where it stands, whatever the
configuration is by then.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields, replace
from typing import Any

from together_api import vocabulary

from together_simulator.errors import invalid

MODES = vocabulary.MODE_NAMES

PHASES = ("PENDING", "QUARANTINING", "QUARANTINED", "RUNNING")
"""Every timed state, in the order a quarantining mode goes through them."""
PLAIN_PHASES = ("PENDING", "RUNNING")


def phases_of(mode: str, state: str | None = None) -> tuple[str, ...]:
    """The timed states of a remediation in ``mode``; a quarantine state forced onto another
    mode (admin API) runs on through the quarantining order."""
    if mode in vocabulary.QUARANTINING_MODES or state in vocabulary.QUARANTINE_STATES:
        return PHASES
    return PLAIN_PHASES


def next_phase(mode: str, state: str) -> str | None:
    """The timed state after ``state``, or None when the next one is the outcome."""
    order = phases_of(mode, state)
    position = order.index(state)
    return order[position + 1] if position + 1 < len(order) else None


def mode_name(value: str) -> str:
    """``REBOOT_VM`` or ``REMEDIATION_MODE_REBOOT_VM`` -> the wire name; else INVALID_ARGUMENT."""
    name = vocabulary.full_mode_name(value)
    if name not in MODES:
        raise invalid(f"unknown mode {value!r}; expected one of {', '.join(MODES)}")
    return name


@dataclass(frozen=True)
class Durations:
    pending_seconds: float
    running_seconds: float
    quarantining_seconds: float = 0.0
    quarantined_seconds: float = 0.0

    def seconds_in(self, state: str) -> float:
        return getattr(self, f"{state.lower()}_seconds")

    def to_json(self, mode: str) -> dict[str, float]:
        return {f"{state.lower()}_seconds": self.seconds_in(state) for state in phases_of(mode)}


SECONDS_FIELDS = tuple(f.name for f in fields(Durations))

# The demo's pace: long enough to watch each state, short enough to wait for.
DEMO_DURATIONS = {
    "REMEDIATION_MODE_REBOOT_VM": Durations(1.0, 3.0),
    "REMEDIATION_MODE_VM_ONLY": Durations(2.0, 5.0),
    "REMEDIATION_MODE_HOST_AWARE": Durations(2.0, 8.0, quarantining_seconds=2.0, quarantined_seconds=1.0),
    "REMEDIATION_MODE_HOST_POWER_CYCLE": Durations(2.0, 6.0, quarantining_seconds=2.0, quarantined_seconds=1.0),
    "REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT": Durations(1.0, 4.0),
}


def _seconds(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise invalid(f"{what} must be a number of seconds >= 0")
    return float(value)


@dataclass
class LifecycleConfig:
    by_mode: dict[str, Durations] = field(default_factory=lambda: dict(DEMO_DURATIONS))

    def for_mode(self, mode: str) -> Durations:
        return self.by_mode.get(mode, Durations(0.0, 0.0))

    def set(self, mode: str, **seconds: float | None) -> None:
        """``pending``, ``quarantining``, ``quarantined``, ``running``: None keeps the current value."""
        changes = {f"{name}_seconds": value for name, value in seconds.items() if value is not None}
        modes = MODES if mode in ("*", "default", "all") else [mode_name(mode)]
        for name in modes:
            self.by_mode[name] = replace(self.for_mode(name), **changes)

    def update(self, body: Any) -> None:
        """``{"default": {...}, "modes": {MODE: {"pending_seconds", "quarantining_seconds",
        "quarantined_seconds", "running_seconds"}}}``; a key left out keeps its value."""
        if not isinstance(body, dict):
            raise invalid("lifecycle must be a JSON object")
        entries: list[tuple[str, Any]] = []
        if "default" in body:
            entries.append(("*", body["default"]))
        modes = body.get("modes", {})
        if not isinstance(modes, dict):
            raise invalid("modes must be an object of mode -> durations")
        entries.extend(modes.items())
        planned = []
        for mode, value in entries:
            if not isinstance(value, dict):
                raise invalid(f"durations of {mode} must be an object")
            unknown = set(value) - set(SECONDS_FIELDS)
            if unknown:
                raise invalid(f"unknown duration(s) of {mode}: {', '.join(sorted(unknown))};"
                              f" expected {', '.join(SECONDS_FIELDS)}")
            seconds = {
                key.removesuffix("_seconds"): _seconds(value[key], f"{mode}.{key}")
                for key in SECONDS_FIELDS if value.get(key) is not None
            }
            if mode not in ("*", "default", "all"):
                mode_name(mode)
            planned.append((mode, seconds))
        for mode, seconds in planned:  # all checked first: a bad entry changes nothing
            self.set(mode, **seconds)

    def to_json(self) -> dict[str, Any]:
        return {"modes": {m: self.for_mode(m).to_json(m) for m in MODES}}


DURATION_FLAG_FORMS = "MODE=RUNNING, MODE=PENDING:RUNNING or MODE=PENDING:QUARANTINING:QUARANTINED:RUNNING"


def parse_duration_flag(text: str) -> tuple[str, dict[str, float]]:
    """``--duration`` -> (mode or ``*``, seconds by state name as ``LifecycleConfig.set`` takes them).

    ``MODE=RUNNING`` changes RUNNING only; ``MODE=PENDING:RUNNING`` sets PENDING and RUNNING and
    makes the quarantine states instant (so ``*=0:0`` is zero everywhere);
    ``MODE=PENDING:QUARANTINING:QUARANTINED:RUNNING`` sets all four.
    """
    mode, sep, value = text.partition("=")
    if not sep or not mode:
        raise ValueError(f"--duration {text!r}: expected {DURATION_FLAG_FORMS}")
    try:
        numbers = [float(p) for p in value.split(":")]
    except ValueError:
        raise ValueError(f"--duration {text!r}: seconds must be numbers") from None
    if any(n < 0 for n in numbers):
        raise ValueError(f"--duration {text!r}: seconds must be >= 0")
    if len(numbers) == 1:
        return mode, {"running": numbers[0]}
    if len(numbers) == 2:
        return mode, {"pending": numbers[0], "quarantining": 0.0, "quarantined": 0.0, "running": numbers[1]}
    if len(numbers) == 4:
        return mode, dict(zip(("pending", "quarantining", "quarantined", "running"), numbers))
    raise ValueError(f"--duration {text!r}: expected {DURATION_FLAG_FORMS}")


@dataclass
class FailureRule:
    error_message: str
    instance_id: str | None = None
    mode: str | None = None
    cluster_id: str | None = None

    def matches(self, cluster_id: str, instance_id: str, mode: str) -> bool:
        return (
            (self.cluster_id is None or self.cluster_id == cluster_id)
            and (self.instance_id is None or self.instance_id == instance_id)
            and (self.mode is None or self.mode == mode)
        )

    def to_json(self) -> dict[str, Any]:
        data = {"error_message": self.error_message, "instance_id": self.instance_id, "mode": self.mode}
        if self.cluster_id is not None:
            data["cluster_id"] = self.cluster_id
        return data


DEFAULT_FAILURE_MESSAGE = "remediation failed: the node did not pass health checks after repair"


@dataclass
class FailureConfig:
    """Rules (by instance and/or mode) and a probability of failing any other remediation."""

    rules: list[FailureRule] = field(default_factory=list)
    probability: float = 0.0
    error_message: str = DEFAULT_FAILURE_MESSAGE
    rng: random.Random = field(default_factory=random.Random)

    def planned_error(self, cluster_id: str, instance_id: str, mode: str) -> str | None:
        for rule in self.rules:
            if rule.matches(cluster_id, instance_id, mode):
                return rule.error_message
        if self.probability > 0 and self.rng.random() < self.probability:
            return self.error_message
        return None

    def update(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise invalid("failures must be a JSON object")
        rules_json = body.get("rules", [])
        if not isinstance(rules_json, list):
            raise invalid("rules must be a list")
        rules = []
        for index, item in enumerate(rules_json):
            if not isinstance(item, dict):
                raise invalid(f"rules[{index}] must be an object")
            message = item.get("error_message") or DEFAULT_FAILURE_MESSAGE
            mode = item.get("mode")
            rules.append(
                FailureRule(
                    error_message=str(message),
                    instance_id=item.get("instance_id"),
                    mode=mode_name(mode) if mode else None,
                    cluster_id=item.get("cluster_id"),
                )
            )
        probability = body.get("probability", 0.0)
        if isinstance(probability, bool) or not isinstance(probability, (int, float)) or not 0 <= probability <= 1:
            raise invalid("probability must be a number between 0 and 1")
        self.rules = rules
        self.probability = float(probability)
        if body.get("error_message"):
            self.error_message = str(body["error_message"])
        if "seed" in body and body["seed"] is not None:
            self.rng.seed(body["seed"])

    def to_json(self) -> dict[str, Any]:
        return {
            "rules": [r.to_json() for r in self.rules],
            "probability": self.probability,
            "error_message": self.error_message,
        }
