"""A run asked to stop (a first Ctrl-C): checks stop waiting, cleanups still run.

The signal handler only sets a flag; :meth:`Harness.wait_until` raises :class:`Interrupted` at its
next poll (never during a cleanup), and the plugin reports the check as interrupted.
"""

from __future__ import annotations

import threading

__all__ = ["Interrupted", "clear_stop", "request_stop", "stop_requested"]

_STOP = threading.Event()


class Interrupted(BaseException):  # a BaseException: except Exception in a check lets it pass
    """The run was interrupted while a check waited: the check ends, unjudged."""


def request_stop() -> None:
    """Ask the run to stop: no further check starts, waits of checks end."""
    _STOP.set()


def stop_requested() -> bool:
    return _STOP.is_set()


def clear_stop() -> None:
    """Forget an earlier request (a new run in the same process)."""
    _STOP.clear()
