"""``--dctck-freeze-time``: the standard clocks frozen with freezegun, ticked by the kit.

For an in-process driver without a ``clock`` that reads ``time.time()``, ``time.monotonic()`` or
``datetime.now()`` itself: the kit advances frozen time where it would sleep, so waiting for a
40-second boot costs no wall time. The kit's own bounds keep real time: the per-call timeout
waits on a ``threading.Event`` (not patched), and :data:`REAL_MONOTONIC` is held where freezegun
does not look (it patches module attributes, not dict values).

It cannot help where time is not read through those functions in this process: a provider in
another process or behind the network, ``time.sleep`` (freezegun does not patch it), waits with
a timeout on a ``threading`` primitive, asyncio loops, C extensions reading the system clock.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

__all__ = ["REAL_CLOCKS", "FrozenTime", "wall_time"]

#: The real clock functions, kept out of freezegun's reach (a dict value, not an attribute).
REAL_CLOCKS = {"monotonic": time.monotonic}


def wall_time() -> float:
    """Real ``time.monotonic()``, even while the clocks are frozen."""
    return REAL_CLOCKS["monotonic"]()


class FrozenTime:
    """The process's standard clocks, frozen while started; a virtual clock (SPEC 7) over them."""

    def __init__(self) -> None:
        self._freezer: Any = None
        self._frozen: Any = None

    def start(self) -> None:
        """Freeze the clocks at the present moment."""
        import freezegun

        self._freezer = freezegun.freeze_time(datetime.datetime.now(datetime.UTC), tick=False)
        self._frozen = self._freezer.start()

    def stop(self) -> None:
        """Let the clocks run again."""
        if self._freezer is not None:
            self._freezer.stop()
            self._freezer = self._frozen = None

    def now(self) -> float:
        """Frozen ``time.time()``."""
        return time.time()

    def tick(self, seconds: float) -> None:
        """Advance frozen time by ``seconds``."""
        if self._frozen is None:
            raise RuntimeError("frozen time is not started")
        self._frozen.tick(datetime.timedelta(seconds=seconds))
