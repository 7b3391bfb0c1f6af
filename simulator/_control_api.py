"""The control API: JSON over HTTP under `/_sim/`, for tests driving a served simulator.

Provider-neutral: every cloud's front (`simulator.ec2`, `simulator.openstack`) serves the same
routes and bodies over its simulator; only the operation names a fault may be set on differ.

Unauthenticated (the server binds 127.0.0.1 unless told otherwise). Bodies and answers are
JSON objects; an error is `{"error": {"code": ..., "message": ...}}` with status 400 (bad
argument), 404 (no such route), 405 (wrong method) or 409 (the clock is real).

    GET    /_sim/                          this list of routes
    GET    /_sim/state                     region, clock, durations, accounts, account_ids
    GET    /_sim/clock                     {"kind": "manual" | "real", "now": epoch seconds}
    POST   /_sim/clock/tick                {"seconds": 40}            -> the clock
    POST   /_sim/clock/move_to             {"when": 1700000000.0 | "2024-01-01T00:00:00Z"}
    GET    /_sim/durations                 {"boot_seconds": 40.0, "stop_seconds": 20.0}
    POST   /_sim/durations                 {"boot_seconds"?: 0, "stop_seconds"?: 0}
    POST   /_sim/faults/fail_next          {"operation": "RunInstances", "count"?: 1,
                                            "code"?: "InternalError"}
    POST   /_sim/faults/fail_randomly      {"operation", "probability", "code"?}
    POST   /_sim/faults/add_latency        {"operation", "seconds"}
    POST   /_sim/faults/throttle           {"operation", "max_calls", "per_seconds"}
    POST   /_sim/faults/eventual_consistency  {"seconds"}
    DELETE /_sim/faults                    clear every fault
    POST   /_sim/reset                     drop instances, tags, audit log, faults, key pairs
                                           and groups (back to the configured ones)
    GET    /_sim/audit?since=N             {"entries": [...from the N-th on], "next": N'}

An `operation` is a name the front accepts (for EC2: an action name such as `RunInstances`, or
the simulator operation it calls, `run_instances`; for OpenStack: the cloud's operation names)
or `*` for all. An operation no request calls is refused, since a fault on it would never fire
(EC2's `authenticate`: requests are authenticated by their SigV4 signature). Ticking a real
clock is refused (409): it moves by itself.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs

from simulator._clock import ManualClock, RealClock
from simulator._faults import ANY

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

CONTROL_PATH = "/_sim"
"""The reserved path prefix of the control API."""

MAX_BODY = 64 * 1024

Json = dict[str, Any]
Route = Callable[[Json, dict[str, list[str]]], Json]


class ControlError(Exception):
    """A refused control request: HTTP status, code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _bad(message: str) -> ControlError:
    return ControlError(400, "InvalidArgument", message)


class Controlled(Protocol):
    """What the control API drives: an app with a simulator (`Simulator`, `NovaCloud`) and
    a `reset()` that resets both."""

    @property
    def sim(self) -> Any: ...

    def reset(self) -> None: ...


class ControlApi:
    """The control API of one app, as a WSGI application (see the module docstring).

    `operations` maps each name a fault may be set on to the simulator operation it means;
    `known` holds every operation of the simulator (one outside `operations` is refused as
    never called over HTTP); `described` words the front's names in an error message.
    """

    def __init__(
        self,
        app: Controlled,
        *,
        operations: Mapping[str, str],
        known: Collection[str],
        described: str,
    ) -> None:
        self._app = app
        self._aliases = dict(operations)
        self._served = frozenset(self._aliases.values())
        self._known = frozenset(known)
        self._described = described
        self._routes: dict[tuple[str, str], Route] = {
            ("GET", ""): self._index,
            ("GET", "state"): self._state,
            ("GET", "clock"): self._clock,
            ("POST", "clock/tick"): self._tick,
            ("POST", "clock/move_to"): self._move_to,
            ("GET", "durations"): self._durations,
            ("POST", "durations"): self._set_durations,
            ("POST", "faults/fail_next"): self._fail_next,
            ("POST", "faults/fail_randomly"): self._fail_randomly,
            ("POST", "faults/add_latency"): self._add_latency,
            ("POST", "faults/throttle"): self._throttle,
            ("POST", "faults/eventual_consistency"): self._eventual_consistency,
            ("DELETE", "faults"): self._clear_faults,
            ("POST", "reset"): self._reset,
            ("GET", "audit"): self._audit,
        }

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = (environ.get("PATH_INFO") or "")[len(CONTROL_PATH) :].strip("/")
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            route = self._routes.get((method, path))
            if route is None:
                if any(known == path for _, known in self._routes):
                    raise ControlError(405, "MethodNotAllowed", f"{method} /{path} is not allowed")
                raise ControlError(404, "NoSuchRoute", f"No control route /{path}")
            query = parse_qs(environ.get("QUERY_STRING", ""))
            status, answer = 200, route(_json_body(environ), query)
        except ControlError as err:
            status, answer = err.status, {"error": {"code": err.code, "message": err.message}}
        body = json.dumps(answer).encode()
        start_response(
            status_line(status),
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]

    # Routes

    def _index(self, body: Json, query: dict[str, list[str]]) -> Json:
        return {"routes": [f"{method} /_sim/{path}" for method, path in self._routes]}

    def _state(self, body: Json, query: dict[str, list[str]]) -> Json:
        sim = self._app.sim
        config = sim.config
        return {
            "region": sim.region,
            "clock": self._clock(body, query),
            "boot_seconds": config.boot_seconds,
            "stop_seconds": config.stop_seconds,
            "terminated_retention_seconds": config.terminated_retention_seconds,
            "accounts": [account.name for account in config.accounts],
            "account_ids": {account.name: account.id for account in config.accounts},
        }

    def _clock(self, body: Json, query: dict[str, list[str]]) -> Json:
        clock = self._app.sim.clock
        kind = (
            "manual"
            if isinstance(clock, ManualClock)
            else "real"
            if isinstance(clock, RealClock)
            else type(clock).__name__
        )
        return {"kind": kind, "now": clock.now()}

    def _manual_clock(self) -> ManualClock:
        clock = self._app.sim.clock
        if isinstance(clock, RealClock):
            raise ControlError(409, "RealClock", "The clock is real: time passes by itself")
        if not isinstance(clock, ManualClock):
            raise ControlError(409, "UnknownClock", f"Cannot move a {type(clock).__name__}")
        return clock

    def _tick(self, body: Json, query: dict[str, list[str]]) -> Json:
        seconds = _number(_only(body, "seconds"), "seconds")
        _applied(self._manual_clock().tick, seconds)
        return self._clock(body, query)

    def _move_to(self, body: Json, query: dict[str, list[str]]) -> Json:
        when = _only(body, "when")["when"]
        if isinstance(when, str):
            try:
                target: float | datetime = datetime.fromisoformat(when.replace("Z", "+00:00"))
            except ValueError:
                raise _bad(f"when must be epoch seconds or ISO 8601, got {when!r}") from None
        else:
            target = _number(body, "when")
        _applied(self._manual_clock().move_to, target)
        return self._clock(body, query)

    def _durations(self, body: Json, query: dict[str, list[str]]) -> Json:
        config = self._app.sim.config
        return {"boot_seconds": config.boot_seconds, "stop_seconds": config.stop_seconds}

    def _set_durations(self, body: Json, query: dict[str, list[str]]) -> Json:
        _only(body, optional=("boot_seconds", "stop_seconds"))
        _applied(self._app.sim.set_durations, **{name: _number(body, name) for name in body})
        return self._durations(body, query)

    def _fail_next(self, body: Json, query: dict[str, list[str]]) -> Json:
        _only(body, "operation", optional=("count", "code"))
        _applied(
            self._app.sim.faults.fail_next,
            self._operation(body),
            _integer(body.get("count", 1), "count"),
            _string(body.get("code", "InternalError"), "code"),
        )
        return {}

    def _fail_randomly(self, body: Json, query: dict[str, list[str]]) -> Json:
        _only(body, "operation", "probability", optional=("code",))
        _applied(
            self._app.sim.faults.fail_randomly,
            self._operation(body),
            _number(body, "probability"),
            _string(body.get("code", "InternalError"), "code"),
        )
        return {}

    def _add_latency(self, body: Json, query: dict[str, list[str]]) -> Json:
        _only(body, "operation", "seconds")
        _applied(self._app.sim.faults.add_latency, self._operation(body), _number(body, "seconds"))
        return {}

    def _throttle(self, body: Json, query: dict[str, list[str]]) -> Json:
        _only(body, "operation", "max_calls", "per_seconds")
        _applied(
            self._app.sim.faults.throttle,
            self._operation(body),
            _integer(body["max_calls"], "max_calls"),
            _number(body, "per_seconds"),
        )
        return {}

    def _eventual_consistency(self, body: Json, query: dict[str, list[str]]) -> Json:
        seconds = _number(_only(body, "seconds"), "seconds")
        _applied(self._app.sim.faults.eventual_consistency, seconds)
        return {}

    def _clear_faults(self, body: Json, query: dict[str, list[str]]) -> Json:
        self._app.sim.faults.clear()
        return {}

    def _reset(self, body: Json, query: dict[str, list[str]]) -> Json:
        self._app.reset()
        return {}

    def _audit(self, body: Json, query: dict[str, list[str]]) -> Json:
        since_text = query.get("since", ["0"])[-1]
        if not since_text.isdigit():
            raise _bad(f"since must be a whole number, got {since_text!r}")
        entries = self._app.sim.audit_log()
        return {
            "entries": [
                {
                    "instance_id": entry.instance_id,
                    "account": entry.account,
                    "from_state": entry.from_state,
                    "to_state": entry.to_state,
                    "cause": entry.cause,
                    "at": entry.at,
                    "resource_type": entry.resource_type,
                }
                for entry in entries[int(since_text) :]
            ],
            "next": len(entries),
        }

    def _operation(self, body: Json) -> str:
        name = _string(body.get("operation"), "operation")
        operation = self._aliases.get(name, name)
        if operation == ANY or operation in self._served:
            return operation
        expected = f"expected '*', {self._described}, or one of {', '.join(sorted(self._served))}"
        if operation in self._known:
            raise _bad(
                f"operation {name!r} is never called over HTTP, so a fault on it would never"
                f" fire ({expected})"
            )
        raise _bad(f"unknown operation {name!r} ({expected})")


def status_line(status: int) -> str:
    """The WSGI status line of `status`."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Error"


def _applied(setting: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    """Call `setting`; the ValueError it raises for a value out of range is a 400."""
    try:
        setting(*args, **kwargs)
    except ValueError as exc:
        raise _bad(str(exc)) from None


def _json_body(environ: WSGIEnvironment) -> Json:
    try:
        length = int(environ.get("CONTENT_LENGTH") or "0")
    except ValueError:
        raise _bad("Invalid Content-Length") from None
    if length > MAX_BODY:
        raise ControlError(413, "TooLarge", f"The body is larger than {MAX_BODY} bytes")
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise _bad("The body is not JSON") from None
    if not isinstance(body, dict):
        raise _bad("The body must be a JSON object")
    return body


def _only(body: Json, *required: str, optional: tuple[str, ...] = ()) -> Json:
    missing = [name for name in required if name not in body]
    if missing:
        raise _bad(f"Missing field(s): {', '.join(missing)}")
    unknown = sorted(set(body) - set(required) - set(optional))
    if unknown:
        raise _bad(f"Unknown field(s): {', '.join(unknown)}")
    return body


def _number(body: Json, name: str) -> float:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _integer(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(f"{name} must be an integer, got {value!r}")
    return value


def _string(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise _bad(f"{name} must be a non-empty string, got {value!r}")
    return value
