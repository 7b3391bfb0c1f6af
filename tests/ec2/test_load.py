"""Load: concurrent boto3 clients doing whole lifecycles against one served simulator.

The simulator runs on a real clock with short boot and stop times, so boto3's waiters poll
while other clients act. Each round also makes a key pair and a security group, launches with
them, checks status, changes the instance type while stopped, reads the console, deletes tags,
then deletes the group and the key. Afterwards every instance is accounted for, every audit-log
entry is a legal EC2 transition continuing its resource's history, and no answer was an error.
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
    ("stopped", "stopped", "modify_instance_attribute"),
}
"""EC2's transitions, written out here rather than read from the simulator's own table."""

ONE_LIFECYCLE = [
    (None, "pending"), ("pending", "running"), ("running", "stopping"), ("stopping", "stopped"),
    ("stopped", "stopped"), ("stopped", "pending"), ("pending", "running"),
    ("running", "running"), ("running", "shutting_down"), ("shutting_down", "terminated"),
]  # fmt: skip
KEY_PAIR_LIFE = [
    (None, "available", "create_key_pair"), ("available", "deleted", "delete_key_pair"),
]  # fmt: skip
GROUP_LIFE = [
    (None, "available", "create_security_group"),
    ("available", "available", "authorize_security_group_ingress"),
    ("available", "deleted", "delete_security_group"),
]
SSH = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


def lifecycles(ec2: Any, name: str, created: list[str]) -> None:
    """ROUNDS times: launch two, run, stop, start, reboot, tag, terminate; waiting each time."""
    for round_number in range(ROUNDS):
        label = f"{name}-{round_number}"
        ec2.create_key_pair(KeyName=label, KeyType="ed25519" if round_number else "rsa")
        group_id = ec2.create_security_group(GroupName=label, Description="load")["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[SSH])
        answer = ec2.run_instances(
            ImageId=X86_IMAGE,
            MinCount=1,
            MaxCount=2,
            KeyName=label,
            SecurityGroupIds=[group_id],
            Placement={"AvailabilityZone": "us-east-1a"},
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        )
        ids = [instance["InstanceId"] for instance in answer["Instances"]]
        created.extend(ids)
        ec2.get_waiter("instance_status_ok").wait(InstanceIds=ids, WaiterConfig=WAIT)
        ec2.stop_instances(InstanceIds=ids)
        ec2.get_waiter("instance_stopped").wait(InstanceIds=ids, WaiterConfig=WAIT)
        for instance_id in ids:
            ec2.modify_instance_attribute(
                InstanceId=instance_id, InstanceType={"Value": "m5.large"}
            )
        ec2.start_instances(InstanceIds=ids)
        ec2.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig=WAIT)
        ec2.reboot_instances(InstanceIds=ids)
        ec2.create_tags(Resources=ids, Tags=[{"Key": "round", "Value": str(round_number)}])
        ec2.delete_tags(Resources=ids, Tags=[{"Key": "round"}])
        assert label in ec2.get_console_output(InstanceId=ids[0])["Output"]
        mine = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [name]}])
        assert {i["InstanceId"] for r in mine["Reservations"] for i in r["Instances"]} == set(
            created
        )
        ec2.terminate_instances(InstanceIds=ids)
        ec2.get_waiter("instance_terminated").wait(InstanceIds=ids, WaiterConfig=WAIT)
        ec2.delete_security_group(GroupId=group_id)
        ec2.delete_key_pair(KeyName=label)


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
    others: dict[tuple[str, str], list[tuple[str | None, str, str]]] = defaultdict(list)
    for entry in sim.audit_log():
        if entry.resource_type != "instance":
            others[entry.resource_type, entry.instance_id].append(
                (entry.from_state, entry.to_state, entry.cause)
            )
            continue
        assert (entry.from_state, entry.to_state, entry.cause) in LEGAL, entry
        history = histories[entry.instance_id]
        assert entry.from_state == (history[-1][1] if history else None), entry
        history.append((entry.from_state, entry.to_state))
    assert set(histories) == {i for ids in created.values() for i in ids}
    assert all(history == ONE_LIFECYCLE for history in histories.values())
    assert len(histories) >= WORKERS * ROUNDS
    assert len(others) == 2 * WORKERS * ROUNDS
    for (kind, _), history in others.items():
        assert history == (KEY_PAIR_LIFE if kind == "key-pair" else GROUP_LIFE), history
    for account in ("mockuser", "otheruser"):
        assert sim.describe_key_pairs(account) == []
        assert [group.name for group in sim.describe_security_groups(account)] == ["default"]
