"""The one exception hierarchy of dctck.

DriverError                 base of every error a driver raises on purpose
├── AuthException           credentials missing or rejected (HTTP authentication challenge)
├── NotFound                an id that names nothing the caller can see
├── ValidationError         a malformed request (missing image id, unknown profile, bad type)
├── ActionNotAllowed        an action the state machine forbids in the current state
├── ProviderError           the provider behind the driver failed (5xx, throttling, timeout)
└── DriverLoadError         a ``MODULE:ATTR`` driver path that cannot be loaded (kit misuse)
"""

from __future__ import annotations

__all__ = [
    "ActionNotAllowed",
    "AuthException",
    "DriverError",
    "DriverLoadError",
    "NotFound",
    "ProviderError",
    "ValidationError",
]


class DriverError(Exception):
    """Base of every error a driver raises on purpose (SPEC 1)."""


class AuthException(DriverError):
    """Credentials are missing or invalid; the framework answers with an HTTP challenge."""


class NotFound(DriverError):
    """An id names nothing the caller can see."""


class ValidationError(DriverError):
    """A malformed request: ``image_id=None``, an unknown ``hwp_id``/``realm_id``, wrong types."""


class ActionNotAllowed(DriverError):
    """The state machine does not allow the action from the instance's current state."""


class ProviderError(DriverError):
    """The provider behind the driver failed: a 5xx answer, throttling, a timeout."""


class DriverLoadError(DriverError):
    """A ``MODULE:ATTR`` driver path could not be imported, found or constructed.

    Its message is one line saying what failed, fit to show a user without a traceback.
    """
