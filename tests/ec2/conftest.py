"""Fixtures for the EC2 API tests: a simulator on a manual clock, its app, boto3 clients."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from simulator import ManualClock, Simulator
from simulator.ec2 import Ec2App, Ec2Server
from tests.ec2._support import OTHER, START, client


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def sim(clock: ManualClock) -> Simulator:
    return Simulator(clock=clock)


@pytest.fixture
def app(sim: Simulator) -> Ec2App:
    return Ec2App(sim)


@pytest.fixture
def ec2(app: Ec2App) -> Any:
    """boto3, mockuser, answered in-process by `app` (retries off: errors surface at once)."""
    return client(app=app)


@pytest.fixture
def other_ec2(app: Ec2App) -> Any:
    """boto3 as otheruser, in-process."""
    return client(credentials=OTHER, app=app)


@pytest.fixture
def server(sim: Simulator) -> Iterator[Ec2Server]:
    """The simulator served on a free port of 127.0.0.1, stopped afterwards."""
    with Ec2Server(Ec2App(sim), port=0, threads=4) as running:
        yield running
