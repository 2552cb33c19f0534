"""pytest fixtures: a running simulator per test.

``simulator``: seeded demo world, zero lifecycle durations, the demo key.
``simulator_factory(**kwargs)``: more simulators, with ``SimulatorProcess`` keyword arguments;
each is stopped and removed after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from together_simulator.process import SimulatorProcess


@pytest.fixture
def simulator_factory() -> Iterator[Callable[..., SimulatorProcess]]:
    started: list[SimulatorProcess] = []

    def make(**kwargs) -> SimulatorProcess:
        sim = SimulatorProcess(**kwargs)
        started.append(sim)
        return sim.start()

    yield make
    for sim in started:
        sim.cleanup()


@pytest.fixture
def simulator(simulator_factory: Callable[..., SimulatorProcess]) -> SimulatorProcess:
    return simulator_factory(seed="demo", durations="zero")
