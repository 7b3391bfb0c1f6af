"""Due-time events: automatic transitions waiting for the clock to reach them."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from itertools import count
from typing import Generic, Protocol, TypeVar


class Scheduled(Protocol):
    """A record the schedule can plan for: it holds its live ticket (0: none)."""

    ticket: int


Record = TypeVar("Record", bound=Scheduled)


class Schedule(Generic[Record]):
    """A heap of (due time, ticket, record); an entry is live while the record holds its ticket.

    Rescheduling or cancelling a record only changes its ticket; stale entries are dropped
    when they come due, so no operation ever searches the heap.
    """

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Record]] = []
        self._tickets = count(1)

    def add(self, record: Record, due: float) -> None:
        """Schedule `record`'s next automatic step at `due`, replacing any earlier plan."""
        ticket = next(self._tickets)
        record.ticket = ticket
        heapq.heappush(self._heap, (due, ticket, record))

    @staticmethod
    def cancel(record: Record) -> None:
        """Drop `record`'s planned step, if any."""
        record.ticket = 0

    def due(self, now: float) -> Iterator[tuple[float, Record]]:
        """Pop the live entries due at `now` or before, earliest first (ties: first scheduled).

        Entries added while iterating are seen if they are due too.
        """
        heap = self._heap
        while heap and heap[0][0] <= now:
            due, ticket, record = heapq.heappop(heap)
            if record.ticket == ticket:
                record.ticket = 0
                yield due, record
