"""Keystone v3 under `/identity`: version discovery, password and token authentication, tokens.

Tokens live on the simulator's clock (`expires_at` an hour after issue by default), so moving a
manual clock expires them. A token is scoped to the user's project (each project has a user of
the same name, domain `Default`, id `default`); asking for another project is a 401.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Request, Response

from simulator._catalogue import Account, derived_uuid
from simulator._errors import AuthFailure
from simulator._nova import NovaCloud
from simulator.openstack._wire import IDENTITY, ApiError, answer, read_json, timestamp, unauthorized

DOMAIN_ID = "default"
DOMAIN_NAME = "Default"
VERSION_ID = "v3.14"
ROLES = ("member", "reader")


@dataclass(frozen=True, slots=True)
class Token:
    """An issued token: whose, and between which (virtual) times it is valid."""

    id: str
    account: Account
    issued_at: float
    expires_at: float
    methods: tuple[str, ...]


class Identity:
    """Keystone over one `NovaCloud`: issues and validates tokens (thread-safe)."""

    def __init__(self, cloud: NovaCloud, token_seconds: float | None = None) -> None:
        self.cloud = cloud
        self._token_seconds = token_seconds
        self._tokens: dict[str, Token] = {}
        self._lock = threading.Lock()

    @property
    def token_seconds(self) -> float:
        """How long a token lasts: as given, else the cloud's `token_seconds`."""
        if self._token_seconds is not None:
            return self._token_seconds
        return self.cloud.config.token_seconds

    # Routes

    def versions(self, request: Request, base: str) -> Response:
        """`GET /identity`: the version list, Keystone's 300 Multiple Choices."""
        return answer(300, {"versions": {"values": [_version(base)]}})

    def version(self, request: Request, base: str) -> Response:
        """`GET /identity/v3`: the one version document."""
        return answer(200, {"version": _version(base)})

    def issue(self, request: Request, base: str, catalog: list[dict[str, Any]]) -> Response:
        """`POST /identity/v3/auth/tokens`: 201, the token in `X-Subject-Token`."""
        auth = _object(read_json(request, IDENTITY), "auth")
        identity = _object(auth, "identity")
        methods = identity.get("methods")
        if (
            not isinstance(methods, list)
            or not methods
            or not all(isinstance(method, str) for method in methods)
        ):
            raise _bad("Invalid input for field 'identity/methods': a list of strings is expected")
        if "password" in methods:
            account = self._password(_object(identity, "password"), base)
        elif "token" in methods:
            account = self.account(_string(_object(identity, "token"), "id"), base)
        else:
            raise ApiError(
                401,
                f"Unsupported authentication methods {methods}",
                IDENTITY,
                unauthorized(base).headers,
            )
        _check_scope(auth.get("scope"), account, base)
        now = self.cloud.clock.now()
        token = Token(
            secrets.token_urlsafe(48), account, now, now + self.token_seconds, tuple(methods)
        )
        with self._lock:
            self._tokens[token.id] = token
        return answer(201, {"token": _token_body(token, catalog)}, {"X-Subject-Token": token.id})

    def validate(self, request: Request, base: str, catalog: list[dict[str, Any]]) -> Response:
        """`GET|HEAD /identity/v3/auth/tokens`: the subject token, or 404."""
        self.account(request.headers.get("X-Auth-Token"), base)
        token = self._valid(request.headers.get("X-Subject-Token"))
        if token is None:
            subject = request.headers.get("X-Subject-Token")
            raise ApiError(404, f"Could not find token: {subject}", IDENTITY)
        body = None if request.method == "HEAD" else {"token": _token_body(token, catalog)}
        return answer(200, body, {"X-Subject-Token": token.id})

    def revoke(self, request: Request, base: str) -> Response:
        """`DELETE /identity/v3/auth/tokens`: 204, the subject token revoked."""
        self.account(request.headers.get("X-Auth-Token"), base)
        subject = request.headers.get("X-Subject-Token") or ""
        with self._lock:
            gone = self._tokens.pop(subject, None)
        if gone is None:
            raise ApiError(404, f"Could not find token: {subject}", IDENTITY)
        return answer(204, None)

    # For the other services

    def account(self, token_id: str | None, base: str) -> Account:
        """The project whose valid token `token_id` is; keystonemiddleware's 401 otherwise."""
        token = self._valid(token_id)
        if token is None:
            raise unauthorized(base)
        return token.account

    def _valid(self, token_id: str | None) -> Token | None:
        if not token_id:
            return None
        with self._lock:
            token = self._tokens.get(token_id)
            if token is not None and self.cloud.clock.now() >= token.expires_at:
                del self._tokens[token_id]
                token = None
        return token

    def _password(self, password: dict[str, Any], base: str) -> Account:
        user = _object(password, "user")
        secret = user.get("password")
        if "id" in user:
            user_id = _string(user, "id")
            name = next(
                (a.name for a in self.cloud.config.accounts if NovaCloud.user_id(a) == user_id),
                None,
            )
        else:
            name = _string(user, "name")
            _check_domain(user, "user", base)
        try:
            return self.cloud.authenticate(name or "", secret if isinstance(secret, str) else "")
        except AuthFailure:
            raise unauthorized(base) from None


def identity_headers(base: str) -> dict[str, str]:
    """The challenge a 401 carries."""
    return unauthorized(base).headers


def _version(base: str) -> dict[str, Any]:
    return {
        "id": VERSION_ID,
        "status": "stable",
        "updated": "2020-04-07T00:00:00Z",
        "links": [{"rel": "self", "href": f"{base}/v3/"}],
        "media-types": [
            {"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}
        ],
    }


def _token_body(token: Token, catalog: list[dict[str, Any]]) -> dict[str, Any]:
    account = token.account
    domain = {"id": DOMAIN_ID, "name": DOMAIN_NAME}
    return {
        "methods": list(token.methods),
        "expires_at": timestamp(token.expires_at, micro=True),
        "issued_at": timestamp(token.issued_at, micro=True),
        "audit_ids": [token.id[:22]],
        "user": {
            "id": NovaCloud.user_id(account),
            "name": account.name,
            "domain": domain,
            "password_expires_at": None,
        },
        "project": {"id": account.id, "name": account.name, "domain": domain},
        "roles": [{"id": derived_uuid("role", role), "name": role} for role in ROLES],
        "is_domain": False,
        "catalog": catalog,
    }


def _check_scope(scope: object, account: Account, base: str) -> None:
    """A token is scoped to the user's own project; no scope means that project too."""
    if scope is None or scope == "unscoped":
        return
    if not isinstance(scope, dict):
        raise _bad("Invalid input for field 'scope': an object is expected")
    if "project" not in scope:
        raise ApiError(401, "Only project scope is supported", IDENTITY, identity_headers(base))
    project = _object(scope, "project")
    if "id" in project:
        same = _string(project, "id") == account.id
    else:
        same = _string(project, "name") == account.name
        _check_domain(project, "project", base)
    if not same:
        raise unauthorized(base)


def _check_domain(holder: dict[str, Any], what: str, base: str) -> None:
    domain = holder.get("domain")
    if not isinstance(domain, dict) or not ({"id", "name"} & set(domain)):
        raise _bad(f"Expecting to find domain in {what}.")
    if domain.get("id", DOMAIN_ID) != DOMAIN_ID or domain.get("name", DOMAIN_NAME) != DOMAIN_NAME:
        raise unauthorized(base)


def _object(holder: dict[str, Any], key: str) -> dict[str, Any]:
    value = holder.get(key)
    if not isinstance(value, dict):
        raise _bad(f"Invalid input for field '{key}': an object is expected")
    return value


def _string(holder: dict[str, Any], key: str) -> str:
    value = holder.get(key)
    if not isinstance(value, str) or not value:
        raise _bad(f"Invalid input for field '{key}': a non-empty string is expected")
    return value


def _bad(message: str) -> ApiError:
    return ApiError(400, message, IDENTITY)
