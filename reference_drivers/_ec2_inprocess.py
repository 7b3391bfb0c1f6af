"""The embedded simulator, in-process: a ``requests`` session that only one driver uses.

The simulator's EC2 application is registered (``register_ec2``) on a ``responses`` mock that is
never started, so nothing is patched: the mock answers only through an adapter mounted on the
driver's own session for the fake endpoint. Other sessions, and other hosts, still go to the
network.
"""

from __future__ import annotations

from collections.abc import Mapping

import requests
import responses
from requests.adapters import HTTPAdapter

import simulator as sim
from simulator.ec2 import DEFAULT_ENDPOINT, Ec2App, register_ec2

__all__ = ["ENDPOINT", "attach", "connect"]

ENDPOINT = DEFAULT_ENDPOINT.rstrip("/") + "/"


class _MockAdapter(HTTPAdapter):
    """An adapter answering from a ``responses`` mock instead of a socket."""

    def __init__(self, mock: responses.RequestsMock) -> None:
        super().__init__()
        self._answer = mock.unbound_on_send()

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        return self._answer(
            self,
            request,
            stream=stream,
            timeout=timeout,
            verify=verify,
            cert=cert,
            proxies=proxies,
        )


def attach(session: requests.Session, target: sim.Simulator | Ec2App) -> str:
    """Make ``session`` reach ``target`` (a simulator, or its EC2 application) at the fake
    endpoint; returns the endpoint URL."""
    app = target if isinstance(target, Ec2App) else Ec2App(target, control=False)
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    register_ec2(mock, app, DEFAULT_ENDPOINT)
    session.mount(ENDPOINT, _MockAdapter(mock))
    return ENDPOINT


def connect(simulator: sim.Simulator) -> tuple[requests.Session, str]:
    """A session reaching ``simulator`` through its EC2 application, and the endpoint URL."""
    session = requests.Session()
    return session, attach(session, simulator)
