"""EC2 error codes as the Driver SPI's exceptions, and which of them are worth retrying.

=====================================================  ======================
EC2 code                                               SPI exception
=====================================================  ======================
AuthFailure, SignatureDoesNotMatch, ...                ``AuthException``
``*.NotFound``, InvalidInstanceID/InvalidAMIID         ``NotFound``
``.Malformed``
IncorrectInstanceState, IncorrectState,                ``ActionNotAllowed``
UnsupportedOperation
InvalidParameterValue, MissingParameter, ...           ``ValidationError``
RequestLimitExceeded, InternalError, Unavailable,      ``ProviderError``
any 5xx, any code not listed here
=====================================================  ======================

The message of every exception starts with the EC2 code: ``"AuthFailure: AWS was not able..."``.
"""

from __future__ import annotations

from dctck import (
    ActionNotAllowed,
    AuthException,
    DriverError,
    NotFound,
    ProviderError,
    ValidationError,
)

__all__ = ["RETRYABLE", "THROTTLING", "is_retryable", "translate"]

AUTH = frozenset(
    {
        "AuthFailure",
        "InvalidClientTokenId",
        "MissingAuthenticationToken",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "UnauthorizedOperation",
    }
)
NOT_FOUND_MALFORMED = frozenset({"InvalidInstanceID.Malformed", "InvalidAMIID.Malformed"})
NOT_ALLOWED = frozenset({"IncorrectInstanceState", "IncorrectState", "UnsupportedOperation"})
INVALID = frozenset(
    {
        "InvalidParameterValue",
        "InvalidParameterCombination",
        "InvalidParameter",
        "MissingParameter",
        "UnknownParameter",
        "InvalidInstanceType",
    }
)
THROTTLING = frozenset({"RequestLimitExceeded", "Throttling", "ThrottlingException"})
"""Codes telling the caller to slow down."""
RETRYABLE = THROTTLING | {"InternalError", "InternalFailure", "Unavailable", "ServiceUnavailable"}
"""Codes a retry may cure: throttling and transient server failures."""
_NOT_RETRYABLE_5XX = frozenset({"InsufficientInstanceCapacity", "InsufficientCapacity"})


def is_retryable(code: str | None, status: int) -> bool:
    """Whether an error answer is worth another try: throttling, or a transient 5xx."""
    if code is None:
        return status >= 500
    return code in RETRYABLE or (status >= 500 and code not in _NOT_RETRYABLE_5XX)


def translate(code: str, message: str) -> DriverError:
    """The SPI exception for an EC2 error ``code`` (raise it ``from None``)."""
    text = f"{code}: {message}" if message else code
    if code in AUTH:
        return AuthException(text)
    if code.endswith(".NotFound") or code in NOT_FOUND_MALFORMED:
        return NotFound(text)
    if code in NOT_ALLOWED:
        return ActionNotAllowed(text)
    if code in INVALID or code.endswith(".Malformed"):
        return ValidationError(text)
    return ProviderError(text)
