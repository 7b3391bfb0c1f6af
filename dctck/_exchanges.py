"""The HTTP exchanges of an endpoint run, kept per check so each failure carries a reproduction.

:class:`ExchangeLog` wraps ``requests``' transport (``HTTPAdapter.send``) while installed, so it
sees whatever a ``requests``-based driver sends (the Deltacloud client adapter, the EC2 reference
driver). A reproduction never holds a secret: Basic credentials show the name only, signatures
and every ``Authorization``/``X-Amz-*`` header are left out, and the given secrets are replaced
by ``***`` wherever they still appear.
"""

from __future__ import annotations

import base64
import shlex
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import requests
from requests.adapters import HTTPAdapter

__all__ = ["Exchange", "ExchangeLog", "reproduction"]

_BODY_SHOWN = 600
_KEPT = 12
_HIDDEN_HEADERS = ("authorization", "x-amz-", "cookie")
_SHOWN_HEADERS = ("accept", "content-type", "x-deltacloud-driver", "x-deltacloud-provider")


@dataclass(frozen=True)
class Exchange:
    """One request and what came back (``status`` 0: no answer)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: str
    status: int
    answer: str


class ExchangeLog:
    """Exchanges since the last :meth:`take`, at most the last few, for every thread."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted((s for s in secrets if s), key=len, reverse=True)
        self._lock = threading.Lock()
        self._exchanges: list[Exchange] = []
        self._original: Callable[..., Any] | None = None

    def install(self) -> None:
        if self._original is not None:
            return
        original = HTTPAdapter.send
        log = self

        def send(adapter: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any) -> Any:
            try:
                response = original(adapter, request, **kwargs)
            except Exception as exc:
                log._keep(request, 0, f"no answer ({type(exc).__name__})")
                raise
            log._keep(request, response.status_code, _text(response.content))
            return response

        self._original = original
        HTTPAdapter.send = send  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        if self._original is not None:
            HTTPAdapter.send = self._original  # type: ignore[method-assign]
            self._original = None

    def take(self) -> list[Exchange]:
        """The exchanges kept since the last call, oldest first; the log starts afresh."""
        with self._lock:
            kept, self._exchanges = self._exchanges, []
        return kept

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def _keep(self, request: requests.PreparedRequest, status: int, answer: str) -> None:
        body = request.body
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
        exchange = Exchange(
            str(request.method),
            self.redact(str(request.url)),
            tuple((k, self._header(k, v)) for k, v in request.headers.items() if _shown(k)),
            self.redact(text),
            status,
            self.redact(answer),
        )
        with self._lock:
            self._exchanges = [*self._exchanges[-(_KEPT - 1) :], exchange]

    def _header(self, name: str, value: str) -> str:
        if name.lower() == "authorization":
            return _basic_user(value)
        return self.redact(value)


def reproduction(exchange: Exchange, protocol: str) -> str:
    """How to send ``exchange`` again: a ``curl`` command (Deltacloud, credentials as
    ``NAME:***``), or the action and its parameters (EC2)."""
    if protocol == "ec2":
        params = dict(parse_qsl(exchange.body, keep_blank_values=True))
        action = params.pop("Action", "?")
        params.pop("Version", None)
        shown = " ".join(f"{key}={value}" for key, value in params.items())
        return f"EC2 {action} {shown} at {exchange.url}".replace("  ", " ")
    words = ["curl", "-X", exchange.method]
    for name, value in exchange.headers:
        if name.lower() == "authorization":
            if value:
                words += ["-u", f"{value}:***"]
        else:
            words += ["-H", f"{name}: {value}"]
    if exchange.body:
        words += ["--data", exchange.body]
    words.append(exchange.url)
    return " ".join(shlex.quote(word) for word in words)


def describe(exchange: Exchange, protocol: str) -> str:
    """The reproduction, then the answer's status and the start of its body."""
    answer = " ".join(exchange.answer.split())[:_BODY_SHOWN]
    status = str(exchange.status) if exchange.status else "no answer"
    return f"  reproduce: {reproduction(exchange, protocol)}\n  answered: {status} {answer}"


def _shown(name: str) -> bool:
    lower = name.lower()
    if lower == "authorization":
        return True
    return lower in _SHOWN_HEADERS and not lower.startswith(_HIDDEN_HEADERS[1:])


def _basic_user(value: str) -> str:
    """The user name of a Basic ``Authorization`` value; ``""`` for any other scheme."""
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        decoded = base64.b64decode(token, validate=True).decode("utf-8", "replace")
    except ValueError:
        return ""
    return decoded.partition(":")[0]


def _text(content: bytes | None) -> str:
    return (content or b"")[: _BODY_SHOWN * 2].decode("utf-8", "replace")
