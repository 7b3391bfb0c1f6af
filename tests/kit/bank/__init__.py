"""The bank of drivers the kit is proven against.

Each *broken* driver has exactly one defect and names the area and SPEC rule the kit must fail it
on; each *legal* driver makes unusual but allowed choices and must be certified. Modules of this
package register their drivers with :func:`broken` and :func:`legal`; ``CASES`` lists them all.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

__all__ = ["BankCase", "all_cases", "broken", "legal"]


@dataclass(frozen=True)
class BankCase:
    """A driver of the bank: ``path`` is its MODULE:ATTR; broken ones name area and rule."""

    path: str
    area: str | None
    rule: str | None
    doc: str
    options: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.rpartition(":")[2]


_CASES: list[BankCase] = []


def broken(area: str, rule: str, *options: str):
    """Register a driver with one defect, which the kit must fail in ``area`` citing ``rule``."""

    def register(cls):
        _CASES.append(BankCase(_path(cls), area, rule, _doc(cls), options))
        return cls

    return register


def legal(*options: str):
    """Register a driver with unusual but legal behaviour, which the kit must certify."""

    def register(cls):
        _CASES.append(BankCase(_path(cls), None, None, _doc(cls), options))
        return cls

    return register


def all_cases() -> list[BankCase]:
    """Every registered case, importing each module of the bank first."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return list(_CASES)


def _path(cls) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _doc(cls) -> str:
    return " ".join((cls.__doc__ or "").split())
