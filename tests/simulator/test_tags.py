"""Tags: create_tags, describe_tags, and the Name tag as the instance's name."""

from __future__ import annotations

import pytest

from simulator import InvalidParameter
from tests.simulator._support import ME, launch, observe


def test_create_tags_sets_and_overwrites_and_name_follows_the_name_tag(sim):
    first, second = launch(sim, tags={"env": "dev"}), launch(sim)
    sim.create_tags(ME, [first, second], {"Name": "web", "team": "a"})
    sim.create_tags(ME, [first], {"env": "prod"})
    assert sim.describe_tags(ME) == [
        (first, "env", "prod"),
        (first, "Name", "web"),
        (first, "team", "a"),
        (second, "Name", "web"),
        (second, "team", "a"),
    ]
    [view] = sim.describe_instances(ME, [first])
    assert (view.name, dict(view.tags)) == ("web", {"env": "prod", "Name": "web", "team": "a"})


def test_describe_tags_by_resource_gives_only_those(sim):
    first, second = launch(sim, tags={"Name": "a"}), launch(sim, tags={"Name": "b"})
    assert sim.describe_tags(ME, [second]) == [(second, "Name", "b")]
    assert first != second


def test_instance_without_tags_has_no_name(sim):
    [view] = sim.describe_instances(ME, [launch(sim)])
    assert (view.name, dict(view.tags)) == (None, {})


def test_views_are_snapshots_whose_tags_cannot_be_changed(sim):
    instance_id = launch(sim, tags={"Name": "old"})
    [view] = sim.describe_instances(ME, [instance_id])
    sim.create_tags(ME, [instance_id], {"Name": "new"})
    assert view.name == "old"
    with pytest.raises(TypeError):
        view.tags["Name"] = "hacked"  # type: ignore[index]


def test_bad_tags_change_nothing(sim):
    instance_id = launch(sim, tags={"Name": "kept"})
    before = observe(sim)
    with pytest.raises(InvalidParameter) as excinfo:
        sim.create_tags(ME, [instance_id], {"Name": "x", "n": 1})
    assert excinfo.value.args == ("Tag value for 'n' must be a string, got 1",)
    assert observe(sim) == before
