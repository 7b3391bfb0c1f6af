"""In-process use: the app answers HTTP clients at a fake endpoint, with no socket.

- `requests`-based clients: `register_ec2(mock, app)` adds the app to a `responses.RequestsMock`
  for every method and path under the endpoint; `in_process()` does that on a mock of its own
  that lets every other URL through.
- boto3/botocore clients (which do not use `requests`): `route_botocore(client, app)` answers
  the client's requests from its `before-send` event.

Either way the request is turned into a WSGI environ, so it is signed, parsed and answered
exactly as on a served port.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from simulator._simulator import Simulator
from simulator.ec2._app import Ec2App

if TYPE_CHECKING:
    import responses
    from requests import PreparedRequest

DEFAULT_ENDPOINT = "https://ec2.simulator.invalid"
"""The fake endpoint of in-process use (`.invalid` never resolves, so nothing leaks out)."""

_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
_DEFAULT_PORTS = {"http": 80, "https": 443}


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
"""Any WSGI application (`Ec2App`, `simulator.openstack.OpenStackApp`)."""


def call_wsgi(
    app: WsgiApp, method: str, url: str, headers: Iterable[tuple[str, str | bytes]], body: bytes
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Send one HTTP request to `app` as WSGI; returns (status, headers, body)."""
    parts = urlsplit(url)
    scheme = parts.scheme or "http"
    hostname = parts.hostname or "localhost"
    port = parts.port or _DEFAULT_PORTS.get(scheme, 80)
    host = hostname if port == _DEFAULT_PORTS.get(scheme) else f"{hostname}:{port}"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(parts.path or "/", encoding="latin-1"),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": hostname,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": host,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in headers:
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = text
        elif key != "CONTENT_LENGTH":
            environ["HTTP_" + key] = text
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], *_: Any) -> Any:
        answer["status"] = int(status.split(" ", 1)[0])
        answer["headers"] = response_headers
        return None

    chunks = app(environ, start_response)
    return answer["status"], answer["headers"], b"".join(chunks)


def _body_bytes(body: Any) -> bytes:
    """A client's request body as bytes: None, text, bytes, or a file-like object."""
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    return bytes(body.read())


def _endpoint_pattern(endpoint: str) -> re.Pattern[str]:
    return re.compile(re.escape(endpoint.rstrip("/")) + r"(?:[/?#]|\Z)")


def register_ec2(
    mock: responses.RequestsMock, app: WsgiApp, endpoint: str = DEFAULT_ENDPOINT
) -> None:
    """Answer every request to `endpoint` (any method, path, query) on `mock` with `app`.

    Adds callbacks only: what `mock` does with other URLs is up to it (`in_process` lets them
    through). `endpoint` is a scheme and host, such as `https://ec2.simulator.invalid` or
    `http://127.0.0.1:8773`; clients sign their requests for that host.
    """
    pattern = _endpoint_pattern(endpoint)

    def answer(request: PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        status, headers, content = call_wsgi(
            app,
            request.method or "GET",
            request.url or "",
            request.headers.items(),
            _body_bytes(request.body),
        )
        return status, dict(headers), content

    for method in _METHODS:
        mock.add_callback(method, pattern, callback=answer, content_type=None)


@dataclass(frozen=True)
class InProcessEc2:
    """What `in_process()` yields: the app, its simulator, the endpoint, the `responses` mock."""

    app: Ec2App
    endpoint: str
    mock: responses.RequestsMock

    @property
    def sim(self) -> Simulator:
        """The simulator behind the app."""
        return self.app.sim


@contextmanager
def in_process(
    target: Ec2App | Simulator | None = None, *, endpoint: str = DEFAULT_ENDPOINT
) -> Iterator[InProcessEc2]:
    """Serve `target` to `requests` at `endpoint`, in-process, for the `with` block.

    `target` is an `Ec2App`, a `Simulator` (wrapped in a new app) or None (a new simulator).
    Requests to any other URL pass through to whatever sent them before: the network, or an
    outer `responses` mock. Usage::

        with in_process() as ec2:
            requests.post(ec2.endpoint + "/", data=..., headers=signed_headers)
            ec2.sim.clock.tick(40)
    """
    import responses
    from requests.adapters import HTTPAdapter

    app = target if isinstance(target, Ec2App) else Ec2App(target)
    mock = responses.RequestsMock(
        assert_all_requests_are_fired=False,
        real_adapter_send=HTTPAdapter.send,  # the current one, so an outer mock still applies
    )
    register_ec2(mock, app, endpoint)
    own = _endpoint_pattern(endpoint).pattern
    mock.add_passthru(re.compile(f"(?!{own})"))
    with mock:
        yield InProcessEc2(app, endpoint.rstrip("/"), mock)


class _Body(io.BytesIO):
    """A response body as botocore reads it: `stream()` yields the bytes."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.getvalue()


def route_botocore(client: Any, app: Ec2App) -> Callable[[], None]:
    """Answer every request of a boto3/botocore EC2 `client` with `app`, in-process.

    Hooks the client's `before-send` event: the signed request goes to the app as WSGI and
    its answer goes back to botocore, which parses it as usual (retries and waiters
    included). The client's `endpoint_url` is only a name here. Returns a function that
    removes the hook.
    """
    from botocore.awsrequest import AWSResponse

    def send(request: Any, **_: Any) -> Any:
        status, headers, content = call_wsgi(
            app, request.method, request.url, request.headers.items(), _body_bytes(request.body)
        )
        return AWSResponse(request.url, status, dict(headers), _Body(content))

    event = f"before-send.{client.meta.service_model.endpoint_prefix}"
    unique_id = f"simulator-ec2-{id(app)}"
    client.meta.events.register(event, send, unique_id=unique_id)

    def remove() -> None:
        client.meta.events.unregister(event, unique_id=unique_id)

    return remove
