"""Parsing the kit's option values, shared by the pytest plugin and ``dctck certify``."""

from __future__ import annotations

__all__ = ["parse_credentials", "parse_timeout"]


def parse_credentials(text: str, option: str) -> dict[str, str]:
    """``"NAME:PASSWORD"`` as SPI credentials; ``ValueError`` naming ``option`` otherwise."""
    name, sep, password = text.partition(":")
    if not sep or not name:
        raise ValueError(f"{option} must be NAME:PASSWORD")
    return {"name": name, "password": password}


def parse_timeout(text: str, option: str) -> float:
    """A positive number of seconds; ``ValueError`` naming ``option`` otherwise."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:  # also refuses nan
        raise ValueError(f"{option} must be a positive number of seconds, got {text!r}")
    return seconds
