"""What the three OpenStack services share on the wire: errors, JSON answers, times, bodies.

Each service words its errors its own way (`../shared/OPENSTACK_API.md` section 4): Nova
`{"<name>": {"code", "message"}}`, Keystone (and keystonemiddleware in front of Nova and
Glance) `{"error": {"code", "title", "message"}}`, Glance `{"message", "code": "404 Not Found",
"title"}`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from werkzeug.wrappers import Request, Response

COMPUTE = "compute"
IDENTITY = "identity"
IMAGE = "image"

MAX_BODY = 112 * 1024
"""The largest request body accepted (Nova's `max_request_body_size`); more is a 413."""

JSON = "application/json"

NOVA_NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    501: "notImplemented",
    503: "serviceUnavailable",
}
"""Nova's fault name of each status; any other is `computeFault`."""

UNAUTHENTICATED = "The request you have made requires authentication."


class ApiError(Exception):
    """A refused request: its status, one-line message, and the service that words it.

    `service` picks the format (`compute`, `identity` or `image`); `headers` are added to the
    answer (`WWW-Authenticate`, `Retry-After`).
    """

    def __init__(
        self,
        status: int,
        message: str,
        service: str = COMPUTE,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.service = service
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The error document of the service."""
        title = _reason(self.status)
        if self.service == IDENTITY:
            return {"error": {"code": self.status, "title": title, "message": self.message}}
        if self.service == IMAGE:
            return {"message": self.message, "code": f"{self.status} {title}", "title": title}
        fault: dict[str, Any] = {"code": self.status, "message": self.message}
        if "Retry-After" in self.headers:
            fault["retryAfter"] = self.headers["Retry-After"]
        return {NOVA_NAMES.get(self.status, "computeFault"): fault}


def unauthorized(identity_url: str) -> ApiError:
    """keystonemiddleware's (and Keystone's) 401, with its `WWW-Authenticate` challenge."""
    return ApiError(
        401,
        UNAUTHENTICATED,
        IDENTITY,
        {"WWW-Authenticate": f'Keystone uri="{identity_url}"'},
    )


def answer(status: int, document: object | None, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer (an empty body for None)."""
    body = b"" if document is None else json.dumps(document).encode()
    response = Response(body, status=status, content_type=f"{JSON}; charset=UTF-8")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def read_json(request: Request, service: str = COMPUTE) -> dict[str, Any]:
    """The request's body as a JSON object, or the service's 400/413/415."""
    length = request.content_length
    if length is not None and length > MAX_BODY:
        raise ApiError(413, "Request is too large.", service)
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY:
        raise ApiError(413, "Request is too large.", service)
    mimetype = request.mimetype
    if raw and mimetype and mimetype != JSON and not mimetype.endswith("+json"):
        raise ApiError(415, f"Unsupported Content-Type {mimetype!r}: send {JSON}", service)
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Malformed request body", service) from None
    if not isinstance(document, dict):
        raise ApiError(400, "Malformed request body: a JSON object is expected", service)
    return document


def timestamp(epoch: float, *, micro: bool = False) -> str:
    """Nova's `%Y-%m-%dT%H:%M:%SZ` (Keystone's, with microseconds, when `micro`)."""
    moment = datetime.fromtimestamp(epoch, UTC)
    if micro:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> float | None:
    """Epoch seconds of an ISO 8601 time (a naive one is UTC), or None if it is not one."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
