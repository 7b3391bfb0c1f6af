"""Nova and Glance JSON as the SPI's models; Nova's (status, task_state) as the SPI's states.

========================================  ===================  ==================================
Nova ``status`` (+ ``OS-EXT-STS:task_state``)  SPI state        why
========================================  ===================  ==================================
``BUILD``                                 ``PENDING``          on its way to running
``ACTIVE``                                ``RUNNING``
``ACTIVE`` + ``powering-off``             ``SHUTTING_DOWN``    a stop under way (see below)
``REBOOT``, ``HARD_REBOOT``               ``PENDING``          on its way back to running; Nova
                                                               refuses a stop or a soft reboot
                                                               until it is there
``SHUTOFF``                               ``STOPPED``
``SHUTOFF`` + ``powering-on``             ``PENDING``          a start under way
any status + ``deleting``; ``DELETED``,   (``end``)            gone: not listed, ``NotFound``
``SOFT_DELETED``                                               on actions
anything else (``ERROR``, ``PAUSED``...)  its own name         undeclared: the kit shows it
========================================  ===================  ==================================

Nova's ``status`` hides a stop in progress: the server reads ``ACTIVE`` until it is ``SHUTOFF``,
while Nova already refuses a stop or a reboot of it (409, "in task_state powering-off"). Shown
as ``RUNNING``, its ``actions`` would offer what Nova refuses, and a stop would seem to leave it
running. The driver reads ``OS-EXT-STS:task_state`` (shown to every user by Nova's default
policy) and reports the stop as what it is, ``SHUTTING_DOWN``; a start (``SHUTOFF`` +
``powering-on``) is ``PENDING`` likewise. Without the extension attribute the status decides.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from dctck import HardwareProfile, Image, Instance, Realm

__all__ = ["GONE_STATUSES", "flavor", "image", "instance", "spi_state", "zone"]

_BY_STATUS = {
    "BUILD": "PENDING",
    "ACTIVE": "RUNNING",
    "REBOOT": "PENDING",
    "HARD_REBOOT": "PENDING",
    "SHUTOFF": "STOPPED",
}
_BY_TASK = {"powering-off": "SHUTTING_DOWN", "powering-on": "PENDING"}
#: Statuses of a server that is gone (``end``); Nova shows them only to admins or with
#: ``changes-since``.
GONE_STATUSES = frozenset({"DELETED", "SOFT_DELETED"})
_GONE_TASKS = frozenset({"deleting"})
_PRIVATE = tuple(
    ipaddress.ip_network(net) for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)
_MIB_PER_GB = 1024  # Nova's flavors give RAM in MiB; the SPI's GB is what EC2 calls GiB


def spi_state(status: str, task_state: str | None) -> str | None:
    """The SPI state of a server Nova shows with ``status`` and ``task_state``; None if gone."""
    if status in GONE_STATUSES or task_state in _GONE_TASKS:
        return None
    if status in ("ACTIVE", "SHUTOFF") and task_state in _BY_TASK:
        return _BY_TASK[task_state]
    return _BY_STATUS.get(status, status.upper() or "UNKNOWN")


def flavor(item: Mapping[str, Any]) -> HardwareProfile:
    """A hardware profile from a flavor of ``GET /flavors/detail``."""
    ram, disk, vcpus = item.get("ram"), item.get("disk"), item.get("vcpus")
    return HardwareProfile(
        id=str(item.get("id") or ""),
        architecture=None,  # a flavor runs whatever the image is built for
        memory=_tidy(Decimal(ram) / _MIB_PER_GB) if _count(ram) and ram else None,
        storage=disk if _count(disk) and disk else None,
        cpu=vcpus if _count(vcpus) and vcpus else None,
    )


def zone(item: Mapping[str, Any]) -> Realm:
    """A realm from an ``availabilityZoneInfo`` item of ``GET /os-availability-zone``."""
    name = str(item.get("zoneName") or "")
    state = item.get("zoneState")
    available = state.get("available") if isinstance(state, dict) else None
    return Realm(
        id=name,
        name=name,
        state=None if available is None else ("AVAILABLE" if available else "UNAVAILABLE"),
        limit=None,
    )


def image(item: Mapping[str, Any]) -> Image:
    """An image from Glance's ``GET /v2/images``."""
    return Image(
        id=str(item.get("id") or ""),
        name=_text(item.get("name")),
        architecture=_text(item.get("architecture")),
        owner_id=_text(item.get("owner")),
        description=_text(item.get("description")),
    )


def instance(item: Mapping[str, Any], actions_for: Callable[[str], list[str]]) -> Instance | None:
    """The SPI instance of a Nova server (``GET /servers/{id}``); None for one that is gone."""
    state = spi_state(str(item.get("status") or ""), _text(item.get("OS-EXT-STS:task_state")))
    if state is None:
        return None
    image_ref, flavor_ref = item.get("image"), item.get("flavor")
    public: list[str] = []
    private: list[str] = []
    addresses = item.get("addresses")
    for network in addresses.values() if isinstance(addresses, dict) else ():
        for address in network if isinstance(network, list) else ():
            if isinstance(address, dict) and isinstance(address.get("addr"), str):
                kind = address.get("OS-EXT-IPS:type")
                is_public = kind == "floating" if kind else _is_public(address["addr"])
                (public if is_public else private).append(address["addr"])
    return Instance(
        id=str(item.get("id") or ""),
        name=_text(item.get("name")),
        owner_id=_text(item.get("tenant_id")),
        image=_text(image_ref.get("id")) if isinstance(image_ref, dict) else None,
        realm=_text(item.get("OS-EXT-AZ:availability_zone")),
        hardware_profile=_text(flavor_ref.get("id")) if isinstance(flavor_ref, dict) else None,
        state=state,
        actions=actions_for(state),
        public_addresses=public,
        private_addresses=private,
    )


def _is_public(address: str) -> bool:
    """An IPv4 address outside RFC 1918 (as Libcloud and openstacksdk decide)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not any(ip in network for network in _PRIVATE if ip.version == network.version)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _tidy(value: Decimal) -> int | float:
    """A whole number as ``int``, otherwise a ``float``: ``8`` for 8 GB, ``0.5`` for 512 MiB."""
    return int(value) if value == value.to_integral_value() else float(value)
