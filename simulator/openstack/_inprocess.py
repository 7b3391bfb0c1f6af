"""In-process use: the OpenStack app answers `requests`-based clients with no socket.

openstacksdk, keystoneauth, python-novaclient and Libcloud all send through `requests`, so
registering the app with `responses` serves every one of them: the request becomes a WSGI
environ and is answered exactly as on a served port.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator._nova import NovaCloud
from simulator._openstack_config import OpenStackConfig
from simulator.ec2._inprocess import _endpoint_pattern, register_ec2
from simulator.openstack._app import IDENTITY_PATH, OpenStackApp

if TYPE_CHECKING:
    import responses

DEFAULT_ENDPOINT = "https://openstack.simulator.invalid"
"""The fake endpoint of in-process use (`.invalid` never resolves, so nothing leaks out)."""


def register_openstack(
    mock: responses.RequestsMock, app: OpenStackApp, endpoint: str = DEFAULT_ENDPOINT
) -> None:
    """Answer every request to `endpoint` (any method, path, query) on `mock` with `app`."""
    register_ec2(mock, app, endpoint)


@dataclass(frozen=True)
class InProcessOpenStack:
    """What `in_process()` yields: the app, the endpoint and the `responses` mock.

    `auth_url` (`ENDPOINT/identity`) is what clients are given.
    """

    app: OpenStackApp
    endpoint: str
    mock: responses.RequestsMock

    @property
    def sim(self) -> NovaCloud:
        """The cloud behind the app."""
        return self.app.sim

    @property
    def auth_url(self) -> str:
        """The Keystone URL to give clients."""
        return self.endpoint + IDENTITY_PATH


@contextmanager
def in_process(
    target: OpenStackApp | NovaCloud | OpenStackConfig | None = None,
    *,
    endpoint: str = DEFAULT_ENDPOINT,
) -> Iterator[InProcessOpenStack]:
    """Serve `target` to `requests` at `endpoint`, in-process, for the `with` block.

    `target` is an `OpenStackApp`, a `NovaCloud` or an `OpenStackConfig` (wrapped in a new
    app), or None (the default cloud). Requests to any other URL pass through to whatever
    sent them before: the network, or an outer `responses` mock. Usage::

        with in_process() as cloud:
            conn = openstack.connect(auth_url=cloud.auth_url, username="mockuser", ...)
            cloud.sim.clock.tick(10)
    """
    import responses
    from requests.adapters import HTTPAdapter

    app = target if isinstance(target, OpenStackApp) else OpenStackApp(target)
    mock = responses.RequestsMock(
        assert_all_requests_are_fired=False,
        real_adapter_send=HTTPAdapter.send,  # the current one, so an outer mock still applies
    )
    register_openstack(mock, app, endpoint)
    own = _endpoint_pattern(endpoint).pattern
    mock.add_passthru(re.compile(f"(?!{own})"))
    with mock:
        yield InProcessOpenStack(app, endpoint.rstrip("/"), mock)
