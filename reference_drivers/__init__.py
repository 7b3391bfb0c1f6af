"""Reference drivers the kit certifies: they bridge the Driver SPI and the simulator."""

from __future__ import annotations

from pathlib import Path

from reference_drivers.ec2 import EC2Driver
from reference_drivers.mock import MockDriver
from reference_drivers.openstack import OpenStackDriver

__all__ = [
    "DEFAULT_TARGET",
    "EC2Driver",
    "MOCK_TARGET",
    "MockDriver",
    "OPENSTACK_TARGET",
    "OpenStackDriver",
]

#: What ``dctck certify`` certifies when given no driver (the ``dctck.targets`` entry point):
#: EC2Driver over the embedded simulator, in-process, with what EC2 documents of its catalogue.
DEFAULT_TARGET = {
    "driver": "reference_drivers.ec2:EC2Driver",
    "credentials": "mockuser:mockpassword",
    "other_credentials": "otheruser:otherpassword",
    "facts": str(Path(__file__).with_name("ec2_facts.toml")),
}

#: The mock reference driver: what ``dctck serve`` serves when given no driver.
MOCK_TARGET = {
    "driver": "reference_drivers.mock:MockDriver",
    "credentials": "mockuser:mockpassword",
    "other_credentials": "otheruser:otherpassword",
}

#: OpenStackDriver over the embedded OpenStack simulator: the third driver ``dctck serve`` hosts.
OPENSTACK_TARGET = {
    "driver": "reference_drivers.openstack:OpenStackDriver",
    "credentials": "mockuser:mockpassword",
    "other_credentials": "otheruser:otherpassword",
}
