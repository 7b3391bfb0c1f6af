"""run_instances: defaults, parameters, what the new instances look like, and refusals."""

from __future__ import annotations

import re

import pytest

from simulator import (
    InstanceType,
    InstanceView,
    InvalidParameter,
    Simulator,
    SimulatorConfig,
    UnknownImage,
    UnknownInstanceType,
    UnknownZone,
)
from tests.simulator._support import (
    ARM_IMAGE,
    LEGACY_IMAGE,
    ME,
    MOCKUSER_IMAGE,
    OTHERUSER_IMAGE,
    START,
    X86_IMAGE,
    observe,
)

INSTANCE_ID = re.compile(r"i-[0-9a-f]{17}")


def default_group(sim, account=ME):
    [group] = sim.describe_security_groups(account, names=["default"])
    return group.id


def test_new_instance_is_pending_with_every_field_set(sim):
    [view] = sim.run_instances(ME, X86_IMAGE, tags={"Name": "web", "env": "test"})
    assert INSTANCE_ID.fullmatch(view.id)
    assert view == InstanceView(
        id=view.id,
        account=ME,
        image_id=X86_IMAGE,
        instance_type="t3.micro",
        zone="us-east-1a",
        state="pending",
        launched_at=START,
        state_since=START,
        private_ip="10.0.0.1",
        public_ip=None,
        tags={"Name": "web", "env": "test"},
        name="web",
        architecture="x86_64",
        key_name=None,
        security_groups=((default_group(sim), "default"),),
    )
    assert view.state_code == 0


def test_new_instance_is_recorded_in_the_audit_log_as_created(sim):
    [view] = sim.run_instances(ME, X86_IMAGE)
    [entry] = sim.audit_log()
    assert (entry.instance_id, entry.account, entry.from_state, entry.to_state, entry.cause,
            entry.at) == (view.id, ME, None, "pending", "run_instances", START)  # fmt: skip


def test_max_count_launches_that_many_with_distinct_ids_and_addresses(sim):
    views = sim.run_instances(ME, X86_IMAGE, min_count=2, max_count=5)
    assert len(views) == 5
    assert len({view.id for view in views}) == 5
    assert [view.private_ip for view in views] == [f"10.0.0.{n}" for n in range(1, 6)]
    assert len(sim.audit_log()) == 5


def test_default_instance_type_matches_the_image_architecture(sim):
    [arm] = sim.run_instances(ME, ARM_IMAGE)
    [x86] = sim.run_instances(ME, LEGACY_IMAGE)
    assert (arm.instance_type, arm.architecture) == ("c6g.medium", "arm64")
    assert (x86.instance_type, x86.architecture) == ("t3.micro", "x86_64")


def test_configured_default_instance_type_is_used(clock):
    sim = Simulator(SimulatorConfig(default_instance_type="m5.large"), clock=clock)
    [view] = sim.run_instances(ME, X86_IMAGE)
    assert view.instance_type == "m5.large"


def test_explicit_instance_type_and_zone_are_honoured(sim):
    [view] = sim.run_instances(ME, X86_IMAGE, instance_type="m5.large", zone="us-east-1b")
    assert (view.instance_type, view.zone) == ("m5.large", "us-east-1b")


def test_an_account_can_launch_its_own_private_image(sim):
    [view] = sim.run_instances(ME, MOCKUSER_IMAGE)
    assert view.image_id == MOCKUSER_IMAGE


def test_ids_are_reproducible_from_the_seed(clock):
    def ids(seed):
        views = Simulator(clock=clock, seed=seed).run_instances(ME, X86_IMAGE, max_count=3)
        return [view.id for view in views]

    assert ids(7) == ids(7)
    assert ids(7) != ids(8)


REFUSALS = {
    "invisible-image": ({"image_id": OTHERUSER_IMAGE}, UnknownImage,
        f"The image id '[{OTHERUSER_IMAGE}]' does not exist"),
    "unknown-image": ({"image_id": "ami-12345678"}, UnknownImage,
        "The image id '[ami-12345678]' does not exist"),
    "image-id-none": ({"image_id": None}, InvalidParameter, "image_id must be a string, got None"),
    "unknown-type": ({"instance_type": "t9.huge"}, UnknownInstanceType,
        "Invalid value 't9.huge' for InstanceType."),
    "architecture-mismatch": ({"instance_type": "c6g.medium"}, InvalidParameter,
        "The architecture 'arm64' of the specified instance type does not match the "
        "architecture 'x86_64' of the specified AMI."),
    "unknown-zone": ({"zone": "us-west-2a"}, UnknownZone,
        "Invalid value 'us-west-2a' for AvailabilityZone."),
    "zero-min": ({"min_count": 0}, InvalidParameter,
        "Invalid value '0' for min_count: must be >= 1"),
    "bool-max": ({"max_count": True}, InvalidParameter,
        "Invalid value 'True' for max_count: must be >= 1"),
    "string-max": ({"max_count": "2"}, InvalidParameter,
        "Invalid value '2' for max_count: must be >= 1"),
    "min-above-max": ({"min_count": 3, "max_count": 2}, InvalidParameter,
        "min_count (3) must not be greater than max_count (2)"),
    "non-string-tag": ({"tags": {"Name": 5}}, InvalidParameter,
        "Tag value for 'Name' must be a string, got 5"),
    "empty-tag-key": ({"tags": {"": "x"}}, InvalidParameter,
        "Tag keys must be non-empty strings, got ''"),
}  # fmt: skip


@pytest.mark.parametrize(("options", "error", "message"), REFUSALS.values(), ids=REFUSALS.keys())
def test_refused_run_instances_raises_and_creates_nothing(sim, options, error, message):
    sim.run_instances(ME, X86_IMAGE)
    before = observe(sim)
    arguments = {"image_id": X86_IMAGE, **options}
    with pytest.raises(error) as excinfo:
        sim.run_instances(ME, **arguments)
    assert type(excinfo.value) is error
    assert excinfo.value.args == (message,)
    assert observe(sim) == before


def test_architecture_without_any_instance_type_is_invalid(clock):
    config = SimulatorConfig(instance_types=(InstanceType("t3.micro", "x86_64", 1, 8, 2),))
    with pytest.raises(InvalidParameter) as excinfo:
        Simulator(config, clock=clock).run_instances(ME, ARM_IMAGE)
    assert excinfo.value.args == (
        f"No instance type has the architecture 'arm64' of image {ARM_IMAGE}",
    )
