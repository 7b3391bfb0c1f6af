"""The WSGI application: EC2 Query requests in, the simulator in the middle, EC2 XML out.

A request goes through, in order: method (GET or POST), body size, form decoding, the signature
(SigV4 in the `Authorization` header, or SigV2 in the parameters), `Action` and `Version`, the
action's own parameters, and only then the simulator. Any refusal is an EC2 error document with
EC2's HTTP status; nothing changes before the last step. Paths under `CONTROL_PATH` go to the
control API instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from itertools import count
from typing import TYPE_CHECKING, Any

from simulator._errors import SimulatorError
from simulator._simulator import Simulator
from simulator.ec2._actions import ACTIONS, Call
from simulator.ec2._control import CONTROL_PATH, ControlApi
from simulator.ec2._errors import RequestError, error_document, http_status, missing, status_line
from simulator.ec2._launches import Launches
from simulator.ec2._query import Params, decode_pairs
from simulator.ec2._sigv2 import SIGNATURE_PARAMETERS, signed_with_v2, verify_v2
from simulator.ec2._sigv4 import SignedRequest, Verifier
from simulator.ec2._xml import API_VERSION, response

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

MAX_BODY = 1024 * 1024
"""The largest request body (bytes) or query string accepted; more is RequestEntityTooLarge."""

_LOG = logging.getLogger("simulator.ec2")


def _wall_clock() -> float:
    return time.time()  # looked up at each call, so freezegun governs it


class Ec2App:
    """The EC2 Query API (version 2016-11-15) over one `Simulator`, as a WSGI application.

    `sim` defaults to a fresh `Simulator()`. Requests are signed with SigV4 by an account of
    the simulator (access key id = account name, secret = its secret), in the simulator's
    region, for service `ec2`, within 15 minutes of `wall_clock()` (default `time.time`) or of
    the simulator's clock. With `control=True` the control API answers under `/_sim/`.
    Thread-safe: serve it from as many threads as you like.
    """

    def __init__(
        self,
        sim: Simulator | None = None,
        *,
        control: bool = True,
        wall_clock: Callable[[], float] = _wall_clock,
    ) -> None:
        self.sim = sim if sim is not None else Simulator()
        self.launches = Launches()
        self._wall_clock = wall_clock
        self._verifier = Verifier(self.sim.account_secret, self.sim.region)
        self._serials = count(1)
        self._owner_ids = {account.name: account.id for account in self.sim.config.accounts}
        self._control: Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]] | None = None
        if control:
            self._control = ControlApi(self)

    def __repr__(self) -> str:
        return f"<Ec2App {self.sim!r}>"

    def reset(self) -> None:
        """Reset the simulator (`Simulator.reset`) and what this layer remembers of it.

        Prefer this (or `POST /_sim/reset`) to `sim.reset()` alone, after which reservation
        ids and client tokens remembered here would outlive their instances.
        """
        self.launches.clear()
        self.sim.reset()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if self._control is not None and (
            path == CONTROL_PATH or path.startswith(CONTROL_PATH + "/")
        ):
            return list(self._control(environ, start_response))
        request_id = f"5e1a0000-0000-4000-8000-{next(self._serials):012x}"
        try:
            status, body = 200, self._handle(environ, request_id)
        except SimulatorError as err:
            status = http_status(err.code)
            body = error_document(err.code, err.message, request_id)
        except Exception:
            _LOG.exception("unexpected error in request %s", request_id)
            status = 500
            body = error_document("InternalError", "An internal error has occurred", request_id)
        start_response(
            status_line(status),
            [("Content-Type", "text/xml;charset=UTF-8"), ("Content-Length", str(len(body)))],
        )
        return [body]

    def _handle(self, environ: WSGIEnvironment, request_id: str) -> bytes:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "POST"):
            raise RequestError(
                "MethodNotAllowed", f"The HTTP method {method} is not allowed: use GET or POST"
            )
        body = _read_body(environ)
        query = environ.get("QUERY_STRING", "")
        if len(query) > MAX_BODY:
            raise RequestError(
                "RequestEntityTooLarge",
                f"The query string ({len(query)} characters) is longer than {MAX_BODY}",
            )

        def header(name: str) -> str | None:
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            value = environ.get(key)
            return value if isinstance(value, str) else None

        nows = (self._wall_clock(), self.sim.clock.now())
        pairs = decode_pairs(query)
        if method == "POST" and body:
            content_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
            if content_type != "application/x-www-form-urlencoded":
                raise RequestError(
                    "InvalidParameterValue",
                    f"Content-Type '{content_type}' is not supported: send "
                    "application/x-www-form-urlencoded",
                )
            pairs += decode_pairs(body)
        path = environ.get("PATH_INFO") or "/"
        if header("authorization") is None and signed_with_v2(pairs):
            host = header("host") or environ.get("SERVER_NAME", "localhost")
            account = verify_v2(pairs, method, host, path, self.sim.account_secret, nows)
            pairs = [pair for pair in pairs if pair[0] not in SIGNATURE_PARAMETERS]
        else:
            account = self._verifier.verify(SignedRequest(method, path, query, header, body), nows)
        params = Params.from_pairs(pairs)
        action = params.string("Action")
        if not action:
            raise RequestError("MissingAction", "The request must contain the parameter Action")
        version = params.string("Version")
        if version is None:
            raise missing("Version")
        entry = ACTIONS.get(action)
        if entry is None:
            raise RequestError(
                "InvalidAction", f"The action {action} is not valid for this web service."
            )
        if version != API_VERSION:
            raise RequestError(
                "NoSuchVersion",
                f"The requested version ({version}) of service AmazonEC2 does not exist: "
                f"this endpoint speaks {API_VERSION}",
            )
        dry_run = bool(params.boolean("DryRun"))
        host = header("host") or environ.get("SERVER_NAME", "localhost")
        _, handler = entry
        call = Call(
            self.sim, account, params, dry_run, host, self.launches, self._owner_ids[account]
        )
        return response(action, request_id, handler(call))


def _read_body(environ: WSGIEnvironment) -> bytes:
    length_text = environ.get("CONTENT_LENGTH") or "0"
    try:
        length = int(length_text)
        if length < 0:
            raise ValueError(length_text)
    except ValueError:
        raise RequestError(
            "InvalidParameterValue", f"Invalid Content-Length '{length_text}'"
        ) from None
    if length > MAX_BODY:
        raise RequestError(
            "RequestEntityTooLarge",
            f"The request body ({length} bytes) is larger than {MAX_BODY} bytes",
        )
    if not length:
        return b""
    stream: Any = environ["wsgi.input"]
    body: bytes = stream.read(length)
    return body
