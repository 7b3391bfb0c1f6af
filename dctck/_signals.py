"""SIGINT and SIGTERM held while the ``dctck`` process starts, so that none is lost.

CPython turns SIGINT into ``KeyboardInterrupt`` at the next bytecode, wherever that is. During
imports that is often a weakref callback (one runs after each module), where the exception is
printed as "Exception ignored" and dropped: a Ctrl-C in the first few hundred milliseconds could
leave ``dctck serve`` running. The process entry therefore blocks both signals before it imports
the command line; a signal that comes meanwhile stays pending in the kernel. ``dctck`` releases
them just before it runs a command, or, for a command with ``releases_stop_signals = True``, the
command does once its own handlers are installed, and the pending signal is delivered then.
"""

from __future__ import annotations

import signal

__all__ = ["STOP_SIGNALS", "hold_stop_signals", "release_stop_signals"]

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def hold_stop_signals() -> None:
    """Block SIGINT and SIGTERM in this thread (and every thread it starts from now on)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)


def release_stop_signals() -> None:
    """Unblock SIGINT and SIGTERM in this thread; one that came while held is delivered now."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
