"""Helpers shared by the simulator tests: a client of the running simulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from together_api.client import RetryPolicy, TogetherClient
from together_simulator.process import SimulatorProcess

TRAINING = "cluster-training"
INFERENCE = "cluster-inference"


def client_for(sim: SimulatorProcess, *, retries: int = 1, api_key: str | None = None) -> TogetherClient:
    """A client that does not retry unless asked, so each test sees each answer."""
    return TogetherClient(
        api_key if api_key is not None else sim.api_key,
        sim.base_url,
        timeout=10.0,
        retry=RetryPolicy(max_attempts=retries, initial_backoff=0.01, max_backoff=0.05, jitter=0.0),
    )


@pytest.fixture
def client(simulator: SimulatorProcess) -> Iterator[TogetherClient]:
    with client_for(simulator) as api:
        yield api
