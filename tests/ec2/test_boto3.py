"""The unmodified boto3 client against the EC2 API, in-process and over a served port.

Every test runs twice: boto3 answered in-process (`route_botocore`) and boto3 talking HTTP to a
waitress server on 127.0.0.1 (marked live). Retries are off, so every error surfaces with its
exact code and HTTP status.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from simulator import InstanceType, ManualClock, Simulator, default_config
from simulator.ec2 import Ec2App
from tests.ec2._support import (
    ARM_IMAGE,
    ME_ID,
    MOCKUSER_IMAGE,
    OTHERUSER_IMAGE,
    START,
    X86_IMAGE,
    client,
)

FAST_WAIT = {"Delay": 0, "MaxAttempts": 30}


def run(boto: Any, count: int = 1, **extra: Any) -> list[str]:
    answer = boto.run_instances(ImageId=X86_IMAGE, MinCount=count, MaxCount=count, **extra)
    return [instance["InstanceId"] for instance in answer["Instances"]]


def states(boto: Any, ids: list[str]) -> list[str]:
    answer = boto.describe_instances(InstanceIds=ids)
    return [
        instance["State"]["Name"]
        for reservation in answer["Reservations"]
        for instance in reservation["Instances"]
    ]


def error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


# Lifecycle


def test_full_lifecycle_passes_through_every_state_with_boto3_waiters(boto, sim):
    sim.faults.add_latency("describe_instances", 10.0)  # each poll lets 10 virtual seconds pass
    answer = boto.run_instances(
        ImageId=X86_IMAGE,
        MinCount=1,
        MaxCount=1,
        InstanceType="m5.large",
        Placement={"AvailabilityZone": "us-east-1a"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}],
    )
    (instance,) = answer["Instances"]
    instance_id = instance["InstanceId"]
    assert instance["State"] == {"Code": 0, "Name": "pending"}
    assert (instance["InstanceType"], instance["Placement"]["AvailabilityZone"]) == (
        "m5.large",
        "us-east-1a",
    )
    assert instance["Tags"] == [{"Key": "Name", "Value": "web"}]

    boto.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=FAST_WAIT)
    assert states(boto, [instance_id]) == ["running"]
    stopping = boto.stop_instances(InstanceIds=[instance_id])["StoppingInstances"]
    assert stopping == [
        {
            "InstanceId": instance_id,
            "CurrentState": {"Code": 64, "Name": "stopping"},
            "PreviousState": {"Code": 16, "Name": "running"},
        }
    ]
    boto.get_waiter("instance_stopped").wait(InstanceIds=[instance_id], WaiterConfig=FAST_WAIT)
    starting = boto.start_instances(InstanceIds=[instance_id])["StartingInstances"]
    assert starting[0]["CurrentState"] == {"Code": 0, "Name": "pending"}
    boto.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=FAST_WAIT)
    assert (
        boto.reboot_instances(InstanceIds=[instance_id])["ResponseMetadata"]["HTTPStatusCode"]
        == 200
    )
    terminating = boto.terminate_instances(InstanceIds=[instance_id])["TerminatingInstances"]
    assert terminating[0]["CurrentState"] == {"Code": 32, "Name": "shutting-down"}
    boto.get_waiter("instance_terminated").wait(InstanceIds=[instance_id], WaiterConfig=FAST_WAIT)
    assert states(boto, [instance_id]) == ["terminated"]
    assert [(e.from_state, e.to_state, e.cause) for e in sim.audit_log()] == [
        (None, "pending", "run_instances"),
        ("pending", "running", "auto"),
        ("running", "stopping", "stop_instances"),
        ("stopping", "stopped", "auto"),
        ("stopped", "pending", "start_instances"),
        ("pending", "running", "auto"),
        ("running", "running", "reboot_instances"),
        ("running", "shutting_down", "terminate_instances"),
        ("shutting_down", "terminated", "auto"),
    ]


def test_each_of_the_six_states_shows_with_its_ec2_code_and_name(boto, sim):
    ids = run(boto, 6)
    sim.clock.tick(40)
    boto.stop_instances(InstanceIds=ids[1:3])
    boto.terminate_instances(InstanceIds=ids[3:4])
    sim.clock.tick(20)
    boto.start_instances(InstanceIds=ids[2:3])
    boto.stop_instances(InstanceIds=ids[4:5])
    boto.terminate_instances(InstanceIds=ids[5:6])
    answer = boto.describe_instances(InstanceIds=ids)
    assert [
        (instance["State"]["Code"], instance["State"]["Name"])
        for reservation in answer["Reservations"]
        for instance in reservation["Instances"]
    ] == [
        (16, "running"),
        (80, "stopped"),
        (0, "pending"),
        (48, "terminated"),
        (64, "stopping"),
        (32, "shutting-down"),
    ]


def test_run_instances_returns_one_reservation_that_describe_groups_the_same_way(boto, sim):
    answer = boto.run_instances(ImageId=X86_IMAGE, MinCount=3, MaxCount=3)
    ids = [instance["InstanceId"] for instance in answer["Instances"]]
    assert [instance["AmiLaunchIndex"] for instance in answer["Instances"]] == [0, 1, 2]
    assert answer["ReservationId"] == "r-" + ids[0][2:]
    assert answer["OwnerId"] == ME_ID
    (reservation,) = boto.describe_instances()["Reservations"]
    assert reservation["ReservationId"] == answer["ReservationId"]
    assert [instance["InstanceId"] for instance in reservation["Instances"]] == ids


def test_a_running_instance_has_addresses_and_dns_names(boto, sim):
    (instance_id,) = run(boto)
    sim.clock.tick(40)
    (instance,) = boto.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"]
    view = sim.describe_instances("mockuser", [instance_id])[0]
    assert instance["PrivateIpAddress"] == view.private_ip
    assert instance["PublicIpAddress"] == view.public_ip
    assert instance["PrivateDnsName"] == (
        f"ip-{view.private_ip.replace('.', '-')}.us-east-1.compute.internal"
    )
    assert instance["LaunchTime"].timestamp() == START
    assert (instance["ImageId"], instance["Architecture"], instance["InstanceType"]) == (
        X86_IMAGE,
        "x86_64",
        "t3.micro",
    )


def test_terminated_instances_stay_listed_for_the_retention_time_then_vanish(boto, sim):
    (instance_id,) = run(boto)
    sim.clock.tick(40)
    boto.terminate_instances(InstanceIds=[instance_id])
    sim.clock.tick(20 + 3599)
    assert states(boto, [instance_id]) == ["terminated"]
    sim.clock.tick(1)
    assert boto.describe_instances()["Reservations"] == []
    with pytest.raises(ClientError) as excinfo:
        boto.describe_instances(InstanceIds=[instance_id])
    assert error(excinfo) == ("InvalidInstanceID.NotFound", 400)


def test_client_token_makes_run_instances_idempotent(boto, sim):
    first = boto.run_instances(ImageId=X86_IMAGE, MinCount=2, MaxCount=2, ClientToken="abc")
    again = boto.run_instances(ImageId=X86_IMAGE, MinCount=2, MaxCount=2, ClientToken="abc")
    assert again["ReservationId"] == first["ReservationId"]
    assert [i["InstanceId"] for i in again["Instances"]] == [
        i["InstanceId"] for i in first["Instances"]
    ]
    assert len(sim.describe_instances("mockuser")) == 2
    with pytest.raises(ClientError) as excinfo:
        boto.run_instances(ImageId=X86_IMAGE, MinCount=1, MaxCount=1, ClientToken="abc")
    assert error(excinfo) == ("IdempotentParameterMismatch", 400)


def test_a_client_token_replay_answers_the_instances_not_yet_expired(boto, sim):
    first = boto.run_instances(ImageId=X86_IMAGE, MinCount=2, MaxCount=2, ClientToken="abc")
    gone, kept = [instance["InstanceId"] for instance in first["Instances"]]
    boto.terminate_instances(InstanceIds=[gone])
    sim.clock.tick(20 + 3600)
    again = boto.run_instances(ImageId=X86_IMAGE, MinCount=2, MaxCount=2, ClientToken="abc")
    assert again["ReservationId"] == first["ReservationId"]
    assert [instance["InstanceId"] for instance in again["Instances"]] == [kept]


# Paging and filters


def test_paginator_pages_through_every_instance_in_creation_order(boto, sim):
    ids = run(boto, 7) + run(boto, 5)
    pages = list(
        boto.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 5})
    )
    seen = [
        [instance["InstanceId"] for r in page["Reservations"] for instance in r["Instances"]]
        for page in pages
    ]
    assert [len(page) for page in seen] == [5, 5, 2]
    assert [instance_id for page in seen for instance_id in page] == ids


def test_paging_resumes_after_the_last_item_even_when_earlier_ones_expired(boto, sim):
    first = run(boto, 3)
    rest = run(boto, 6)
    page = boto.describe_instances(MaxResults=5)
    boto.terminate_instances(InstanceIds=first)
    sim.clock.tick(20 + 3600)  # the first three leave the list
    second = boto.describe_instances(MaxResults=5, NextToken=page["NextToken"])
    ids = [i["InstanceId"] for r in second["Reservations"] for i in r["Instances"]]
    assert ids == rest[2:]
    assert "NextToken" not in second


def test_filters_select_by_state_zone_image_type_and_id(boto, sim):
    a, b = run(boto, 2)
    answer = boto.run_instances(
        ImageId=ARM_IMAGE, MinCount=1, MaxCount=1, Placement={"AvailabilityZone": "us-east-1b"}
    )
    c = answer["Instances"][0]["InstanceId"]
    sim.clock.tick(40)
    boto.stop_instances(InstanceIds=[b])

    def ids(*filters: tuple[str, list[str]]) -> list[str]:
        answer = boto.describe_instances(
            Filters=[{"Name": name, "Values": values} for name, values in filters]
        )
        return [i["InstanceId"] for r in answer["Reservations"] for i in r["Instances"]]

    assert ids(("instance-state-name", ["stopping"])) == [b]
    assert ids(("instance-state-name", ["running", "stopping"])) == [a, b, c]
    assert ids(("availability-zone", ["us-east-1b"])) == [c]
    assert ids(("image-id", [ARM_IMAGE])) == [c]
    assert ids(("instance-type", ["c6g.medium"])) == [c]
    assert ids(("instance-id", [a, c])) == [a, c]
    assert ids(("instance-state-name", ["running"]), ("availability-zone", ["us-east-1a"])) == [a]
    assert ids(("instance-type", ["t3.*"])) == [a, b]
    assert ids(("instance-state-name", ["terminated"])) == []


def test_filter_by_tag_and_by_state_on_listed_ids(boto, sim):
    a, b = run(boto, 2)
    boto.create_tags(Resources=[a], Tags=[{"Key": "role", "Value": "db"}])
    answer = boto.describe_instances(Filters=[{"Name": "tag:role", "Values": ["db"]}])
    assert [i["InstanceId"] for r in answer["Reservations"] for i in r["Instances"]] == [a]
    answer = boto.describe_instances(
        InstanceIds=[a, b], Filters=[{"Name": "instance-state-name", "Values": ["pending"]}]
    )
    assert [i["InstanceId"] for r in answer["Reservations"] for i in r["Instances"]] == [a, b]


# Catalogue


def test_describe_images_lists_public_and_own_images_and_filters_them(boto):
    images = boto.describe_images()["Images"]
    assert [image["ImageId"] for image in images] == [
        X86_IMAGE,
        ARM_IMAGE,
        "ami-1f2e3d4c",
        MOCKUSER_IMAGE,
    ]
    assert images[0] == images[0] | {
        "Name": "dctck-linux-x86_64",
        "Architecture": "x86_64",
        "OwnerId": "dctck",
        "Public": True,
        "State": "available",
        "Description": "Public Linux image for x86_64",
    }
    own = boto.describe_images(Owners=["self"])["Images"]
    assert [(image["ImageId"], image["Public"]) for image in own] == [(MOCKUSER_IMAGE, False)]
    arm = boto.describe_images(Filters=[{"Name": "architecture", "Values": ["arm64"]}])
    assert [image["ImageId"] for image in arm["Images"]] == [ARM_IMAGE]
    by_owner = boto.describe_images(Filters=[{"Name": "owner-id", "Values": [ME_ID]}])
    assert [image["ImageId"] for image in by_owner["Images"]] == [MOCKUSER_IMAGE]
    assert own[0]["OwnerId"] == ME_ID
    assert boto.describe_images(Owners=[ME_ID])["Images"] == own
    assert [i["ImageId"] for i in boto.describe_images(ImageIds=[ARM_IMAGE])["Images"]] == [
        ARM_IMAGE
    ]


def test_another_accounts_private_image_does_not_exist_for_me(boto):
    with pytest.raises(ClientError) as excinfo:
        boto.describe_images(ImageIds=[OTHERUSER_IMAGE])
    assert error(excinfo) == ("InvalidAMIID.NotFound", 400)


def test_zones_regions_and_instance_types_come_from_the_catalogue(boto):
    zones = boto.describe_availability_zones()["AvailabilityZones"]
    assert [(z["ZoneName"], z["ZoneId"], z["State"], z["RegionName"]) for z in zones] == [
        ("us-east-1a", "use1-az1", "available", "us-east-1"),
        ("us-east-1b", "use1-az2", "available", "us-east-1"),
    ]
    assert [r["RegionName"] for r in boto.describe_regions()["Regions"]] == ["us-east-1"]
    kinds = all_instance_types(boto)
    assert len(kinds) == 182
    by_name = {kind["InstanceType"]: kind for kind in kinds}
    assert [
        (
            name,
            by_name[name]["ProcessorInfo"]["SupportedArchitectures"],
            by_name[name]["VCpuInfo"]["DefaultVCpus"],
            by_name[name]["MemoryInfo"]["SizeInMiB"],
            by_name[name]["InstanceStorageSupported"],
            by_name[name].get("InstanceStorageInfo", {}).get("TotalSizeInGB"),
            by_name[name]["CurrentGeneration"],
        )
        for name in ("t2.micro", "t3.micro", "m5d.large", "c6g.medium", "r3.large")
    ] == [
        ("t2.micro", ["x86_64"], 1, 1024, False, None, True),
        ("t3.micro", ["x86_64"], 2, 1024, False, None, True),
        ("m5d.large", ["x86_64"], 2, 8192, True, 75, True),
        ("c6g.medium", ["arm64"], 1, 2048, False, None, True),
        ("r3.large", ["x86_64"], 2, 15616, True, 32, False),
    ]
    arm = all_instance_types(
        boto,
        Filters=[
            {"Name": "processor-info.supported-architecture", "Values": ["arm64"]},
            {"Name": "instance-type", "Values": ["c6g.*"]},
        ],
    )
    assert [kind["InstanceType"] for kind in arm] == [
        f"c6g.{size}"
        for size in ("medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
                     "16xlarge")
    ]  # fmt: skip
    previous = all_instance_types(
        boto, Filters=[{"Name": "current-generation", "Values": ["false"]}]
    )
    assert {kind["InstanceType"].split(".")[0] for kind in previous} == {"m3", "c3", "r3"}


def all_instance_types(boto: Any, **request: Any) -> list[Any]:
    """Every page of DescribeInstanceTypes (EC2 pages it)."""
    pages = boto.get_paginator("describe_instance_types").paginate(**request)
    return [kind for page in pages for kind in page["InstanceTypes"]]


def test_t2_micro_launches_and_images_get_their_architectures_default_type(boto):
    (micro,) = run(boto, InstanceType="t2.micro")
    (default_x86,) = run(boto)
    answer = boto.run_instances(ImageId=ARM_IMAGE, MinCount=1, MaxCount=1)
    default_arm = answer["Instances"][0]["InstanceId"]
    reservations = boto.describe_instances(InstanceIds=[micro, default_x86, default_arm])
    types = {
        instance["InstanceId"]: instance["InstanceType"]
        for reservation in reservations["Reservations"]
        for instance in reservation["Instances"]
    }
    assert types == {micro: "t2.micro", default_x86: "t3.micro", default_arm: "c6g.medium"}


def test_describe_addresses_lists_no_elastic_ips(boto):
    (instance_id,) = run(boto)
    assert boto.describe_addresses()["Addresses"] == []
    filters = [{"Name": "instance-id", "Values": [instance_id]}]
    assert boto.describe_addresses(Filters=filters)["Addresses"] == []


# Tags


def test_tags_are_created_listed_and_shown_on_the_instance(boto):
    (instance_id,) = run(
        boto,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "a&b"}]}],
    )
    boto.create_tags(Resources=[instance_id], Tags=[{"Key": "team", "Value": "<core>"}])
    tags = boto.describe_tags()["Tags"]
    assert tags == [
        {"Key": "Name", "ResourceId": instance_id, "ResourceType": "instance", "Value": "a&b"},
        {"Key": "team", "ResourceId": instance_id, "ResourceType": "instance", "Value": "<core>"},
    ]
    only = boto.describe_tags(Filters=[{"Name": "key", "Values": ["team"]}])["Tags"]
    assert [tag["Value"] for tag in only] == ["<core>"]
    (instance,) = boto.describe_instances()["Reservations"][0]["Instances"]
    assert instance["Tags"] == [{"Key": "Name", "Value": "a&b"}, {"Key": "team", "Value": "<core>"}]


# Errors, each with EC2's code and HTTP status


def raises(call: Any) -> tuple[str, int]:
    with pytest.raises(ClientError) as excinfo:
        call()
    return error(excinfo)


def test_missing_instance_ids_is_missing_parameter(boto, sim):
    assert raises(lambda: boto.stop_instances(InstanceIds=[])) == ("MissingParameter", 400)


def test_unknown_instance_type_is_invalid_parameter_value(boto, sim):
    call = lambda: boto.run_instances(  # noqa: E731
        ImageId=X86_IMAGE, MinCount=1, MaxCount=1, InstanceType="x9.huge"
    )
    assert raises(call) == ("InvalidParameterValue", 400)
    assert sim.audit_log() == []


def test_min_count_zero_is_invalid_parameter_value(boto, sim):
    call = lambda: boto.run_instances(ImageId=X86_IMAGE, MinCount=0, MaxCount=1)  # noqa: E731
    assert raises(call) == ("InvalidParameterValue", 400)


def test_malformed_instance_id_is_malformed(boto):
    assert raises(lambda: boto.describe_instances(InstanceIds=["i-xyz"])) == (
        "InvalidInstanceID.Malformed",
        400,
    )


def test_unknown_instance_id_is_not_found(boto):
    assert raises(lambda: boto.terminate_instances(InstanceIds=["i-0123456789abcdef0"])) == (
        "InvalidInstanceID.NotFound",
        400,
    )


def test_another_accounts_instance_is_not_found(boto, sim):
    (theirs,) = [view.id for view in sim.run_instances("otheruser", X86_IMAGE)]
    assert raises(lambda: boto.stop_instances(InstanceIds=[theirs])) == (
        "InvalidInstanceID.NotFound",
        400,
    )


def test_unknown_image_is_ami_not_found(boto, sim):
    call = lambda: boto.run_instances(ImageId="ami-00000000", MinCount=1, MaxCount=1)  # noqa: E731
    assert raises(call) == ("InvalidAMIID.NotFound", 400)


def test_rebooting_a_pending_instance_is_incorrect_instance_state(boto, sim):
    (instance_id,) = run(boto)
    before = sim.audit_log()
    assert raises(lambda: boto.reboot_instances(InstanceIds=[instance_id])) == (
        "IncorrectInstanceState",
        400,
    )
    assert sim.audit_log() == before


def test_a_full_zone_is_insufficient_instance_capacity_500(boto, sim):
    call = lambda: boto.run_instances(  # noqa: E731
        ImageId=X86_IMAGE, MinCount=21, MaxCount=21, Placement={"AvailabilityZone": "us-east-1b"}
    )
    assert raises(call) == ("InsufficientInstanceCapacity", 500)
    assert sim.audit_log() == []


def test_throttled_calls_are_request_limit_exceeded_503(boto, sim):
    sim.faults.throttle("regions", max_calls=1, per_seconds=60)
    boto.describe_regions()
    assert raises(boto.describe_regions) == ("RequestLimitExceeded", 503)


@pytest.mark.parametrize(("code", "status"), [("InternalError", 500), ("Unavailable", 503)])
def test_injected_faults_answer_their_code_and_5xx_status(boto, sim, code, status):
    sim.faults.fail_next("run_instances", code=code)
    call = lambda: boto.run_instances(ImageId=X86_IMAGE, MinCount=1, MaxCount=1)  # noqa: E731
    assert raises(call) == (code, status)
    assert sim.audit_log() == []
    assert len(run(boto)) == 1


def test_a_wrong_secret_is_auth_failure_401(connect):
    wrong = connect(("mockuser", "not-the-secret"))
    assert raises(wrong.describe_regions) == ("AuthFailure", 401)


def test_an_unknown_access_key_is_auth_failure_401(connect):
    stranger = connect(("nobody", "mockpassword"))
    assert raises(stranger.describe_instances) == ("AuthFailure", 401)


def test_dry_run_checks_the_request_and_changes_nothing(boto, sim):
    call = lambda: boto.run_instances(  # noqa: E731
        ImageId=X86_IMAGE, MinCount=1, MaxCount=1, DryRun=True
    )
    assert raises(call) == ("DryRunOperation", 412)
    assert sim.audit_log() == []


def test_default_boto3_retries_ride_out_one_injected_internal_error(app, sim):
    patient = client(app=app, config=Config(retries={"mode": "standard", "max_attempts": 3}))
    sim.faults.fail_next("run_instances")
    answer = patient.run_instances(ImageId=X86_IMAGE, MinCount=1, MaxCount=1)
    assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    assert len(sim.audit_log()) == 1


def test_boto3_signing_with_its_wall_clock_works_when_virtual_time_is_far_ahead():
    sim = Simulator(clock=ManualClock(START))
    app = Ec2App(sim)
    sim.clock.tick(10 * 24 * 3600)
    assert client(app=app).describe_regions()["Regions"][0]["RegionName"] == "us-east-1"


def test_instance_types_come_in_pages_of_100_without_max_results_as_ec2_gives_them():
    kinds = [InstanceType(f"x1.size{n}", "x86_64", 1.0, 8.0, 1) for n in range(130)]
    sim = Simulator(dataclasses.replace(default_config(), instance_types=tuple(kinds)))
    boto = client(app=Ec2App(sim))
    first = boto.describe_instance_types()
    assert len(first["InstanceTypes"]) == 100
    assert "NextToken" in first
    pages = list(boto.get_paginator("describe_instance_types").paginate())
    assert [len(page["InstanceTypes"]) for page in pages] == [100, 30]
    listed = [kind["InstanceType"] for page in pages for kind in page["InstanceTypes"]]
    assert listed == [kind.name for kind in kinds]
    named = boto.describe_instance_types(InstanceTypes=[k.name for k in kinds[:3]])
    assert "NextToken" not in named
