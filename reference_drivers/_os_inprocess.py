"""The embedded OpenStack simulator, in-process: a ``requests`` session that only one driver uses.

The simulator's OpenStack application is registered on a ``responses`` mock that is never
started, so nothing is patched: the mock answers only through an adapter mounted on the driver's
own session for the fake host (as ``_ec2_inprocess`` does for EC2). The adapter can lose
answers, as a network timeout does: for SPEC 9's ``timeout`` fault the request is served (the
simulator acts) and the driver gets ``requests.ReadTimeout`` instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

import requests
import responses
from requests.adapters import HTTPAdapter

from reference_drivers._ec2_control import RemoteFaults
from reference_drivers._faults import (
    OPENSTACK_KINDS,
    OPENSTACK_OPERATIONS,
    LostAnswerCount,
    SimulatorFaults,
)
from simulator.openstack import NovaCloud, OpenStackApp, register_openstack

__all__ = ["HOST", "LostRequests", "attach", "connect", "operation_of", "remote_faults"]

#: Where the in-process cloud answers (its catalog's URLs are on this host).
HOST = "http://openstack.simulator.invalid"

_ACTION_OPERATIONS = {
    "reboot": "reboot_server",
    "os-stop": "stop_server",
    "os-start": "start_server",
}
_ROUTES = (
    ("POST", re.compile(r"/compute/v2\.1/servers/?$"), "create_server"),
    ("DELETE", re.compile(r"/compute/v2\.1/servers/[^/]+$"), "delete_server"),
    ("GET", re.compile(r"/compute/v2\.1/servers(/detail)?$"), "servers"),
    ("GET", re.compile(r"/compute/v2\.1/flavors(/detail)?$"), "flavors"),
    ("GET", re.compile(r"/compute/v2\.1/os-availability-zone$"), "zones"),
    ("GET", re.compile(r"/image/v2/images$"), "images"),
)
_ACTION = re.compile(r"/compute/v2\.1/servers/[^/]+/action$")


def operation_of(method: str, url: str, body: object) -> str | None:
    """The simulator operation a request to the OpenStack front performs (None: not one that
    faults target)."""
    path = urlsplit(url).path
    if method == "POST" and _ACTION.search(path):
        try:
            document = json.loads(body) if isinstance(body, bytes | str) else None
        except ValueError:
            return None
        if isinstance(document, dict) and len(document) == 1:
            return _ACTION_OPERATIONS.get(next(iter(document)))
        return None
    return next(
        (operation for verb, route, operation in _ROUTES if verb == method and route.search(path)),
        None,
    )


class LostRequests(LostAnswerCount):
    """The answers to lose, for requests of the OpenStack APIs."""

    def take(self, request: requests.PreparedRequest) -> bool:
        """Whether the answer to ``request`` is to be lost."""
        return self.consume(operation_of(request.method or "", request.url or "", request.body))


class _MockAdapter(HTTPAdapter):
    """An adapter answering from a ``responses`` mock instead of a socket."""

    def __init__(self, mock: responses.RequestsMock, lost: LostRequests) -> None:
        super().__init__()
        self._answer = mock.unbound_on_send()
        self._lost = lost

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        answer = self._answer(
            self,
            request,
            stream=stream,
            timeout=timeout,
            verify=verify,
            cert=cert,
            proxies=proxies,
        )
        if self._lost.take(request):
            where = urlsplit(request.url or "")
            raise requests.ReadTimeout(
                f"no answer from {where.scheme}://{where.netloc}{where.path} in time (injected)"
            )
        return answer


def attach(
    session: requests.Session, cloud: NovaCloud | OpenStackApp, lost: LostRequests | None = None
) -> str:
    """Make ``session`` reach ``cloud`` (a ``simulator.NovaCloud``, or its OpenStack
    application) at the fake host, losing the answers ``lost`` names; returns the auth URL."""
    app = cloud if isinstance(cloud, OpenStackApp) else OpenStackApp(cloud, control=False)
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    register_openstack(mock, app, HOST)
    session.mount(HOST + "/", _MockAdapter(mock, lost if lost is not None else LostRequests()))
    return HOST + "/identity"


def connect(
    cloud: NovaCloud | None = None,
) -> tuple[requests.Session, str, NovaCloud, SimulatorFaults]:
    """A session reaching ``cloud`` (a fresh one if None), the auth URL, the cloud, and its
    SPEC 9 fault injection (a ``timeout`` loses the answer after the cloud acted)."""
    cloud = cloud if cloud is not None else NovaCloud()
    session = requests.Session()
    session.trust_env = False  # nothing leaves the process: no proxy or netrc to look up
    lost = LostRequests()
    auth_url = attach(session, cloud, lost)
    faults = SimulatorFaults(
        cloud, lost.lose, lost.forget, operations=OPENSTACK_OPERATIONS, kinds=OPENSTACK_KINDS
    )
    return session, auth_url, cloud, faults


def remote_faults(control_url: str) -> RemoteFaults:
    """The fault injection of a ``dctck simulate --api openstack`` server (SPEC 9)."""
    return RemoteFaults(control_url, operations=OPENSTACK_OPERATIONS, kinds=OPENSTACK_KINDS)
