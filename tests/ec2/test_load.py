"""Load: concurrent boto3 clients doing whole lifecycles against one served simulator.

The simulator runs on a real clock with short boot and stop times, so boto3's waiters poll
while other clients act. Afterwards every instance is accounted for, every audit-log entry
is a legal EC2 transition continuing its instance's history, and no answer was an error.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

import pytest

from simulator import RealClock, Simulator, SimulatorConfig
from simulator.ec2 import Ec2App, Ec2Server
from tests.ec2._support import ME, OTHER, X86_IMAGE, client

WORKERS = 6
ROUNDS = 3
WAIT = {"Delay": 0.05, "MaxAttempts": 200}

LEGAL = {
    (None, "pending", "run_instances"),
    ("pending", "running", "auto"),
    ("running", "stopping", "stop_instances"),
    ("stopping", "stopped", "auto"),
    ("stopped", "pending", "start_instances"),
    ("running", "running", "reboot_instances"),
    ("pending", "shutting_down", "terminate_instances"),
    ("running", "shutting_down", "terminate_instances"),
    ("stopping", "shutting_down", "terminate_instances"),
    ("stopped", "shutting_down", "terminate_instances"),
    ("shutting_down", "terminated", "auto"),
}
"""EC2's transitions, written out here rather than read from the simulator's own table."""

ONE_LIFECYCLE = [
    (None, "pending"), ("pending", "running"), ("running", "stopping"), ("stopping", "stopped"),
    ("stopped", "pending"), ("pending", "running"), ("running", "running"),
    ("running", "shutting_down"), ("shutting_down", "terminated"),
]  # fmt: skip


def lifecycles(ec2: Any, name: str, created: list[str]) -> None:
    """ROUNDS times: launch two, run, stop, start, reboot, tag, terminate; waiting each time."""
    for round_number in range(ROUNDS):
        answer = ec2.run_instances(
            ImageId=X86_IMAGE,
            MinCount=1,
            MaxCount=2,
            Placement={"AvailabilityZone": "us-east-1a"},
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )
        ids = [instance["InstanceId"] for instance in answer["Instances"]]
        created.extend(ids)
        ec2.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig=WAIT)
        ec2.stop_instances(InstanceIds=ids)
        ec2.get_waiter("instance_stopped").wait(InstanceIds=ids, WaiterConfig=WAIT)
        ec2.start_instances(InstanceIds=ids)
        ec2.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig=WAIT)
        ec2.reboot_instances(InstanceIds=ids)
        ec2.create_tags(Resources=ids, Tags=[{"Key": "round", "Value": str(round_number)}])
        mine = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [name]}])
        assert {i["InstanceId"] for r in mine["Reservations"] for i in r["Instances"]} == set(
            created
        )
        ec2.terminate_instances(InstanceIds=ids)
        ec2.get_waiter("instance_terminated").wait(InstanceIds=ids, WaiterConfig=WAIT)


@pytest.mark.live
@pytest.mark.slow
def test_concurrent_boto3_lifecycles_leave_every_instance_accounted_for_and_legal():
    config = SimulatorConfig(boot_seconds=0.3, stop_seconds=0.2)
    sim = Simulator(config, clock=RealClock())
    statuses: list[int] = []
    failures: list[BaseException] = []
    created: dict[str, list[str]] = {f"worker-{n}": [] for n in range(WORKERS)}
    accounts = {name: (ME if n % 2 else OTHER) for n, name in enumerate(created)}
    with Ec2Server(Ec2App(sim), port=0, threads=8) as server:
        clients = {name: client(server.url, accounts[name]) for name in created}

        def record(http_response: Any, **_: Any) -> None:
            statuses.append(http_response.status_code)

        for ec2 in clients.values():
            ec2.meta.events.register("after-call.ec2", record)

        def work(name: str) -> None:
            try:
                lifecycles(clients[name], name, created[name])
            except BaseException as exc:  # reported below, with the others
                failures.append(exc)

        threads = [threading.Thread(target=work, args=(name,)) for name in created]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        for ec2 in clients.values():
            ec2.close()
    assert failures == []
    assert set(statuses) == {200}

    for account in ("mockuser", "otheruser"):
        expected = {i for name, ids in created.items() if accounts[name][0] == account for i in ids}
        listed = sim.describe_instances(account)
        assert {view.id for view in listed} == expected
        assert {view.state for view in listed} == {"terminated"}

    histories: dict[str, list[tuple[str | None, str]]] = defaultdict(list)
    for entry in sim.audit_log():
        assert (entry.from_state, entry.to_state, entry.cause) in LEGAL, entry
        history = histories[entry.instance_id]
        assert entry.from_state == (history[-1][1] if history else None), entry
        history.append((entry.from_state, entry.to_state))
    assert set(histories) == {i for ids in created.values() for i in ids}
    assert all(history == ONE_LIFECYCLE for history in histories.values())
    assert len(histories) >= WORKERS * ROUNDS
