"""The virtual clock a driver may expose (SPEC 7)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["VirtualClock"]


@runtime_checkable
class VirtualClock(Protocol):
    """The clock of a provider on virtual time: waiting means ``tick``, not sleeping."""

    def now(self) -> float:
        """Current time, in seconds."""
        ...

    def tick(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        ...
