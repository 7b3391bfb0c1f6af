"""The bank of drivers the kit is proven against.

Each *broken* driver has exactly one defect and names the area and SPEC rule the kit must fail it
on; each *legal* driver makes unusual but allowed choices and must be certified. Modules of this
package register their drivers with :func:`broken` and :func:`legal`; ``CASES`` lists them all.

A legal driver names the SPEC sentences whose alternatives it stands for in its ``SPEC`` attribute
(or ``legal(spec=...)`` for a factory): ``"4: Returns the instance as last seen, or `None`"``, a
section number and words of one sentence of that section, verbatim. A sentence of SPEC.md that
offers an alternative and no legal driver claims fails ``tests/kit/test_spec_variety.py``.
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
    #: The SPEC sentences a legal driver stands for ("SECTION: words of the sentence").
    spec: tuple[str, ...] = ()
    #: Certified with --dctck-other-credentials (a second account), or with one account only.
    other_credentials: bool = True

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


def legal(*options: str, spec: tuple[str, ...] = (), other_credentials: bool = True):
    """Register a driver with unusual but legal behaviour, which the kit must certify.

    ``spec``: the SPEC sentences it stands for, when it has no ``SPEC`` attribute (a factory);
    ``other_credentials=False``: certified without a second account.
    """

    def register(cls):
        claims = getattr(cls, "SPEC", spec)
        claims = (claims,) if isinstance(claims, str) else tuple(claims)
        case = BankCase(_path(cls), None, None, _doc(cls), options, claims, other_credentials)
        _CASES.append(case)
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
