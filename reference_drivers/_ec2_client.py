"""One EC2 Query API call over ``requests``: signed, sent, read, retried, errors translated.

Retry policy: throttling (``RequestLimitExceeded``) and transient server failures (5xx such as
``InternalError`` and ``Unavailable``, and connection errors) are tried again, up to
:attr:`RetryPolicy.attempts` times in all, waiting 0.1 s, 0.2 s, 0.4 s... in between (no jitter,
so a recorded run replays). The wait is the client's ``wait`` function: a virtual clock's
``tick`` on virtual time, ``time.sleep`` on real time. After the last attempt the error is a
``ProviderError`` naming the EC2 code. Other errors are translated at once (``_ec2_errors``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from dctck import ProviderError
from reference_drivers import _ec2_errors, _sigv4
from reference_drivers._ec2_query import CONTENT_TYPE, Node, encode, parse, parse_error

__all__ = ["EC2Client", "RetryPolicy"]

SERVICE = "ec2"


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try a retryable call, and how long to wait between tries (doubling)."""

    attempts: int = 4
    first_delay: float = 0.1
    max_delay: float = 2.0

    def delays(self) -> Iterator[float]:
        """The waits between the attempts: ``attempts - 1`` of them."""
        for retry in range(self.attempts - 1):
            yield min(self.first_delay * 2**retry, self.max_delay)


@dataclass(frozen=True)
class _Failure:
    """A retryable failure of one attempt."""

    code: str
    message: str


class EC2Client:
    """Calls the EC2 Query API at ``endpoint`` through ``session``.

    Requests are signed with wall-clock time (what AWS checks; the simulator accepts it on any
    clock); ``wait`` lets time pass between retries.
    """

    def __init__(
        self,
        endpoint: str,
        region: str,
        session: requests.Session,
        *,
        wait: Callable[[float], None],
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.endpoint = endpoint
        self.region = region
        self.session = session
        self.wait = wait
        self.retry = retry if retry is not None else RetryPolicy()
        self.timeout = timeout
        self._settings: dict[str, Any] | None = None

    def call(
        self, access_key: str, secret_key: str, action: str, params: Mapping[str, str] | None = None
    ) -> Node:
        """The response document of ``action``; an SPI exception if EC2 refused or failed."""
        body = encode(action, params).encode()
        delays = self.retry.delays()
        attempt = 0
        while True:
            attempt += 1
            answer = self._attempt(access_key, secret_key, body)
            if isinstance(answer, Node):
                return answer
            delay = next(delays, None)
            if delay is None:
                raise ProviderError(
                    f"{answer.code}: {answer.message} ({action}: gave up after"
                    f" {attempt} attempt{'s' if attempt > 1 else ''})"
                )
            self.wait(delay)

    def _post(self, body: bytes, headers: Mapping[str, str]) -> requests.Response:
        """``session.post(endpoint, ...)``, with the session's settings merged once per client
        instead of once per request (``Session.request`` merges seven settings each time, a
        third of an in-process call)."""
        if self._settings is None:
            merged = self.session.merge_environment_settings(self.endpoint, {}, None, None, None)
            self._settings = dict(merged)
        settings = self._settings
        request = requests.PreparedRequest()
        request.prepare(
            method="POST",
            url=self.endpoint,
            headers={**self.session.headers, **headers},
            data=body,
            cookies=self.session.cookies,
            auth=self.session.auth,
            hooks=self.session.hooks,
        )
        return self.session.send(request, timeout=self.timeout, **settings)

    def _attempt(self, access_key: str, secret_key: str, body: bytes) -> Node | _Failure:
        """One signed request: its document, or a retryable failure; raises the others."""
        headers = {"Content-Type": CONTENT_TYPE}
        headers.update(
            _sigv4.sign(
                _sigv4.SigningRequest("POST", self.endpoint, headers, body),
                access_key=access_key,
                secret_key=secret_key,
                region=self.region,
                service=SERVICE,
                when=time.time(),
            )
        )
        try:
            response = self._post(body, headers)
        except (requests.ConnectionError, requests.Timeout) as exc:
            return _Failure(type(exc).__name__, str(exc))
        except requests.RequestException as exc:
            raise ProviderError(f"{type(exc).__name__}: {exc}") from None
        if response.status_code < 300:
            try:
                return parse(response.content)
            except ValueError as exc:
                raise ProviderError(f"HTTP {response.status_code}: {exc}") from None
        error = parse_error(response.content)
        code = error.code if error is not None else None
        message = error.message if error is not None else f"HTTP {response.status_code}"
        if _ec2_errors.is_retryable(code, response.status_code):
            return _Failure(code or f"HTTP {response.status_code}", message)
        if code is None:
            raise ProviderError(f"HTTP {response.status_code}: not an EC2 error document")
        raise _ec2_errors.translate(code, message)
