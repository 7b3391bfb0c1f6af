"""Nova's server lifecycle as data: (vm_state, task_state) pairs as machine states.

Each machine state is one (vm_state, task_state) pair Nova can show; `VIEWS` gives the API's
`status` and `power_state` for it (`nova/api/openstack/common.py _STATE_MAP`). A stop in
progress is `ACTIVE` + `powering-off`, a start `SHUTOFF` + `powering-on`, as in Nova. A server
being deleted keeps the status it had, with task_state `deleting`, then is gone (404).
`ACTIONS` holds Nova's `check_instance_state` rules, which only word the 409 (the machine
decides); the machine and the rules are checked against each other by the tests.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from simulator._lifecycle import AUTO, Lifecycle

BUILDING = "building"
ACTIVE = "active"
REBOOTING = "rebooting"
REBOOTING_HARD = "rebooting_hard"
POWERING_OFF = "powering-off"
STOPPED = "stopped"
POWERING_ON = "powering-on"
ERROR = "error"
DELETING = "deleting"
DELETED = "deleted"

STATES = (
    BUILDING, ACTIVE, REBOOTING, REBOOTING_HARD, POWERING_OFF, STOPPED, POWERING_ON, ERROR,
    DELETING, DELETED,
)  # fmt: skip


class View(NamedTuple):
    """How Nova shows a machine state."""

    vm_state: str
    task_state: str | None
    status: str
    power_state: int


VIEWS = {
    BUILDING: View("building", "spawning", "BUILD", 0),
    ACTIVE: View("active", None, "ACTIVE", 1),
    REBOOTING: View("active", "reboot_started", "REBOOT", 1),
    REBOOTING_HARD: View("active", "reboot_started_hard", "HARD_REBOOT", 1),
    POWERING_OFF: View("active", "powering-off", "ACTIVE", 1),
    STOPPED: View("stopped", None, "SHUTOFF", 4),
    POWERING_ON: View("stopped", "powering-on", "SHUTOFF", 4),
    ERROR: View("error", None, "ERROR", 0),
    DELETED: View("deleted", None, "DELETED", 0),
}
"""The view of each state but DELETING, which shows the state it was deleted from."""

STATUSES = (
    "ACTIVE", "BUILD", "DELETED", "ERROR", "HARD_REBOOT", "MIGRATING", "PASSWORD", "PAUSED",
    "REBOOT", "REBUILD", "RESCUE", "RESIZE", "REVERT_RESIZE", "SHELVED", "SHELVED_OFFLOADED",
    "SHUTOFF", "SOFT_DELETED", "SUSPENDED", "UNKNOWN", "VERIFY_RESIZE",
)  # fmt: skip
"""Every status Nova's API knows (a `status` filter outside these is a 400 from 2.38 on)."""

_LIVE = [state for state in STATES if state not in (DELETING, DELETED)]

TRANSITIONS: tuple[dict[str, Any], ...] = (
    {"trigger": "reboot_soft", "source": ACTIVE, "dest": REBOOTING},
    {
        "trigger": "reboot_hard",
        "source": [ACTIVE, STOPPED, ERROR, REBOOTING, REBOOTING_HARD],
        "dest": REBOOTING_HARD,
    },
    {"trigger": "stop", "source": [ACTIVE, ERROR], "dest": POWERING_OFF},
    {"trigger": "start", "source": STOPPED, "dest": POWERING_ON},
    {"trigger": "delete", "source": _LIVE, "dest": DELETING},
    {"trigger": "delete", "source": DELETING, "dest": None},
    {"trigger": "fail", "source": BUILDING, "dest": ERROR},
    {"trigger": AUTO, "source": BUILDING, "dest": ACTIVE},
    {"trigger": AUTO, "source": [REBOOTING, REBOOTING_HARD, POWERING_ON], "dest": ACTIVE},
    {"trigger": AUTO, "source": POWERING_OFF, "dest": STOPPED},
    {"trigger": AUTO, "source": DELETING, "dest": DELETED},
)
"""Every legal (trigger, source) pair; a pair missing here is a 409 conflictingRequest."""

AUTO_DELAY = {
    BUILDING: "boot_seconds",
    REBOOTING: "boot_seconds",
    REBOOTING_HARD: "boot_seconds",
    POWERING_ON: "boot_seconds",
    POWERING_OFF: "stop_seconds",
    DELETING: "stop_seconds",
}

NOVA = Lifecycle("server", STATES, TRANSITIONS, BUILDING, AUTO_DELAY)
"""Nova's server lifecycle."""


class Rule(NamedTuple):
    """Nova's `check_instance_state` for one action: its name in messages, what it allows."""

    name: str
    vm_states: frozenset[str]
    task_states: frozenset[str | None]


_HARD_REBOOT_TASKS = frozenset({
    None, "rebooting", "reboot_pending", "reboot_started", "rebooting_hard",
    "reboot_pending_hard", "reboot_started_hard", "resuming", "unpausing", "pausing",
    "suspending",
})  # fmt: skip

ACTIONS = {
    "reboot_soft": Rule("reboot", frozenset({"active"}), frozenset({None})),
    "reboot_hard": Rule(
        "reboot",
        frozenset({"active", "stopped", "paused", "suspended", "error"}),
        _HARD_REBOOT_TASKS,
    ),
    "stop": Rule("stop", frozenset({"active", "error"}), frozenset({None})),
    "start": Rule("start", frozenset({"stopped"}), frozenset({None})),
}
"""The state rules of the actions that can be refused (delete never is)."""
