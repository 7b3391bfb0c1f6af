"""Clocks: the only place the simulator learns what time it is."""

from __future__ import annotations

import math
import threading
import time
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """What the simulator needs of a clock: read it, and let time pass."""

    def now(self) -> float:
        """The current time, in epoch seconds."""
        ...

    def tick(self, seconds: float) -> None:
        """Let `seconds` pass."""
        ...

    def move_to(self, when: float | datetime) -> None:
        """Let time pass until `when` (epoch seconds or a datetime)."""
        ...


def to_epoch(when: float | datetime) -> float:
    """Epoch seconds of `when`; a naive datetime is read as UTC, as freezegun does."""
    if isinstance(when, datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.timestamp()
    return float(when)


def _finite(value: float, what: str) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return value


class ManualClock:
    """A virtual clock: time passes only through `tick` and `move_to`.

    `start=None` reads `time.time()` once, at construction (the frozen time under freezegun).
    """

    def __init__(self, start: float | None = None) -> None:
        self._now = _finite(time.time() if start is None else start, "start")
        self._lock = threading.Lock()

    def now(self) -> float:
        """The virtual time, in epoch seconds."""
        with self._lock:
            return self._now

    def tick(self, seconds: float) -> None:
        """Advance the virtual time by `seconds` (ValueError if negative)."""
        seconds = _finite(seconds, "tick")
        if seconds < 0:
            raise ValueError(f"cannot tick backwards: {seconds!r} seconds")
        with self._lock:
            self._now += seconds

    def move_to(self, when: float | datetime) -> None:
        """Set the virtual time to `when` (ValueError if that is in the past)."""
        target = _finite(to_epoch(when), "move_to")
        with self._lock:
            if target < self._now:
                raise ValueError(f"cannot move back in time: {target!r} is before {self._now!r}")
            self._now = target

    def __repr__(self) -> str:
        return f"ManualClock({self.now()!r})"


class RealClock:
    """Wall-clock time: `now()` reads `time.time()` at each call, `tick` and `move_to` sleep."""

    def now(self) -> float:
        """`time.time()`."""
        return time.time()

    def tick(self, seconds: float) -> None:
        """Sleep `seconds` real seconds (ValueError if negative)."""
        seconds = _finite(seconds, "tick")
        if seconds < 0:
            raise ValueError(f"cannot tick backwards: {seconds!r} seconds")
        time.sleep(seconds)

    def move_to(self, when: float | datetime) -> None:
        """Sleep until `when`; return at once if it is already past."""
        delay = _finite(to_epoch(when), "move_to") - time.time()
        if delay > 0:
            time.sleep(delay)

    def __repr__(self) -> str:
        return "RealClock()"
