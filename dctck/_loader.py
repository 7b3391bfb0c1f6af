"""Load a driver from a ``MODULE:ATTR`` path, failing with one line that says what went wrong."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any, cast

from dctck._errors import DriverLoadError

__all__ = ["load_callable", "load_driver", "split_driver_path"]


def split_driver_path(path: str, what: str = "driver") -> tuple[str, str]:
    """Split ``"package.module:Attr"`` into its two parts, or raise :class:`DriverLoadError`."""
    module, sep, attribute = path.partition(":")
    if not sep or not module or not attribute or ":" in attribute:
        raise DriverLoadError(
            f"{what} path {path!r} is not of the form MODULE:ATTR (e.g. mypackage.driver:MyDriver)"
        )
    return module, attribute


def load_callable(path: str, what: str = "driver") -> Callable[..., Any]:
    """Import ``MODULE`` and return its callable ``ATTR`` (dotted attributes are followed).

    ``what`` names the thing in error messages ("driver", "REST app"). The current directory is
    searched too, as ``python -m`` would, so a module beside the user's project needs no
    installation.
    """
    module_name, attribute = split_driver_path(path, what)
    target: Any = _import(module_name, what)
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise DriverLoadError(
                f"{what} path {path!r}: module {module_name!r} has no attribute {attribute!r}"
            ) from None
    if not callable(target):
        raise DriverLoadError(
            f"{what} path {path!r} names a {type(target).__name__}, not a class or a factory"
        )
    return cast("Callable[..., Any]", target)


def load_driver(path: str) -> Any:
    """Import ``MODULE``, take ``ATTR`` (a class or a zero-argument factory) and call it."""
    factory = load_callable(path)
    try:
        return factory()
    except Exception as exc:
        raise DriverLoadError(f"constructing {path} raised {_one_line(exc)}") from None


def _import(module_name: str, what: str) -> ModuleType:
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.append(cwd)
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            raise DriverLoadError(f"{what} module {module_name!r} not found") from None
        raise DriverLoadError(f"importing {module_name!r} raised {_one_line(exc)}") from None
    except Exception as exc:
        raise DriverLoadError(f"importing {module_name!r} raised {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
