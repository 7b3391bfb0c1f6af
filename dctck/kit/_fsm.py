"""Building blocks of the fsm checks: what an action may answer, the cases to generate, idling.

For an instance last seen in a state, the declared machine says what an action may answer
(:class:`Expectation`): it must be accepted, it must be refused with ``ActionNotAllowed``, or either
is legal. :func:`judge_answer` turns a driver's answer into violations, the same way for the fixed
checks and for the generated exploration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dctck._models import INSTANCE_STATES
from dctck._states import AUTO, END, StateMachine, Transition, TransitionTracker, normalize_state
from dctck.kit._expectations import Expectation, expectation_for, judge_answer
from dctck.kit._harness import RULE_DESTROY, Harness, InstanceWatch
from dctck.kit._spi import INSTANCE_ACTIONS
from dctck.kit._violations import Violation

__all__ = [
    "RULE_DESTROY",
    "RULE_GENERATED",
    "Expectation",
    "FsmCases",
    "await_gone",
    "entering_transition",
    "explore",
    "expectation_for",
    "fsm_cases",
    "fsm_violations",
    "judge_answer",
    "leave_alone",
    "quiet_period",
]


RULE_GENERATED = "SPEC 5: generated action sequences follow the declared machine"

#: How long, in real seconds, a driver on real time is watched for changes nobody asked for.
_REAL_TIME_QUIET_PERIOD = 0.3


@dataclass(frozen=True)
class FsmCases:
    """The parameters of the generated fsm checks, read from a declared machine.

    ``from_declaration`` is false when the machine was unknown at collection: then every SPEC
    state and action is listed, and each check finds out when it runs whether it applies.
    """

    stable_states: list[str]
    transient_states: list[str]
    actions: dict[Expectation, list[tuple[str, str]]] = field(default_factory=dict)
    from_declaration: bool = True


def fsm_cases(machine: StateMachine | None) -> FsmCases:
    """The cases of a declared machine; none for a malformed one; all of them for ``None``."""
    if machine is None:
        states = [normalize_state(s) for s in INSTANCE_STATES]
        pairs = [(s, a) for s in states for a in INSTANCE_ACTIONS]
        return FsmCases(states, states, dict.fromkeys(Expectation, pairs), from_declaration=False)
    if not machine.is_well_formed:
        return FsmCases([], [], {e: [] for e in Expectation})
    stable = machine.stable_states()
    transient = [s for s in machine.states if s not in (*stable, "begin", END)]
    actions: dict[Expectation, list[tuple[str, str]]] = {e: [] for e in Expectation}
    for state in stable:
        for action in INSTANCE_ACTIONS:
            actions[expectation_for(machine, state, action)].append((state, action))
    return FsmCases(stable, transient, actions)


def entering_transition(machine: StateMachine, state: str) -> Transition | None:
    """An edge taken by an action that leads into ``state`` (perhaps through ``_auto_`` edges):
    from ``begin`` (create) if any, else from a stable state."""
    stable = machine.stable_states()
    entering = [
        edge
        for edge in machine.transitions
        if edge.action != AUTO
        and edge.origin in ("begin", *stable)
        and state in machine.auto_closure({edge.destination})
    ]
    entering.sort(key=lambda edge: edge.origin != "begin")
    return entering[0] if entering else None


def fsm_violations(watch: InstanceWatch) -> list[Violation]:
    """The watch's violations of SPEC 5 (a bad ``Instance.state`` value is the models area's)."""
    return [v for v in watch.violations if v.rule.startswith("SPEC 5")]


def quiet_period(harness: Harness) -> float:
    """How long to watch an instance nobody acts on: the timeout in virtual time, else briefly."""
    timeout = harness.subject.timeout
    return timeout if harness.subject.clock is not None else min(timeout, _REAL_TIME_QUIET_PERIOD)


def leave_alone(watch: InstanceWatch, duration: float) -> None:
    """Poll ``watch`` for ``duration`` of driver time without acting: only ``_auto_`` changes are
    legal from now on (call it on a settled instance)."""
    watch.tracker = TransitionTracker(watch.harness.subject.machine, watch.state, None)
    watch.harness.wait_until(lambda: True if watch.observe() == END else None, timeout=duration)


def await_gone(watch: InstanceWatch, call: str) -> list[Violation]:
    """After ``call`` (an accepted destroy) poll until the instance is no longer listed; a
    violation if it still is when the timeout has passed."""
    if watch.wait_gone():
        return []
    violation = Violation(
        call,
        RULE_DESTROY,
        f"left the instance listed as {watch.state.upper()}"
        f" for {watch.harness.subject.timeout:g} s",
        "the instance gone (end): no longer listed",
    )
    return [watch.harness.waited_in_vain(watch.gone_reason, violation)]


def explore(harness: Harness, max_examples: int | None = None) -> list[Violation | str]:
    """Hypothesis' stateful exploration of the declared machine; see :mod:`._exploration`.

    Imported on first use, so loading the kit does not load Hypothesis.
    """
    from dctck.kit._exploration import run_exploration

    return run_exploration(harness, max_examples)
