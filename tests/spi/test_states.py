"""The state-machine module (SPEC 5): well-formedness, path rules, stable states."""

import pytest

from dctck import StateMachine, Transition, TransitionTracker

SPEC_EXAMPLE = [
    ("begin", {"pending": "create"}),
    ("pending", {"running": "_auto_"}),
    ("running", {"running": "reboot", "stopped": "stop"}),
    ("stopped", {"running": "start", "end": "destroy"}),
]

# Stopping passes through shutting_down; a stopped instance boots again through pending.
WITH_SHUTDOWN = [
    ("begin", {"pending": "create"}),
    ("pending", {"running": "_auto_", "end": "destroy"}),
    ("running", {"running": "reboot", "shutting_down": "stop", "end": "destroy"}),
    ("shutting_down", {"stopped": "_auto_", "end": "destroy"}),
    ("stopped", {"pending": "start", "end": "destroy"}),
]


def test_spec_example_is_well_formed():
    machine = StateMachine(SPEC_EXAMPLE)
    assert machine.problems == []
    assert machine.is_well_formed
    assert machine.states == ["begin", "pending", "running", "stopped", "end"]


def test_transitions_are_read_in_declaration_order():
    assert StateMachine(SPEC_EXAMPLE).transitions[:3] == [
        Transition("begin", "pending", "create"),
        Transition("pending", "running", "_auto_"),
        Transition("running", "running", "reboot"),
    ]
    assert str(Transition("running", "stopped", "stop")) == "running --stop--> stopped"


def test_tuple_declaration_is_accepted():
    assert StateMachine(tuple(tuple(e) for e in SPEC_EXAMPLE)).problems == []


@pytest.mark.parametrize("declaration", [None, {"begin": {"pending": "create"}}, "begin"])
def test_declaration_that_is_not_a_list_is_one_problem(declaration):
    assert StateMachine(declaration).problems == [
        "instance_states() must return a list of (state, {destination: action}) pairs,"
        f" got {type(declaration).__name__}"
    ]


def test_empty_declaration_lacks_create_and_end():
    assert StateMachine([]).problems == [
        "begin has no outgoing 'create' transition",
        "end is not declared: no transition leads to it",
    ]


def test_every_problem_of_a_malformed_machine_is_reported():
    declaration = [
        ("begin", {"pending": "create"}),
        "not a pair",
        ("pending", ["running"]),
        ("booting", {"running": "_auto_"}),
        ("running", {"stopped": "halt", "running": "reboot", "limbo": "stop"}),
        ("stopped", {"end": "destroy"}),
        ("shutting_down", {"stopped": "_auto_"}),
        ("running", {"end": "destroy"}),
    ]
    assert StateMachine(declaration).problems == [
        "entry 1 must be a (state, {destination: action}) pair, got 'not a pair'",
        "entry 2 ('pending'): transitions must be a dict {destination: action}, got list",
        "unknown state 'booting' in entry 3 (valid: begin, pending, running, shutting_down,"
        " stopped, end)",
        "unknown action 'halt' on running -> stopped"
        " (valid: create, start, stop, reboot, destroy, _auto_)",
        "unknown state 'limbo' in transition running -> 'limbo'"
        " (valid: begin, pending, running, shutting_down, stopped, end)",
        "state 'running' is declared twice (entries 4 and 7); their transitions are merged",
        "state 'running' is not reachable from begin",
        "state 'stopped' is not reachable from begin",
        "state 'end' is not reachable from begin",
        "state 'shutting_down' is not reachable from begin",
        "end is not reachable from state 'begin'",
        "state 'pending' is a dead end (no outgoing transition); only end may be one",
    ]


def test_missing_create_unreachable_end_and_dead_ends_are_each_reported():
    declaration = [
        ("begin", {"pending": "start"}),
        ("pending", {"running": "_auto_"}),
        ("running", {"running": "reboot", "stopped": "stop"}),
        ("stopped", {"running": "start"}),
    ]
    assert StateMachine(declaration).problems == [
        "begin has no outgoing 'create' transition",
        "end is not reachable from state 'begin'",
        "end is not reachable from state 'pending'",
        "end is not reachable from state 'running'",
        "end is not reachable from state 'stopped'",
        "end is not declared: no transition leads to it",
    ]


def test_dead_end_state_is_reported():
    declaration = [*SPEC_EXAMPLE, ("running", {"shutting_down": "stop"})]
    problems = StateMachine(declaration).problems
    assert "state 'shutting_down' is a dead end (no outgoing transition); only end may be one" in (
        problems
    )


@pytest.mark.parametrize(
    ("declaration", "stable"),
    [(SPEC_EXAMPLE, ["running", "stopped"]), (WITH_SHUTDOWN, ["running", "stopped"])],
)
def test_stable_states_have_no_outgoing_auto(declaration, stable):
    assert StateMachine(declaration).stable_states() == stable


def test_actions_from_lists_non_automatic_actions_without_repeats():
    machine = StateMachine(
        [*WITH_SHUTDOWN, ("running", {"stopped": "stop"})],
    )
    assert machine.actions_from("RUNNING") == ["reboot", "stop", "destroy"]
    assert machine.actions_from("pending") == ["destroy"]
    assert machine.actions_from("end") == []
    assert machine.actions_from("nowhere") == []


@pytest.mark.parametrize(
    ("origin", "destination", "action", "legal"),
    [
        ("PENDING", "RUNNING", None, True),
        ("pending", "pending", None, True),
        ("running", "stopped", None, False),
        ("running", "end", None, False),
        ("running", "stopped", "stop", True),
        ("running", "running", "stop", False),
        ("pending", "stopped", "stop", True),
        ("running", "running", "reboot", True),
        ("stopped", "running", "reboot", False),
        ("running", "end", "destroy", True),
        ("pending", "end", "destroy", True),
        ("stopped", "end", "destroy", True),
        ("running", "stopped", "destroy", False),
        ("stopped", "running", "start", True),
        ("running", "running", "start", True),
        ("stopped", "stopped", "stop", True),
        ("stopped", "stopped", "start", False),
        ("running", "pending", "reboot", False),
    ],
)
def test_is_legal_follows_the_path_rules_on_the_spec_example(origin, destination, action, legal):
    assert StateMachine(SPEC_EXAMPLE).is_legal(origin, destination, action) is legal


@pytest.mark.parametrize(
    ("origin", "destination", "action", "legal"),
    [
        ("running", "shutting_down", "stop", True),
        ("running", "stopped", "stop", True),
        ("shutting_down", "stopped", None, True),
        ("shutting_down", "end", None, False),
        ("running", "shutting_down", "destroy", False),
        ("stopped", "running", "start", True),
        ("stopped", "pending", "start", True),
        ("running", "running", "start", True),
        ("stopped", "stopped", "reboot", False),
    ],
)
def test_is_legal_with_shutting_down_and_start_through_pending(origin, destination, action, legal):
    assert StateMachine(WITH_SHUTDOWN).is_legal(origin, destination, action) is legal


def test_destroy_may_pass_through_stop_edges_while_polled():
    tracker = TransitionTracker(StateMachine(WITH_SHUTDOWN), "RUNNING", "destroy")
    assert tracker.observe("SHUTTING_DOWN") is None
    assert not tracker.completed
    assert tracker.observe("end") is None
    assert tracker.completed


def test_observations_may_lag_the_action():
    tracker = TransitionTracker(StateMachine(SPEC_EXAMPLE), "running", "stop")
    assert tracker.observe("running") is None
    assert not tracker.completed
    assert tracker.observe("stopped") is None
    assert tracker.completed


def test_illegal_observation_is_explained_and_tracking_restarts_from_it():
    tracker = TransitionTracker(StateMachine(SPEC_EXAMPLE), "pending", None)
    assert tracker.observe("running") is None
    assert tracker.observe("stopped") == (
        "observed RUNNING -> STOPPED (path so far: PENDING -> RUNNING -> STOPPED), which no"
        " declared path allows; only _auto_ transitions may happen without an action"
    )
    assert tracker.observe("stopped") is None
    assert tracker.observed == ["pending", "running", "stopped", "stopped"]


@pytest.mark.parametrize(
    ("action", "rule"),
    [
        ("reboot", "after reboot: _auto_ transitions, one reboot, _auto_ transitions"),
        ("destroy", "after destroy: _auto_ or stop transitions, one destroy, then _auto_"),
    ],
)
def test_illegal_observation_after_an_action_names_that_actions_rule(action, rule):
    tracker = TransitionTracker(StateMachine(SPEC_EXAMPLE), "stopped", action)
    message = tracker.observe("pending")
    assert message is not None
    assert message.startswith("observed STOPPED -> PENDING")
    assert rule in message


def test_a_second_action_edge_is_not_allowed():
    tracker = TransitionTracker(StateMachine(SPEC_EXAMPLE), "running", "stop")
    assert tracker.observe("stopped") is None
    assert tracker.observe("running") is not None


@pytest.mark.parametrize(
    ("state", "action", "direct", "possible", "satisfied", "forbidden"),
    [
        ("running", "stop", True, True, False, False),
        ("running", "destroy", True, True, False, False),
        ("pending", "stop", False, True, False, False),
        ("pending", "destroy", False, True, False, False),
        ("stopped", "reboot", False, False, False, True),
        ("stopped", "stop", False, False, True, False),
        ("running", "start", False, False, True, False),
        ("stopped", "start", True, True, False, False),
    ],
)
def test_action_classification(state, action, direct, possible, satisfied, forbidden):
    machine = StateMachine(SPEC_EXAMPLE)
    assert machine.directly_allows(state, action) is direct
    assert machine.can_lead_to(state, action) is possible
    assert machine.already_satisfied(state, action) is satisfied
    assert machine.forbids(state, action) is forbidden


def test_auto_closure_follows_only_automatic_edges():
    machine = StateMachine(WITH_SHUTDOWN)
    assert machine.auto_closure({"pending"}) == {"pending", "running"}
    assert machine.auto_closure({"SHUTTING_DOWN"}) == {"shutting_down", "stopped"}
    assert machine.auto_closure({"running"}) == {"running"}


@pytest.mark.parametrize(
    "destination",
    ["stopped", "running", "pending"],
)
def test_destroy_edge_not_leading_to_end_is_a_problem(destination):
    declaration = [
        ("begin", {"pending": "create"}),
        ("pending", {"running": "_auto_", "end": "destroy"}),
        (
            "running",
            {destination: "destroy", "stopped": "stop"}
            if destination != "stopped"
            else {"stopped": "destroy"},
        ),
        ("stopped", {"running": "start", "end": "destroy"}),
    ]
    assert StateMachine(declaration).problems == [
        f"destroy edge running --destroy--> {destination} leads to {destination!r}, from which"
        " _auto_ edges alone do not reach end (destroy takes exactly one destroy edge)"
    ]


def test_destroy_edge_to_a_state_ending_automatically_is_well_formed():
    declaration = [
        ("begin", {"pending": "create"}),
        ("pending", {"running": "_auto_"}),
        ("running", {"shutting_down": "destroy", "stopped": "stop"}),
        ("shutting_down", {"end": "_auto_"}),
        ("stopped", {"shutting_down": "destroy"}),
    ]
    assert StateMachine(declaration).problems == []


def test_an_offered_action_must_take_its_own_edge_not_count_as_already_satisfied():
    # shutting_down -stop-> end: stop is "satisfied" in SHUTTING_DOWN (a stop edge leads there),
    # yet an instance offering stop there must take that edge to END, not drift to STOPPED.
    machine = StateMachine(
        [
            ("begin", {"pending": "create"}),
            ("pending", {"running": "_auto_", "end": "destroy"}),
            ("running", {"shutting_down": "stop", "end": "destroy"}),
            ("shutting_down", {"stopped": "_auto_", "end": "stop"}),
            ("stopped", {"pending": "start", "end": "destroy"}),
        ]
    )
    lenient = TransitionTracker(machine, "shutting_down", "stop")
    assert lenient.observe("stopped") is None
    assert lenient.completed
    strict = TransitionTracker(machine, "shutting_down", "stop", take_edge=True)
    assert strict.observe("stopped") is None  # an _auto_ edge may come first...
    assert not strict.completed  # ...but no stop edge leaves STOPPED
    strict = TransitionTracker(machine, "shutting_down", "stop", take_edge=True)
    assert strict.observe("end") is None
    assert strict.completed
