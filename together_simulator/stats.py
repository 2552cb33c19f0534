"""Counters the reliability tests read through ``GET /_simulator/stats``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

FAULT_KINDS = ("drop_after_commit", "http_5xx", "http_429", "reset", "latency")


@dataclass
class Stats:
    requests_total: int = 0
    requests_by_route: Counter = field(default_factory=Counter)
    faults_injected: Counter = field(default_factory=Counter)
    in_flight: int = 0
    in_flight_peak: int = 0

    def request_started(self, route: str) -> None:
        self.requests_total += 1
        self.requests_by_route[route] += 1
        self.in_flight += 1
        self.in_flight_peak = max(self.in_flight_peak, self.in_flight)

    def request_finished(self) -> None:
        self.in_flight -= 1

    def fault(self, kind: str) -> None:
        self.faults_injected[kind] += 1

    def reset(self) -> None:
        self.requests_total = 0
        self.requests_by_route.clear()
        self.faults_injected.clear()
        # Requests under way stay counted in in_flight; the peak restarts from them.
        self.in_flight_peak = self.in_flight

    def to_json(self) -> dict:
        return {
            "requests_total": self.requests_total,
            "requests_by_route": dict(self.requests_by_route),
            "faults_injected": {kind: self.faults_injected[kind] for kind in FAULT_KINDS},
            "in_flight": self.in_flight,
            "in_flight_peak": self.in_flight_peak,
        }
