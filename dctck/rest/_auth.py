"""HTTP Basic authentication: the credentials a driver gets, and the challenge a client gets.

A request without ``Authorization`` gives the driver ``{}`` (SPEC 2); ``Basic`` credentials
(parsed by werkzeug) give ``{"name": ..., "password": ...}``. A header that is not valid Basic
credentials is refused with the challenge before the driver is called.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from werkzeug.wrappers import Request

from dctck.rest._http import HttpError

__all__ = ["CHALLENGE", "REALM", "basic_authorization", "challenge_error", "credentials_from"]

REALM = "Deltacloud API"
#: The ``WWW-Authenticate`` value of every 401 (RFC 7617, credentials in UTF-8).
CHALLENGE = f'Basic realm="{REALM}", charset="UTF-8"'


def challenge_error(kind: str, message: str) -> HttpError:
    """A 401 carrying the Basic challenge."""
    return HttpError(401, kind, message, headers=[("WWW-Authenticate", CHALLENGE)])


def credentials_from(request: Request) -> dict[str, str]:
    """The driver's credentials from the request's ``Authorization`` (``{}`` when absent)."""
    if not request.headers.get("Authorization", "").strip():
        return {}
    authorization = request.authorization
    if authorization is None or authorization.type != "basic":
        raise challenge_error(
            "authentication_failed", "only valid HTTP Basic credentials are accepted"
        )
    return {"name": authorization.username or "", "password": authorization.password or ""}


def basic_authorization(credentials: Mapping[str, object]) -> str | None:
    """The ``Authorization`` header for SPI credentials; ``None`` for ``{}`` (no credentials)."""
    if not credentials:
        return None
    name, password = credentials.get("name"), credentials.get("password")
    text = f"{'' if name is None else name}:{'' if password is None else password}"
    return "Basic " + base64.b64encode(text.encode("utf-8")).decode("ascii")
