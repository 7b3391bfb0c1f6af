"""Calls to an OpenStack cloud over ``requests``: a Keystone v3 token per account, the service
URLs from its catalog, then JSON requests to Nova and Glance, retried, errors translated.

Tokens: one per account (user, password, project), issued by ``POST {auth_url}/v3/auth/tokens``
with a password and a project scope, and kept until a service answers 401 (it expired or was
revoked): the client then asks for a new one once, as keystoneauth does, and a second 401 is an
``AuthException``. The catalog's ``public`` endpoints of type ``compute`` and ``image`` in the
client's region are used (the image URL unversioned, as DevStack's catalog gives it).

Retries: throttling (413, 429), timeouts (408, or no answer) and transient server failures (5xx
but 501) are tried again, up to :attr:`RetryPolicy.attempts` times in all, waiting 0.1 s, 0.2 s,
0.4 s... in between on the client's ``wait`` (a virtual clock's ``tick``, or ``time.sleep``).
After an attempt whose answer never came, the provider may have acted: the caller's
``recover`` function is asked first whether it did, and its answer ends the call; Nova has no
idempotency token, so that is how a retried create stays one server and a retried stop is not
refused as a stop of a server already powering off.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from dctck import AuthException, ProviderError
from reference_drivers import _os_errors
from reference_drivers._ec2_client import RetryPolicy

__all__ = ["Account", "OpenStackClient", "RetryPolicy", "Token"]

Document = dict[str, Any]
#: Asked after an answer was lost: the result of the call if the provider had acted, else None.
Recover = Callable[[], Document | None]

_JSON = "application/json"


@dataclass(frozen=True)
class Account:
    """Who asks: a Keystone user and password, scoped to a project, in a domain."""

    user: str
    password: str
    project: str
    domain: str = "Default"


@dataclass(frozen=True)
class Token:
    """An issued token and the service URLs of its catalog."""

    value: str
    project_id: str
    compute_url: str
    image_url: str


@dataclass(frozen=True)
class _Failure:
    """A retryable failure of one attempt; ``lost`` if the provider may have acted on it."""

    text: str
    lost: bool


class OpenStackClient:
    """Talks to the cloud whose Keystone is at ``auth_url`` (e.g. ``http://h:p/identity``)."""

    def __init__(
        self,
        auth_url: str,
        session: requests.Session,
        *,
        wait: Callable[[float], None],
        region: str = "RegionOne",
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.auth_url = auth_url.rstrip("/")
        self.session = session
        self.wait = wait
        self.region = region
        self.retry = retry if retry is not None else RetryPolicy()
        self.timeout = timeout
        self._tokens: dict[Account, Token] = {}
        self._lock = threading.Lock()

    # -- the services ------------------------------------------------------------------------------

    def compute(
        self,
        account: Account,
        method: str,
        path: str,
        *,
        body: Document | None = None,
        params: Mapping[str, str] | None = None,
        recover: Recover | None = None,
    ) -> Document:
        """The JSON answer of Nova to ``method path`` (``path`` after ``/compute/v2.1``)."""
        return self._service(account, "compute_url", method, path, body, params, recover)

    def image(
        self, account: Account, path: str, params: Mapping[str, str] | None = None
    ) -> Document:
        """The JSON answer of Glance to ``GET path`` (``path`` after ``/image``: ``/v2/...``)."""
        return self._service(account, "image_url", "GET", path, None, params, None)

    def token(self, account: Account) -> Token:
        """The account's token, issued now if it has none."""
        with self._lock:
            token = self._tokens.get(account)
        if token is None:
            token = self._issue(account)
            with self._lock:
                self._tokens[account] = token
        return token

    def forget(self, account: Account, token: Token) -> None:
        """Drop ``token`` (a service refused it): the next call asks for a new one."""
        with self._lock:
            if self._tokens.get(account) == token:
                del self._tokens[account]

    # -- requests --------------------------------------------------------------------------------

    def _service(
        self,
        account: Account,
        service: str,
        method: str,
        path: str,
        body: Document | None,
        params: Mapping[str, str] | None,
        recover: Recover | None,
    ) -> Document:
        renewed = False

        def attempt() -> requests.Response | _Failure:
            nonlocal renewed
            token = self.token(account)
            url = getattr(token, service) + path
            headers = {"X-Auth-Token": token.value, "Accept": _JSON}
            answer = self._send(method, url, headers, body, params)
            if isinstance(answer, requests.Response) and answer.status_code == 401 and not renewed:
                renewed = True  # expired or revoked: one new token, then the answer stands
                self.forget(account, token)
                return self.attempt_again
            return answer

        return self._retrying(f"{method} {path}", attempt, recover)

    attempt_again = _Failure("token renewed", lost=False)
    """Marks an attempt to repeat at once, without waiting or counting it."""

    def _issue(self, account: Account) -> Token:
        """A new token for ``account``, with its catalog's service URLs."""
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": account.user,
                            "domain": {"name": account.domain},
                            "password": account.password,
                        }
                    },
                },
                "scope": {"project": {"name": account.project, "domain": {"name": account.domain}}},
            }
        }
        url = self.auth_url + "/v3/auth/tokens"
        holder: list[requests.Response] = []

        def attempt() -> requests.Response | _Failure:
            answer = self._send("POST", url, {"Accept": _JSON}, body, None)
            if isinstance(answer, requests.Response) and answer.status_code < 300:
                holder.append(answer)
            return answer

        document = self._retrying("POST /v3/auth/tokens", attempt, None)
        value = holder[-1].headers.get("X-Subject-Token", "")
        if not value:
            raise ProviderError("Keystone issued a token without an X-Subject-Token header")
        return self._read_token(value, document)

    def _read_token(self, value: str, document: Document) -> Token:
        token = document.get("token")
        if not isinstance(token, dict):
            raise ProviderError("Keystone's token answer has no 'token' object")
        project = token.get("project")
        project = project if isinstance(project, dict) else {}
        catalog = token.get("catalog")
        if not isinstance(catalog, list):
            raise AuthException("Keystone issued a token without a catalog (not project-scoped)")
        return Token(
            value=value,
            project_id=str(project.get("id", "")),
            compute_url=self._endpoint(catalog, "compute").rstrip("/"),
            image_url=self._endpoint(catalog, "image").rstrip("/"),
        )

    def _endpoint(self, catalog: list[Any], kind: str) -> str:
        """The public URL of the service of type ``kind`` in the client's region."""
        urls = [
            endpoint.get("url")
            for service in catalog
            if isinstance(service, dict) and service.get("type") == kind
            for endpoint in service.get("endpoints") or []
            if isinstance(endpoint, dict)
            and endpoint.get("interface") == "public"
            and self.region in (endpoint.get("region"), endpoint.get("region_id"))
        ]
        if not urls or not isinstance(urls[0], str):
            raise ProviderError(
                f"the catalog has no public {kind} endpoint in region {self.region!r}"
            )
        return urls[0]

    def _retrying(
        self,
        what: str,
        attempt: Callable[[], requests.Response | _Failure],
        recover: Recover | None,
    ) -> Document:
        """The JSON of the first successful ``attempt()``, retrying as the module says."""
        delays = self.retry.delays()
        attempts = 0
        lost = False
        while True:
            if lost and recover is not None:
                done = recover()
                if done is not None:
                    return done
            answer = attempt()
            if answer is self.attempt_again:
                continue
            attempts += 1
            if isinstance(answer, requests.Response):
                if answer.status_code < 300:
                    return _document(answer, what)
                error = _os_errors.read(answer.status_code, answer.content)
                if not _os_errors.is_retryable(error.status):
                    raise _os_errors.translate(error) from None
                # 408, 504: no answer in time, so the provider may have acted
                failure = _Failure(str(error), lost=error.status in (408, 504))
            else:
                failure = answer
            lost = lost or failure.lost
            delay = next(delays, None)
            if delay is None:
                plural = "s" if attempts > 1 else ""
                raise ProviderError(
                    f"{failure.text} ({what}: gave up after {attempts} attempt{plural})"
                )
            self.wait(delay)

    def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: Document | None,
        params: Mapping[str, str] | None,
    ) -> requests.Response | _Failure:
        if body is not None:
            headers = {**headers, "Content-Type": _JSON}
        try:
            return self.session.request(
                method,
                url,
                data=json.dumps(body) if body is not None else None,
                params=params,
                headers=headers,
                timeout=self.timeout,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            return _Failure(f"{type(exc).__name__}: {exc}", lost=True)
        except requests.RequestException as exc:
            raise ProviderError(f"{type(exc).__name__}: {exc}") from None


def _document(response: requests.Response, what: str) -> Document:
    """The JSON object of a successful answer; ``{}`` for an empty one (204, 202 actions)."""
    if not response.content.strip():
        return {}
    try:
        document = response.json()
    except ValueError:
        raise ProviderError(f"{what}: HTTP {response.status_code}, not JSON") from None
    if not isinstance(document, dict):
        raise ProviderError(f"{what}: HTTP {response.status_code}, not a JSON object")
    return document
