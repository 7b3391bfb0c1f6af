"""Calling a driver safely: every call bounded by a timeout, every outcome recorded and describable.

A driver that hangs must not hang the kit: each call runs on a worker thread and is abandoned when
the timeout passes (the thread is a daemon, so it cannot keep the process alive).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dctck.kit._blocked import METER
from dctck.kit._describe import describe_error, describe_value

__all__ = ["Call", "CallRunner", "CredentialSet", "Outcome"]


@dataclass(frozen=True)
class CredentialSet:
    """Credentials with a label; messages show the label, never the secret."""

    label: str
    value: Mapping[str, str]

    def __repr__(self) -> str:
        return f"<{self.label}>"


@dataclass(frozen=True)
class Call:
    """A driver method and its arguments, rendered as the call a user would write."""

    method: str
    args: tuple[tuple[str, Any], ...]

    def __str__(self) -> str:
        shown = ", ".join(f"{name}={_shown(value)}" for name, value in self.args)
        return f"{self.method}({shown})"


#: Longer lists are shown by their first members and their length.
_MAX_MEMBERS = 6


def _shown(value: Any) -> str:
    """``repr(value)``, long lists (in a dict too) shortened: ``['a', ... 1001 in all]``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple) and len(value) > _MAX_MEMBERS:
        first = ", ".join(repr(item) for item in value[:3])
        opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
        return f"{opening}{first}, ... {len(value)} in all{closing}"
    return repr(value)


@dataclass
class Outcome:
    """What one driver call did: returned a value, raised, or did not return in time."""

    call: Call
    value: Any = None
    error: BaseException | None = None
    timed_out: bool = False
    timeout: float = 0.0
    #: Where the same method, with the same credentials, hung before (then ``timeout`` is the
    #: shorter grace this call was given).
    hung_before: str | None = None

    @property
    def returned(self) -> bool:
        return self.error is None and not self.timed_out

    def raised(self, error_type: type[BaseException] | tuple[type[BaseException], ...]) -> bool:
        return self.error is not None and isinstance(self.error, error_type)

    def describe(self) -> str:
        """``returned [...]``, ``raised KeyError: 'x'`` or ``did not return within 5.0 s``."""
        if self.timed_out and self.hung_before is not None:
            return (
                f"did not return within {self.timeout:g} s, the grace after {self.hung_before}"
                " [kit --timeout]"
            )
        if self.timed_out:
            return f"did not return within {self.timeout:g} s [kit --timeout]"
        if self.error is not None:
            return f"raised {describe_error(self.error)}"
        return f"returned {describe_value(self.value)}"

    def __str__(self) -> str:
        return f"{self.call} {self.describe()}"


class _Job:
    def __init__(self, function: Callable[[], Any]) -> None:
        self.function = function
        # held until the job is done: a bare lock is several times cheaper to hand over than an
        # Event (a Condition and a waiter lock per wait), which thousands of calls notice
        self.done = threading.Lock()
        self.done.acquire()
        self.value: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.value = METER.run(self.function) if METER.active else self.function()
        except BaseException as exc:  # a driver may raise anything; the kit reports it
            self.error = exc
        finally:
            self.done.release()


class CallRunner:
    """Runs functions on a reusable worker thread, giving up on any that outlasts the timeout."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: queue.SimpleQueue[_Job | None] | None = None

    def run(
        self, function: Callable[[], Any], timeout: float
    ) -> tuple[bool, Any, BaseException | None]:
        """Return ``(finished, value, error)``."""
        job = _Job(function)
        self._queue().put(job)
        if not job.done.acquire(timeout=max(timeout, 0.0)):
            with self._lock:
                self._jobs = None  # that worker is stuck; the next call gets a fresh one
            return False, None, None
        if isinstance(job.error, KeyboardInterrupt):
            raise job.error
        return True, job.value, job.error

    def close(self) -> None:
        """Let the idle worker thread end."""
        with self._lock:
            if self._jobs is not None:
                self._jobs.put(None)
                self._jobs = None

    def _queue(self) -> queue.SimpleQueue[_Job | None]:
        with self._lock:
            if self._jobs is None:
                jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
                worker = threading.Thread(
                    target=_work, args=(jobs,), name="dctck-driver-call", daemon=True
                )
                worker.start()
                self._jobs = jobs
            return self._jobs


def _work(jobs: queue.SimpleQueue[_Job | None]) -> None:
    while (job := jobs.get()) is not None:
        job.run()
