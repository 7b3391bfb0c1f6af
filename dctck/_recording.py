"""Record the HTTP traffic of a run to a file, and replay it offline, on vcrpy.

vcrpy sees the HTTP stacks drivers are written on where they open connections: ``requests``,
``urllib3`` and boto3 over it, ``httpx``, ``aiohttp``, ``http.client``. Traffic that
``requests`` answers without a connection (a ``responses`` mock, an adapter answering
in-process, as ``EC2Driver()`` does) is taken at the session's adapter instead. Both go on one
vcrpy cassette, one exchange per HTTP request (a redirect hop is an exchange of its own).

A :class:`Recorder` keeps each exchange and :meth:`Recorder.save` writes them, scrubbed: the
values of credential headers (``Authorization``, ``X-Amz-Security-Token``, cookies), signature
parameters in query strings and form bodies, and every given secret become ``<scrubbed>``.

A :class:`Replayer` answers each request with the first recorded exchange not yet used whose
request matches it (vcrpy's playback, with :func:`request_key` as the matcher), ignoring what
changes from run to run: headers, and the parameters in :data:`VOLATILE_PARAMETERS` (dates,
signatures, idempotency tokens). Repeated identical requests are answered in recorded order,
and nothing reaches the network. A request the recording does not hold is kept in
:attr:`Replayer.misses`; the client gets an error (:class:`RequestNotRecorded`, a
``requests.ConnectionError``, from ``requests``; vcrpy's
``CannotOverwriteExistingCassetteException`` from the other stacks).

File format (JSON, UTF-8)::

    {"format": "dctck-http-recording", "version": 1,
     "exchanges": [{"request": {"method": "POST", "url": "...", "headers": {...}, "body": "..."},
                    "response": {"status": 200, "reason": "OK", "headers": {...},
                                 "body": "..."}}]}

A body that is not UTF-8 text is stored as ``"body_base64"`` instead of ``"body"``; bodies are
stored decoded (no ``Content-Encoding``). A ``requests`` request that timed out is kept with
``"status": 0`` (its reason the error) and replayed as a ``requests.ReadTimeout``.
"""

from __future__ import annotations

import base64
import datetime
import io
import json
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from vcr.cassette import Cassette
from vcr.filters import decode_response
from vcr.persisters.filesystem import CassetteNotFoundError
from vcr.record_mode import RecordMode
from vcr.request import Request as VcrRequest

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
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}
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
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if netloc.endswith(_DEFAULT_PORTS.get(scheme, "\0")):  # as HTTP stacks differ in writing it
        netloc = netloc[: -len(_DEFAULT_PORTS[scheme])]
    url = urlunsplit(parts._replace(scheme=scheme, netloc=netloc, query=query, fragment=""))
    return method.upper(), url, text


def describe_key(key: tuple[str, str, str]) -> str:
    """``POST http://host/ Action=DescribeInstances&...``: a request as failures name it."""
    method, url, body = key
    return f"{method} {url} {body}".rstrip()


# -- the tape: a vcrpy cassette ---------------------------------------------------------------


class _Tape(Cassette):  # type: ignore[misc]  # vcrpy is untyped
    """A vcrpy cassette that is thread-safe, matches on :func:`request_key` and notes misses."""

    def __init__(self, *args: Any, secrets: Iterable[str] = (), **kwargs: Any) -> None:
        self.secrets = [secret for secret in secrets if secret]
        super().__init__(*args, match_on=(self._same_request,), **kwargs)
        self.misses: list[str] = []
        self._lock = threading.RLock()
        self._local = threading.local()
        self._index: dict[tuple[str, str, str], list[int]] = {}
        self._unplayed: dict[int, int] = {}

    def key(self, request: Any) -> tuple[str, str, str]:
        """The request's :func:`request_key`, computed once per request object."""
        key: tuple[str, str, str] | None = getattr(request, "_dctck_key", None)
        if key is None:
            body = request.body
            key = request_key(
                request.method,
                request.uri,
                _text_headers(request.headers),
                body if isinstance(body, bytes) else _as_bytes(body),
                self.secrets,
            )
            request._dctck_key = key
        return key

    def _same_request(self, first: Any, second: Any) -> bool:
        return bool(self.key(first) == self.key(second))

    def appended(self) -> int:
        """How many exchanges this thread has put on the tape."""
        return int(getattr(self._local, "appended", 0))

    def append(self, request: Any, response: Any) -> None:
        with self._lock:
            before = len(self.data)
            super().append(request, response)
            if len(self.data) > before:
                self._index.setdefault(self.key(self.data[-1][0]), []).append(before)
        self._local.appended = self.appended() + 1

    def _responses(self, request: Any) -> Iterator[tuple[int, Any]]:
        # vcrpy's own scans every exchange per request; here the matching ones are indexed by
        # key, and those already played (never played again) are skipped once and for all
        indices = self._index.get(self.key(self._before_record_request(request)), [])
        start = self._unplayed.get(id(indices), 0)
        while start < len(indices) and self.play_counts[indices[start]]:
            start += 1
        self._unplayed[id(indices)] = start
        for index in indices[start:]:
            yield index, self.data[index][1]

    def play_response(self, request: Any) -> Any:
        with self._lock:
            return super().play_response(request)

    def can_play_response_for(self, request: Any) -> bool:
        with self._lock:
            return bool(super().can_play_response_for(request))

    def filter_request(self, request: Any) -> Any:
        # vcrpy calls this only for a request it cannot play back in a read-only mode
        if self.write_protected:
            self.miss(request)
        return super().filter_request(request)

    def miss(self, request: Any) -> None:
        with self._lock:
            self.misses.append(describe_key(self.key(request)))


class _Shelf:
    """A vcrpy persister over exchanges in memory: the file is ours, read and written apart."""

    def __init__(self, exchanges: Iterable[Exchange] = ()) -> None:
        self.exchanges = list(exchanges)

    def load_cassette(self, cassette_path: str, serializer: Any) -> tuple[list[Any], list[Any]]:
        if not self.exchanges:
            raise CassetteNotFoundError
        pairs = [_to_vcr(exchange) for exchange in self.exchanges]
        return [request for request, _ in pairs], [response for _, response in pairs]

    def save_cassette(self, cassette_path: str, cassette_dict: Any, serializer: Any) -> None:
        pass


class _Session:
    """A tape in use: vcrpy's patches, and the bridge at ``requests``' adapters."""

    def __init__(self, replay: bool, exchanges: Iterable[Exchange], secrets: Iterable[str]):
        self._context = _Tape.use(
            path="<dctck recording>",
            record_mode=RecordMode.NONE if replay else RecordMode.ALL,
            persister=_Shelf(exchanges),
            before_record_response=decode_response,
            secrets=secrets,
        )
        self._replay = replay
        self._patch: Any = None
        self.tape: _Tape | None = None

    def __enter__(self) -> _Tape:
        tape: _Tape = self._context.__enter__()
        original = requests.Session.get_adapter
        replay = self._replay

        def get_adapter(session: requests.Session, url: str) -> BaseAdapter:
            return _Bridge(original(session, url), tape, replay)

        self._patch = mock.patch.object(requests.Session, "get_adapter", get_adapter)
        self._patch.start()
        self.tape = tape
        return tape

    def __exit__(self, *exc_info: object) -> None:
        self._patch.stop()
        self._context.__exit__(*exc_info)


class _Bridge(BaseAdapter):
    """A session's adapter, seen by the tape: what no HTTP stack saw is recorded here; in a
    replay every ``requests`` exchange is answered here, so no adapter of the session runs."""

    def __init__(self, inner: BaseAdapter, tape: _Tape, replay: bool) -> None:
        super().__init__()
        self._inner = inner
        self._tape = tape
        self._replay = replay

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        vcr_request = _vcr_request(request)
        if self._replay:
            if not self._tape.can_play_response_for(vcr_request):
                self._tape.miss(vcr_request)
                key = describe_key(self._tape.key(vcr_request))
                raise RequestNotRecorded(f"request not in the recording: {key}", request=request)
            recorded = self._tape.play_response(vcr_request)
            if recorded["status"]["code"] == TIMED_OUT:
                reason = recorded["status"]["message"]
                raise requests.ReadTimeout(f"{reason} (replayed)", request=request)
            return _requests_response(recorded, request)
        seen = self._tape.appended()
        try:
            response = self._inner.send(request, **kwargs)
        except requests.Timeout as exc:
            if self._tape.appended() == seen:
                self._tape.append(vcr_request, _timed_out(exc))
            raise
        if self._tape.appended() == seen:  # answered without an HTTP stack: a mock, in-process
            self._tape.append(vcr_request, _vcr_response(response))
        return response

    def close(self) -> None:
        self._inner.close()


# -- recording -------------------------------------------------------------------------------------


class Recorder:
    """Records every HTTP exchange of the process while active (a context manager)."""

    def __init__(self) -> None:
        self._session: _Session | None = None
        self._tape: _Tape | None = None

    def __enter__(self) -> Recorder:
        self._session = _Session(replay=False, exchanges=(), secrets=())
        self._tape = self._session.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._session is not None
        self._session.__exit__(*exc_info)

    @property
    def exchanges(self) -> list[Exchange]:
        """The exchanges recorded so far, in order, unscrubbed."""
        if self._tape is None:
            return []
        with self._tape._lock:
            return [_from_vcr(request, response) for request, response in self._tape.data]

    def save(
        self, path: str | os.PathLike[str], secrets: Iterable[str] = (), run_id: str | None = None
    ) -> int:
        """Write the exchanges so far to ``path``, scrubbed; returns how many. ``run_id``: the
        certification run's id, which its requests carry (instance names), kept for replays."""
        secrets = [secret for secret in secrets if secret]
        exchanges = [exchange.scrubbed(secrets) for exchange in self.exchanges]
        document: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "exchanges": [exchange.to_json() for exchange in exchanges],
        }
        if run_id is not None:
            document["run_id"] = run_id
        target = Path(path)
        partial = target.with_name(target.name + ".partial")
        partial.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")
        partial.replace(target)
        return len(exchanges)


# -- replay ----------------------------------------------------------------------------------------


class Replayer:
    """Answers the process's HTTP traffic from recorded exchanges while active."""

    def __init__(
        self, exchanges: Iterable[Exchange], secrets: Iterable[str] = (), run_id: str | None = None
    ) -> None:
        self.exchanges = list(exchanges)
        self.secrets = [secret for secret in secrets if secret]
        #: The recorded run's id: a replay reuses it, so its requests are the recorded ones.
        self.run_id = run_id
        self._session: _Session | None = None
        self._tape: _Tape | None = None

    @property
    def misses(self) -> list[str]:
        """The requests the recording did not hold (or held no more of), as they were asked."""
        return list(self._tape.misses) if self._tape is not None else []

    @property
    def unused(self) -> int:
        """How many recorded exchanges were not replayed (yet)."""
        if self._tape is None:
            return len(self.exchanges)
        return len(self._tape.data) - len(self._tape.play_counts)

    def __enter__(self) -> Replayer:
        self._session = _Session(replay=True, exchanges=self.exchanges, secrets=self.secrets)
        self._tape = self._session.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._session is not None
        self._session.__exit__(*exc_info)


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
    run_id = document.get("run_id")
    return Replayer(exchanges, secrets, run_id if isinstance(run_id, str) else None)


# -- between vcrpy's shapes, requests' and ours ----------------------------------------------------


def _vcr_request(request: requests.PreparedRequest) -> Any:
    return VcrRequest(
        str(request.method), str(request.url), _as_bytes(request.body), dict(request.headers)
    )


def _vcr_response(response: requests.Response) -> dict[str, Any]:
    headers: dict[str, list[str]] = {}
    for name, value in response.headers.items():
        headers.setdefault(name, []).append(value)
    return {
        "status": {"code": response.status_code, "message": str(response.reason or "")},
        "headers": headers,
        "body": {"string": response.content or b""},
    }


def _timed_out(error: requests.Timeout) -> dict[str, Any]:
    message = f"{type(error).__name__}: {error}"
    return {
        "status": {"code": TIMED_OUT, "message": message},
        "headers": {},
        "body": {"string": b""},
    }


def _from_vcr(request: Any, response: Mapping[str, Any]) -> Exchange:
    body = response["body"]["string"]
    return Exchange(
        method=str(request.method),
        url=str(request.uri),
        request_headers=_text_headers(request.headers),
        request_body=request.body if isinstance(request.body, bytes) else _as_bytes(request.body),
        status=int(response["status"]["code"]),
        reason=str(response["status"]["message"] or ""),
        response_headers={
            str(name): ", ".join(_values(values))
            for name, values in response["headers"].items()
            if str(name).lower() not in _TRANSFER_HEADERS
        },
        response_body=body.encode() if isinstance(body, str) else bytes(body or b""),
    )


def _to_vcr(exchange: Exchange) -> tuple[Any, dict[str, Any]]:
    headers = {name: [value] for name, value in exchange.response_headers.items()}
    headers["Content-Length"] = [str(len(exchange.response_body))]
    request = VcrRequest(
        exchange.method, exchange.url, exchange.request_body, dict(exchange.request_headers)
    )
    response = {
        "status": {"code": exchange.status, "message": exchange.reason},
        "headers": headers,
        "body": {"string": exchange.response_body},
    }
    return request, response


def _text_headers(headers: Mapping[Any, Any]) -> dict[str, str]:
    """Header names and values as text (botocore sends bytes)."""
    return {_text(name): _text(value) for name, value in headers.items()}


def _text(value: object) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _values(values: object) -> Iterator[str]:
    if isinstance(values, str | bytes):
        values = [values]
    for value in values:  # type: ignore[attr-defined]
        yield _text(value)


def _requests_response(
    recorded: Mapping[str, Any], request: requests.PreparedRequest
) -> requests.Response:
    exchange = _from_vcr(_vcr_request(request), recorded)
    return _response(exchange, request)


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
