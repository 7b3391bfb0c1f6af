"""The drivers one server hosts, and the provider (e.g. a region) a request asks of one.

A driver may support providers with three optional members, looked up by name like ``clock``:

``provider``
    the provider it serves now (a string, e.g. ``"us-east-1"``);
``providers()``
    the providers it can switch to (strings);
``for_provider(name)``
    a driver for provider ``name``; raises ``ValidationError`` (or ``ValueError``) for one it
    does not know.

Each provider's driver is built once and kept, so its state lasts across requests. A driver
with neither ``providers()`` nor ``for_provider`` serves whatever provider a client names, and
the entry point echoes it (as Deltacloud's mock did); one that lists providers but has no
``for_provider`` serves only its own, and asking for another is a 400.
"""

from __future__ import annotations

import threading
from typing import Any

from dctck._errors import ValidationError
from dctck.rest._http import HttpError

__all__ = ["Hosted", "driver_label", "driver_name"]


def driver_name(driver: object) -> str:
    """``driver.name`` if it is a string, else the class name without ``Driver``, lower-cased."""
    name = getattr(driver, "name", None)
    if isinstance(name, str) and name:
        return name.lower()
    cls = type(driver).__name__
    return (cls.removesuffix("Driver") or cls).lower()


def driver_label(driver: object) -> str:
    """How people see the driver's name: ``driver.label``, else the class name without
    ``Driver`` (``Mock``, ``EC2``)."""
    label = getattr(driver, "label", None)
    if isinstance(label, str) and label:
        return label
    cls = type(driver).__name__
    return cls.removesuffix("Driver") or cls


class Hosted:
    """A driver served under ``name`` (lower case), with the drivers of its other providers."""

    def __init__(self, name: str, driver: Any) -> None:
        self.name = name.lower()
        self.driver = driver
        self.label = driver_label(driver)
        self._by_provider: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def provider(self) -> str | None:
        """The provider the driver serves without being asked for another."""
        provider = getattr(self.driver, "provider", None)
        return provider.lower() if isinstance(provider, str) and provider else None

    def providers(self) -> list[str] | None:
        """The providers the driver can switch to; ``None`` when it does not say."""
        listing = getattr(self.driver, "providers", None)
        if not callable(listing):
            return None
        return [str(provider).lower() for provider in listing()]

    def for_provider(self, provider: str | None) -> Any:
        """The driver serving ``provider`` (lower-cased); the hosted driver itself for ``None``,
        for its own provider, and for any provider when it lists none (Deltacloud's mock echoed
        whatever a client named); a 400 for one it cannot serve."""
        if provider is None or provider == self.provider or self._echoes_providers():
            return self.driver
        with self._lock:
            found = self._by_provider.get(provider)
            if found is None:
                found = self._build(provider)
                self._by_provider[provider] = found
            return found

    def _echoes_providers(self) -> bool:
        return not callable(getattr(self.driver, "for_provider", None)) and self.providers() is None

    def drivers(self) -> list[Any]:
        """The hosted driver and every provider's driver built so far."""
        with self._lock:
            return [self.driver, *self._by_provider.values()]

    def _build(self, provider: str) -> Any:
        build = getattr(self.driver, "for_provider", None)
        if not callable(build):
            raise HttpError(
                400,
                "unknown_provider",
                f"the {self.name} driver serves no provider but its own, not {provider[:100]!r}",
            )
        try:
            return build(provider)
        except (ValidationError, ValueError) as exc:
            raise HttpError(
                400, "unknown_provider", f"the {self.name} driver: {' '.join(str(exc).split())}"
            ) from None
