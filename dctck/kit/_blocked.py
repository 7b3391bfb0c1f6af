"""How long driver calls spent blocked (asleep or waiting), as opposed to running or queued.

Wall time alone cannot tell a driver that sleeps from one that computes on a loaded machine: both
take long. On Linux, ``/proc/thread-self/schedstat`` gives a thread's CPU time and its time
waiting for a CPU; what remains of the wall time was spent blocked. Elsewhere the thread's CPU
time is all that is known, and time waiting for a CPU counts as blocked.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from dctck.kit._frozen import wall_time

__all__ = ["BlockedTime", "measuring_blocked_time"]

_SCHEDSTAT = Path("/proc/thread-self/schedstat")


def _schedstat_busy() -> float:
    """This thread's CPU time plus its time waiting for a CPU, in seconds."""
    running, waiting = _SCHEDSTAT.read_text().split()[:2]
    return (int(running) + int(waiting)) / 1e9


def _busy_reader() -> Callable[[], float]:
    try:
        _schedstat_busy()
    except (OSError, ValueError):
        return time.thread_time
    return _schedstat_busy


class BlockedTime:
    """Seconds that calls made through the kit spent blocked while a measurement is open."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._depth = 0
        self._generation = 0  # one per measurement: a late call never counts in the next one
        self._lock = threading.Lock()
        self._busy = _busy_reader()

    @property
    def active(self) -> bool:
        """Whether a measurement is open (calls are then sampled)."""
        return self._depth > 0

    def run(self, function: Callable[[], object]) -> object:
        """``function()``, adding the time it spent blocked to :attr:`seconds`."""
        generation, wall, busy = self._generation, wall_time(), self._busy()
        try:
            return function()
        finally:
            blocked = (wall_time() - wall) - (self._busy() - busy)
            with self._lock:
                if self._depth > 0 and self._generation == generation:
                    self.seconds += max(blocked, 0.0)


#: The one meter the kit's call runner reports to.
METER = BlockedTime()


@contextmanager
def measuring_blocked_time() -> Iterator[Callable[[], float]]:
    """Measure the time driver calls made inside the block spent blocked; yields a function
    giving the seconds so far."""
    with METER._lock:
        METER._depth += 1
        METER._generation += 1
        start = METER.seconds
    try:
        yield lambda: METER.seconds - start
    finally:
        with METER._lock:
            METER._depth -= 1
