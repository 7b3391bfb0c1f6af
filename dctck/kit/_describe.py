"""Short, secret-free renderings of values, errors and calls for conformance messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["describe_error", "describe_value"]

_MAX_IDS = 8
_MAX_REPR = 160


def describe_value(value: Any) -> str:
    """A list of models as its ids, a model as ``<Instance i-1 RUNNING>``, anything else by repr."""
    if isinstance(value, list):
        if all(_has_id(item) for item in value):
            ids = [item.id for item in value]
            shown = repr(ids[:_MAX_IDS])
            return shown if len(ids) <= _MAX_IDS else f"{shown[:-1]}, ... {len(ids)} in all]"
        return _clip(repr(value))
    if _has_id(value) and not isinstance(value, Mapping):
        state = getattr(value, "state", None)
        suffix = f" {state}" if state is not None else ""
        return f"<{type(value).__name__} {value.id!r}{suffix}>"
    return _clip(repr(value))


def describe_error(error: BaseException) -> str:
    """``KeyError: 'name'``: the type and the first line of the message."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {_clip(text)}" if text else type(error).__name__


def _has_id(value: Any) -> bool:
    return hasattr(value, "id") and not isinstance(value, type)


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_REPR else text[: _MAX_REPR - 3] + "..."
