"""describe_instances(where=...): a test that reads each instance in place, before snapshots."""

from __future__ import annotations

from simulator import InstanceFacts
from tests.simulator._support import ARM_IMAGE, ME, OTHER, launch

FIELDS = ("id", "account", "image_id", "instance_type", "architecture", "zone", "state",
          "launched_at", "state_since")  # fmt: skip


def test_where_keeps_the_instances_it_accepts_in_creation_order(sim):
    first, _, third = launch(sim), launch(sim, image=ARM_IMAGE), launch(sim, tags={"Name": "c"})
    views = sim.describe_instances(ME, where=lambda facts: facts.architecture == "x86_64")
    assert [view.id for view in views] == [first, third]


def test_where_reads_the_same_facts_the_snapshot_shows(sim):
    launch(sim, tags={"Name": "web"})
    launch(sim, image=ARM_IMAGE)
    sim.clock.tick(40)
    seen = []

    def keep(facts: InstanceFacts) -> bool:
        seen.append((*(getattr(facts, name) for name in FIELDS), dict(facts.tags or {})))
        return True

    views = sim.describe_instances(ME, where=keep)
    assert seen == [(*(getattr(view, name) for name in FIELDS), dict(view.tags)) for view in views]
    assert [facts[3] for facts in seen] == ["t3.micro", "c6g.medium"]


def test_where_sees_only_the_listed_ids_of_the_callers_account(sim):
    first, second = launch(sim), launch(sim)
    launch(sim, OTHER, ARM_IMAGE)
    seen = []
    views = sim.describe_instances(
        ME, [second, first], where=lambda facts: seen.append(facts.id) or facts.id == second
    )
    assert (seen, [view.id for view in views]) == ([second, first], [second])
