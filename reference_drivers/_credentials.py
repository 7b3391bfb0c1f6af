"""SPI credentials as a provider's key pair, refused before any request when incomplete."""

from __future__ import annotations

from collections.abc import Mapping

from dctck import AuthException, Credentials

__all__ = ["keys"]


def keys(credentials: Credentials) -> tuple[str, str]:
    """(``name``, ``password``): an access key id and a secret; ``AuthException`` if either is
    missing or empty (SPEC 2), so a driver never sends a request it knows will be refused."""
    if not isinstance(credentials, Mapping):
        raise AuthException("credentials required: name (access key id) and password")
    name, password = credentials.get("name"), credentials.get("password")
    if not isinstance(name, str) or not name or not isinstance(password, str) or not password:
        raise AuthException("credentials required: name (access key id) and password")
    return name, password
