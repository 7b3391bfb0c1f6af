"""HTTP Basic authentication: the credentials a driver gets, and the challenge a client gets.

A request without ``Authorization`` gives the driver ``{}`` (SPEC 2); ``Basic`` credentials give
``{"name": ..., "password": ...}``. A header that is not valid Basic credentials is refused with
the challenge before the driver is called.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from dctck.rest._http import HttpError

__all__ = ["CHALLENGE", "REALM", "basic_authorization", "challenge_error", "credentials_from"]

REALM = "Deltacloud API"
#: The ``WWW-Authenticate`` value of every 401 (RFC 7617, credentials in UTF-8).
CHALLENGE = f'Basic realm="{REALM}", charset="UTF-8"'


def challenge_error(code: str, message: str) -> HttpError:
    """A 401 carrying the Basic challenge."""
    return HttpError(401, code, message, headers=[("WWW-Authenticate", CHALLENGE)])


def credentials_from(authorization: str | None) -> dict[str, str]:
    """The driver's credentials from an ``Authorization`` header (``{}`` when absent)."""
    if authorization is None or not authorization.strip():
        return {}
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        raise challenge_error("authentication_failed", "only HTTP Basic credentials are accepted")
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise challenge_error(
            "authentication_failed", "the Authorization header is not valid Basic credentials"
        ) from None
    name, colon, password = decoded.partition(":")
    if not colon:
        raise challenge_error("authentication_failed", "Basic credentials must be NAME:PASSWORD")
    return {"name": name, "password": password}


def basic_authorization(credentials: Mapping[str, object]) -> str | None:
    """The ``Authorization`` header for SPI credentials; ``None`` for ``{}`` (no credentials)."""
    if not credentials:
        return None
    name, password = credentials.get("name"), credentials.get("password")
    text = f"{'' if name is None else name}:{'' if password is None else password}"
    return "Basic " + base64.b64encode(text.encode("utf-8")).decode("ascii")
