"""What ``LibcloudDriver`` knows of Libcloud: its node states, its errors, and each provider.

``NODE_STATES`` is the one table from Libcloud's ``NodeState`` to the SPI's states; a
:class:`Provider` declares, in one place, everything the adapter needs to know of one Libcloud
provider: how to build its ``NodeDriver`` for an account, its state machine, its features, where
its nodes keep the image, size and zone they run on, and how its errors read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from libcloud.common.exceptions import BaseHTTPError
from libcloud.common.types import InvalidCredsError, LibcloudError, MalformedResponseError
from libcloud.compute.types import NodeState

from dctck import (
    ActionNotAllowed,
    AuthException,
    DriverError,
    NotFound,
    ProviderError,
    StateDeclaration,
    ValidationError,
)
from reference_drivers import _ec2_errors

__all__ = ["NODE_STATES", "Provider", "ec2_error", "not_supported", "openstack_error", "translate"]

NODE_STATES: Mapping[str, str | None] = {
    NodeState.PENDING: "PENDING",
    NodeState.STARTING: "PENDING",
    NodeState.RUNNING: "RUNNING",
    NodeState.REBOOTING: "RUNNING",
    NodeState.STOPPING: "SHUTTING_DOWN",
    NodeState.STOPPED: "STOPPED",
    NodeState.TERMINATED: None,
}
"""Libcloud's ``NodeState`` as the SPI's ``Instance.state``.

==========================  =================  =============================================
``NodeState``               SPI state          why
==========================  =================  =============================================
``PENDING``, ``STARTING``   ``PENDING``        on its way to running
``RUNNING``, ``REBOOTING``  ``RUNNING``        a reboot is the edge ``running -> running``
``STOPPING``                ``SHUTTING_DOWN``  on its way to stopped (or gone)
``STOPPED``                 ``STOPPED``        can be started again
``TERMINATED``              (``end``)          gone: not listed, ``NotFound`` on actions
anything else               its own name       ``UNKNOWN``, ``ERROR``, ``SUSPENDED``, ...
==========================  =================  =============================================

A state without an SPI meaning is reported as Libcloud's name in upper case, so that the kit
shows it (an undeclared state, SPEC 3 and 5) instead of the adapter guessing what it means.
"""

SizeFact = Callable[[Any], Any]


def _architecture(item: Any) -> Any:
    return (getattr(item, "extra", None) or {}).get("architecture")


def _no_fact(item: Any) -> Any:
    return None


@dataclass(frozen=True)
class Provider:
    """One Libcloud provider as the adapter sees it.

    ``connect(key, secret)`` builds the provider's ``NodeDriver`` for one account; ``states``
    is its instance state machine (SPEC 5) and ``features`` its SPEC 8 features. ``node_extra``
    names the keys of ``Node.extra`` holding a node's ``image``, ``hardware_profile`` and
    ``realm`` where ``Node.image`` and ``Node.size`` do not say; ``location_id`` is a realm's id
    (by default the location's id). ``size_architecture`` and ``realm_state`` read what
    Libcloud's generic models do not carry; ``error`` translates the provider's errors (None:
    by HTTP status). ``list_nodes`` holds the provider's own arguments of every ``list_nodes``
    call (e.g. a filter leaving out nodes the SPI would not list anyway).
    """

    name: str
    connect: Callable[[str, str], Any]
    states: StateDeclaration
    features: Mapping[str, frozenset[str]] = field(default_factory=dict)
    node_extra: Mapping[str, str] = field(default_factory=dict)
    location_id: Callable[[Any], str] = lambda location: str(location.id)
    size_architecture: SizeFact = _architecture
    realm_state: SizeFact = _no_fact
    error: Callable[[Exception], DriverError | None] = lambda exc: None
    list_nodes: Mapping[str, Any] = field(default_factory=dict)


def translate(exc: Exception, provider: Provider) -> DriverError | None:
    """The SPI error for an exception a Libcloud call raised, or None if it is not Libcloud's.

    The provider's own reading first; then ``InvalidCredsError`` is ``AuthException``; by HTTP
    status, 401/403 ``AuthException``, 404 ``NotFound``, other 4xx ``ValidationError``; any other
    Libcloud or transport error is ``ProviderError``. The message is kept. Libcloud's
    ``NotImplementedError`` ("this driver cannot") is no SPI error: it stays itself, with
    "not supported by <provider>" (:func:`not_supported`).
    """
    specific = provider.error(exc)
    if specific is not None:
        return specific
    text = _message(exc)
    if isinstance(exc, InvalidCredsError):
        return AuthException(text)
    if isinstance(exc, NotImplementedError):
        return None
    if isinstance(exc, BaseHTTPError):
        status = int(exc.code) if str(exc.code).isdigit() else 0
        if status in (401, 403):
            return AuthException(text)
        if status == 404:
            return NotFound(text)
        if 400 <= status < 500 and status != 429:
            return ValidationError(text)
        return ProviderError(text)
    if isinstance(
        exc, LibcloudError | MalformedResponseError | requests.RequestException | OSError
    ):
        return ProviderError(text)
    return None


def not_supported(exc: NotImplementedError, method: str, driver: str) -> NotImplementedError:
    """Libcloud's ``NotImplementedError`` for ``method``, said as the ``driver`` class's: never
    another SPI error (an ``ActionNotAllowed`` would read as a refusal the machine explains)."""
    said = _message(exc)
    detail = "" if said in ("NotImplementedError", method) else f" ({said})"
    return NotImplementedError(f"{method} is not supported by {driver}{detail}")


def _message(exc: Exception) -> str:
    """The exception's own words on one line (Libcloud's ``str()`` of some adds quotes)."""
    value = getattr(exc, "value", None) if isinstance(exc, LibcloudError) else None
    text = " ".join(str(value if isinstance(value, str) else exc).split())
    return text or type(exc).__name__


def ec2_error(exc: Exception) -> DriverError | None:
    """An EC2 error Libcloud raised (``"Code: message"``), read as ``EC2Driver`` reads it."""
    if not isinstance(exc, BaseHTTPError):
        return None
    code, sep, message = str(exc.message).partition(": ")
    if not sep or not code or " " in code:
        return None
    return _ec2_errors.translate(code, message.strip())


def openstack_error(exc: Exception) -> DriverError | None:
    """A Nova 409 (conflictingRequest: the server's state does not allow the action) is
    ``ActionNotAllowed``; the rest is read by HTTP status."""
    if isinstance(exc, BaseHTTPError) and str(exc.code) == "409":
        return ActionNotAllowed(_message(exc))
    return None
