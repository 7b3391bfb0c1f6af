"""OpenStack error answers (Keystone, Nova, Glance) as the Driver SPI's exceptions.

=============================================  ======================================
HTTP answer                                    SPI exception
=============================================  ======================================
401 (Keystone, keystonemiddleware)             ``AuthException``
403 ``Quota exceeded ...``                     ``ProviderError`` (the provider's limit)
403 otherwise (policy)                         ``AuthException``
404 ``itemNotFound``                           ``NotFound``
409 ``conflictingRequest``                     ``ActionNotAllowed``
400 ``badRequest``, other 4xx                  ``ValidationError``
405, 406, 415 (what the driver sent is wrong   ``ProviderError``
for this endpoint, not the caller's request)
408, 413/429 ``overLimit``, 5xx, no answer     retried, then ``ProviderError``
=============================================  ======================================

The message of every exception starts with the status and the error's name:
``"409 conflictingRequest: Cannot 'stop' instance ... while it is in vm_state stopped"``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from dctck import (
    ActionNotAllowed,
    AuthException,
    DriverError,
    NotFound,
    ProviderError,
    ValidationError,
)

__all__ = ["ErrorAnswer", "is_retryable", "read", "translate"]

_RETRYABLE = frozenset({408, 413, 429})
_NOT_RETRYABLE_5XX = frozenset({501})
_ENDPOINT_MISMATCH = frozenset({405, 406, 415})


@dataclass(frozen=True)
class ErrorAnswer:
    """An error answer as read: HTTP status, the error's name (``itemNotFound``) and message."""

    status: int
    name: str
    message: str

    def __str__(self) -> str:
        head = f"{self.status} {self.name}".strip()
        return f"{head}: {self.message}" if self.message else head


def read(status: int, body: bytes) -> ErrorAnswer:
    """The error of an answer with ``status`` and ``body``, in any of the three formats.

    Nova: ``{"itemNotFound": {"code": 404, "message": ...}}``; Keystone and keystonemiddleware:
    ``{"error": {"code": 401, "title": ..., "message": ...}}``; Glance:
    ``{"message": ..., "code": "404 Not Found", "title": ...}``. Anything else keeps the status
    and a short, one-line excerpt of the body.
    """
    try:
        document = json.loads(body) if body else None
    except ValueError:
        document = None
    if isinstance(document, dict) and len(document) == 1:
        ((name, inner),) = document.items()
        if isinstance(inner, dict) and "message" in inner:
            title = inner.get("title") if name == "error" else None
            return ErrorAnswer(status, str(title or name), _line(inner.get("message")))
    if isinstance(document, dict) and "message" in document:
        return ErrorAnswer(status, str(document.get("title") or ""), _line(document["message"]))
    text = body.decode("utf-8", "replace") if body else ""
    return ErrorAnswer(status, "", _line(text)[:200])


def is_retryable(status: int) -> bool:
    """Whether an error answer is worth another try: throttling, a timeout, a transient 5xx."""
    return status in _RETRYABLE or (status >= 500 and status not in _NOT_RETRYABLE_5XX)


def translate(error: ErrorAnswer) -> DriverError:
    """The SPI exception for a non-retryable error answer (raise it ``from None``)."""
    text = str(error)
    if error.status == 401:
        return AuthException(text)
    if error.status == 403:
        if "quota" in error.message.lower():
            return ProviderError(text)
        return AuthException(text)
    if error.status == 404:
        return NotFound(text)
    if error.status == 409:
        return ActionNotAllowed(text)
    if error.status in _ENDPOINT_MISMATCH or error.status >= 500 or error.status < 400:
        return ProviderError(text)
    if is_retryable(error.status):
        return ProviderError(text)
    return ValidationError(text)


def _line(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""
