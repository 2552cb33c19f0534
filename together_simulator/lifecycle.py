"""How long each mode stays PENDING and RUNNING, and which remediations are made to fail.

Both are decided when a remediation enters PENDING and stored on its row, so a restart resumes
every lifecycle exactly where it stands, whatever the configuration is by then.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from together_api.models import RemediationMode

from together_simulator.errors import invalid

MODES = [m.value for m in RemediationMode]


def mode_name(value: str) -> str:
    """``REBOOT_VM`` or ``REMEDIATION_MODE_REBOOT_VM`` -> the wire name; else INVALID_ARGUMENT."""
    name = value if value.startswith("REMEDIATION_MODE_") else f"REMEDIATION_MODE_{value}"
    if name not in MODES:
        raise invalid(f"unknown mode {value!r}; expected one of {', '.join(MODES)}")
    return name


@dataclass
class Durations:
    pending_seconds: float
    running_seconds: float

    def to_json(self) -> dict[str, float]:
        return {"pending_seconds": self.pending_seconds, "running_seconds": self.running_seconds}


# The demo's pace: long enough to watch each state, short enough to wait for.
DEMO_DURATIONS = {
    "REMEDIATION_MODE_REBOOT_VM": Durations(1.0, 3.0),
    "REMEDIATION_MODE_VM_ONLY": Durations(2.0, 5.0),
    "REMEDIATION_MODE_HOST_AWARE": Durations(2.0, 8.0),
    "REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT": Durations(1.0, 4.0),
}


def _seconds(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise invalid(f"{what} must be a number of seconds >= 0")
    return float(value)


@dataclass
class LifecycleConfig:
    by_mode: dict[str, Durations] = field(
        default_factory=lambda: {m: Durations(d.pending_seconds, d.running_seconds) for m, d in DEMO_DURATIONS.items()}
    )

    def for_mode(self, mode: str) -> Durations:
        return self.by_mode.get(mode, Durations(0.0, 0.0))

    def set(self, mode: str, pending: float | None = None, running: float | None = None) -> None:
        modes = MODES if mode in ("*", "default", "all") else [mode_name(mode)]
        for name in modes:
            current = self.for_mode(name)
            self.by_mode[name] = Durations(
                current.pending_seconds if pending is None else pending,
                current.running_seconds if running is None else running,
            )

    def update(self, body: Any) -> None:
        """``{"default": {...}, "modes": {MODE: {"pending_seconds", "running_seconds"}}}``."""
        if not isinstance(body, dict):
            raise invalid("lifecycle must be a JSON object")
        entries: list[tuple[str, Any]] = []
        if "default" in body:
            entries.append(("*", body["default"]))
        modes = body.get("modes", {})
        if not isinstance(modes, dict):
            raise invalid("modes must be an object of mode -> durations")
        entries.extend(modes.items())
        for mode, value in entries:
            if not isinstance(value, dict):
                raise invalid(f"durations of {mode} must be an object")
            pending = value.get("pending_seconds")
            running = value.get("running_seconds")
            self.set(
                mode,
                None if pending is None else _seconds(pending, f"{mode}.pending_seconds"),
                None if running is None else _seconds(running, f"{mode}.running_seconds"),
            )

    def to_json(self) -> dict[str, Any]:
        return {"modes": {m: self.for_mode(m).to_json() for m in MODES}}


def parse_duration_flag(text: str) -> tuple[str, float, float | None]:
    """``MODE=RUNNING`` or ``MODE=PENDING:RUNNING`` (``*`` for every mode)."""
    mode, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"--duration {text!r}: expected MODE=SECONDS or MODE=PENDING:RUNNING")
    parts = value.split(":")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"--duration {text!r}: seconds must be numbers") from None
    if len(numbers) == 1:
        return mode, numbers[0], None
    if len(numbers) == 2:
        return mode, numbers[1], numbers[0]
    raise ValueError(f"--duration {text!r}: expected MODE=SECONDS or MODE=PENDING:RUNNING")


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
