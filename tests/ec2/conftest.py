"""Fixtures for the EC2 API tests: a simulator on a manual clock, its app, boto3 clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from simulator import ManualClock, Simulator
from simulator.ec2 import Ec2App, Ec2Server
from tests.ec2._support import ME, OTHER, START, client


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


@pytest.fixture(params=["in_process", pytest.param("served", marks=pytest.mark.live)])
def connect(
    request: pytest.FixtureRequest, app: Ec2App
) -> Iterator[Callable[[tuple[str, str]], Any]]:
    """Makes boto3 clients for some credentials: in-process, or over HTTP to a served app."""
    if request.param == "in_process":
        yield lambda credentials: client(credentials=credentials, app=app)
        return
    clients: list[Any] = []

    def connect(credentials: tuple[str, str]) -> Any:
        clients.append(client(server.url, credentials))
        return clients[-1]

    with Ec2Server(app, port=0, threads=4) as server:
        yield connect
        for each in clients:
            each.close()  # no socket left for the garbage collector to warn about


@pytest.fixture
def boto(connect: Callable[[tuple[str, str]], Any]) -> Any:
    """boto3 as mockuser."""
    return connect(ME)
