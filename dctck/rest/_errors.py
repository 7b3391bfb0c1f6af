"""What a driver's exception becomes over HTTP.

=========================  ======  ==========================
driver raised              status  kind
=========================  ======  ==========================
AuthException, no creds    401     authentication_required (with the Basic challenge)
AuthException, with creds  401     authentication_failed (with the Basic challenge)
NotFound                   404     not_found
ValidationError            400     validation_error
ActionNotAllowed           409     conflict (the driver refused; the front's own refusal is 405)
ProviderError              502     provider_error
anything else              500     driver_failure (the type only: no message, no traceback)
=========================  ======  ==========================

Messages of the driver's own errors are kept, with the request's password replaced by ``***``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from dctck._errors import (
    ActionNotAllowed,
    AuthException,
    NotFound,
    ProviderError,
    ValidationError,
)
from dctck.rest._auth import challenge_error
from dctck.rest._http import HttpError

__all__ = ["driver_failure", "http_error_for", "redact"]

_LOG = logging.getLogger("dctck.rest")

_MAPPED: tuple[tuple[type[Exception], int, str], ...] = (
    (NotFound, 404, "not_found"),
    (ValidationError, 400, "validation_error"),
    (ActionNotAllowed, 409, "conflict"),
    (ProviderError, 502, "provider_error"),
)


def http_error_for(error: Exception, call: str, credentials: Mapping[str, str]) -> HttpError:
    """The answer to ``error``, raised by the driver in ``call`` for a request with these
    ``credentials``."""
    message = redact(" ".join(str(error).split()), credentials)
    if isinstance(error, AuthException):
        if credentials:
            return challenge_error("authentication_failed", message or "credentials rejected")
        return challenge_error("authentication_required", message or "credentials required")
    for error_type, status, kind in _MAPPED:
        if isinstance(error, error_type):
            return HttpError(status, kind, message or f"{call} raised {type(error).__name__}")
    _LOG.error("%s raised %s", call, type(error).__name__, exc_info=error)
    return driver_failure(f"{call} raised {type(error).__name__}")


def driver_failure(message: str) -> HttpError:
    """A 500: the driver failed, or returned something the API cannot represent."""
    return HttpError(500, "driver_failure", f"the driver failed: {message}")


def redact(text: str, credentials: Mapping[str, str]) -> str:
    """``text`` with the request's password replaced by ``***``."""
    password = credentials.get("password")
    if isinstance(password, str) and password:
        text = text.replace(password, "***")
    return text
