"""The control API under /_sim/: clock, durations, faults, reset, audit log."""

from __future__ import annotations

import json

import pytest
import requests

from simulator import RealClock, Simulator
from simulator.ec2 import ACTIONS, Ec2App, call_wsgi
from tests.ec2._support import ME_ID, OTHER_ID, START, X86_IMAGE, call, error_of, json_of

URL = "https://ec2.simulator.invalid/_sim"


def control(app, method, path, body=None, query=""):
    raw = json.dumps(body).encode() if body is not None else b""
    url = f"{URL}/{path}" + (f"?{query}" if query else "")
    status, headers, content = call_wsgi(
        app, method, url, [("Content-Type", "application/json")], raw
    )
    assert ("Content-Type", "application/json") in headers
    return status, json_of(content)


def test_the_index_lists_every_route(app):
    status, answer = control(app, "GET", "")
    assert status == 200
    assert "POST /_sim/clock/tick" in answer["routes"]
    assert len(answer["routes"]) == 15


def test_state_reports_region_clock_durations_and_accounts(app):
    assert control(app, "GET", "state") == (
        200,
        {
            "region": "us-east-1",
            "clock": {"kind": "manual", "now": START},
            "boot_seconds": 40.0,
            "stop_seconds": 20.0,
            "terminated_retention_seconds": 3600.0,
            "accounts": ["mockuser", "otheruser"],
            "account_ids": {"mockuser": ME_ID, "otheruser": OTHER_ID},
        },
    )


def test_tick_advances_the_manual_clock_and_due_transitions_happen(app, sim):
    (view,) = sim.run_instances("mockuser", X86_IMAGE)
    assert control(app, "POST", "clock/tick", {"seconds": 40}) == (
        200,
        {"kind": "manual", "now": START + 40},
    )
    assert sim.describe_instances("mockuser", [view.id])[0].state == "running"


def test_move_to_accepts_epoch_seconds_and_iso_8601(app, sim):
    assert control(app, "POST", "clock/move_to", {"when": START + 10})[1]["now"] == START + 10
    assert (
        control(app, "POST", "clock/move_to", {"when": "2023-11-14T22:15:00Z"})[1]["now"]
        == 1_700_000_100.0
    )


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("clock/tick", {"seconds": -1}, "cannot tick backwards: -1.0 seconds"),
        ("clock/tick", {"seconds": "40"}, "seconds must be a finite number, got '40'"),
        ("clock/tick", {}, "Missing field(s): seconds"),
        ("clock/tick", {"seconds": 1, "minutes": 2}, "Unknown field(s): minutes"),
        ("clock/move_to", {"when": 1.0}, f"cannot move back in time: 1.0 is before {START!r}"),
        ("clock/move_to", {"when": "yesterday"}, "when must be epoch seconds or ISO 8601, "
                                                 "got 'yesterday'"),
    ],
)  # fmt: skip
def test_bad_clock_moves_are_400_with_a_message(app, path, body, message):
    assert control(app, "POST", path, body) == (
        400,
        {"error": {"code": "InvalidArgument", "message": message}},
    )


def test_a_real_clock_refuses_to_tick_with_409():
    app = Ec2App(Simulator(clock=RealClock()))
    assert control(app, "POST", "clock/tick", {"seconds": 1}) == (
        409,
        {"error": {"code": "RealClock", "message": "The clock is real: time passes by itself"}},
    )
    assert control(app, "GET", "clock")[1]["kind"] == "real"


def test_durations_can_be_read_and_set_for_transitions_from_now_on(app, sim):
    assert control(app, "POST", "durations", {"boot_seconds": 0}) == (
        200,
        {"boot_seconds": 0.0, "stop_seconds": 20.0},
    )
    (view,) = sim.run_instances("mockuser", X86_IMAGE)
    assert view.state == "running"
    assert control(app, "GET", "durations")[1] == {"boot_seconds": 0.0, "stop_seconds": 20.0}
    assert control(app, "POST", "durations", {"stop_seconds": -5})[0] == 400


def test_fail_next_by_action_name_fails_that_action_once(app, sim):
    body = {"operation": "RunInstances", "count": 1, "code": "Unavailable"}
    assert control(app, "POST", "faults/fail_next", body) == (200, {})
    params = {"ImageId": X86_IMAGE, "MinCount": "1", "MaxCount": "1"}
    status, content = call(app, "RunInstances", params)
    assert (status, error_of(content)[0]) == (503, "Unavailable")
    assert call(app, "RunInstances", params)[0] == 200


def test_fail_randomly_add_latency_throttle_and_consistency_reach_the_injector(app, sim):
    assert control(app, "POST", "faults/add_latency", {"operation": "*", "seconds": 5})[0] == 200
    call(app, "DescribeRegions")
    assert sim.clock.now() == START + 5
    throttle = {"operation": "regions", "max_calls": 1, "per_seconds": 60}
    assert control(app, "POST", "faults/throttle", throttle)[0] == 200
    assert call(app, "DescribeRegions")[0] == 200
    assert call(app, "DescribeRegions")[0] == 503
    assert control(app, "POST", "faults/eventual_consistency", {"seconds": 30})[0] == 200
    assert sim.faults.consistency_delay == 30.0
    body = {"operation": "DescribeImages", "probability": 1.0, "code": "InternalError"}
    assert control(app, "POST", "faults/fail_randomly", body)[0] == 200
    assert call(app, "DescribeImages")[0] == 500


def test_faults_are_cleared_by_delete(app, sim):
    control(app, "POST", "faults/fail_next", {"operation": "*", "count": 5})
    assert control(app, "DELETE", "faults") == (200, {})
    assert call(app, "DescribeRegions")[0] == 200


def test_a_fault_on_an_unknown_operation_is_400(app):
    status, answer = control(app, "POST", "faults/fail_next", {"operation": "Dance"})
    assert status == 400
    assert answer["error"]["message"].startswith("unknown operation 'Dance'")


def test_a_fault_on_authenticate_is_400_since_signatures_never_call_it(app, sim):
    status, answer = control(app, "POST", "faults/fail_next", {"operation": "authenticate"})
    assert (status, answer["error"]["message"]) == (
        400,
        "operation 'authenticate' is never called over HTTP, so a fault on it would never fire "
        "(expected '*', an EC2 action such as RunInstances, or one of "
        f"{', '.join(sorted(operation for operation, _ in ACTIONS.values()))})",
    )
    assert call(app, "DescribeRegions")[0] == 200


def test_reset_drops_instances_and_the_audit_log_but_keeps_the_clock(app, sim):
    sim.run_instances("mockuser", X86_IMAGE)
    sim.clock.tick(5)
    assert control(app, "POST", "reset") == (200, {})
    assert sim.describe_instances("mockuser") == []
    assert sim.audit_log() == []
    assert sim.clock.now() == START + 5


def test_the_audit_log_reads_from_an_offset(app, sim):
    (view,) = sim.run_instances("mockuser", X86_IMAGE)
    sim.clock.tick(40)
    sim.describe_instances("mockuser")
    status, answer = control(app, "GET", "audit")
    assert status == 200
    assert answer == {
        "entries": [
            {"instance_id": view.id, "account": "mockuser", "from_state": None,
             "to_state": "pending", "cause": "run_instances", "at": START,
             "resource_type": "instance"},
            {"instance_id": view.id, "account": "mockuser", "from_state": "pending",
             "to_state": "running", "cause": "auto", "at": START + 40,
             "resource_type": "instance"},
        ],
        "next": 2,
    }  # fmt: skip
    assert control(app, "GET", "audit", query="since=1")[1]["entries"] == answer["entries"][1:]
    assert control(app, "GET", "audit", query="since=x")[0] == 400


def test_unknown_routes_are_404_and_wrong_methods_405(app):
    assert control(app, "GET", "nothing")[0] == 404
    assert control(app, "GET", "reset")[0] == 405


def test_a_body_that_is_not_a_json_object_is_400(app):
    status, _, content = call_wsgi(app, "POST", f"{URL}/reset", [], b"[1, 2]")
    assert (status, json_of(content)["error"]["code"]) == (400, "InvalidArgument")


def test_an_app_without_control_answers_the_path_as_ec2(sim):
    app = Ec2App(sim, control=False)
    status, _, content = call_wsgi(app, "POST", f"{URL}/reset", [], b"")
    assert (status, error_of(content)[0]) == (403, "MissingAuthenticationToken")


@pytest.mark.live
def test_the_control_api_answers_over_http(server):
    with requests.Session() as session:
        answer = session.post(f"{server.url}/_sim/clock/tick", json={"seconds": 2.5}, timeout=5)
    assert (answer.status_code, answer.json()) == (200, {"kind": "manual", "now": START + 2.5})


def test_the_audit_log_names_the_type_of_each_resource_and_reset_restores_groups(app, sim):
    pair, _ = sim.create_key_pair("mockuser", "k", "ed25519")
    group = sim.create_security_group("mockuser", "web", "d")
    status, answer = control(app, "GET", "audit")
    assert status == 200
    assert [(e["instance_id"], e["resource_type"], e["cause"]) for e in answer["entries"]] == [
        (pair.id, "key-pair", "create_key_pair"),
        (group.id, "security-group", "create_security_group"),
    ]
    assert control(app, "POST", "reset") == (200, {})
    assert sim.describe_key_pairs("mockuser") == []
    assert [g.name for g in sim.describe_security_groups("mockuser")] == ["default"]
