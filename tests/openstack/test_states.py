"""Nova's state machine as the API shows it: statuses, task states, and the 409 table of
OPENSTACK_API.md section 2 (vm_state checked first, then task_state)."""

from __future__ import annotations

import pytest

from simulator import ManualClock, Zone
from simulator.openstack import NovaCloud, OpenStackApp, OpenStackConfig
from tests.openstack._support import NOVA, START, Api

ACTIONS = {
    "reboot SOFT": {"reboot": {"type": "SOFT"}},
    "reboot HARD": {"reboot": {"type": "HARD"}},
    "os-stop": {"os-stop": None},
    "os-start": {"os-start": None},
}
# Nova's check_instance_state, as section 2 of OPENSTACK_API.md tables it.
ALLOWED_VM_STATES = {
    "reboot SOFT": {"active"},
    "reboot HARD": {"active", "stopped", "paused", "suspended", "error"},
    "os-stop": {"active", "error"},
    "os-start": {"stopped"},
}
ALLOWED_TASK_STATES = {
    "reboot SOFT": {None},
    "reboot HARD": {
        None, "rebooting", "reboot_pending", "reboot_started", "rebooting_hard",
        "reboot_pending_hard", "reboot_started_hard", "resuming", "unpausing", "pausing",
        "suspending",
    },
    "os-stop": {None},
    "os-start": {None},
}  # fmt: skip
NAMES = {"reboot SOFT": "reboot", "reboot HARD": "reboot", "os-stop": "stop", "os-start": "start"}
SITUATIONS = (
    "BUILD", "ACTIVE", "REBOOT", "HARD_REBOOT", "stopping", "SHUTOFF", "starting", "ERROR",
    "deleting",
)  # fmt: skip
EXPECTED = {  # (status, vm_state, task_state) of each situation
    "BUILD": ("BUILD", "building", "spawning"),
    "ACTIVE": ("ACTIVE", "active", None),
    "REBOOT": ("REBOOT", "active", "reboot_started"),
    "HARD_REBOOT": ("HARD_REBOOT", "active", "reboot_started_hard"),
    "stopping": ("ACTIVE", "active", "powering-off"),
    "SHUTOFF": ("SHUTOFF", "stopped", None),
    "starting": ("SHUTOFF", "stopped", "powering-on"),
    "ERROR": ("ERROR", "error", None),
    "deleting": ("ACTIVE", "active", "deleting"),
}


def put_in(situation: str) -> tuple[Api, str]:
    """A fresh cloud with one server of mockuser's in `situation`."""
    zones = (Zone("nova", limit=0),) if situation == "ERROR" else (Zone("nova"),)
    clock = ManualClock(START)
    api = Api(OpenStackApp(NovaCloud(OpenStackConfig(zones=zones), clock)))
    server_id = api.create()
    if situation in ("BUILD", "ERROR"):
        return api, server_id
    clock.tick(10)
    steps = {
        "REBOOT": [ACTIONS["reboot SOFT"]],
        "HARD_REBOOT": [ACTIONS["reboot HARD"]],
        "stopping": [ACTIONS["os-stop"]],
        "SHUTOFF": [ACTIONS["os-stop"], 5],
        "starting": [ACTIONS["os-stop"], 5, ACTIONS["os-start"]],
    }
    for step in steps.get(situation, []):
        if isinstance(step, int):
            clock.tick(step)
        else:
            assert api.act(server_id, step).status == 202
    if situation == "deleting":
        assert api.delete(f"{NOVA}/servers/{server_id}").status == 204
    return api, server_id


@pytest.mark.parametrize("situation", SITUATIONS)
def test_each_situation_shows_novas_status_and_states(situation):
    api, server_id = put_in(situation)
    server = api.server(server_id)
    shown = (server["status"], server["OS-EXT-STS:vm_state"], server["OS-EXT-STS:task_state"])
    assert shown == EXPECTED[situation]


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("action", ACTIONS)
def test_the_409_table(situation, action):
    api, server_id = put_in(situation)
    _, vm_state, task_state = EXPECTED[situation]
    allowed = vm_state in ALLOWED_VM_STATES[action] and task_state in ALLOWED_TASK_STATES[action]
    before = api.server(server_id)
    reply = api.act(server_id, ACTIONS[action])
    if allowed:
        assert (reply.status, reply.raw) == (202, b"")
        return
    assert reply.status == 409, (situation, action, reply.raw)
    name = NAMES[action]
    if vm_state not in ALLOWED_VM_STATES[action]:
        reason = f"vm_state {vm_state}"
    else:
        reason = f"task_state {task_state}"
    assert reply.json == {
        "conflictingRequest": {
            "code": 409,
            "message": f"Cannot '{name}' instance {server_id} while it is in {reason}",
        }
    }
    assert api.server(server_id) == before


@pytest.mark.parametrize("situation", SITUATIONS)
def test_delete_is_accepted_from_every_situation(situation):
    api, server_id = put_in(situation)
    assert api.delete(f"{NOVA}/servers/{server_id}").status == 204


def test_each_action_passes_through_its_intermediate_state_and_settles(api, clock):
    server_id = api.create()
    clock.tick(10)

    def status():
        server = api.server(server_id)
        return server["status"], server["OS-EXT-STS:task_state"], server["OS-EXT-STS:power_state"]

    api.act(server_id, {"reboot": {"type": "soft"}})
    assert status() == ("REBOOT", "reboot_started", 1)
    clock.tick(10)
    assert status() == ("ACTIVE", None, 1)
    api.act(server_id, {"os-stop": None})
    assert status() == ("ACTIVE", "powering-off", 1)
    clock.tick(5)
    assert status() == ("SHUTOFF", None, 4)
    api.act(server_id, {"reboot": {"type": "Hard"}})
    assert status() == ("HARD_REBOOT", "reboot_started_hard", 1)
    clock.tick(10)
    assert status() == ("ACTIVE", None, 1)
    api.act(server_id, {"os-stop": None})
    clock.tick(5)
    api.act(server_id, {"os-start": None})
    assert status() == ("SHUTOFF", "powering-on", 4)
    clock.tick(10)
    assert status() == ("ACTIVE", None, 1)


def test_zero_durations_make_every_transition_immediate(api, cloud):
    cloud.set_durations(boot_seconds=0, stop_seconds=0)
    server_id = api.create()
    assert api.server(server_id)["status"] == "ACTIVE"
    api.act(server_id, {"os-stop": None})
    assert api.server(server_id)["status"] == "SHUTOFF"
    api.delete(f"{NOVA}/servers/{server_id}")
    assert api.get(f"{NOVA}/servers/{server_id}").status == 404


@pytest.mark.parametrize(
    "body",
    [
        {"reboot": {"type": "WARM"}},
        {"reboot": {}},
        {"reboot": None},
        {"reboot": {"type": 1}},
        {"pause": None},
        {},
        {"os-stop": None, "os-start": None},
    ],
)
def test_malformed_or_unknown_actions_are_400(api, clock, body):
    server_id = api.create()
    clock.tick(10)
    reply = api.act(server_id, body)
    assert reply.status == 400
    assert reply.json["badRequest"]["code"] == 400
    assert api.server(server_id)["status"] == "ACTIVE"


def test_every_change_is_in_the_audit_log_through_the_control_api(api, clock):
    server_id = api.create()
    clock.tick(10)
    api.act(server_id, {"os-stop": None})
    entries = api.call("GET", "/_sim/audit").json["entries"]
    assert [(e["instance_id"], e["from_state"], e["to_state"], e["cause"]) for e in entries] == [
        (server_id, None, "building", "create_server"),
        (server_id, "building", "active", "auto"),
        (server_id, "active", "powering-off", "stop"),
    ]
    assert {entry["account"] for entry in entries} == {"mockuser"}
