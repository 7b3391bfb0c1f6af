"""Provider facts (``--dctck-facts``): what a driver author knows the provider offers.

A TOML file of tables ``hardware_profiles``, ``realms`` and ``images``, each keyed by id, each id
a table of that model's attributes (SPEC 3) with the values the provider documents.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import fields
from typing import Any

from dctck._models import HardwareProfile, Image, Realm

__all__ = ["FACT_MODELS", "Fact", "Facts", "parse_facts"]

#: The tables a facts file may hold: the catalogue collections, and the model of each.
FACT_MODELS: dict[str, type] = {
    "hardware_profiles": HardwareProfile,
    "realms": Realm,
    "images": Image,
}

Fact = str | int | float
#: collection -> id -> attribute -> declared value
Facts = dict[str, dict[str, dict[str, Fact]]]

#: The attributes of the fact models that are numbers; the others are strings.
_NUMBERS = {"memory", "storage", "cpu", "limit"}


def parse_facts(text: str, option: str) -> Facts:
    """The facts file at path ``text``; ``ValueError`` naming ``option``, the file and the
    problem when it cannot be read, is not TOML, or declares what the models do not have."""
    where = f"{option} {text}"
    try:
        with open(text, "rb") as file:
            document = tomllib.load(file)
    except OSError as exc:
        raise ValueError(f"{where}: cannot read it: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{where}: not a TOML file: {exc}") from None
    try:
        return {table: _entries(table, entries) for table, entries in document.items()}
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _entries(table: str, entries: Any) -> dict[str, dict[str, Fact]]:
    model = FACT_MODELS.get(table)
    if model is None:
        raise ValueError(f"unknown table {table!r} (known: {', '.join(FACT_MODELS)})")
    if not isinstance(entries, dict):
        raise ValueError(f"{table} must be a table of ids, got {entries!r:.60}")
    names = [f.name for f in fields(model) if f.name != "id"]
    facts: dict[str, dict[str, Fact]] = {}
    for ident, attributes in entries.items():
        place = f'{table}."{ident}"'
        if not isinstance(attributes, dict):
            raise ValueError(f"{place} must be a table of attributes, got {attributes!r:.60}")
        for name, value in attributes.items():
            if name not in names:
                raise ValueError(
                    f"{place}: {model.__name__} has no attribute {name!r}"
                    f" (it has {', '.join(names)}; the id is the key)"
                )
            _check_value(f"{place}.{name}", name, value)
        facts[ident] = dict(attributes)
    return facts


def _check_value(place: str, name: str, value: Any) -> None:
    if name in _NUMBERS:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value):
            raise ValueError(f"{place} must be a number, got {value!r:.60}")
    elif not isinstance(value, str):
        raise ValueError(f"{place} must be a string, got {value!r:.60}")
