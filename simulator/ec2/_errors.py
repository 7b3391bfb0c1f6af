"""EC2 error documents: the HTTP status of each error code, and the XML that carries it.

Errors raised by the HTTP layer join the simulator's one tree:

SimulatorError                  (simulator._errors: the core's errors, each with its EC2 code)
└── RequestError                an error of the request itself: its code is given per instance
                                (MissingParameter, InvalidAction, UnknownParameter, ...)

Every code maps to the HTTP status EC2 answers with (`http_status`); a code not in the table is
a client error, 400.
"""

from __future__ import annotations

from simulator._errors import SimulatorError
from simulator.ec2._xml import text

STATUS: dict[str, int] = {
    # Authentication: EC2 answers 401 for credentials it cannot validate; AWS documents 403
    # for a request with no credentials at all.
    "AuthFailure": 401,
    "MissingAuthenticationToken": 403,
    "IncompleteSignature": 400,
    "RequestExpired": 400,
    # The request itself.
    "MalformedQueryString": 404,  # as AWS documents it
    "RequestEntityTooLarge": 413,
    "MethodNotAllowed": 405,
    "DryRunOperation": 412,
    # Server-side conditions: 5xx, which SDKs retry.
    "InternalError": 500,
    "InternalFailure": 500,
    "InsufficientInstanceCapacity": 500,
    "InsufficientCapacity": 500,
    "Unavailable": 503,
    "ServiceUnavailable": 503,
    "RequestLimitExceeded": 503,
}
"""The HTTP status of every error code that does not answer 400."""


_REASONS = {
    200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 409: "Conflict", 412: "Precondition Failed",
    413: "Request Entity Too Large", 500: "Internal Server Error", 503: "Service Unavailable",
}  # fmt: skip


def status_line(status: int) -> str:
    """The WSGI status line of `status`: `200 OK` and the like."""
    return f"{status} {_REASONS.get(status, 'Error')}"


def http_status(code: str) -> int:
    """The HTTP status EC2 answers an error `code` with (400 unless the table says otherwise)."""
    return STATUS.get(code, 400)


class RequestError(SimulatorError):
    """Raised by the HTTP layer for a request it refuses: bad parameters, signature, action."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def missing(name: str) -> RequestError:
    """The error for a required parameter `name` that the request lacks."""
    return RequestError("MissingParameter", f"The request must contain the parameter {name}")


def invalid(name: str, value: str, why: str = "") -> RequestError:
    """The error for a parameter `name` whose `value` is not acceptable."""
    return RequestError(
        "InvalidParameterValue", f"Invalid value '{value}' for {name}{'. ' + why if why else ''}"
    )


def error_document(code: str, message: str, request_id: str) -> bytes:
    """The XML error document EC2 sends: `Response/Errors/Error/(Code, Message)` and the id."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Response><Errors><Error><Code>{text(code)}</Code><Message>{text(message)}</Message>"
        f"</Error></Errors><RequestID>{request_id}</RequestID></Response>"
    ).encode()
