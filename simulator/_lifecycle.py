"""The instance lifecycle: EC2's states and transitions as a table, in one shared machine.

Instances are small records with a `state` attribute. They are never registered with the
machine (`add_model` binds a dozen methods to each model and scans the model list): an action
triggers the machine's `Event` directly on the record, which `transitions` supports for any
object carrying the model attribute. One `Machine` thus serves every instance of every
simulator, and a record costs nothing beyond its own slots.
"""

from __future__ import annotations

from typing import Any, Protocol

from transitions import Machine

PENDING = "pending"
RUNNING = "running"
STOPPING = "stopping"
STOPPED = "stopped"
SHUTTING_DOWN = "shutting_down"
TERMINATED = "terminated"

STATES = (PENDING, RUNNING, STOPPING, STOPPED, SHUTTING_DOWN, TERMINATED)
"""The six instance states."""

STATE_CODES = {
    PENDING: 0,
    RUNNING: 16,
    SHUTTING_DOWN: 32,
    TERMINATED: 48,
    STOPPING: 64,
    STOPPED: 80,
}
"""EC2's numeric code of each state."""

AUTO = "auto"
"""The trigger of automatic transitions, and their cause in the audit log."""

TRANSITIONS: tuple[dict[str, Any], ...] = (
    # A `dest` of None accepts the action and changes nothing (EC2 answers with success).
    {"trigger": "start", "source": STOPPED, "dest": PENDING},
    {"trigger": "start", "source": [PENDING, RUNNING], "dest": None},
    {"trigger": "stop", "source": RUNNING, "dest": STOPPING},
    {"trigger": "stop", "source": [STOPPING, STOPPED], "dest": None},
    {"trigger": "reboot", "source": RUNNING, "dest": RUNNING},
    {
        "trigger": "terminate",
        "source": [PENDING, RUNNING, STOPPING, STOPPED],
        "dest": SHUTTING_DOWN,
    },
    {"trigger": "terminate", "source": [SHUTTING_DOWN, TERMINATED], "dest": None},
    {"trigger": AUTO, "source": PENDING, "dest": RUNNING},
    {"trigger": AUTO, "source": STOPPING, "dest": STOPPED},
    {"trigger": AUTO, "source": SHUTTING_DOWN, "dest": TERMINATED},
)
"""Every legal (trigger, source) pair; a pair missing here is refused with IncorrectState."""

AUTO_DELAY = {
    PENDING: "boot_seconds",
    STOPPING: "stop_seconds",
    SHUTTING_DOWN: "stop_seconds",
}
"""For each state left by an automatic transition, the duration setting that times it."""

INITIAL = PENDING

_MACHINE = Machine(
    model=None,
    states=list(STATES),
    transitions=list(TRANSITIONS),
    initial=None,
    auto_transitions=False,
    name="instance",
)


class Stateful(Protocol):
    """Anything the machine can drive: it only needs a writable `state`."""

    state: str


class Refused(Exception):
    """The lifecycle has no transition for this trigger from this state."""


def destination(trigger: str, state: str) -> str | None:
    """Where `trigger` takes an instance in `state`: a state, or None when it stays put.

    Raises `Refused` when the trigger is illegal from `state`. A reflexive transition
    (reboot) returns the state itself.
    """
    transitions = _MACHINE.events[trigger].transitions
    if state not in transitions:
        raise Refused(f"cannot {trigger} from {state}")
    # The table has no conditions: the first transition from `state` is the one that fires.
    return transitions[state][0].dest


def enter_initial(record: Stateful) -> None:
    """Put a newly created record in the initial state."""
    _MACHINE.set_state(INITIAL, model=record)


def fire(record: Stateful, trigger: str) -> None:
    """Apply `trigger` to `record` through the shared machine (check `destination` first)."""
    _MACHINE.events[trigger].trigger(record)
