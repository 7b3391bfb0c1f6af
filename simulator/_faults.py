"""Fault injection: failures, latency, throttling and eventual consistency, all off by default."""

from __future__ import annotations

import math
import random
import threading
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass, field

from simulator._errors import InjectedFault, Throttled

ANY = "*"
"""The operation name that makes a fault apply to every operation."""


@dataclass(slots=True)
class _Window:
    max_calls: int
    per_seconds: float
    calls: deque[float] = field(default_factory=deque)


class FaultInjector:
    """The faults of one simulator; `operation` is a Simulator method name, or "*" for all.

    A fault fires before the operation changes anything, so a failed call changes nothing.
    Random failures draw from a generator seeded with the simulator's seed: the same calls
    fail on every run.
    """

    def __init__(self, operations: Collection[str], seed: int = 0) -> None:
        self._operations = frozenset(operations)
        self._seed = seed
        self._lock = threading.RLock()
        self.clear()

    def fail_next(self, operation: str, count: int = 1, code: str = "InternalError") -> None:
        """Make the next `count` calls of `operation` raise `InjectedFault(code)`."""
        self._known(operation)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be an integer >= 1, got {count!r}")
        with self._lock:
            self._failures.setdefault(operation, deque()).extend([code] * count)

    def fail_randomly(
        self, operation: str, probability: float, code: str = "InternalError"
    ) -> None:
        """Make each call of `operation` raise `InjectedFault(code)` with `probability`."""
        self._known(operation)
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"probability must be between 0 and 1, got {probability!r}")
        with self._lock:
            self._random[operation] = (probability, code)

    def add_latency(self, operation: str, seconds: float) -> None:
        """Make each call of `operation` take `seconds` more on the simulator's clock."""
        self._known(operation)
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
        with self._lock:
            self._latency[operation] = seconds

    def throttle(self, operation: str, max_calls: int, per_seconds: float) -> None:
        """Refuse calls of `operation` beyond `max_calls` in any `per_seconds` (`Throttled`)."""
        self._known(operation)
        if isinstance(max_calls, bool) or not isinstance(max_calls, int) or max_calls < 1:
            raise ValueError(f"max_calls must be an integer >= 1, got {max_calls!r}")
        if not math.isfinite(per_seconds) or per_seconds <= 0:
            raise ValueError(f"per_seconds must be a finite number > 0, got {per_seconds!r}")
        with self._lock:
            self._windows[operation] = _Window(max_calls, per_seconds)

    def eventual_consistency(self, seconds: float) -> None:
        """Hide each new instance from describe_instances until `seconds` after its launch."""
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
        with self._lock:
            self._consistency_delay = seconds

    def cancel_failures(self) -> None:
        """Drop the failures `fail_next` queued and not yet raised; other faults stay."""
        with self._lock:
            self._failures.clear()

    def clear(self) -> None:
        """Remove every fault and reseed the random generator: as new."""
        with self._lock:
            self._failures: dict[str, deque[str]] = {}
            self._random: dict[str, tuple[float, str]] = {}
            self._latency: dict[str, float] = {}
            self._windows: dict[str, _Window] = {}
            self._consistency_delay = 0.0
            self._rng = random.Random(self._seed)

    @property
    def consistency_delay(self) -> float:
        """Seconds during which a new instance stays invisible to describe_instances."""
        with self._lock:
            return self._consistency_delay

    def latency(self, operation: str) -> float:
        """The extra time a call of `operation` takes: its own latency plus that of "*"."""
        with self._lock:
            return self._latency.get(operation, 0.0) + self._latency.get(ANY, 0.0)

    def check(self, operation: str, now: float) -> None:
        """Raise the fault due for this call of `operation` at `now`, if any.

        Throttling is checked first (a refused call does not count against the rate), then
        the queued failures, then the random ones; the operation's own before "*".
        """
        with self._lock:
            keys = (operation, ANY)
            windows = [self._windows[key] for key in keys if key in self._windows]
            for window in windows:
                while window.calls and window.calls[0] <= now - window.per_seconds:
                    window.calls.popleft()
                if len(window.calls) >= window.max_calls:
                    raise Throttled(
                        f"Request limit exceeded: {operation} allows {window.max_calls} "
                        f"calls per {window.per_seconds:g} seconds"
                    )
            for window in windows:
                window.calls.append(now)
            for key in keys:
                queued = self._failures.get(key)
                if queued:
                    raise InjectedFault(queued.popleft(), f"Injected fault in {operation}")
            for key in keys:
                if key in self._random:
                    probability, code = self._random[key]
                    if self._rng.random() < probability:
                        raise InjectedFault(code, f"Injected random fault in {operation}")

    def _known(self, operation: str) -> None:
        if operation != ANY and operation not in self._operations:
            raise ValueError(
                f"unknown operation {operation!r} (expected '*' or one of "
                f"{', '.join(sorted(self._operations))})"
            )
