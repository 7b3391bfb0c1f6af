"""DescribeAddresses: the account's Elastic IP addresses, which the simulator never allocates.

EC2 lists here only addresses allocated with AllocateAddress, not the public address an
instance gets at launch; the simulator models no allocation, so the list is empty, and an
address or allocation id named in the request does not exist. Clients that list nodes this way
(Apache Libcloud's `list_nodes` asks for the addresses of the nodes it found) get EC2's answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from simulator.ec2._errors import RequestError
from simulator.ec2._filters import Attribute, parse_filters
from simulator.ec2._xml import element, item_set

if TYPE_CHECKING:
    from simulator.ec2._actions import Call

_NO_VALUE: Attribute[str] = lambda address: ()  # noqa: E731 (what the simulator does not model)

ADDRESS_FILTERS: Mapping[str, Attribute[str]] = {
    "public-ip": lambda address: (address,),
    "domain": lambda address: ("vpc",),
    **dict.fromkeys(
        (
            "allocation-id",
            "association-id",
            "instance-id",
            "network-border-group",
            "network-interface-id",
            "network-interface-owner-id",
            "private-ip-address",
            "public-ipv4-pool",
        ),
        _NO_VALUE,
    ),
}


def describe_addresses(call: Call) -> str:
    """DescribeAddresses: PublicIp, AllocationId, Filter (public-ip, instance-id, domain, ...)."""
    p = call.params
    public_ips = p.strings("PublicIp")
    allocation_ids = p.strings("AllocationId")
    predicate = parse_filters(p, ADDRESS_FILTERS, tags=_no_tags)
    call.ready()
    addresses = call.sim.addresses(call.account)
    unknown = [ip for ip in public_ips if ip not in addresses]
    if unknown:
        raise RequestError("InvalidAddress.NotFound", f"Address '{unknown[0]}' not found.")
    if allocation_ids:
        raise RequestError(
            "InvalidAllocationID.NotFound",
            f"The allocation ID '{allocation_ids[0]}' does not exist",
        )
    if public_ips:
        addresses = [address for address in addresses if address in public_ips]
    if predicate is not None:
        addresses = [address for address in addresses if predicate(address)]
    return item_set("addressesSet", (_address(address) for address in addresses))


def _no_tags(address: str) -> Mapping[str, str]:
    return {}


def _address(public_ip: str) -> str:
    return f"{element('publicIp', public_ip)}<domain>vpc</domain>"
