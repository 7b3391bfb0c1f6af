"""What the EC2 layer remembers of RunInstances calls: reservations and client tokens.

The simulator has no reservations; EC2 groups the instances of one RunInstances call into one.
The reservation id is `r-` and the hex digits of the call's first instance, and each instance
keeps its launch index. An instance not in the table is its own reservation, at index 0: so is
the first instance of every call, and one launched without the EC2 layer (straight through the
`Simulator`); only the later instances of a call are remembered.

A `ClientToken` makes RunInstances idempotent, as on EC2: the same token with the same
parameters answers the first call's reservation again; with other parameters it is refused
(`IdempotentParameterMismatch`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence

from simulator._instances import InstanceView
from simulator.ec2._errors import RequestError

Launch = Callable[[], list[InstanceView]]
Replay = Callable[[Sequence[str]], list[InstanceView]]


class Launches:
    """Reservations by instance id and RunInstances calls by client token; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._places: dict[str, tuple[str, int]] = {}
        self._tokens: dict[tuple[str, str], tuple[Hashable, str, tuple[str, ...]]] = {}

    def run(
        self,
        account: str,
        token: str | None,
        fingerprint: Hashable,
        launch: Launch,
        replay: Replay,
    ) -> tuple[str, list[InstanceView]]:
        """The reservation id and instances of a RunInstances call: `launch()`, or a replay.

        With a `token` seen before for `account`, `replay(ids)` of the first call's instances
        answers instead (if `fingerprint`, the call's parameters, is the same).
        """
        if token is None:
            views = launch()
            return self._remember(views), views
        with self._lock:
            seen = self._tokens.get((account, token))
            if seen is not None:
                first, reservation_id, ids = seen
                if first != fingerprint:
                    raise RequestError(
                        "IdempotentParameterMismatch",
                        f"The client token '{token}' was used before with other parameters",
                    )
                return reservation_id, replay(ids)
            views = launch()
            reservation_id = self._remember_locked(views)
            self._tokens[(account, token)] = (
                fingerprint,
                reservation_id,
                tuple(view.id for view in views),
            )
            return reservation_id, views

    def place(self, instance_id: str) -> tuple[str, int]:
        """The reservation id and launch index of an instance."""
        found = self._places.get(instance_id)
        return found if found is not None else (f"r-{instance_id[2:]}", 0)

    def clear(self) -> None:
        """Forget everything (when the simulator is reset)."""
        with self._lock:
            self._places.clear()
            self._tokens.clear()

    def _remember(self, views: list[InstanceView]) -> str:
        with self._lock:
            return self._remember_locked(views)

    def _remember_locked(self, views: list[InstanceView]) -> str:
        reservation_id = f"r-{views[0].id[2:]}"
        for index, view in enumerate(views[1:], start=1):
            self._places[view.id] = (reservation_id, index)
        return reservation_id
