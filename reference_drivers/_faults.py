"""SPEC 9 fault injection over the simulator's :class:`simulator.FaultInjector`.

The reference drivers expose this as ``driver.faults``: ``fail_next(operation, kind, count)``
with an SPI method name makes the simulator operation behind it fail the next ``count`` times.
``throttle`` and ``server_error`` fire before the provider acts (EC2's ``RequestLimitExceeded``
and ``InternalError``). ``timeout`` is the provider not answering in time: where the driver
supplies a way to lose answers (EC2Driver in-process loses the HTTP response after the simulator
acted, as a network timeout does), the request is served and its answer lost; otherwise the
provider refuses before acting with EC2's ``RequestTimeout``.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Protocol

import simulator as sim

__all__ = [
    "KINDS",
    "OPENSTACK_KINDS",
    "OPENSTACK_OPERATIONS",
    "SPI_OPERATIONS",
    "LostAnswerCount",
    "SimulatorFaults",
]

#: The simulator operation behind each SPI method (the action's own call, not its lookups).
SPI_OPERATIONS = {
    "hardware_profiles": "instance_types",
    "realms": "zones",
    "images": "images",
    "instances": "describe_instances",
    "create_instance": "run_instances",
    "reboot_instance": "reboot_instances",
    "stop_instance": "stop_instances",
    "start_instance": "start_instances",
    "destroy_instance": "terminate_instances",
}
#: The same for a simulated OpenStack cloud (``simulator.NovaCloud``'s operations).
OPENSTACK_OPERATIONS = {
    "hardware_profiles": "flavors",
    "realms": "zones",
    "images": "images",
    "instances": "servers",
    "create_instance": "create_server",
    "reboot_instance": "reboot_server",
    "stop_instance": "stop_server",
    "start_instance": "start_server",
    "destroy_instance": "delete_server",
}
#: The EC2 error code of each kind of fault, when the provider answers with one.
KINDS = {
    "throttle": "RequestLimitExceeded",
    "server_error": "InternalError",
    "timeout": "RequestTimeout",
}
#: The same as the OpenStack front answers them: 429 overLimit, 500 computeFault, and a 504
#: (a gateway that got no answer in time) where no answer can be lost instead.
OPENSTACK_KINDS = {"throttle": "429", "server_error": "computeFault", "timeout": "504"}

#: ``lose(operation, count)``: lose the answers of the next ``count`` calls of ``operation``.
LoseAnswers = Callable[[str, int], None]


class _Faulty(Protocol):
    """A simulated cloud: ``faults`` is its :class:`simulator.FaultInjector`."""

    @property
    def faults(self) -> sim.FaultInjector: ...


class SimulatorFaults:
    """``faults`` of a driver over ``simulator`` (SPEC 9); ``lose`` handles ``timeout``;
    ``operations`` names the simulator operation behind each SPI method, ``kinds`` the error
    code of each kind of fault."""

    def __init__(
        self,
        simulator: _Faulty,
        lose: LoseAnswers | None = None,
        forget: Callable[[], None] | None = None,
        *,
        operations: Mapping[str, str] = SPI_OPERATIONS,
        kinds: Mapping[str, str] = KINDS,
    ) -> None:
        self._simulator = simulator
        self._lose = lose
        self._forget = forget
        self._operations = operations
        self._kinds = kinds

    def fail_next(self, operation: str, kind: str, count: int = 1) -> None:
        """Make the next ``count`` calls of the SPI method ``operation`` fail with ``kind``."""
        target = self._operations.get(operation) if isinstance(operation, str) else None
        if target is None:
            raise ValueError(
                f"unknown operation {operation!r} (expected one of {', '.join(self._operations)})"
            )
        if kind not in self._kinds:
            raise ValueError(f"unknown kind {kind!r} (expected one of {', '.join(self._kinds)})")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be an integer >= 1, got {count!r}")
        if kind == "timeout" and self._lose is not None:
            self._lose(target, count)
        else:
            self._simulator.faults.fail_next(target, count, self._kinds[kind])

    def clear(self) -> None:
        """Cancel every failure injected through this object (other simulator faults stay)."""
        self._simulator.faults.cancel_failures()
        if self._forget is not None:
            self._forget()


class LostAnswerCount:
    """The answers to lose: how many more calls of each simulator operation time out (the
    in-process adapters say which operation a request performs)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Counter[str] = Counter()

    def lose(self, operation: str, count: int) -> None:
        """Lose the answers of the next ``count`` requests performing ``operation``."""
        with self._lock:
            self._pending[operation] += count

    def forget(self) -> None:
        """Lose no more answers."""
        with self._lock:
            self._pending.clear()

    def consume(self, operation: str | None) -> bool:
        """Whether a request performing ``operation`` is to lose its answer (counted down)."""
        with self._lock:
            if operation is None or self._pending[operation] <= 0:
                return False
            self._pending[operation] -= 1
            return True
