"""The audit log: every state change of every resource, in the order it happened."""

from __future__ import annotations

from dataclasses import dataclass

INSTANCE = "instance"
KEY_PAIR = "key-pair"
SECURITY_GROUP = "security-group"

AVAILABLE = "available"
"""The state of a key pair or security group that exists."""

DELETED = "deleted"
"""The state a key pair or security group is left in by its deletion."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One state change; `from_state` is None at creation.

    `instance_id` is the id of the resource that changed, of type `resource_type`: "instance",
    "key-pair" or "security-group" (EC2's resource type names). Key pairs and security groups
    go from None to "available" when created and to "deleted" when deleted; a change that
    keeps a resource in its state (a reboot, a rule authorized or revoked, an attribute
    modified) is an entry from a state to itself.

    `cause` is the operation ("run_instances", "stop_instances", ...) or "auto" for an automatic
    transition; `at` is the virtual time it happened (for an automatic one, when it was due).
    """

    instance_id: str
    account: str
    from_state: str | None
    to_state: str
    cause: str
    at: float
    resource_type: str = INSTANCE


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
        resource_type: str = INSTANCE,
    ) -> None:
        """Append one entry."""
        self._entries.append(
            AuditEntry(instance_id, account, from_state, to_state, cause, at, resource_type)
        )

    def entries(self) -> list[AuditEntry]:
        """A copy of the entries."""
        return list(self._entries)
