"""EC2 response documents as the SPI's models; EC2 instance states as the SPI's states."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from dctck import HardwareProfile, Image, Instance, Realm
from reference_drivers._ec2_query import Node

__all__ = ["SPI_STATES", "hardware_profile", "image", "instances_of", "realm"]

#: EC2 instance states as the SPI sees them; ``terminated`` is ``end``, so it is not listed.
SPI_STATES = {
    "pending": "PENDING",
    "running": "RUNNING",
    "stopping": "SHUTTING_DOWN",
    "shutting-down": "SHUTTING_DOWN",
    "stopped": "STOPPED",
}
_MIB_PER_GB = 1024  # EC2's memory sizes are in MiB, and its "GiB" is what the SPI reports as GB


def hardware_profile(item: Node) -> HardwareProfile:
    """A hardware profile from an ``instanceTypeSet`` item of DescribeInstanceTypes."""
    memory = _number(item.text("memoryInfo/sizeInMiB"))
    storage = _number(item.text("instanceStorageInfo/totalSizeInGB"))
    cpus = item.text("vCpuInfo/defaultVCpus")
    architecture = next(item.items("processorInfo/supportedArchitectures"), None)
    return HardwareProfile(
        id=item.text("instanceType") or "",
        architecture=architecture.value if architecture is not None else None,
        memory=_tidy(memory / _MIB_PER_GB) if memory is not None else None,
        storage=_tidy(storage) if storage is not None else None,
        cpu=int(cpus) if cpus else None,
    )


def realm(item: Node) -> Realm:
    """A realm from an ``availabilityZoneInfo`` item of DescribeAvailabilityZones."""
    name = item.text("zoneName") or ""
    state = item.text("zoneState")
    return Realm(id=name, name=name, state=state.upper() if state else None, limit=None)


def image(item: Node) -> Image:
    """An image from an ``imagesSet`` item of DescribeImages."""
    return Image(
        id=item.text("imageId") or "",
        name=item.text("name"),
        architecture=item.text("architecture"),
        owner_id=item.text("imageOwnerId") or item.text("ownerId"),
        description=item.text("description"),
    )


def instances_of(reservation: Node, actions_for: Callable[[str], list[str]]) -> Iterator[Instance]:
    """The listed (not terminated) instances of a reservation (or a RunInstances response)."""
    owner = reservation.text("ownerId")
    for item in reservation.items("instancesSet"):
        state = SPI_STATES.get(item.text("instanceState/name") or "")
        if state is None:
            continue
        name = next(
            (tag.text("value") for tag in item.items("tagSet") if tag.text("key") == "Name"),
            None,
        )
        public, private = item.text("ipAddress"), item.text("privateIpAddress")
        yield Instance(
            id=item.text("instanceId") or "",
            name=name,
            owner_id=owner,
            image=item.text("imageId"),
            realm=item.text("placement/availabilityZone"),
            hardware_profile=item.text("instanceType"),
            state=state,
            actions=actions_for(state),
            public_addresses=[public] if public else [],
            private_addresses=[private] if private else [],
        )


def ids_tagged(reservations: Iterable[Node], key: str, value: object) -> set[str]:
    """The ids of the instances of ``reservations`` whose tag ``key`` is exactly ``value``."""
    return {
        item.text("instanceId") or ""
        for reservation in reservations
        for item in reservation.items("instancesSet")
        if any(
            tag.text("key") == key and tag.text("value") == value for tag in item.items("tagSet")
        )
    }


def _number(text: str | None) -> Decimal | None:
    return Decimal(text) if text else None


def _tidy(value: Decimal) -> int | float:
    """A whole number as ``int``, otherwise a ``float``: ``8`` for 8 GB, ``0.5`` for 512 MiB."""
    return int(value) if value == value.to_integral_value() else float(value)
