"""The instance lifecycle: every action from every state, refusals, and all-or-nothing calls."""

from __future__ import annotations

import pytest

from simulator import (
    AuditEntry,
    IncorrectState,
    InvalidParameter,
    MalformedInstanceId,
    StateChange,
    UnknownInstance,
)
from tests.simulator._support import (
    ACTIONS,
    ME,
    OUTCOMES,
    START,
    STATES,
    instance_in,
    launch,
    observe,
    state_of,
)

LEGAL = sorted(OUTCOMES)
REFUSED = [
    (action, state) for action in ACTIONS for state in STATES if (action, state) not in OUTCOMES
]
PAST = {"start": "started", "stop": "stopped", "reboot": "rebooted", "terminate": "terminated"}
NOWHERE = "i-00000000000000000"


def act(sim, action, ids, account=ME):
    return getattr(sim, f"{action}_instances")(account, ids)


def test_the_tables_cover_every_action_from_every_state():
    assert len(LEGAL) + len(REFUSED) == len(ACTIONS) * len(STATES) == 24
    assert len(REFUSED) == 11


@pytest.mark.parametrize(("action", "state"), LEGAL)
def test_allowed_action_gives_the_ec2_outcome_and_audits_real_changes(sim, action, state):
    instance_id = instance_in(sim, state)
    logged = len(sim.audit_log())
    now = sim.clock.now()
    target = OUTCOMES[action, state]

    assert act(sim, action, [instance_id]) == [StateChange(instance_id, state, target)]
    assert state_of(sim, instance_id) == target
    changed = target != state or action == "reboot"
    expected = [AuditEntry(instance_id, ME, state, target, f"{action}_instances", now)]
    assert sim.audit_log()[logged:] == (expected if changed else [])


@pytest.mark.parametrize(("action", "state"), REFUSED)
def test_refused_action_raises_incorrect_state_and_changes_nothing(sim, action, state):
    instance_id = instance_in(sim, state)
    before = observe(sim)
    with pytest.raises(IncorrectState) as excinfo:
        act(sim, action, [instance_id])
    assert excinfo.value.code == "IncorrectInstanceState"
    assert excinfo.value.args == (
        f"The instance '{instance_id}' is not in a state from which it can be {PAST[action]} "
        f"(it is {state})",
    )
    assert excinfo.value.ids == (instance_id,)
    assert observe(sim) == before


def test_refused_action_leaves_the_pending_boot_on_time(sim):
    instance_id = launch(sim)
    with pytest.raises(IncorrectState):
        sim.stop_instances(ME, [instance_id])
    sim.clock.move_to(START + 40)
    assert sim.audit_log()[-1] == AuditEntry(
        instance_id, ME, "pending", "running", "auto", START + 40
    )


def test_one_refused_instance_refuses_the_whole_call(sim):
    stopped = instance_in(sim, "stopped")
    running = instance_in(sim, "running")
    pending = launch(sim)
    before = observe(sim)
    with pytest.raises(IncorrectState) as excinfo:
        sim.stop_instances(ME, [running, pending, stopped])
    assert excinfo.value.args == (
        f"The instance '{pending}' is not in a state from which it can be stopped (it is pending)",
    )
    assert observe(sim) == before


def test_several_refused_instances_are_all_listed(sim):
    stopped = instance_in(sim, "stopped")
    pending = launch(sim)
    with pytest.raises(IncorrectState) as excinfo:
        sim.reboot_instances(ME, [pending, stopped])
    assert excinfo.value.args == (
        f"The instances '{pending}' (pending), '{stopped}' (stopped) are not in a state from "
        "which they can be rebooted",
    )
    assert excinfo.value.ids == (pending, stopped)


def test_one_unknown_id_refuses_the_whole_call(sim):
    running = instance_in(sim, "running")
    before = observe(sim)
    with pytest.raises(UnknownInstance) as excinfo:
        sim.terminate_instances(ME, [running, NOWHERE])
    assert (excinfo.value.code, excinfo.value.args, excinfo.value.ids) == (
        "InvalidInstanceID.NotFound",
        (f"The instance ID '{NOWHERE}' does not exist",),
        (NOWHERE,),
    )
    assert observe(sim) == before


def test_several_unknown_ids_are_all_listed(sim):
    with pytest.raises(UnknownInstance) as excinfo:
        sim.describe_instances(ME, [NOWHERE, "i-11111111"])
    assert excinfo.value.args == (f"The instance IDs '{NOWHERE}, i-11111111' do not exist",)


def test_malformed_ids_refuse_the_call_before_unknown_ones(sim):
    running = instance_in(sim, "running")
    before = observe(sim)
    with pytest.raises(MalformedInstanceId) as excinfo:
        sim.terminate_instances(ME, [running, NOWHERE, "i-xyz", "bogus", "I-0123456789abcdef0"])
    assert (excinfo.value.code, excinfo.value.args, excinfo.value.ids) == (
        "InvalidInstanceID.Malformed",
        ("Invalid ids: 'i-xyz', 'bogus', 'I-0123456789abcdef0'",),
        ("i-xyz", "bogus", "I-0123456789abcdef0"),
    )
    assert observe(sim) == before


def test_duplicate_ids_act_once(sim):
    running = instance_in(sim, "running")
    logged = len(sim.audit_log())
    assert sim.stop_instances(ME, [running, running]) == [
        StateChange(running, "running", "stopping")
    ]
    assert len(sim.audit_log()) == logged + 1


def test_actions_answer_in_the_order_given(sim):
    first, second = launch(sim), launch(sim)
    changes = sim.terminate_instances(ME, [second, first])
    assert [change.instance_id for change in changes] == [second, first]


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([], "stop_instances needs at least one instance id"),
        ("i-0123456789abcdef0", "ids must be a list of strings, got 'i-0123456789abcdef0'"),
        ([7], "ids must be a list of strings, got 7 in it"),
    ],
)
def test_actions_refuse_missing_or_mistyped_ids(sim, ids, message):
    with pytest.raises(InvalidParameter) as excinfo:
        sim.stop_instances(ME, ids)
    assert excinfo.value.args == (message,)


def test_reboot_keeps_the_instance_running_since_it_first_ran(sim):
    instance_id = instance_in(sim, "running")
    sim.clock.tick(5)
    sim.reboot_instances(ME, [instance_id])
    [view] = sim.describe_instances(ME, [instance_id])
    assert (view.state, view.state_since) == ("running", START + 40)


def test_public_address_is_set_only_while_running(sim):
    addresses = {}
    for state in STATES:
        [view] = sim.describe_instances(ME, [instance_in(sim, state)])
        addresses[state] = view.public_ip
    assert addresses == {
        "pending": None,
        "running": "198.18.0.2",
        "stopping": None,
        "stopped": None,
        "shutting_down": None,
        "terminated": None,
    }
