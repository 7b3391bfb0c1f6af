"""Marks the suites put on checks: their area (a marker of that name) and the SPEC rule."""

from __future__ import annotations

import pytest

from dctck.kit._packs import installed_packs
from dctck.kit._report import API_AREA, AREAS

__all__ = ["RULE_MARKER", "area", "rule"]

RULE_MARKER = "dctck_rule"


def area(name: str) -> pytest.MarkDecorator:
    """The marker of a report area: ``pytest -m filters`` selects that area's checks."""
    if name not in AREAS and name != API_AREA and name not in _pack_areas():
        known = ", ".join((*AREAS, API_AREA, *_pack_areas()))
        raise ValueError(
            f"unknown dctck area {name!r} (known: {known}; a suite pack declares its areas)"
        )
    return getattr(pytest.mark, name)  # type: ignore[no-any-return]


def _pack_areas() -> list[str]:
    try:
        packs = installed_packs()
    except ValueError:
        return []  # the plugin reports a broken pack as a usage error
    return [area for pack in packs for area in (*pack.areas, *pack.rest_areas)]


def rule(text: str) -> pytest.MarkDecorator:
    """The SPEC rule a check verifies, e.g. ``rule("SPEC 6: exact, case-sensitive match")``."""
    return pytest.mark.dctck_rule(text)
