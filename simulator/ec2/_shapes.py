"""The XML shapes of EC2 responses, rendered from the simulator's values.

Names follow the 2016-11-15 wire format (`instanceState`, `tagSet`, `item`, ...). Memory is
written in MiB as the catalogue's GiB x 1024 (t3.micro: 1.0 -> 1024, as EC2 lists it), and
instance storage in whole GB (none for an EBS-only type).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable, Mapping

from simulator._catalogue import InstanceType, MachineImage, Zone
from simulator._instances import InstanceView, StateChange
from simulator._lifecycle import SHUTTING_DOWN, STATE_CODES, STATES
from simulator.ec2._xml import element, item_set, text

EC2_STATE_NAMES = {state: "shutting-down" if state == SHUTTING_DOWN else state for state in STATES}
"""The EC2 name of each simulator state (EC2 writes `shutting-down` with a hyphen)."""

_STATE_XML = {
    state: f"<code>{STATE_CODES[state]}</code><name>{EC2_STATE_NAMES[state]}</name>"
    for state in STATES
}
_STOPPED_REASON = (
    "<stateReason><code>Client.UserInitiatedShutdown</code>"
    "<message>Client.UserInitiatedShutdown: User initiated shutdown</message></stateReason>"
)
_STATE_REASON = dict.fromkeys(STATES, "") | dict.fromkeys(
    ("stopping", "stopped", SHUTTING_DOWN, "terminated"), _STOPPED_REASON
)
_INSTANCE_TAIL = (
    "<monitoring><state>disabled</state></monitoring>"
    "<rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>"
    "<blockDeviceMapping/><virtualizationType>hvm</virtualizationType>"
    "<hypervisor>xen</hypervisor><ebsOptimized>false</ebsOptimized>"
)


def timestamp(when: float) -> str:
    """ISO 8601 in UTC with milliseconds, as EC2 writes times."""
    millis = round(when * 1000) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(when)) + f".{millis:03d}Z"


def state(tag: str, name: str) -> str:
    """`<tag><code>16</code><name>running</name></tag>` for a simulator state."""
    return f"<{tag}>{_STATE_XML[name]}</{tag}>"


def tag_set(tags: Mapping[str, str]) -> str:
    """The `tagSet` of an item (nothing when it has no tags)."""
    if not tags:
        return ""
    pairs = (f"<key>{text(key)}</key><value>{text(value)}</value>" for key, value in tags.items())
    return item_set("tagSet", pairs)


def instance(view: InstanceView, launch_index: int, region: str) -> str:
    """One instance, as DescribeInstances and RunInstances list it."""
    private = view.private_ip
    public = view.public_ip
    public_xml = (
        f"<dnsName>ec2-{public.replace('.', '-')}.{region}.compute.amazonaws.com</dnsName>"
        f"<ipAddress>{public}</ipAddress>"
        if public
        else "<dnsName/>"
    )
    return (
        f"<instanceId>{view.id}</instanceId><imageId>{text(view.image_id)}</imageId>"
        f"<instanceState>{_STATE_XML[view.state]}</instanceState>"
        f"<privateDnsName>ip-{private.replace('.', '-')}.{region}.compute.internal"
        f"</privateDnsName>{public_xml}<reason/>{element('keyName', view.key_name)}"
        f"<amiLaunchIndex>{launch_index}</amiLaunchIndex><productCodes/>"
        f"<instanceType>{text(view.instance_type)}</instanceType>"
        f"<launchTime>{timestamp(view.launched_at)}</launchTime>"
        f"<placement><availabilityZone>{text(view.zone)}</availabilityZone><groupName/>"
        f"<tenancy>default</tenancy></placement>"
        f"<privateIpAddress>{private}</privateIpAddress>{_STATE_REASON[view.state]}"
        f"<architecture>{text(view.architecture)}</architecture>"
        f"{group_set(view.security_groups)}{_INSTANCE_TAIL}{tag_set(view.tags)}"
    )


def group_set(groups: Iterable[tuple[str, str]]) -> str:
    """The `groupSet` of an instance: the id and name of each of its security groups."""
    return item_set(
        "groupSet",
        (
            f"{element('groupId', group_id)}{element('groupName', name)}"
            for group_id, name in groups
        ),
    )


def reservation(reservation_id: str, owner: str, instances: Iterable[str]) -> str:
    """The members of one reservation: its id, owner, and rendered instances."""
    return (
        f"<reservationId>{reservation_id}</reservationId><ownerId>{text(owner)}</ownerId>"
        f"<groupSet/>{item_set('instancesSet', instances)}"
    )


def state_change(change: StateChange) -> str:
    """One item of a Start/Stop/TerminateInstances answer."""
    return (
        f"<instanceId>{change.instance_id}</instanceId>"
        f"{state('currentState', change.current_state)}"
        f"{state('previousState', change.previous_state)}"
    )


def image(image: MachineImage, owner_id: str | None = None) -> str:
    """One image, as DescribeImages lists it; `owner_id` is shown as its owner (default: the
    owner's name)."""
    return (
        f"{element('imageId', image.id)}{element('imageLocation', f'{image.owner}/{image.name}')}"
        f"<imageState>available</imageState>{element('imageOwnerId', owner_id or image.owner)}"
        f"{element('isPublic', image.public)}{element('architecture', image.architecture)}"
        f"<imageType>machine</imageType><platformDetails>Linux/UNIX</platformDetails>"
        f"<usageOperation>RunInstances</usageOperation>{element('name', image.name)}"
        f"{element('description', image.description)}<rootDeviceType>ebs</rootDeviceType>"
        f"<rootDeviceName>/dev/xvda</rootDeviceName><blockDeviceMapping/>"
        f"<virtualizationType>hvm</virtualizationType><hypervisor>xen</hypervisor>"
    )


def zone(zone: Zone, zone_id: str, region: str) -> str:
    """One availability zone, as DescribeAvailabilityZones lists it."""
    return (
        f"{element('zoneName', zone.name)}{element('zoneState', zone.state)}"
        f"{element('regionName', region)}{element('zoneId', zone_id)}"
        f"<zoneType>availability-zone</zoneType><optInStatus>opt-in-not-required</optInStatus>"
        f"{element('groupName', region)}{element('networkBorderGroup', region)}<messageSet/>"
    )


def region(name: str, endpoint: str) -> str:
    """One region, as DescribeRegions lists it."""
    return (
        f"{element('regionName', name)}{element('regionEndpoint', endpoint)}"
        f"<optInStatus>opt-in-not-required</optInStatus>"
    )


def memory_mib(kind: InstanceType) -> int:
    """The memory of `kind` in MiB, reading the catalogue's GB as GiB (EC2's own labels)."""
    return round(kind.memory_gb * 1024)


@functools.cache
def instance_type(kind: InstanceType) -> str:
    """One instance type, as DescribeInstanceTypes lists it (rendered once per type)."""
    storage = (
        "<instanceStorageSupported>false</instanceStorageSupported>"
        if kind.storage_gb is None
        else "<instanceStorageSupported>true</instanceStorageSupported><instanceStorageInfo>"
        f"{element('totalSizeInGB', round(kind.storage_gb))}</instanceStorageInfo>"
    )
    return (
        f"{element('instanceType', kind.name)}"
        f"{element('currentGeneration', kind.current_generation)}"
        f"<freeTierEligible>false</freeTierEligible>"
        f"<supportedUsageClasses><item>on-demand</item></supportedUsageClasses>"
        f"<supportedRootDeviceTypes><item>ebs</item></supportedRootDeviceTypes>"
        f"<supportedVirtualizationTypes><item>hvm</item></supportedVirtualizationTypes>"
        f"<bareMetal>false</bareMetal><hypervisor>nitro</hypervisor>"
        f"<processorInfo><supportedArchitectures><item>{text(kind.architecture)}</item>"
        f"</supportedArchitectures></processorInfo>"
        f"<vCpuInfo>{element('defaultVCpus', kind.cpus)}</vCpuInfo>"
        f"<memoryInfo>{element('sizeInMiB', memory_mib(kind))}</memoryInfo>{storage}"
    )


def tag_description(resource_id: str, key: str, value: str) -> str:
    """One item of DescribeTags."""
    return (
        f"{element('resourceId', resource_id)}<resourceType>instance</resourceType>"
        f"{element('key', key)}{element('value', value)}"
    )
