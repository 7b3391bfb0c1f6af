"""The fsm building blocks as plain code: expectations, generated cases, judging, routes."""

import pytest

from dctck import ActionNotAllowed, Instance, ProviderError, StateMachine, Transition
from dctck.kit import (
    Call,
    Expectation,
    Harness,
    Outcome,
    Subject,
    await_gone,
    entering_transition,
    expectation_for,
    fsm_cases,
    judge_answer,
    leave_alone,
)
from reference_drivers import MockDriver
from tests.kit.bank.broken_fsm import DestroyKeepsStopped
from tests.kit.bank.legal_machines import CannotRestart, TerminationIsVisible

MOCK = StateMachine(MockDriver().instance_states())
VISIBLE_TERMINATION = StateMachine(TerminationIsVisible().instance_states())
ACCEPT, REFUSE, EITHER = Expectation.ACCEPT, Expectation.REFUSE, Expectation.EITHER
CREDENTIALS = {"name": "mockuser", "password": "mockpassword"}


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        ("running", "stop", ACCEPT),
        ("running", "reboot", ACCEPT),
        ("running", "destroy", ACCEPT),
        ("running", "start", EITHER),  # already satisfied
        ("stopped", "start", ACCEPT),
        ("stopped", "stop", EITHER),  # already satisfied
        ("stopped", "reboot", REFUSE),
        ("pending", "destroy", ACCEPT),
        ("pending", "reboot", EITHER),  # allowed once booted
        ("shutting_down", "reboot", REFUSE),
        ("shutting_down", "start", EITHER),  # allowed once stopped
    ],
)
def test_expectation_follows_the_declared_machine(state, action, expected):
    assert expectation_for(MOCK, state, action) is expected


def test_either_answer_is_legal_where_auto_transitions_may_end_the_instance():
    assert expectation_for(VISIBLE_TERMINATION, "shutting_down", "destroy") is EITHER
    assert expectation_for(VISIBLE_TERMINATION, "shutting_down", "reboot") is EITHER


def test_destroy_refused_until_stopped_may_be_either_answer_when_stop_passes_a_transition():
    machine = StateMachine(
        [
            ("begin", {"pending": "create"}),
            ("pending", {"running": "_auto_"}),
            ("running", {"shutting_down": "stop"}),
            ("shutting_down", {"stopped": "_auto_"}),
            ("stopped", {"end": "destroy"}),
        ]
    )
    assert expectation_for(machine, "running", "destroy") is EITHER
    assert expectation_for(machine, "stopped", "destroy") is ACCEPT


def test_cases_of_the_mock_machine():
    cases = fsm_cases(MOCK)
    assert cases.from_declaration
    assert cases.stable_states == ["running", "stopped"]
    assert cases.transient_states == ["pending", "shutting_down"]
    assert cases.actions == {
        ACCEPT: [
            ("running", "stop"),
            ("running", "reboot"),
            ("running", "destroy"),
            ("stopped", "start"),
            ("stopped", "destroy"),
        ],
        REFUSE: [("stopped", "reboot")],
        EITHER: [("running", "start"), ("stopped", "stop")],
    }


def test_a_malformed_machine_has_no_cases():
    cases = fsm_cases(StateMachine([("begin", {"booting": "create"})]))
    assert (cases.stable_states, cases.transient_states) == ([], [])
    assert cases.actions == {ACCEPT: [], REFUSE: [], EITHER: []}


def test_an_unknown_machine_lists_every_spec_state_and_action():
    cases = fsm_cases(None)
    assert not cases.from_declaration
    assert cases.stable_states == ["pending", "running", "shutting_down", "stopped"]
    assert cases.transient_states == cases.stable_states
    assert all(len(pairs) == 16 for pairs in cases.actions.values())


def test_entering_transition_prefers_create_then_a_stable_origin():
    assert entering_transition(MOCK, "pending") == Transition("begin", "pending", "create")
    assert entering_transition(MOCK, "shutting_down") == Transition(
        "running", "shutting_down", "stop"
    )
    assert entering_transition(MOCK, "end") == Transition("running", "end", "destroy")


def _outcome(method="reboot_instance", **kwargs):
    return Outcome(Call(method, (("id", "i-1"),)), timeout=5.0, **kwargs)


def test_accepted_forbidden_action_is_one_violation():
    instance = Instance(id="i-1", state="STOPPED")
    (violation,) = judge_answer(MOCK, _outcome(value=instance), REFUSE, "stopped", "reboot")
    assert str(violation) == (
        "reboot_instance(id='i-1') [SPEC 4: an action the machine does not allow raises"
        " ActionNotAllowed] accepted it: returned <Instance 'i-1' STOPPED>, expected"
        " ActionNotAllowed: instance_states() declares no reboot from STOPPED"
    )


def test_forbidden_action_refused_with_another_error_is_a_violation():
    error = ProviderError("IncorrectInstanceState")
    (violation,) = judge_answer(MOCK, _outcome(error=error), REFUSE, "stopped", "reboot")
    assert violation.happened == "raised ProviderError: IncorrectInstanceState"


def test_allowed_action_that_hangs_says_so():
    outcome = _outcome(timed_out=True)
    (violation,) = judge_answer(MOCK, outcome, ACCEPT, "running", "reboot")
    assert str(violation) == (
        "reboot_instance(id='i-1') [SPEC 4: an action the machine allows in the current state"
        " is accepted] did not return within 5 s [kit --timeout], expected acceptance:"
        " instance_states() declares reboot from RUNNING"
    )


@pytest.mark.parametrize("answer", [{"value": None}, {"error": ActionNotAllowed("no")}])
def test_either_answer_is_legal(answer):
    assert judge_answer(MOCK, _outcome(**answer), EITHER, "running", "start") == []


def test_refused_allowed_action_is_a_violation():
    outcome = _outcome(method="stop_instance", error=ActionNotAllowed("busy"))
    (violation,) = judge_answer(MOCK, outcome, ACCEPT, "running", "stop")
    assert violation.expected == "acceptance: instance_states() declares stop from RUNNING"


def _harness(driver):
    return Harness(Subject(driver, CREDENTIALS, timeout=60.0))


def test_route_to_takes_the_declared_route_and_idling_changes_nothing():
    harness = _harness(MockDriver())
    watch = harness.running_instance()
    assert watch.route_to(lambda state: state == "stopped") == []
    assert watch.state == "stopped"
    leave_alone(watch, 60.0)
    assert (watch.state, watch.violations) == ("stopped", [])
    assert harness.cleanup() == []


def test_route_to_gives_none_without_a_declared_route():
    harness = _harness(CannotRestart())
    watch = harness.running_instance()
    assert watch.route_to(lambda state: state == "stopped") == []
    assert watch.route_to(lambda state: state == "running") is None
    assert harness.cleanup() == []


def test_await_gone_reports_a_destroy_that_leaves_the_instance_listed():
    harness = _harness(DestroyKeepsStopped())
    watch = harness.running_instance()
    watch.route_to(lambda state: state == "stopped")
    outcome = watch.act("destroy")
    (violation,) = await_gone(watch, str(outcome.call))
    assert str(violation) == (
        f"destroy_instance(id={watch.id!r}) [SPEC 4: destroy_instance from every stable state"
        " ends with the instance gone] left the instance listed as STOPPED for 60 s, expected"
        " the instance gone (end): no longer listed"
    )
