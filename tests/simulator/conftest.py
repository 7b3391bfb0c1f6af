"""Fixtures for the simulator tests: simulators on a manual clock."""

from __future__ import annotations

import pytest

from simulator import ManualClock, Simulator, SimulatorConfig
from tests.simulator._support import START


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def sim(clock: ManualClock) -> Simulator:
    return Simulator(clock=clock)


@pytest.fixture
def instant(clock: ManualClock) -> Simulator:
    """A simulator whose automatic transitions take no time."""
    return Simulator(SimulatorConfig(boot_seconds=0, stop_seconds=0), clock=clock)
