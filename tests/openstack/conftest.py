"""Fixtures for the OpenStack API tests: a cloud on a manual clock, its app, raw clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator import ManualClock
from simulator.openstack import NovaCloud, OpenStackApp, OpenStackServer
from tests.openstack._support import ME, OTHER, START, Api


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def cloud(clock: ManualClock) -> NovaCloud:
    return NovaCloud(clock=clock)


@pytest.fixture
def app(cloud: NovaCloud) -> OpenStackApp:
    return OpenStackApp(cloud)


@pytest.fixture
def api(app: OpenStackApp) -> Api:
    """mockuser's raw requests."""
    return Api(app, ME)


@pytest.fixture
def other(app: OpenStackApp) -> Api:
    """otheruser's raw requests."""
    return Api(app, OTHER)


@pytest.fixture
def server(app: OpenStackApp) -> Iterator[OpenStackServer]:
    """The app served on a free port of 127.0.0.1, stopped afterwards."""
    with OpenStackServer(app, port=0, threads=4) as running:
        yield running
