"""The provider-neutral core: lifecycles as data (EC2's and Nova's tables on one `Lifecycle`
class), operation registries, and NovaCloud on the shared clock, faults, schedule and audit."""

from __future__ import annotations

import pytest

from simulator import AuthFailure, IncorrectState, InjectedFault, ManualClock, UnknownInstance
from simulator import _lifecycle as lifecycle
from simulator import _nova_lifecycle as nova
from simulator._core import Operations, control
from simulator._lifecycle import AUTO, Lifecycle, Refused
from simulator._nova import OPENSTACK_OPERATIONS, NovaCloud

CIRROS = "5f4b9a3e-0c1d-4e2f-8a3b-6c7d8e9f0a1b"


def test_ec2s_table_is_one_lifecycle_and_the_module_functions_use_it():
    assert lifecycle.EC2.states == lifecycle.STATES
    assert lifecycle.destination("stop", lifecycle.RUNNING) == lifecycle.STOPPING
    assert lifecycle.destination("stop", lifecycle.STOPPED) is None
    with pytest.raises(Refused):
        lifecycle.destination("start", lifecycle.SHUTTING_DOWN)


def test_an_unknown_trigger_is_refused_not_a_key_error():
    with pytest.raises(Refused):
        nova.NOVA.destination("explode", nova.ACTIVE)


def test_a_lifecycle_is_built_from_any_table():
    light = Lifecycle(
        "light", ("off", "on"),
        ({"trigger": "flip", "source": "off", "dest": "on"},
         {"trigger": "flip", "source": "on", "dest": "off"}),
        "off", {},
    )  # fmt: skip

    class Lamp:
        state = ""

    lamp = Lamp()
    light.enter_initial(lamp)
    light.fire(lamp, "flip")
    assert lamp.state == "on"
    assert light.triggers() == ("flip",)


@pytest.mark.parametrize(
    "state", [s for s in nova.STATES if s not in (nova.DELETING, nova.DELETED)]
)
@pytest.mark.parametrize("trigger", sorted(nova.ACTIONS))
def test_novas_machine_and_its_state_rules_agree_everywhere(state, trigger):
    """The machine decides; Nova's check_instance_state rules word the 409: they must agree."""
    view = nova.VIEWS[state]
    rule = nova.ACTIONS[trigger]
    by_rule = view.vm_state in rule.vm_states and view.task_state in rule.task_states
    try:
        nova.NOVA.destination(trigger, state)
        by_machine = True
    except Refused:
        by_machine = False
    assert by_machine == by_rule


def test_every_nova_state_that_lasts_a_while_is_left_by_the_automatic_trigger():
    timed = set(nova.AUTO_DELAY)
    for state in timed:
        assert nova.NOVA.destination(AUTO, state) is not None
    assert {nova.ACTIVE, nova.STOPPED, nova.ERROR}.isdisjoint(timed)


def test_an_operations_registry_faults_and_settles_its_own_engine():
    registry = Operations()

    class Engine:
        def __init__(self) -> None:
            import threading

            from simulator import FaultInjector

            self.clock = ManualClock(0)
            self.faults = FaultInjector(("poke",))
            self._lock = threading.RLock()
            self._now = 0.0
            self.settled: list[float] = []

        def _settle(self, now: float) -> None:
            self.settled.append(now)

        @registry
        def poke(self) -> str:
            return "poked"

        @control
        def peek(self) -> float:
            return self._now

    assert registry.names == ("poke",)
    engine = Engine()
    engine.clock.tick(5)
    assert engine.poke() == "poked"
    engine.faults.fail_next("poke")
    with pytest.raises(InjectedFault):
        engine.poke()
    engine.faults.fail_next("poke")
    assert engine.peek() == 5.0  # control is never faulted
    assert engine.settled == [5.0, 5.0, 5.0]


def test_nova_operations_are_its_own():
    assert "create_server" in OPENSTACK_OPERATIONS
    assert "run_instances" not in OPENSTACK_OPERATIONS


@pytest.fixture
def cloud() -> NovaCloud:
    return NovaCloud(clock=ManualClock(0))


def test_projects_are_isolated(cloud):
    mine = cloud.create_server("mockuser", "a", "1", CIRROS)
    with pytest.raises(UnknownInstance):
        cloud.server("otheruser", mine.id)
    with pytest.raises(UnknownInstance):
        cloud.delete_server("otheruser", mine.id)
    assert cloud.servers("otheruser") == []
    with pytest.raises(AuthFailure):
        cloud.servers("nobody")


def test_ids_are_uuids_reproducible_from_the_seed():
    first = NovaCloud(clock=ManualClock(0), seed=7).create_server("mockuser", "a", "1", CIRROS)
    again = NovaCloud(clock=ManualClock(0), seed=7).create_server("mockuser", "a", "1", CIRROS)
    assert first.id == again.id
    assert len(first.id) == 36
    assert first.id[14] == "4"


def test_a_refused_action_changes_nothing_and_says_why(cloud):
    server = cloud.create_server("mockuser", "a", "1", CIRROS)
    with pytest.raises(IncorrectState, match="while it is in vm_state building"):
        cloud.stop_server("mockuser", server.id)
    assert cloud.server("mockuser", server.id) == server
    assert [entry.to_state for entry in cloud.audit_log()] == ["building"]


def test_durations_are_checked_and_reset_keeps_the_configuration(cloud):
    with pytest.raises(ValueError, match="stop_seconds"):
        cloud.set_durations(stop_seconds=-1)
    cloud.set_durations(boot_seconds=0)
    cloud.create_server("mockuser", "a", "1", CIRROS)
    cloud.faults.fail_next("servers")
    cloud.reset()
    assert cloud.servers("mockuser") == []
    assert cloud.config.boot_seconds == 0
    assert cloud.audit_log() == []
