"""Waiting for a remediation to reach a state: polling with backoff, stoppable, bounded.

The first polls come quickly (short lifecycles finish fast) and the pause grows to the
provider's ``poll_interval``. Terraform's StopProvider sets ``stopping``: the wait returns at
once with the latest remediation, so the caller can keep it in state.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

log = logging.getLogger("provider_shim.waiting")

T = TypeVar("T")

# The first poll comes after 20 ms (a remediation the API finishes at once is seen at once), and
# the pause doubles: it reaches a 2 s poll_interval after as many polls as 0.1 s x 1.6 would.
FIRST_PAUSE = 0.02
BACKOFF_FACTOR = 2.0


@dataclass
class WaitResult(Generic[T]):
    value: T
    outcome: str  # "done", "stopped" or "timeout"

    @property
    def done(self) -> bool:
        return self.outcome == "done"


def pauses(poll_interval: float) -> Iterator[float]:
    """The pauses between polls: starting short, growing by ``BACKOFF_FACTOR`` to ``poll_interval``."""
    pause = min(FIRST_PAUSE, poll_interval)
    while True:
        yield pause
        pause = min(poll_interval, pause * BACKOFF_FACTOR)


def wait_until(
    poll: Callable[[], T],
    is_done: Callable[[T], bool],
    *,
    first: T,
    stopping: threading.Event,
    timeout: float,
    poll_interval: float,
    describe: Callable[[T], str] = str,
) -> WaitResult[T]:
    """Poll until ``is_done``; logs each change of ``describe(value)`` at info level."""
    value = first
    seen = describe(value)
    deadline = time.monotonic() + timeout
    for pause in pauses(poll_interval):
        if is_done(value):
            return WaitResult(value, "done")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return WaitResult(value, "timeout")
        if stopping.wait(min(pause, remaining)):
            return WaitResult(value, "stopped")
        value = poll()
        now = describe(value)
        if now != seen:
            log.info("%s", now)
            seen = now
    raise AssertionError("unreachable")  # pragma: no cover


def wait_for_remediation(session: Any, remediation, wait_for: str, timeout: float, *, label: str = "remediation"):
    """Poll ``remediation`` until it ``satisfied`` ``wait_for``; returns ``(remediation, outcome)``.

    Each poll is a fresh GET; a remediation gone meanwhile is an error. Changes of state are
    logged as "``label`` ID on CLUSTER/INSTANCE: STATE".
    """
    from provider_shim.framework.errors import ProviderError
    from provider_shim.framework.progress import remediation_state
    from together_api.vocabulary import satisfied

    cluster_id, instance_id, rid = remediation.cluster_id, remediation.instance_id, remediation.id

    def poll():
        fresh = session.lookups.fetch(cluster_id, instance_id, rid)
        if fresh is None:
            raise ProviderError(f"Remediation {rid} disappeared while the provider waited for it")
        return fresh

    result = wait_until(
        poll,
        lambda r: satisfied(remediation_state(r), wait_for),
        first=remediation,
        stopping=session.stopping,
        timeout=timeout,
        poll_interval=session.settings.poll_interval,
        describe=lambda r: f"{label} {r.id} on {r.cluster_id}/{r.instance_id}: {remediation_state(r)}",
    )
    return result.value, result.outcome
