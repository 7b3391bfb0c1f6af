"""reset(): a fresh cloud on the same configuration and clock."""

from __future__ import annotations

from simulator import InjectedFault, Simulator, SimulatorConfig
from tests.simulator._support import ME, OTHER, START, X86_IMAGE, launch


def test_reset_drops_instances_tags_audit_and_faults_but_keeps_config_and_clock(clock):
    config = SimulatorConfig(boot_seconds=7)
    sim = Simulator(config, clock=clock, seed=5)
    fresh_ids = [view.id for view in Simulator(config, clock=clock, seed=5).run_instances(
        ME, X86_IMAGE, max_count=2)]  # fmt: skip
    launch(sim, tags={"Name": "x"})
    launch(sim, OTHER)
    sim.faults.fail_next("describe_instances", count=5)
    clock.tick(100)

    sim.reset()

    assert (sim.config, sim.clock, clock.now()) == (config, clock, START + 100)
    assert (sim.describe_instances(ME), sim.describe_instances(OTHER)) == ([], [])
    assert (sim.describe_tags(ME), sim.audit_log()) == ([], [])
    assert [view.id for view in sim.run_instances(ME, X86_IMAGE, max_count=2)] == fresh_ids


def test_reset_forgets_scheduled_transitions(sim):
    launch(sim)
    sim.reset()
    sim.clock.tick(1000)
    assert sim.audit_log() == []


def test_reset_reseeds_random_faults(clock):
    sim = Simulator(clock=clock, seed=1)

    def pattern():
        sim.faults.fail_randomly("zones", 0.5)
        results = []
        for _ in range(20):
            try:
                sim.zones()
                results.append(True)
            except InjectedFault:
                results.append(False)
        return results

    first = pattern()
    sim.reset()
    assert pattern() == first
    assert set(first) == {True, False}
