"""Option values of the plugin and the ``dctck`` commands: parsers, and the bundled targets.

A parser takes the text and the option's name and returns the value, or raises ``ValueError``
with a one-line message naming the option.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

__all__ = ["bundled_target", "parse_credentials", "parse_port", "parse_rate", "parse_timeout"]


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


def parse_port(text: str, option: str) -> int:
    """A TCP port, 0 for a free one."""
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise ValueError(f"{option} must be a number from 0 to 65535, got {text!r}")
    return int(text)


def parse_rate(text: str, option: str) -> float:
    """A finite number >= 0."""
    try:
        rate = float(text)
    except ValueError:
        rate = -1.0
    if not 0 <= rate < float("inf"):
        raise ValueError(f"{option} must be a number >= 0, got {text!r}")
    return rate


def bundled_target(name: str) -> dict[str, Any]:
    """A target the installed reference drivers declare under the ``dctck.targets`` entry point
    ``name`` ("default", "mock"): its ``driver`` path and credentials; ``{}`` if there is none."""
    for entry in entry_points(group="dctck.targets", name=name):
        return dict(entry.load())
    return {}
