"""The SPI models (SPEC 3): value objects built from keyword arguments.

Only ``id`` is validated at construction; checking the other attributes is the kit's job, so that
a driver's mistakes reach the conformance checks instead of failing inside the driver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dctck._errors import ValidationError

__all__ = ["INSTANCE_STATES", "HardwareProfile", "Image", "Instance", "Realm"]

#: The values ``Instance.state`` may take (SPEC 3).
INSTANCE_STATES = ("PENDING", "RUNNING", "SHUTTING_DOWN", "STOPPED")

Number = int | float | Decimal


def _require_id(model: Any) -> None:
    if not isinstance(model.id, str) or not model.id:
        raise ValidationError(
            f"{type(model).__name__} needs a non-empty string id [SPEC 3], got {model.id!r}"
        )


@dataclass(frozen=True, kw_only=True)
class HardwareProfile:
    """A hardware profile: memory and storage in decimal GB, cpu a count."""

    id: str = None  # type: ignore[assignment]  # validated in __post_init__
    architecture: str | None = None
    memory: Number | None = None
    storage: Number | None = None
    cpu: int | None = None

    def __post_init__(self) -> None:
        _require_id(self)


@dataclass(frozen=True, kw_only=True)
class Realm:
    """A realm (a zone or data centre); ``limit`` is ``None`` for no limit."""

    id: str = None  # type: ignore[assignment]  # validated in __post_init__
    name: str | None = None
    state: str | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        _require_id(self)


@dataclass(frozen=True, kw_only=True)
class Image:
    """A machine image an instance can be created from."""

    id: str = None  # type: ignore[assignment]  # validated in __post_init__
    name: str | None = None
    architecture: str | None = None
    owner_id: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        _require_id(self)


@dataclass(frozen=True, kw_only=True)
class Instance:
    """A running (or pending, stopping, stopped) instance as the driver sees it now.

    ``image``, ``realm`` and ``hardware_profile`` are ids; ``state`` is one of
    :data:`INSTANCE_STATES`; ``actions`` are the actions that can be taken now.
    """

    id: str = None  # type: ignore[assignment]  # validated in __post_init__
    name: str | None = None
    owner_id: str | None = None
    image: str | None = None
    realm: str | None = None
    hardware_profile: str | None = None
    state: str | None = None
    actions: list[str] = field(default_factory=list)
    public_addresses: list[str] = field(default_factory=list)
    private_addresses: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        _require_id(self)
