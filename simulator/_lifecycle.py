"""Lifecycles as data: a cloud's states and transitions as a table, in one shared machine.

`Lifecycle` is provider-neutral; this module also holds EC2's table (`EC2`, and the module
functions over it that the EC2 simulator calls). Nova's is `simulator._nova_lifecycle`.

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


class Stateful(Protocol):
    """Anything the machine can drive: it only needs a writable `state`."""

    state: str


class Refused(Exception):
    """The lifecycle has no transition for this trigger from this state."""


class Lifecycle:
    """One cloud's lifecycle: its states and legal (trigger, source) -> dest transitions.

    A `dest` of None accepts the trigger and changes nothing. The table has no conditions:
    the first transition from a state is the one that fires. `auto_delay` names, for each
    state left by the automatic trigger `AUTO`, the duration setting that times it.
    """

    def __init__(
        self,
        name: str,
        states: tuple[str, ...],
        transitions: tuple[dict[str, Any], ...],
        initial: str,
        auto_delay: dict[str, str],
    ) -> None:
        self.name = name
        self.states = states
        self.transitions = transitions
        self.initial = initial
        self.auto_delay = auto_delay
        self._machine = Machine(
            model=None,
            states=list(states),
            transitions=list(transitions),
            initial=None,
            auto_transitions=False,
            name=name,
        )

    def triggers(self) -> tuple[str, ...]:
        """Every trigger of the table, in the order first given."""
        return tuple(dict.fromkeys(t["trigger"] for t in self.transitions))

    def destination(self, trigger: str, state: str) -> str | None:
        """Where `trigger` takes a record in `state`: a state, or None when it stays put.

        Raises `Refused` when the trigger is illegal from `state`. A reflexive transition
        returns the state itself.
        """
        event = self._machine.events.get(trigger)
        if event is None or state not in event.transitions:
            raise Refused(f"cannot {trigger} from {state}")
        return event.transitions[state][0].dest

    def enter_initial(self, record: Stateful) -> None:
        """Put a newly created record in the initial state."""
        self._machine.set_state(self.initial, model=record)

    def fire(self, record: Stateful, trigger: str) -> None:
        """Apply `trigger` to `record` (check `destination` first)."""
        self._machine.events[trigger].trigger(record)


EC2 = Lifecycle("instance", STATES, TRANSITIONS, INITIAL, AUTO_DELAY)
"""EC2's instance lifecycle."""


def destination(trigger: str, state: str) -> str | None:
    """Where `trigger` takes an EC2 instance in `state` (see `Lifecycle.destination`)."""
    return EC2.destination(trigger, state)


def enter_initial(record: Stateful) -> None:
    """Put a newly created EC2 instance record in the initial state."""
    EC2.enter_initial(record)


def fire(record: Stateful, trigger: str) -> None:
    """Apply `trigger` to an EC2 instance `record` (check `destination` first)."""
    EC2.fire(record, trigger)
