"""The provider-neutral core of a simulated cloud: operations on a clock, under one lock.

Every cloud (EC2's `Simulator`, OpenStack's `NovaCloud`) keeps the same machinery: a clock,
a fault injector, a schedule of automatic transitions settled when a call finds them due, an
audit log. What differs per cloud (its lifecycle, catalogue and id format) is data beside it.
An engine's public methods are decorated with an `Operations` registry (cloud operations,
subject to faults) or with `control` (test control, never faulted); the test controls
every cloud offers alike come from `Controls`.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections.abc import Callable
from typing import Any, ClassVar, Concatenate, Generic, ParamSpec, Protocol, TypeVar

from simulator._audit import AuditEntry, AuditLog
from simulator._clock import Clock
from simulator._errors import ConfigError
from simulator._faults import FaultInjector

P = ParamSpec("P")
R = TypeVar("R")


class Engine(Protocol):
    """What the decorators need of a cloud: its clock, faults, lock, and `_settle`."""

    clock: Clock
    faults: FaultInjector
    _lock: threading.RLock
    _now: float

    def _settle(self, now: float) -> None: ...


E = TypeVar("E", bound=Engine)


class Operations:
    """The registry of one cloud's operations: decorate each public method with it.

    An operation takes its injected latency first (outside the lock: a real clock sleeps
    there), then, under the lock, settles what is due, checks the faults and runs.
    """

    def __init__(self) -> None:
        self._names: list[str] = []

    def __call__(self, method: Callable[Concatenate[E, P], R]) -> Callable[Concatenate[E, P], R]:
        return self.named(method.__name__)(method)

    def named(
        self, name: str
    ) -> Callable[[Callable[Concatenate[E, P], R]], Callable[Concatenate[E, P], R]]:
        """The operation `name`, done by the method decorated (for one that a public method
        calls after work it does outside the lock)."""
        self._names.append(name)
        return functools.partial(_wrap_operation, name)  # type: ignore[arg-type]

    @property
    def names(self) -> tuple[str, ...]:
        """The operation names registered, sorted."""
        return tuple(sorted(self._names))


def _wrap_operation(
    name: str, method: Callable[Concatenate[E, P], R]
) -> Callable[Concatenate[E, P], R]:
    @functools.wraps(method)
    def operation(self: E, /, *args: P.args, **kwargs: P.kwargs) -> R:
        delay = self.faults.latency(name)
        if delay:
            self.clock.tick(delay)  # outside the lock: a RealClock sleeps here
        with self._lock:
            self._now = now = self.clock.now()
            self._settle(now)
            self.faults.check(name, now)
            return method(self, *args, **kwargs)

    return operation


def control(method: Callable[Concatenate[E, P], R]) -> Callable[Concatenate[E, P], R]:
    """A test-control method: under the lock, after settling; never subject to faults."""

    @functools.wraps(method)
    def wrapped(self: E, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            self._now = now = self.clock.now()
            self._settle(now)
            return method(self, *args, **kwargs)

    return wrapped


class Durations(Protocol):
    """A cloud's configuration as `Controls` needs it: a dataclass with the two durations."""

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    @property
    def boot_seconds(self) -> float: ...

    @property
    def stop_seconds(self) -> float: ...


C = TypeVar("C", bound=Durations)


class Controls(Generic[C]):
    """The test controls every engine offers alike; an engine inherits them and provides
    `_settle` and `_start_empty` (which makes the audit log and drops every resource)."""

    config: C
    clock: Clock
    faults: FaultInjector
    _lock: threading.RLock
    _now: float
    _audit: AuditLog

    def _settle(self, now: float) -> None:
        raise NotImplementedError

    def _start_empty(self) -> None:
        raise NotImplementedError

    @control
    def audit_log(self) -> list[AuditEntry]:
        """A copy of the audit log: every state change so far, in order."""
        return self._audit.entries()

    @control
    def set_durations(
        self, *, boot_seconds: float | None = None, stop_seconds: float | None = None
    ) -> None:
        """Change the durations for transitions scheduled from now on (`config` reflects them)."""
        config = self.config
        try:
            self.config = dataclasses.replace(
                config,
                boot_seconds=config.boot_seconds if boot_seconds is None else boot_seconds,
                stop_seconds=config.stop_seconds if stop_seconds is None else stop_seconds,
            )
        except ConfigError as err:
            raise ValueError(err.message) from None

    @control
    def reset(self) -> None:
        """Drop every resource (the configured ones come back), audit entry and fault; keep
        the configuration and clock."""
        self.faults.clear()
        self._start_empty()
