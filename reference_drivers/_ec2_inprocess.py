"""The embedded simulator, in-process: a ``requests`` session that only one driver uses.

The simulator's EC2 application answers through an adapter mounted on the driver's own session
for the fake endpoint, which hands each request to the application as WSGI (``call_wsgi``, as
``register_ec2`` does for a ``responses`` mock, without the mock's matching): nothing is
patched, and other sessions, and other hosts, still go to the network.

The adapter can also lose answers, as a network timeout does: for SPEC 9's ``timeout`` fault the
request is served (the simulator acts) and the driver gets ``requests.ReadTimeout`` instead.
``attach_botocore`` does the same for a boto3/botocore client (which does not use ``requests``):
answered by ``simulator.ec2.route_botocore``, a lost answer is botocore's ``ReadTimeoutError``.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

import simulator as sim
from reference_drivers._faults import LostAnswerCount
from simulator.ec2 import ACTIONS, DEFAULT_ENDPOINT, Ec2App, call_wsgi, route_botocore

__all__ = ["ENDPOINT", "LostAnswers", "attach", "attach_botocore", "connect"]

ENDPOINT = DEFAULT_ENDPOINT.rstrip("/") + "/"


class LostAnswers(LostAnswerCount):
    """The answers to lose, for requests of the EC2 Query API."""

    def take(self, body: object, url: str | None = None) -> bool:
        """Whether the answer to the request with this form ``body`` (or, for a GET, the query
        of this ``url``) is to be lost."""
        text = body.decode() if isinstance(body, bytes) else body
        form = parse_qs(text) if isinstance(text, str) else {}
        if "Action" not in form and url is not None:
            form = parse_qs(urlsplit(url).query)
        action = form.get("Action", [""])[0]
        return self.consume(ACTIONS[action][0] if action in ACTIONS else None)


def _where(url: str | None) -> str:
    """The URL without its query, which may hold a key id and a signature."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


_REASONS = {status.value: status.phrase for status in HTTPStatus}


class _AppAdapter(HTTPAdapter):
    """An adapter answering from the EC2 application instead of a socket."""

    def __init__(self, app: Ec2App, lost: LostAnswers) -> None:
        super().__init__()
        self._app = app
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
        body = request.body
        content = body.encode() if isinstance(body, str) else bytes(body or b"")
        status, headers, answer = call_wsgi(
            self._app, request.method or "GET", request.url or "", request.headers.items(), content
        )
        if self._lost.take(request.body, request.url):
            raise requests.ReadTimeout(f"no answer from {_where(request.url)} in time (injected)")
        response = requests.Response()
        response.status_code = status
        response.reason = _REASONS.get(status, "")
        response.headers = CaseInsensitiveDict(headers)
        response._content = answer
        response.raw = io.BytesIO(answer)
        response.url = request.url or ""
        response.request = request
        response.encoding = get_encoding_from_headers(response.headers)
        response.elapsed = datetime.timedelta(0)
        return response


def attach(
    session: requests.Session, target: sim.Simulator | Ec2App, lost: LostAnswers | None = None
) -> str:
    """Make ``session`` reach ``target`` (a simulator, or its EC2 application) at the fake
    endpoint, losing the answers ``lost`` names; returns the endpoint URL."""
    app = target if isinstance(target, Ec2App) else Ec2App(target, control=False)
    session.mount(ENDPOINT, _AppAdapter(app, lost if lost is not None else LostAnswers()))
    return ENDPOINT


def attach_botocore(
    client: Any, target: sim.Simulator | Ec2App, lost: LostAnswers | None = None
) -> None:
    """Make the boto3/botocore EC2 ``client`` reach ``target`` in-process, losing the answers
    ``lost`` names: the simulator acts, and the client gets ``ReadTimeoutError`` instead."""
    from botocore.exceptions import ReadTimeoutError

    app = target if isinstance(target, Ec2App) else Ec2App(target, control=False)
    route_botocore(client, app)
    if lost is None:
        return

    def lose(request: Any, **_: Any) -> None:
        if lost.take(request.body, request.url):
            raise ReadTimeoutError(endpoint_url=f"{_where(request.url)} (answer lost, injected)")

    # after route_botocore's handler, which has already had the simulator act on the request
    event = f"before-send.{client.meta.service_model.endpoint_prefix}"
    client.meta.events.register_last(event, lose, unique_id=f"lost-answers-{id(lost)}")


def connect(simulator: sim.Simulator) -> tuple[requests.Session, str, LostAnswers]:
    """A session reaching ``simulator`` through its EC2 application, the endpoint URL, and the
    answers that session is to lose."""
    session = requests.Session()
    session.trust_env = False  # nothing leaves the process: no proxy or netrc to look up
    lost = LostAnswers()
    return session, attach(session, simulator, lost), lost
