"""The audit log: every state change of every instance, in the order it happened."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One state change; `from_state` is None at creation.

    `cause` is the operation ("run_instances", "stop_instances", ...) or "auto" for an automatic
    transition; `at` is the virtual time it happened (for an automatic one, when it was due).
    """

    instance_id: str
    account: str
    from_state: str | None
    to_state: str
    cause: str
    at: float


class AuditLog:
    """An append-only list of `AuditEntry`; the simulator's lock guards it."""

    def __init__(self) -> None:
        self._entries: list[AuditEntry] = []

    def record(
        self,
        instance_id: str,
        account: str,
        from_state: str | None,
        to_state: str,
        cause: str,
        at: float,
    ) -> None:
        """Append one entry."""
        self._entries.append(AuditEntry(instance_id, account, from_state, to_state, cause, at))

    def entries(self) -> list[AuditEntry]:
        """A copy of the entries."""
        return list(self._entries)
