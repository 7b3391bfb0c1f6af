"""Virtual time: automatic transitions happen only when the clock reaches them, audited when due."""

from __future__ import annotations

import pytest

from simulator import AuditEntry, Simulator, SimulatorConfig, StateChange, UnknownInstance
from tests.simulator._support import ME, RETENTION, START, instance_in, launch, state_of


def auto(instance_id, source, target, at):
    return AuditEntry(instance_id, ME, source, target, "auto", at)


def test_nothing_happens_while_the_clock_stands_still(sim):
    instance_id = launch(sim)
    for _ in range(50):
        sim.describe_instances(ME)
    assert state_of(sim, instance_id) == "pending"
    assert len(sim.audit_log()) == 1


def test_pending_becomes_running_exactly_when_boot_seconds_have_passed(sim):
    instance_id = launch(sim)
    sim.clock.move_to(START + 39.999)
    assert state_of(sim, instance_id) == "pending"
    sim.clock.move_to(START + 40)
    [view] = sim.describe_instances(ME, [instance_id])
    assert (view.state, view.state_since, view.launched_at) == ("running", START + 40, START)


def test_stopping_becomes_stopped_after_stop_seconds(sim):
    instance_id = instance_in(sim, "running")
    sim.stop_instances(ME, [instance_id])
    sim.clock.tick(19.5)
    assert state_of(sim, instance_id) == "stopping"
    sim.clock.tick(0.5)
    assert state_of(sim, instance_id) == "stopped"


def test_start_boots_a_stopped_instance_again_after_boot_seconds(sim):
    instance_id = instance_in(sim, "stopped")
    started = sim.clock.now()
    assert sim.start_instances(ME, [instance_id]) == [
        StateChange(instance_id, "stopped", "pending")
    ]
    sim.clock.tick(40)
    assert sim.audit_log()[-1] == auto(instance_id, "pending", "running", started + 40)


def test_automatic_transitions_are_audited_at_their_due_time_not_when_observed(sim):
    instance_id = launch(sim)
    sim.clock.move_to(START + 1000)
    sim.stop_instances(ME, [instance_id])
    sim.clock.move_to(START + 2000)
    assert sim.audit_log() == [
        AuditEntry(instance_id, ME, None, "pending", "run_instances", START),
        auto(instance_id, "pending", "running", START + 40),
        AuditEntry(instance_id, ME, "running", "stopping", "stop_instances", START + 1000),
        auto(instance_id, "stopping", "stopped", START + 1020),
    ]
    [view] = sim.describe_instances(ME)
    assert view.state_since == START + 1020


def test_due_transitions_apply_in_due_order_across_instances(sim):
    slow = launch(sim)
    sim.set_durations(boot_seconds=5)
    sim.clock.move_to(START + 10)
    fast = launch(sim)
    sim.clock.move_to(START + 100)
    assert sim.audit_log()[2:] == [
        auto(fast, "pending", "running", START + 15),
        auto(slow, "pending", "running", START + 40),
    ]


def test_a_chain_of_due_transitions_is_applied_in_one_settlement(sim):
    instance_id = launch(sim)
    sim.terminate_instances(ME, [instance_id])
    sim.clock.move_to(START + RETENTION + 1000)
    assert sim.audit_log()[-1] == auto(instance_id, "shutting_down", "terminated", START + 20)
    assert sim.describe_instances(ME) == []


def test_terminating_a_pending_instance_cancels_its_boot(sim):
    instance_id = launch(sim)
    sim.clock.move_to(START + 10)
    sim.terminate_instances(ME, [instance_id])
    sim.clock.move_to(START + 45)
    assert [(entry.from_state, entry.to_state, entry.at) for entry in sim.audit_log()] == [
        (None, "pending", START),
        ("pending", "shutting_down", START + 10),
        ("shutting_down", "terminated", START + 30),
    ]


def test_terminating_a_stopping_instance_cancels_its_stop_completion(sim):
    instance_id = instance_in(sim, "stopping")
    sim.clock.tick(10)
    sim.terminate_instances(ME, [instance_id])
    sim.clock.tick(100)
    assert [(entry.from_state, entry.to_state) for entry in sim.audit_log()[-3:]] == [
        ("running", "stopping"),
        ("stopping", "shutting_down"),
        ("shutting_down", "terminated"),
    ]
    assert sim.audit_log()[-1].at == START + 40 + 10 + 20


def test_terminated_instance_stays_listed_for_the_retention_time_then_vanishes(sim):
    instance_id = instance_in(sim, "terminated")
    terminated_at = START + 60
    sim.clock.move_to(terminated_at + RETENTION - 0.001)
    assert [view.state for view in sim.describe_instances(ME)] == ["terminated"]
    sim.clock.move_to(terminated_at + RETENTION)
    assert sim.describe_instances(ME) == []
    with pytest.raises(UnknownInstance):
        sim.describe_instances(ME, [instance_id])


def test_terminate_of_a_terminated_instance_within_retention_is_a_no_op(sim):
    instance_id = instance_in(sim, "terminated")
    assert sim.terminate_instances(ME, [instance_id]) == [
        StateChange(instance_id, "terminated", "terminated")
    ]


def test_zero_boot_makes_new_instances_running_within_the_call_with_both_steps_audited(instant):
    [view] = instant.run_instances(ME, "ami-0a1b2c3d4e5f60718")
    assert (view.state, view.public_ip) == ("running", "198.18.0.1")
    assert instant.audit_log() == [
        AuditEntry(view.id, ME, None, "pending", "run_instances", START),
        auto(view.id, "pending", "running", START),
    ]


def test_zero_stop_makes_stop_and_terminate_complete_within_the_call(instant):
    instance_id = launch(instant)
    assert instant.stop_instances(ME, [instance_id]) == [
        StateChange(instance_id, "running", "stopped")
    ]
    assert instant.start_instances(ME, [instance_id]) == [
        StateChange(instance_id, "stopped", "running")
    ]
    assert instant.terminate_instances(ME, [instance_id]) == [
        StateChange(instance_id, "running", "terminated")
    ]
    assert [(entry.from_state, entry.to_state, entry.cause) for entry in instant.audit_log()] == [
        (None, "pending", "run_instances"),
        ("pending", "running", "auto"),
        ("running", "stopping", "stop_instances"),
        ("stopping", "stopped", "auto"),
        ("stopped", "pending", "start_instances"),
        ("pending", "running", "auto"),
        ("running", "shutting_down", "terminate_instances"),
        ("shutting_down", "terminated", "auto"),
    ]
    assert {entry.at for entry in instant.audit_log()} == {START}


def test_zero_retention_drops_a_terminated_instance_at_once(clock):
    sim = Simulator(
        SimulatorConfig(boot_seconds=0, stop_seconds=0, terminated_retention_seconds=0),
        clock=clock,
    )
    instance_id = launch(sim)
    assert sim.terminate_instances(ME, [instance_id]) == [
        StateChange(instance_id, "running", "terminated")
    ]
    assert sim.describe_instances(ME) == []
    assert sim.audit_log()[-1] == auto(instance_id, "shutting_down", "terminated", START)


def test_set_durations_applies_to_transitions_scheduled_afterwards(sim):
    early = launch(sim)
    sim.set_durations(boot_seconds=0, stop_seconds=1)
    late = launch(sim)
    assert (state_of(sim, early), state_of(sim, late)) == ("pending", "running")
    assert (sim.config.boot_seconds, sim.config.stop_seconds) == (0.0, 1.0)


def test_set_durations_refuses_a_negative_duration_and_keeps_the_config(sim):
    with pytest.raises(ValueError, match=r"^stop_seconds: expected a finite number >= 0, got -1$"):
        sim.set_durations(stop_seconds=-1)
    assert sim.config == SimulatorConfig()
