"""Drawing a few representative values from a driver's own data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

__all__ = ["spread"]

_T = TypeVar("_T")


def spread(items: Sequence[_T], size: int) -> list[_T]:
    """At most ``size`` of ``items``, evenly spread and always including the first and last."""
    if len(items) <= size:
        return list(items)
    if size <= 1:
        return list(items[:size])
    last = len(items) - 1
    return [items[round(i * last / (size - 1))] for i in range(size)]
