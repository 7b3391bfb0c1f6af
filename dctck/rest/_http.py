"""What the REST front reads from a request, and the error any handler may raise.

werkzeug gives the request and response objects, routing, ``Accept`` parsing and conditional
answers; this module adds what Deltacloud needs on top: the path as the client sent it (so ``%2F``
inside an id stays inside the id), the matrix parameters of ``/api;driver=ec2/instances``, and
strict reading of the query and the body (UTF-8, bounded). Anything malformed is an
:class:`HttpError` with a 4xx status, never an exception of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urlsplit

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Request

__all__ = [
    "FORM",
    "JSON_BODY",
    "MAX_BODY",
    "MAX_PARAMETERS",
    "MAX_VALUE",
    "HttpError",
    "Target",
    "body_pairs",
    "decode_segment",
    "query_pairs",
    "read_target",
]

#: The largest request body read, in bytes; a larger one is refused with 413.
MAX_BODY = 64 * 1024
#: The most parameters a query or a body may carry: enough for a filter naming every id of a
#: large collection (SPEC 6 sets no size limit; EC2's catalogue has 182 hardware profiles).
MAX_PARAMETERS = 1024
#: The longest parameter value or path segment, in characters.
MAX_VALUE = 1024

FORM = "application/x-www-form-urlencoded"
JSON_BODY = "application/json"

#: Segments (counted from the first, ``api``) that may carry matrix parameters: ``/api;driver=x``
#: and ``/api/instances;image_id=y``. Ids never do: a ``;`` in an id is part of the id.
_MATRIX_SEGMENTS = 2


class HttpError(HTTPException):
    """An answer other than success: a status, a kind for machines, a message for people.

    ``headers`` go into the response (``WWW-Authenticate`` for 401, ``Allow`` for 405).
    """

    def __init__(
        self, status: int, kind: str, message: str, *, headers: Iterable[tuple[str, str]] = ()
    ) -> None:
        super().__init__(description=message)
        self.code = status
        self.status = status
        self.kind = kind
        self.message = message
        self.extra_headers = list(headers)

    def __str__(self) -> str:
        return f"{self.status} {self.kind}: {self.message}"


@dataclass(frozen=True)
class Target:
    """The request target as the front routes it.

    ``path`` is still percent-encoded and free of matrix parameters; ``matrix`` holds those of
    the ``api`` and collection segments; ``api_matrix`` is the text after ``/api`` that hrefs
    repeat, so a client that chose ``/api;driver=ec2`` stays with that driver by following them.
    """

    path: str
    matrix: dict[str, str] = field(default_factory=dict)
    api_matrix: str = ""


def read_target(environ: Mapping[str, Any]) -> Target:
    """The target of the request: from the raw request URI when the server gives one."""
    raw_uri = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw_uri:
        raw = urlsplit(str(raw_uri)).path
        script = str(environ.get("SCRIPT_NAME", ""))
        if script and raw.startswith(script):
            raw = raw[len(script) :]
    else:
        path_info = str(environ.get("PATH_INFO", ""))
        try:
            raw = quote(path_info.encode("latin-1"), safe="/;=")
        except UnicodeEncodeError:  # not a WSGI string: the server broke PEP 3333
            raise HttpError(400, "bad_request", "the request target cannot be read") from None
    segments = raw.split("/")
    matrix: dict[str, str] = {}
    api_matrix = ""
    # segments[0] is the empty text before the leading slash
    for index in range(1, min(len(segments), _MATRIX_SEGMENTS + 1)):
        name, *parameters = segments[index].split(";")
        for parameter in parameters:
            key, equals, value = parameter.partition("=")
            if not equals or not key:
                raise HttpError(
                    400, "bad_request", f"matrix parameter {parameter[:100]!r} is not NAME=VALUE"
                )
            matrix[decode_segment(key)] = decode_segment(value)
        if index == 1 and parameters:
            api_matrix = ";" + ";".join(parameters)
        segments[index] = name
    return Target("/".join(segments), matrix, api_matrix)


def decode_segment(text: str) -> str:
    """A percent-encoded path segment as text: strict UTF-8, at most :data:`MAX_VALUE` long."""
    try:
        decoded = unquote_to_bytes(text).decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(400, "bad_request", "the path is not percent-encoded UTF-8") from None
    if len(decoded) > MAX_VALUE:
        raise HttpError(
            400, "invalid_parameter", f"a path segment is longer than {MAX_VALUE} characters"
        )
    return decoded


def query_pairs(request: Request) -> list[tuple[str, str]]:
    """The query as ``(name, value)`` pairs, in order, strictly UTF-8 and within the limits."""
    try:
        raw = str(request.environ.get("QUERY_STRING", "")).encode("latin-1")
    except UnicodeEncodeError:
        raise HttpError(400, "bad_request", "the request target cannot be read") from None
    return _pairs(raw, "query")


def body_pairs(request: Request) -> list[tuple[str, Any]]:
    """The body's parameters: a form or a JSON object; empty when there is no body.

    JSON values keep their types (the handler checks them); a form gives strings.
    """
    try:
        body = request.get_data(cache=True)
    except RequestEntityTooLarge:
        body = b"x" * (MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise HttpError(413, "too_large", f"the body is larger than {MAX_BODY} bytes")
    if not body:
        return []
    media_type = request.mimetype
    if media_type == FORM:
        return list(_pairs(body, "body"))
    if media_type == JSON_BODY:
        return _json_object(body)
    shown = repr(media_type) if media_type else "no Content-Type"
    raise HttpError(
        415, "unsupported_media_type", f"the body must be {FORM} or {JSON_BODY}, got {shown}"
    )


def _pairs(encoded: bytes, where: str) -> list[tuple[str, str]]:
    """``a=1&b=2`` as ``[("a", "1"), ("b", "2")]``, strictly UTF-8, within the limits."""
    pairs: list[tuple[str, str]] = []
    for chunk in encoded.split(b"&"):
        if not chunk:
            continue
        if len(pairs) == MAX_PARAMETERS:
            raise HttpError(
                400, "bad_request", f"the {where} has more than {MAX_PARAMETERS} parameters"
            )
        name, _, value = chunk.partition(b"=")
        try:
            key, text = (
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8") for part in (name, value)
            )
        except UnicodeDecodeError:
            raise HttpError(
                400, "bad_request", f"the {where} is not percent-encoded UTF-8"
            ) from None
        _check_length(key, text)
        pairs.append((key, text))
    return pairs


def _json_object(body: bytes) -> list[tuple[str, Any]]:
    try:
        pairs = json.loads(body.decode("utf-8"), object_pairs_hook=_Pairs)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise HttpError(400, "bad_request", "the body is not valid JSON") from None
    if not isinstance(pairs, _Pairs):
        raise HttpError(400, "bad_request", "the JSON body must be an object of parameters")
    if len(pairs) > MAX_PARAMETERS:
        raise HttpError(400, "bad_request", f"the body has more than {MAX_PARAMETERS} parameters")
    for key, value in pairs:
        if isinstance(value, str):
            _check_length(key, value)
    return list(pairs)


class _Pairs(list[tuple[str, Any]]):
    """A JSON object as its (name, value) pairs, so a repeated name is seen."""


def _check_length(name: str, value: str) -> None:
    if len(name) > MAX_VALUE:
        raise HttpError(
            400, "bad_request", f"a parameter name is longer than {MAX_VALUE} characters"
        )
    if len(value) > MAX_VALUE:
        raise HttpError(
            400, "invalid_parameter", f"parameter {name!r} is longer than {MAX_VALUE} characters"
        )
