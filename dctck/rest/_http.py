"""Requests and responses as the REST front sees them, and the error any handler may raise.

A :class:`Request` is read from a WSGI environ: the path split into percent-decoded segments (from
the raw request URI when the server gives it, so ``%2F`` inside an id stays inside the id), the
query as ``(name, value)`` pairs, and a body read on demand within :data:`MAX_BODY` bytes.
Anything malformed becomes an :class:`HttpError` with a 4xx status, never an exception of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

__all__ = [
    "FORM",
    "JSON_BODY",
    "MAX_BODY",
    "MAX_PARAMETERS",
    "MAX_VALUE",
    "HttpError",
    "Request",
    "Response",
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


class HttpError(Exception):
    """An answer other than success: status, a machine-readable code, a message for people.

    ``parameter`` names the request parameter at fault (400); ``headers`` go into the response
    (``WWW-Authenticate`` for 401, ``Allow`` for 405).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        parameter: str | None = None,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter
        self.headers = list(headers)


@dataclass
class Response:
    """A status, headers in order, and the body (empty for 204 and HEAD)."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def without_header(self, name: str) -> Response:
        """This response with every ``name`` header removed."""
        wanted = name.lower()
        kept = [(key, value) for key, value in self.headers if key.lower() != wanted]
        return Response(self.status, kept, self.body)


@dataclass(frozen=True)
class Request:
    """What a handler needs of one HTTP request."""

    method: str
    segments: tuple[str, ...]
    query: tuple[tuple[str, str], ...]
    base_url: str
    environ: Mapping[str, Any]

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any]) -> Request:
        """Read method, path and query; a path or query that cannot be decoded is a 400."""
        try:
            segments = _segments(environ)
            query = str(environ.get("QUERY_STRING", "")).encode("latin-1")
        except UnicodeEncodeError:  # not a WSGI string: the server broke PEP 3333
            raise HttpError(400, "bad_request", "the request target cannot be read") from None
        return cls(
            method=str(environ.get("REQUEST_METHOD", "GET")).upper(),
            segments=segments,
            query=tuple(_pairs(query, "query")),
            base_url=_base_url(environ),
            environ=environ,
        )

    @property
    def path(self) -> str:
        return "/" + "/".join(self.segments)

    def header(self, name: str) -> str | None:
        """A request header by name (``Accept``, ``Authorization``), or ``None``."""
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        value = self.environ.get(key)
        return str(value) if value is not None else None

    def query_value(self, name: str) -> str | None:
        """The one value of query parameter ``name``; given twice is a 400."""
        values = [value for key, value in self.query if key == name]
        if len(values) > 1:
            raise HttpError(
                400,
                "invalid_parameter",
                f"parameter {name!r} is given more than once",
                parameter=name,
            )
        return values[0] if values else None

    def body_parameters(self) -> list[tuple[str, Any]]:
        """The body's parameters: a form or a JSON object; empty when there is no body.

        JSON values keep their types (the handler checks them); a form gives strings.
        """
        body = self._body()
        if not body:
            return []
        media_type = (self.header("Content-Type") or "").partition(";")[0].strip().lower()
        if media_type == FORM:
            return list(_pairs(body, "body"))
        if media_type == JSON_BODY:
            return _json_object(body)
        shown = repr(media_type) if media_type else "no Content-Type"
        raise HttpError(
            415,
            "unsupported_media_type",
            f"the body must be {FORM} or {JSON_BODY}, got {shown}",
        )

    def _body(self) -> bytes:
        text = self.header("Content-Length")
        stream = self.environ.get("wsgi.input")
        if text is None or text.strip() == "":
            if stream is None or not self.environ.get("wsgi.input_terminated"):
                return b""
            body = bytes(stream.read(MAX_BODY + 1))
        else:
            if not text.strip().isdigit():
                raise HttpError(400, "bad_request", f"Content-Length {text!r} is not a number")
            length = int(text)
            if length > MAX_BODY:
                body = b"x" * (MAX_BODY + 1)
            else:
                body = bytes(stream.read(length)) if stream is not None and length else b""
        if len(body) > MAX_BODY:
            raise HttpError(413, "too_large", f"the body is larger than {MAX_BODY} bytes")
        return body


def _segments(environ: Mapping[str, Any]) -> tuple[str, ...]:
    """The percent-decoded path segments after ``SCRIPT_NAME``, without one trailing slash."""
    raw_uri = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw_uri:
        raw = urlsplit(str(raw_uri)).path
        script = str(environ.get("SCRIPT_NAME", ""))
        if script and raw.startswith(script):
            raw = raw[len(script) :]
        parts = [unquote_to_bytes(part) for part in raw.split("/")]
    else:
        parts = [part.encode("latin-1") for part in str(environ.get("PATH_INFO", "")).split("/")]
    if parts and parts[0] == b"":
        parts = parts[1:]
    if len(parts) > 1 and parts[-1] == b"":
        parts = parts[:-1]
    if parts == [b""]:
        parts = []
    try:
        segments = tuple(part.decode("utf-8") for part in parts)
    except UnicodeDecodeError:
        raise HttpError(400, "bad_request", "the path is not percent-encoded UTF-8") from None
    for segment in segments:
        if len(segment) > MAX_VALUE:
            raise HttpError(
                400,
                "invalid_parameter",
                f"a path segment is longer than {MAX_VALUE} characters",
                parameter="id",
            )
    return segments


def _pairs(encoded: bytes, where: str) -> Iterable[tuple[str, str]]:
    """``a=1&b=2`` as ``[("a", "1"), ("b", "2")]``, strictly UTF-8, within the limits."""
    if not encoded:
        return []
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
            decoded = tuple(
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8") for part in (name, value)
            )
        except UnicodeDecodeError:
            raise HttpError(
                400, "bad_request", f"the {where} is not percent-encoded UTF-8"
            ) from None
        key, text = decoded
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
            400,
            "invalid_parameter",
            f"parameter {name!r} is longer than {MAX_VALUE} characters",
            parameter=name,
        )


def _base_url(environ: Mapping[str, Any]) -> str:
    """``scheme://host[:port]`` plus ``SCRIPT_NAME``, as PEP 3333 reconstructs it."""
    scheme = str(environ.get("wsgi.url_scheme", "http"))
    host = environ.get("HTTP_HOST")
    if not host:
        host = str(environ.get("SERVER_NAME", "localhost"))
        port = str(environ.get("SERVER_PORT", ""))
        if port and port != {"https": "443", "http": "80"}.get(scheme):
            host = f"{host}:{port}"
    return f"{scheme}://{host}{environ.get('SCRIPT_NAME', '')}"
