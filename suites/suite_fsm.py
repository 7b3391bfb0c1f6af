"""Area ``fsm``: the declared state machine is well-formed, and instances follow it (SPEC 4, 5).

Most checks are generated from the driver's declaration, read at collection: one per stable
state, one per (stable state, action) pair under what the machine says of it (allowed, forbidden,
or either answer legal), one per transient state. A Hypothesis exploration then drives random
sequences of actions and shrinks any failure to a minimal sequence.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from dctck import AUTO, INSTANCE_STATES, ActionNotAllowed, StateMachine, TransitionTracker
from dctck.kit import (
    END,
    INSTANCE_ACTIONS,
    RULE_ACTIONS_SUBSET,
    RULE_AUTOMATIC,
    RULE_DECLARED_STATE,
    RULE_DESTROY,
    RULE_GENERATED,
    Expectation,
    Harness,
    InstanceWatch,
    NotApplicable,
    Violation,
    area,
    await_gone,
    declared_machine,
    entering_transition,
    expectation_for,
    explore,
    fsm_cases,
    fsm_violations,
    instance_states_at_collection,
    judge_answer,
    leave_alone,
    quiet_period,
    require,
    rule,
)

pytestmark = area("fsm")

RULE_WELL_FORMED = "SPEC 5: the declared machine is well-formed"
RULE_SAME_MACHINE = (
    "SPEC 4: instance_states() needs no credentials and gives the same machine on every call"
)
RULE_ACTIONS_FOR = (
    "SPEC 4: instance_actions_for(state) gives the non-automatic actions leaving the state"
)
RULE_NO_ACTION = "SPEC 5: with no action taken, only _auto_ transitions happen"
RULE_OFFERED = "SPEC 5: every action in Instance.actions is accepted when taken at once"
RULE_DESTROY_STOPS = "SPEC 4: destroy_instance removes the instance, stopping it first if necessary"

#: The moments an instance is seen at by the offered-actions check.
MOMENTS = ("settled", "just_created", "after_an_action", "after_destroy")

#: The generated action checks, by what the machine says of their (state, action) pairs.
_ACTION_CHECKS = {
    "test_allowed_action_is_accepted": Expectation.ACCEPT,
    "test_forbidden_action_is_refused": Expectation.REFUSE,
    "test_optional_action_is_answered_legally": Expectation.EITHER,
}

_ANSWERS = {
    Expectation.ACCEPT: "must be accepted",
    Expectation.REFUSE: "must be refused",
    Expectation.EITHER: "may be accepted or refused",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize from the declared machine (the same in every xdist worker)."""
    if not {"stable_state", "transient_state", "action"} & set(metafunc.fixturenames):
        return
    cases = fsm_cases(declared_machine(metafunc.config))
    if "stable_state" in metafunc.fixturenames:
        _parametrize(metafunc, "stable_state", cases.stable_states, "stable state")
    if "transient_state" in metafunc.fixturenames:
        _parametrize(metafunc, "transient_state", cases.transient_states, "transient state")
    expectation = _ACTION_CHECKS.get(metafunc.function.__name__)
    if expectation is not None:
        shown = f"(state, action) pair that {_ANSWERS[expectation]}"
        _parametrize(metafunc, ("state", "action"), cases.actions[expectation], shown)


def _parametrize(
    metafunc: pytest.Metafunc, names: str | tuple[str, ...], values: Sequence[Any], what: str
) -> None:
    """``metafunc.parametrize``; with no values, one case skipped as not applicable (pytest's
    own "got empty parameter set" skip would read as a check that applies but did not run)."""
    if values:
        metafunc.parametrize(names, values)
        return
    width = 1 if isinstance(names, str) else len(names)
    reason = f"not applicable: the declared machine has no {what}"
    empty = pytest.param(*[None] * width, marks=pytest.mark.skip(reason=reason), id="none")
    metafunc.parametrize(names, [empty])


# -- helpers ---------------------------------------------------------------------------------------


def _machine(harness: Harness) -> StateMachine:
    machine = harness.subject.machine
    if not machine.is_well_formed:
        raise NotApplicable("the declared machine is malformed (see its well-formed check)")
    return machine


def _stable(machine: StateMachine, state: str) -> None:
    if state not in machine.stable_states():
        raise NotApplicable(f"{state.upper()} is not a stable state of the machine")


def _instance_in(harness: Harness, state: str) -> InstanceWatch:
    """A new instance settled in ``state``, brought there by declared actions."""
    watch = harness.running_instance()
    problems = watch.route_to(lambda s: s == state)
    if problems is None:
        raise NotApplicable(f"no declared route from {watch.state.upper()} to {state.upper()}")
    require(problems)
    return watch


def _after_answer(watch: InstanceWatch, call: str, action: str, accepted: bool) -> list[Violation]:
    """Follow what an answer leads to: the effect of an accepted action, or nothing at all."""
    if not accepted:
        leave_alone(watch, quiet_period(watch.harness))
        return []
    if action == "destroy":
        return await_gone(watch, call)
    watch.settle()
    return []


# -- the declaration -------------------------------------------------------------------------------


@rule(RULE_WELL_FORMED)
def test_declared_machine_is_well_formed(dctck_harness: Harness) -> None:
    outcome = dctck_harness.call("instance_states")
    if not outcome.returned:
        require(
            [
                Violation.of(
                    outcome, RULE_WELL_FORMED, "a list of (state, {destination: action}) pairs"
                )
            ]
        )
    require(
        Violation(str(outcome.call), RULE_WELL_FORMED, problem, "a well-formed machine")
        for problem in StateMachine(outcome.value).problems
    )


@rule(RULE_SAME_MACHINE)
def test_instance_states_is_the_same_on_every_call(
    dctck_harness: Harness, request: pytest.FixtureRequest
) -> None:
    """Read at collection (before any credentials were used), for the session, and twice now."""
    outcomes = [dctck_harness.call("instance_states") for _ in range(2)]
    collected = instance_states_at_collection(request.config)
    readings = [("instance_states() at collection", collected)] if collected else []
    readings += [(str(outcome.call), outcome) for outcome in outcomes]
    expected = set(dctck_harness.subject.machine.transitions)
    problems = []
    for call, outcome in readings:
        if not outcome.returned:
            happened, wanted = outcome.describe(), "the declared machine, without credentials"
        else:
            transitions = set(StateMachine(outcome.value).transitions)
            missing = sorted(str(t) for t in expected - transitions)
            extra = sorted(str(t) for t in transitions - expected)
            if not missing and not extra:
                continue
            happened = "gave a different machine: " + "; ".join(
                f"{label} {edges}"
                for label, edges in (("without", missing), ("with", extra))
                if edges
            )
            wanted = "the machine of the session's first call"
        problems.append(Violation(call, RULE_SAME_MACHINE, happened, wanted))
    require(problems)


@rule(RULE_ACTIONS_FOR)
@pytest.mark.parametrize("instance_state", [s.lower() for s in INSTANCE_STATES])
def test_instance_actions_for_gives_the_declared_actions(
    dctck_harness: Harness, instance_state: str
) -> None:
    if not callable(getattr(dctck_harness.subject.driver, "instance_actions_for", None)):
        raise NotApplicable("the driver has no instance_actions_for() (not a BaseDriver)")
    expected = dctck_harness.subject.machine.actions_from(instance_state)
    problems = []
    for form in (instance_state, instance_state.upper()):
        outcome = dctck_harness.call("instance_actions_for", form)
        value: Any = outcome.value
        fits = (
            outcome.returned
            and isinstance(value, list)
            and all(isinstance(a, str) for a in value)
            and sorted(value) == sorted(expected)
        )
        if not fits:
            problems.append(Violation.of(outcome, RULE_ACTIONS_FOR, f"{expected!r} (in any order)"))
    require(problems)


# -- observations ----------------------------------------------------------------------------------


@rule(RULE_AUTOMATIC)
def test_new_instance_settles_within_the_timeout(dctck_harness: Harness) -> None:
    _machine(dctck_harness)
    require(fsm_violations(dctck_harness.running_instance()))


@rule(RULE_AUTOMATIC)
def test_automatic_transitions_complete_within_the_timeout(
    dctck_harness: Harness, transient_state: str
) -> None:
    machine = _machine(dctck_harness)
    if transient_state in machine.stable_states() or transient_state not in machine.states:
        raise NotApplicable(f"{transient_state.upper()} is not a transient state")
    edge = entering_transition(machine, transient_state)
    if edge is None:
        raise NotApplicable(f"no action from a stable state leads to {transient_state}")
    if edge.action == "create":
        watch = dctck_harness.running_instance()
        require(fsm_violations(watch))
        return
    watch = _instance_in(dctck_harness, edge.origin)
    outcome = watch.act(edge.action)
    problems = judge_answer(machine, outcome, Expectation.ACCEPT, edge.origin, edge.action)
    problems += _after_answer(watch, str(outcome.call), edge.action, outcome.returned)
    require([*problems, *fsm_violations(watch)])


@rule(RULE_NO_ACTION)
def test_stable_state_holds_without_action(dctck_harness: Harness, stable_state: str) -> None:
    machine = _machine(dctck_harness)
    _stable(machine, stable_state)
    watch = _instance_in(dctck_harness, stable_state)
    leave_alone(watch, quiet_period(dctck_harness))
    require(fsm_violations(watch))


def _tour(harness: Harness) -> InstanceWatch:
    """An instance taken through every stable state, observed all the way."""
    machine = _machine(harness)
    watch = harness.running_instance()
    for state in [*machine.stable_states(), watch.state]:
        watch.route_to(functools.partial(operator.eq, state))
    return watch


@rule(RULE_DECLARED_STATE)
def test_every_observed_state_is_declared(dctck_harness: Harness) -> None:
    watch = _tour(dctck_harness)
    require(v for v in watch.violations if v.rule == RULE_DECLARED_STATE)


@rule(RULE_ACTIONS_SUBSET)
def test_instance_actions_are_declared(dctck_harness: Harness) -> None:
    watch = _tour(dctck_harness)
    require(v for v in watch.violations if v.rule == RULE_ACTIONS_SUBSET)


# -- actions ---------------------------------------------------------------------------------------


def _action_check(harness: Harness, state: str, action: str, expectation: Expectation) -> None:
    machine = _machine(harness)
    _stable(machine, state)
    actual = expectation_for(machine, state, action)
    if actual is not expectation:
        raise NotApplicable(f"{action} from {state.upper()} {_ANSWERS[actual]}")
    watch = _instance_in(harness, state)
    outcome = watch.act(action)
    problems = judge_answer(machine, outcome, expectation, state, action)
    if expectation is Expectation.REFUSE and outcome.returned:
        watch.observe()  # accepted though forbidden: reported as such, its effect not awaited
    else:
        problems += _after_answer(watch, str(outcome.call), action, outcome.returned)
    require([*problems, *fsm_violations(watch)])


@rule(Expectation.ACCEPT.rule)
def test_allowed_action_is_accepted(dctck_harness: Harness, state: str, action: str) -> None:
    _action_check(dctck_harness, state, action, Expectation.ACCEPT)


@rule(Expectation.REFUSE.rule)
def test_forbidden_action_is_refused(dctck_harness: Harness, state: str, action: str) -> None:
    _action_check(dctck_harness, state, action, Expectation.REFUSE)


@rule(Expectation.EITHER.rule)
def test_optional_action_is_answered_legally(
    dctck_harness: Harness, state: str, action: str
) -> None:
    _action_check(dctck_harness, state, action, Expectation.EITHER)


@rule(RULE_DESTROY)
def test_destroy_ends_with_the_instance_gone(dctck_harness: Harness, stable_state: str) -> None:
    machine = _machine(dctck_harness)
    _stable(machine, stable_state)
    watch = _instance_in(dctck_harness, stable_state)
    expectation = expectation_for(machine, stable_state, "destroy")
    outcome = watch.act("destroy")
    problems = judge_answer(machine, outcome, expectation, stable_state, "destroy")
    if outcome.raised(ActionNotAllowed) and expectation is Expectation.ACCEPT:
        shown = stable_state.upper()
        problems = [
            Violation(
                str(outcome.call),
                RULE_DESTROY_STOPS,
                f"{outcome.describe()} for an instance {shown}",
                f"the instance removed: instance_states() declares destroy from {shown}",
            )
        ]
    elif outcome.raised(ActionNotAllowed):
        # a legal refusal: take the declared route to where destroy is allowed, then destroy
        route = watch.route_to(lambda s: machine.directly_allows(s, "destroy"))
        if route is None:
            problems.append(
                Violation(
                    str(outcome.call),
                    RULE_DESTROY,
                    f"raised ActionNotAllowed, and no declared route from {stable_state.upper()}"
                    " leads to a state allowing destroy",
                    "a way to destroy the instance",
                )
            )
        problems.extend(route or [])
        if route == []:
            state = watch.state
            outcome = watch.act("destroy")
            problems.extend(judge_answer(machine, outcome, Expectation.ACCEPT, state, "destroy"))
    if outcome.returned:
        gone = await_gone(watch, str(outcome.call))
        problems.extend(gone or _still_listed(dctck_harness, watch, str(outcome.call)))
    require([*problems, *fsm_violations(watch)])


def _still_listed(harness: Harness, watch: InstanceWatch, call: str) -> list[Violation]:
    """A violation if the whole listing still has the instance its id no longer finds."""
    listing = harness.call("instances", harness.subject.valid, None)
    listed = listing.value if listing.returned and isinstance(listing.value, list) else []
    if not any(getattr(i, "id", None) == watch.id for i in listed):
        return []
    return [
        Violation(
            str(listing.call),
            RULE_DESTROY,
            f"still lists {watch.id!r} after {call}",
            "the instance no longer listed",
        )
    ]


# -- offered actions -------------------------------------------------------------------------------


def _moments(harness: Harness, moment: str) -> list[tuple[str, Callable[[], InstanceWatch]]]:
    """Ways to bring a new instance to ``moment``, each with how messages name it; the watch
    returned has just observed the instance (``watch.last``)."""
    machine = _machine(harness)
    stable = machine.stable_states()

    def settled(state: str) -> InstanceWatch:
        watch = _instance_in(harness, state)
        watch.observe()
        return watch

    def created() -> InstanceWatch:
        watch = harness.created_instance()
        watch.observe()
        return watch

    def acted(state: str, action: str) -> InstanceWatch:
        watch = _instance_in(harness, state)
        if watch.act(action).returned:
            watch.observe()
        return watch

    if moment == "settled":
        return [(f"settled {s.upper()}", functools.partial(settled, s)) for s in stable]
    if moment == "just_created":
        return [("just created", created)]
    if moment == "after_destroy":
        return [
            (f"just destroyed from {s.upper()}", functools.partial(acted, s, "destroy"))
            for s in stable
            if machine.directly_allows(s, "destroy")
        ]
    edges = {
        (e.origin, e.action)
        for e in machine.transitions
        if e.origin in stable
        and e.action not in (AUTO, "create", "destroy")
        and e.destination not in stable
    }
    return [
        (f"just after {a} from {s.upper()}", functools.partial(acted, s, a))
        for s, a in sorted(edges)
    ]


def _offered(watch: InstanceWatch) -> list[str]:
    actions = getattr(watch.last, "actions", None) if watch.state != END else None
    if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
        return []
    return [a for a in actions if a in INSTANCE_ACTIONS]


def offered_problems(watch: InstanceWatch, action: str, where: str) -> list[Violation]:
    """Take ``action``, which the instance offered when last seen, at once: it must be accepted
    and take one of the edges the machine declares for it from that state (plus ``_auto_``
    edges), an instance already where it would lead not counting as done."""
    seen = watch.last
    state = watch.state
    offered = getattr(seen, "actions", None)
    machine = watch.harness.subject.machine
    outcome = watch.harness.call(f"{action}_instance", watch.credentials, watch.id)
    listed = (
        f"right after the instance ({where}) was listed {state.upper()} with actions {offered!r}"
    )
    if outcome.returned:
        watch.tracker = TransitionTracker(machine, state, action, take_edge=True)
        before = len(watch.violations)
        watch.settle()
        if watch.tracker.completed:
            return []  # what else went wrong on the way is the other checks' to report
        edges = [e.destination.upper() for e in machine.outgoing(state) if e.action == action]
        found = "; ".join(dict.fromkeys(v.happened for v in watch.violations[before:]))
        path = [s.upper() for s, _ in itertools.groupby(watch.tracker.observed)]
        return [
            Violation(
                str(outcome.call),
                RULE_OFFERED,
                f"was accepted {listed}; then {watch.listing} showed {' -> '.join(path)}"
                + (f": {found}" if found else ""),
                f"{action} to take its declared edge from {state.upper()} to"
                f" {' or '.join(edges)} (plus _auto_ edges)",
            )
        ]
    if watch.observe() != state:
        return []  # the state moved on since it was seen: a refusal may be legal now
    return [
        Violation(
            str(outcome.call), RULE_OFFERED, f"{outcome.describe()} {listed}", f"{action} accepted"
        )
    ]


@rule(RULE_OFFERED)
@pytest.mark.parametrize("moment", MOMENTS)
def test_offered_actions_are_accepted_at_once(dctck_harness: Harness, moment: str) -> None:
    ways = _moments(dctck_harness, moment)
    if not ways:
        raise NotApplicable(f"the declared machine has no {moment.replace('_', ' ')} moment")
    problems: list[Violation] = []
    for where, reach in ways:
        watch = reach()
        offered = _offered(watch)
        for index, action in enumerate(offered):
            if index > 0:
                watch = reach()
                if action not in _offered(watch):
                    continue
            problems += offered_problems(watch, action, where)
    require(problems)


# -- generated exploration -------------------------------------------------------------------------


@rule(RULE_GENERATED)
def test_generated_action_sequences_follow_the_machine(dctck_harness: Harness) -> None:
    _machine(dctck_harness)
    require(explore(dctck_harness))
