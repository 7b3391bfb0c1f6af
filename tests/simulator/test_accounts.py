"""Isolation between accounts: listing, lookup by id, actions and tags."""

from __future__ import annotations

import pytest

from simulator import AuthFailure, UnknownInstance
from tests.simulator._support import ME, OTHER, launch, observe


@pytest.fixture
def mine_and_theirs(sim):
    return launch(sim, ME), launch(sim, OTHER, "ami-0b2c3d4e5f6071829")


def test_each_account_lists_only_its_own_instances(sim, mine_and_theirs):
    mine, theirs = mine_and_theirs
    assert [view.id for view in sim.describe_instances(ME)] == [mine]
    assert [view.id for view in sim.describe_instances(OTHER)] == [theirs]


def test_another_accounts_instance_is_unknown_by_id(sim, mine_and_theirs):
    _, theirs = mine_and_theirs
    with pytest.raises(UnknownInstance) as excinfo:
        sim.describe_instances(ME, [theirs])
    assert excinfo.value.args == (f"The instance ID '{theirs}' does not exist",)


@pytest.mark.parametrize("action", ["start", "stop", "reboot", "terminate"])
def test_actions_on_another_accounts_instance_are_unknown_and_change_nothing(
    sim, mine_and_theirs, action
):
    mine, theirs = mine_and_theirs
    sim.clock.tick(40)
    before = observe(sim)
    with pytest.raises(UnknownInstance):
        getattr(sim, f"{action}_instances")(ME, [mine, theirs])
    assert observe(sim) == before


def test_tags_of_another_accounts_instance_can_be_neither_set_nor_read(sim, mine_and_theirs):
    mine, theirs = mine_and_theirs
    sim.create_tags(OTHER, [theirs], {"Name": "secret"})
    before = observe(sim)
    with pytest.raises(UnknownInstance):
        sim.create_tags(ME, [mine, theirs], {"Name": "stolen"})
    with pytest.raises(UnknownInstance):
        sim.describe_tags(ME, [theirs])
    assert observe(sim) == before
    assert sim.describe_tags(ME) == []


def test_instances_of_an_unknown_account_are_an_auth_failure(sim):
    with pytest.raises(AuthFailure) as excinfo:
        sim.describe_instances("intruder")
    assert (excinfo.value.code, excinfo.value.args) == (
        "AuthFailure",
        ("Unknown account 'intruder'",),
    )
