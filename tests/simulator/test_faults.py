"""Faults: injected and random failures, latency, throttling, eventual consistency, capacity."""

from __future__ import annotations

import time

import pytest

from simulator import (
    CapacityExceeded,
    InjectedFault,
    RealClock,
    Simulator,
    SimulatorConfig,
    Throttled,
    UnknownInstance,
    Zone,
)
from tests.simulator._support import ME, START, X86_IMAGE, instance_in, launch, observe, state_of


def outcomes(sim, calls):
    """For each call of zones(): "ok" or the injected code."""
    results = []
    for _ in range(calls):
        try:
            sim.zones()
            results.append("ok")
        except InjectedFault as fault:
            results.append(fault.code)
    return results


def test_fail_next_fails_exactly_the_next_calls_of_that_operation(sim):
    sim.faults.fail_next("zones", count=2, code="Unavailable")
    sim.regions()
    with pytest.raises(InjectedFault) as excinfo:
        sim.zones()
    assert (excinfo.value.code, excinfo.value.args) == (
        "Unavailable",
        ("Injected fault in zones",),
    )
    assert outcomes(sim, 3) == ["Unavailable", "ok", "ok"]


def test_fail_next_defaults_to_one_internal_error(sim):
    sim.faults.fail_next("zones")
    assert outcomes(sim, 2) == ["InternalError", "ok"]


def test_fail_next_on_star_fails_whichever_operation_comes_next(sim):
    sim.faults.fail_next("*", code="Unavailable")
    with pytest.raises(InjectedFault):
        sim.regions()
    assert sim.regions() == ["us-east-1"]


def test_failed_run_instances_creates_nothing(sim):
    launch(sim)
    before = observe(sim)
    sim.faults.fail_next("run_instances", code="InsufficientInstanceCapacity")
    with pytest.raises(InjectedFault) as excinfo:
        sim.run_instances(ME, X86_IMAGE)
    assert excinfo.value.code == "InsufficientInstanceCapacity"
    assert observe(sim) == before


def test_failed_stop_changes_nothing(sim):
    instance_id = instance_in(sim, "running")
    before = observe(sim)
    sim.faults.fail_next("stop_instances")
    with pytest.raises(InjectedFault):
        sim.stop_instances(ME, [instance_id])
    assert observe(sim) == before


def test_test_controls_are_never_failed_and_do_not_use_up_faults(sim):
    sim.faults.fail_next("*")
    sim.audit_log()
    sim.set_durations(boot_seconds=1)
    assert sim.account_secret(ME) == "mockpassword"
    assert outcomes(sim, 2) == ["InternalError", "ok"]


def test_faults_refuse_unknown_operations():
    sim = Simulator()
    with pytest.raises(ValueError, match=r"^unknown operation 'describe_instance' \(expected"):
        sim.faults.fail_next("describe_instance")


@pytest.mark.parametrize(
    ("method", "arguments"),
    [
        ("fail_next", ("zones", 0)),
        ("fail_randomly", ("zones", 1.5)),
        ("add_latency", ("zones", -1.0)),
        ("throttle", ("zones", 0, 1.0)),
        ("throttle", ("zones", 1, 0.0)),
        ("eventual_consistency", (float("nan"),)),
    ],
)
def test_faults_refuse_out_of_range_settings(sim, method, arguments):
    with pytest.raises(ValueError, match="must be"):
        getattr(sim.faults, method)(*arguments)


def test_random_failures_are_reproducible_from_the_seed(clock):
    patterns = []
    for seed in (3, 3, 4):
        sim = Simulator(clock=clock, seed=seed)
        sim.faults.fail_randomly("zones", 0.5, code="Unavailable")
        patterns.append(outcomes(sim, 40))
    assert patterns[0] == patterns[1]
    assert patterns[0] != patterns[2]
    assert set(patterns[0]) == {"ok", "Unavailable"}


def test_random_failure_probability_bounds(sim):
    sim.faults.fail_randomly("zones", 1.0)
    assert outcomes(sim, 5) == ["InternalError"] * 5
    sim.faults.fail_randomly("zones", 0.0)
    assert outcomes(sim, 5) == ["ok"] * 5


def test_latency_advances_the_virtual_clock_on_each_call_of_that_operation(sim):
    sim.faults.add_latency("describe_instances", 2.5)
    sim.describe_instances(ME)
    sim.describe_instances(ME)
    sim.zones()
    assert sim.clock.now() == START + 5


def test_latency_passes_before_the_call_so_due_transitions_are_seen(sim):
    instance_id = launch(sim)
    sim.faults.add_latency("*", 40)
    assert state_of(sim, instance_id) == "running"


def test_latency_on_a_real_clock_sleeps(monkeypatch):
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    sim = Simulator(clock=RealClock())
    sim.faults.add_latency("regions", 0.25)
    sim.regions()
    assert slept == [0.25]


def test_throttle_refuses_calls_over_the_rate_until_the_window_moves_on(sim):
    sim.faults.throttle("zones", max_calls=2, per_seconds=10)
    sim.zones()
    sim.clock.tick(5)
    sim.zones()
    with pytest.raises(Throttled) as excinfo:
        sim.zones()
    assert (excinfo.value.code, excinfo.value.args) == (
        "RequestLimitExceeded",
        ("Request limit exceeded: zones allows 2 calls per 10 seconds",),
    )
    sim.clock.tick(5)
    sim.zones()
    with pytest.raises(Throttled):
        sim.zones()


def test_throttled_run_instances_creates_nothing(sim):
    sim.faults.throttle("run_instances", max_calls=1, per_seconds=60)
    launch(sim)
    before = observe(sim)
    with pytest.raises(Throttled):
        launch(sim)
    assert observe(sim) == before


def test_throttle_on_star_counts_every_operation_together(sim):
    sim.faults.throttle("*", max_calls=3, per_seconds=1)
    sim.zones()
    sim.regions()
    sim.instance_types()
    with pytest.raises(Throttled):
        sim.describe_instances(ME)


def test_eventual_consistency_hides_new_instances_until_the_delay_has_passed(sim):
    old = launch(sim)
    sim.clock.tick(10)
    sim.faults.eventual_consistency(5)
    new = launch(sim)
    assert [view.id for view in sim.describe_instances(ME)] == [old]
    with pytest.raises(UnknownInstance):
        sim.describe_instances(ME, [new])
    sim.clock.tick(5)
    assert [view.id for view in sim.describe_instances(ME)] == [old, new]


def test_clear_turns_every_fault_off(sim):
    sim.faults.fail_next("*", count=3)
    sim.faults.fail_randomly("zones", 1.0)
    sim.faults.add_latency("zones", 10)
    sim.faults.throttle("zones", 1, 100)
    sim.faults.eventual_consistency(100)
    sim.faults.clear()
    assert outcomes(sim, 3) == ["ok"] * 3
    assert sim.clock.now() == START
    assert [view.state for view in sim.run_instances(ME, X86_IMAGE)] == ["pending"]
    assert len(sim.describe_instances(ME)) == 1


def test_zone_limit_caps_instances_that_are_not_terminated(sim):
    views = sim.run_instances(ME, X86_IMAGE, min_count=5, max_count=30, zone="us-east-1b")
    assert len(views) == 20
    before = observe(sim)
    with pytest.raises(CapacityExceeded) as excinfo:
        sim.run_instances(ME, X86_IMAGE, zone="us-east-1b")
    assert (excinfo.value.code, excinfo.value.args) == (
        "InsufficientInstanceCapacity",
        ("Insufficient capacity: zone us-east-1b has room for 0 more instances, 1 requested",),
    )
    assert observe(sim) == before
    sim.terminate_instances(ME, [views[0].id])
    with pytest.raises(CapacityExceeded):
        sim.run_instances(ME, X86_IMAGE, zone="us-east-1b")
    sim.clock.tick(20)
    assert len(sim.run_instances(ME, X86_IMAGE, zone="us-east-1b")) == 1


def test_zone_limit_refuses_when_min_count_does_not_fit(sim):
    with pytest.raises(CapacityExceeded, match=r"has room for 20 more instances, 21 requested$"):
        sim.run_instances(ME, X86_IMAGE, min_count=21, max_count=25, zone="us-east-1b")
    assert sim.describe_instances(ME) == []


def test_default_zone_is_the_first_available_with_room(clock):
    zones = (Zone("full", limit=1), Zone("down", state="impaired"), Zone("spare", limit=2))
    sim = Simulator(SimulatorConfig(zones=zones), clock=clock)
    placed = [view.zone for view in sim.run_instances(ME, X86_IMAGE)]
    placed += [view.zone for view in sim.run_instances(ME, X86_IMAGE, max_count=2)]
    assert placed == ["full", "spare", "spare"]
    with pytest.raises(CapacityExceeded) as excinfo:
        sim.run_instances(ME, X86_IMAGE)
    assert excinfo.value.args == (
        "Insufficient capacity: no zone of us-east-1 can take 1 more instances",
    )
    with pytest.raises(CapacityExceeded, match=r"^Insufficient capacity: zone down is impaired$"):
        sim.run_instances(ME, X86_IMAGE, zone="down")
