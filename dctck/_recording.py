"""Record the HTTP traffic of ``requests`` to a file, and replay it offline.

Both work by patching ``requests.Session.send`` while active, so they see every exchange a driver
makes through ``requests``, whether it is answered by the network or by a ``responses`` mock
behind the session's adapter (redirect hops are folded into the exchange that started them).

A :class:`Recorder` keeps each exchange and :meth:`Recorder.save` writes them, scrubbed: the
values of credential headers (``Authorization``, ``X-Amz-Security-Token``, cookies), signature
parameters in query strings and form bodies, and every given secret become ``<scrubbed>``.

A :class:`Replayer` answers each request with the first recorded exchange not yet used whose
request matches it, ignoring what changes from run to run: headers, and the parameters in
:data:`VOLATILE_PARAMETERS` (dates, signatures, idempotency tokens). Repeated identical requests
are answered in recorded order. A request the recording does not hold raises
:class:`RequestNotRecorded`, a ``requests.ConnectionError`` (the network has no answer), and is
kept in :attr:`Replayer.misses`.

File format (JSON, UTF-8)::

    {"format": "dctck-http-recording", "version": 1,
     "exchanges": [{"request": {"method": "POST", "url": "...", "headers": {...}, "body": "..."},
                    "response": {"status": 200, "reason": "OK", "headers": {...},
                                 "body": "..."}}]}

A body that is not UTF-8 text is stored as ``"body_base64"`` instead of ``"body"``. A request
that timed out is kept with ``"status": 0`` (its reason the error) and replayed as a timeout.
"""

from __future__ import annotations

import base64
import datetime
import io
import json
import os
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

__all__ = [
    "FORMAT",
    "VOLATILE_PARAMETERS",
    "Exchange",
    "Recorder",
    "Replayer",
    "RequestNotRecorded",
    "load",
]

FORMAT = "dctck-http-recording"
VERSION = 1
SCRUBBED = "<scrubbed>"
#: The status of an exchange whose request timed out (no answer came).
TIMED_OUT = 0

#: Headers whose values are credentials: scrubbed in recordings.
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-amz-security-token", "cookie", "set-cookie"}
)
#: Query or form parameters holding signatures or tokens: scrubbed in recordings.
SECRET_PARAMETERS = frozenset(
    {"x-amz-signature", "x-amz-security-token", "signature", "awsaccesskeyid"}
)
#: Parameters that differ between runs of the same request: ignored when matching (lower case).
VOLATILE_PARAMETERS = SECRET_PARAMETERS | {
    "x-amz-date",
    "x-amz-credential",
    "timestamp",
    "expires",
    "clienttoken",  # AWS idempotency tokens are fresh per logical request
}
#: Response headers describing the stored body's transfer, not its content: not stored.
_TRANSFER_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


class RequestNotRecorded(requests.ConnectionError):
    """Raised during a replay for a request the recording does not hold (or holds no more of)."""


@dataclass(frozen=True)
class Exchange:
    """One request and the response it got; bodies are bytes, headers in sent order."""

    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: bytes
    status: int
    reason: str
    response_headers: Mapping[str, str]
    response_body: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "request": {
                "method": self.method,
                "url": self.url,
                "headers": dict(self.request_headers),
                **_body_json(self.request_body),
            },
            "response": {
                "status": self.status,
                "reason": self.reason,
                "headers": dict(self.response_headers),
                **_body_json(self.response_body),
            },
        }

    @classmethod
    def from_json(cls, data: Any) -> Exchange:
        request, response = data["request"], data["response"]
        return cls(
            method=str(request["method"]),
            url=str(request["url"]),
            request_headers=dict(request.get("headers", {})),
            request_body=_body_bytes(request),
            status=int(response["status"]),
            reason=str(response.get("reason", "")),
            response_headers=dict(response.get("headers", {})),
            response_body=_body_bytes(response),
        )

    def scrubbed(self, secrets: Iterable[str]) -> Exchange:
        """This exchange with credentials, signatures and ``secrets`` replaced by ``<scrubbed>``."""
        scrub = _Scrubber(secrets)
        content_type = CaseInsensitiveDict(self.request_headers).get("content-type")
        return replace(
            self,
            url=scrub.url(self.url),
            request_headers=scrub.headers(self.request_headers),
            request_body=scrub.body(self.request_body, content_type),
            response_headers=scrub.headers(self.response_headers),
            response_body=scrub.text(self.response_body),
        )


def request_key(
    method: str, url: str, headers: Mapping[str, str], body: bytes, secrets: Iterable[str] = ()
) -> tuple[str, str, str]:
    """What a request is matched on: method, URL and body, scrubbed, volatile parts removed."""
    scrub = _Scrubber(secrets)
    content_type = CaseInsensitiveDict(headers).get("content-type", "")
    body = scrub.body(body, content_type)
    if "x-www-form-urlencoded" in content_type:
        text = _stable_form(body.decode("utf-8", "replace"))
    elif "json" in content_type:
        try:
            text = json.dumps(json.loads(body), sort_keys=True)
        except ValueError:
            text = body.decode("utf-8", "replace")
    else:
        text = body.decode("utf-8", "replace")
    parts = urlsplit(scrub.url(url))
    query = _stable_form(parts.query)
    return method.upper(), urlunsplit(parts._replace(query=query, fragment="")), text


def describe_key(key: tuple[str, str, str]) -> str:
    """``POST http://host/ Action=DescribeInstances&...``: a request as failures name it."""
    method, url, body = key
    return f"{method} {url} {body}".rstrip()


# -- recording -------------------------------------------------------------------------------------


class Recorder:
    """Records every exchange of ``requests`` sessions while active (a context manager)."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._patch: Any = None

    def __enter__(self) -> Recorder:
        original = requests.Session.send
        depth = threading.local()

        def send(
            session: requests.Session, request: requests.PreparedRequest, **kwargs: Any
        ) -> Any:
            level = getattr(depth, "level", 0)
            depth.level = level + 1
            try:
                response = original(session, request, **kwargs)
            except requests.Timeout as exc:
                if level == 0:
                    self._add(request, None, f"{type(exc).__name__}: {exc}")
                raise
            finally:
                depth.level = level
            if level == 0:
                self._add(request, response)
            return response

        self._patch = mock.patch.object(requests.Session, "send", send)
        self._patch.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._patch.stop()

    def _add(
        self,
        request: requests.PreparedRequest,
        response: requests.Response | None,
        timed_out: str = "",
    ) -> None:
        exchange = Exchange(
            method=str(request.method),
            url=str(request.url),
            request_headers=dict(request.headers),
            request_body=_as_bytes(request.body),
            status=response.status_code if response is not None else TIMED_OUT,
            reason=str(response.reason or "") if response is not None else timed_out,
            response_headers={
                name: value
                for name, value in (response.headers.items() if response is not None else ())
                if name.lower() not in _TRANSFER_HEADERS
            },
            response_body=(response.content or b"") if response is not None else b"",
        )
        with self._lock:
            self.exchanges.append(exchange)

    def save(self, path: str | os.PathLike[str], secrets: Iterable[str] = ()) -> int:
        """Write the exchanges so far to ``path``, scrubbed; returns how many."""
        secrets = [secret for secret in secrets if secret]
        with self._lock:
            exchanges = [exchange.scrubbed(secrets) for exchange in self.exchanges]
        document = {
            "format": FORMAT,
            "version": VERSION,
            "exchanges": [exchange.to_json() for exchange in exchanges],
        }
        target = Path(path)
        partial = target.with_name(target.name + ".partial")
        partial.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")
        partial.replace(target)
        return len(exchanges)


# -- replay ----------------------------------------------------------------------------------------


@dataclass
class Replayer:
    """Answers ``requests`` traffic from recorded exchanges while active (a context manager)."""

    exchanges: list[Exchange]
    secrets: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._patch: Any = None
        self._queues: dict[tuple[str, str, str], deque[Exchange]] = {}
        for exchange in self.exchanges:
            key = request_key(
                exchange.method, exchange.url, exchange.request_headers, exchange.request_body
            )
            self._queues.setdefault(key, deque()).append(exchange)

    @property
    def unused(self) -> int:
        """How many recorded exchanges were not replayed (yet)."""
        with self._lock:
            return sum(len(queue) for queue in self._queues.values())

    def __enter__(self) -> Replayer:
        def send(
            session: requests.Session, request: requests.PreparedRequest, **kwargs: Any
        ) -> Any:
            return self.answer(request)

        self._patch = mock.patch.object(requests.Session, "send", send)
        self._patch.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._patch.stop()

    def answer(self, request: requests.PreparedRequest) -> requests.Response:
        """The recorded response to ``request``; :class:`RequestNotRecorded` if there is none."""
        key = request_key(
            str(request.method),
            str(request.url),
            request.headers,
            _as_bytes(request.body),
            self.secrets,
        )
        with self._lock:
            queue = self._queues.get(key)
            exchange = queue.popleft() if queue else None
            if exchange is None:
                self.misses.append(describe_key(key))
        if exchange is None:
            raise RequestNotRecorded(
                f"request not in the recording: {describe_key(key)}", request=request
            )
        if exchange.status == TIMED_OUT:
            raise requests.ReadTimeout(f"{exchange.reason} (replayed)", request=request)
        return _response(exchange, request)


def load(path: str | os.PathLike[str], secrets: Iterable[str] = ()) -> Replayer:
    """A :class:`Replayer` of the recording at ``path``; ``ValueError`` if it is not one."""
    try:
        document = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read recording {os.fspath(path)!r}: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{os.fspath(path)!r} is not a dctck recording")
    if document.get("version") != VERSION:
        raise ValueError(
            f"{os.fspath(path)!r} is a version {document.get('version')!r} recording;"
            f" this dctck reads version {VERSION}"
        )
    try:
        exchanges = [Exchange.from_json(item) for item in document["exchanges"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{os.fspath(path)!r}: malformed exchange: {exc!r}") from None
    return Replayer(exchanges, [secret for secret in secrets if secret])


# -- helpers ---------------------------------------------------------------------------------------


class _Scrubber:
    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def text(self, data: bytes) -> bytes:
        for secret in self.secrets:
            data = data.replace(secret.encode(), SCRUBBED.encode())
        return data

    def string(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, SCRUBBED)
        return text

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {
            name: SCRUBBED if name.lower() in SECRET_HEADERS else self.string(value)
            for name, value in headers.items()
        }

    def form(self, text: str) -> str:
        pairs = parse_qsl(text, keep_blank_values=True)
        if not pairs:
            return self.string(text)
        return urlencode(
            [
                (name, SCRUBBED if name.lower() in SECRET_PARAMETERS else self.string(value))
                for name, value in pairs
            ]
        )

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        if not parts.query:
            return self.string(url)
        return self.string(urlunsplit(parts._replace(query=self.form(parts.query))))

    def body(self, body: bytes, content_type: str | None) -> bytes:
        if content_type and "x-www-form-urlencoded" in content_type:
            return self.form(body.decode("utf-8", "replace")).encode()
        return self.text(body)


def _stable_form(text: str) -> str:
    """Form pairs without the volatile ones, sorted, re-encoded."""
    pairs = parse_qsl(text, keep_blank_values=True)
    return urlencode(sorted(p for p in pairs if p[0].lower() not in VOLATILE_PARAMETERS))


def _as_bytes(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    raise TypeError(f"cannot record a streamed request body ({type(body).__name__})")


def _body_json(body: bytes) -> dict[str, str]:
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii")}


def _body_bytes(data: Mapping[str, Any]) -> bytes:
    if "body_base64" in data:
        return base64.b64decode(data["body_base64"])
    return str(data.get("body", "")).encode("utf-8")


def _response(exchange: Exchange, request: requests.PreparedRequest) -> requests.Response:
    response = requests.Response()
    response.status_code = exchange.status
    response.reason = exchange.reason
    response.headers = CaseInsensitiveDict(exchange.response_headers)
    response._content = exchange.response_body
    response.raw = io.BytesIO(exchange.response_body)
    response.url = str(request.url)
    response.request = request
    response.encoding = get_encoding_from_headers(response.headers)
    response.elapsed = datetime.timedelta(0)
    return response
