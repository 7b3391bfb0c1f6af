"""Filter semantics shared by every listing method (SPEC 6)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

__all__ = ["filter_on"]

T = TypeVar("T")

_MEMBERSHIP_TYPES = (list, tuple, set, frozenset)


def filter_on(collection: Iterable[T], attribute: str, opts: Mapping[str, Any] | None) -> list[T]:
    """Return the members of ``collection`` whose ``attribute`` matches ``opts[attribute]``.

    No filter (``opts`` is ``None``, the key is absent or its value is ``None``) keeps everything.
    A scalar matches by exact equality; a list, tuple or set matches any member. The order of the
    collection is kept, and neither it nor ``opts`` is changed.
    """
    items = list(collection)
    if opts is None:
        return items
    wanted = opts.get(attribute)
    if wanted is None:
        return items
    if isinstance(wanted, _MEMBERSHIP_TYPES):
        choices = list(wanted)
        return [item for item in items if _attribute(item, attribute) in choices]
    return [item for item in items if _attribute(item, attribute) == wanted]


def _attribute(item: object, attribute: str) -> Any:
    return getattr(item, attribute, None)
