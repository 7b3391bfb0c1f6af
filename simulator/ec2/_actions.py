"""The EC2 actions: read the parameters, call the simulator once, render the answer.

Every handler reads all its parameters and calls `call.ready()` (unknown parameters, DryRun)
before it calls the simulator, so a refused request changes nothing. Each action calls exactly
one simulator operation (`OPERATIONS`), so faults injected on that operation apply to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from simulator._catalogue import InstanceType, MachineImage, Zone
from simulator._config import IMAGE_ID
from simulator._errors import UnknownInstance
from simulator._instances import InstanceFacts, InstanceView
from simulator._lifecycle import STATE_CODES
from simulator._simulator import Simulator
from simulator.ec2 import _group_actions as groups
from simulator.ec2 import _instance_actions as instances
from simulator.ec2 import _keypair_actions as keys
from simulator.ec2 import _shapes as shapes
from simulator.ec2._addresses import describe_addresses
from simulator.ec2._errors import RequestError, invalid
from simulator.ec2._filters import Attribute, page, parse_filters
from simulator.ec2._launches import Launches
from simulator.ec2._query import Params
from simulator.ec2._xml import element, item_set

T = TypeVar("T")

RUN_LIMIT = 1000
"""The most instances one RunInstances call launches (MinCount above it: InstanceLimitExceeded)."""

MAX_TAGS = 50

TYPES_PAGE = 100
"""DescribeInstanceTypes pages like EC2: without MaxResults, 100 types a page (and a NextToken)."""


@dataclass(slots=True)
class Call:
    """One authenticated request on its way to the simulator."""

    sim: Simulator
    account: str
    params: Params
    dry_run: bool
    endpoint: str
    launches: Launches
    owner_id: str = ""
    """The account's 12-digit id, EC2's owner id of what it owns."""

    def ready(self) -> None:
        """Refuse unread parameters; answer DryRunOperation if that is all that was asked."""
        self.params.finish()
        if self.dry_run:
            raise RequestError(
                "DryRunOperation", "Request would have succeeded, but DryRun flag is set."
            )


Handler = Callable[[Call], str]


# Instances


def run_instances(call: Call) -> str:
    """RunInstances: ImageId, MinCount, MaxCount, InstanceType, Placement, TagSpecification."""
    p = call.params
    image_id = _image_id(p.string("ImageId", required=True), "ImageId")
    min_count = p.integer("MinCount", required=True, minimum=1)
    max_count = p.integer("MaxCount", required=True, minimum=1)
    assert min_count is not None
    assert max_count is not None
    if min_count > max_count:
        raise invalid("MinCount", str(min_count), f"It must not exceed MaxCount ({max_count})")
    if min_count > RUN_LIMIT:
        raise RequestError(
            "InstanceLimitExceeded",
            f"You have requested more instances ({min_count}) than your current instance "
            f"limit of {RUN_LIMIT} allows",
        )
    max_count = min(max_count, RUN_LIMIT)
    instance_type = p.string("InstanceType")
    zone = p.string("Placement.AvailabilityZone")
    key_name = p.string("KeyName")
    group_ids = p.strings("SecurityGroupId")
    group_names = p.strings("SecurityGroup")
    tags = _tag_specifications(p)
    token = p.string("ClientToken")
    if token is not None and not 0 < len(token) <= 64:
        raise invalid("ClientToken", token, "It must be 1 to 64 characters")
    p.ignore(*RUN_INSTANCES_IGNORED)
    call.ready()
    sim, account = call.sim, call.account

    def launch() -> list[InstanceView]:
        return sim.run_instances(
            account,
            image_id,
            min_count=min_count,
            max_count=max_count,
            instance_type=instance_type,
            zone=zone,
            tags=tags or None,
            key_name=key_name,
            security_group_ids=group_ids or None,
            security_group_names=group_names or None,
        )

    def replay(ids: Sequence[str]) -> list[InstanceView]:
        try:
            return sim.describe_instances(account, ids)
        except UnknownInstance:  # some expired since: answer those left
            wanted = set(ids)
            return sim.describe_instances(account, where=lambda instance: instance.id in wanted)

    fingerprint = (
        image_id, min_count, max_count, instance_type, zone, tuple(tags.items()), key_name,
        tuple(group_ids), tuple(group_names),
    )  # fmt: skip
    reservation_id, views = call.launches.run(account, token, fingerprint, launch, replay)
    region = sim.region
    return shapes.reservation(
        reservation_id,
        call.owner_id,
        (shapes.instance(view, index, region) for index, view in enumerate(views)),
    )


RUN_INSTANCES_IGNORED = (
    "SubnetId", "UserData", "Monitoring",
    "EbsOptimized", "IamInstanceProfile", "MetadataOptions", "BlockDeviceMapping",
    "CreditSpecification", "AdditionalInfo",
)  # fmt: skip
"""RunInstances parameters accepted and ignored: they change nothing the simulator models."""


INSTANCE_FILTERS: Mapping[str, Attribute[InstanceFacts]] = {
    "instance-id": lambda instance: (instance.id,),
    "instance-state-name": lambda instance: (shapes.EC2_STATE_NAMES[instance.state],),
    "instance-state-code": lambda instance: (str(STATE_CODES[instance.state]),),
    "availability-zone": lambda instance: (instance.zone,),
    "image-id": lambda instance: (instance.image_id,),
    "instance-type": lambda instance: (instance.instance_type,),
    "architecture": lambda instance: (instance.architecture,),
    "key-name": lambda instance: (instance.key_name,) if instance.key_name else (),
    "instance.group-id": lambda instance: tuple(group_id for group_id, _ in instance.groups),
    "instance.group-name": lambda instance: tuple(name for _, name in instance.groups),
}


def describe_instances(call: Call) -> str:
    """DescribeInstances: InstanceId, Filter, MaxResults (5 to 1000), NextToken."""
    p = call.params
    ids = p.strings("InstanceId")
    predicate = parse_filters(p, INSTANCE_FILTERS, tags=_instance_tags)
    max_results = p.integer("MaxResults", minimum=5, maximum=1000)
    token = p.string("NextToken")
    if ids and max_results is not None:
        raise RequestError(
            "InvalidParameterCombination",
            "The parameter instancesSet cannot be used with the parameter maxResults",
        )
    call.ready()
    views = call.sim.describe_instances(call.account, ids or None, where=predicate)
    views, next_token = page(views, _view_id, max_results, token, "DescribeInstances")
    launches, region, owner_id = call.launches, call.sim.region, call.owner_id
    groups: list[tuple[str, list[str]]] = []
    for view in views:
        reservation_id, index = launches.place(view.id)
        if not groups or groups[-1][0] != reservation_id:
            groups.append((reservation_id, []))
        groups[-1][1].append(shapes.instance(view, index, region))
    reservations = item_set(
        "reservationSet",
        (shapes.reservation(rid, owner_id, instances) for rid, instances in groups),
    )
    return reservations + element("nextToken", next_token)


def _instance_tags(instance: InstanceFacts) -> Mapping[str, str]:
    return instance.tags or {}


def _view_id(view: InstanceView) -> str:
    return view.id


def _change_action(operation: str, response_set: str, *ignored: str) -> Handler:
    def handler(call: Call) -> str:
        p = call.params
        ids = p.strings("InstanceId", required=True)
        p.ignore(*ignored)
        call.ready()
        changes = getattr(call.sim, operation)(call.account, ids)
        return item_set(response_set, (shapes.state_change(change) for change in changes))

    handler.__doc__ = f"{operation}: InstanceId."
    return handler


def reboot_instances(call: Call) -> str:
    """RebootInstances: InstanceId."""
    ids = call.params.strings("InstanceId", required=True)
    call.ready()
    call.sim.reboot_instances(call.account, ids)
    return "<return>true</return>"


# Catalogue


IMAGE_FILTERS: Mapping[str, Attribute[MachineImage]] = {
    "architecture": lambda image: (image.architecture,),
    "owner-id": lambda image: (image.owner,),
    "image-id": lambda image: (image.id,),
    "name": lambda image: (image.name,),
    "is-public": lambda image: ("true" if image.public else "false",),
    "state": lambda image: ("available",),
    "image-type": lambda image: ("machine",),
}


def describe_images(call: Call) -> str:
    """DescribeImages: ImageId, Owner, Filter, MaxResults, NextToken."""
    p = call.params
    ids = [_image_id(image_id, "ImageId") for image_id in p.strings("ImageId")]
    account, owner_id = call.account, call.owner_id
    owners = [account if owner == owner_id else owner for owner in p.strings("Owner")]

    def shown_owner(image: MachineImage) -> str:
        return owner_id if image.owner == account else image.owner

    predicate = parse_filters(p, {**IMAGE_FILTERS, "owner-id": lambda image: (shown_owner(image),)})
    max_results = p.integer("MaxResults", minimum=5, maximum=1000)
    token = p.string("NextToken")
    if ids and max_results is not None:
        raise RequestError(
            "InvalidParameterCombination",
            "The parameter ImageId cannot be used with the parameter MaxResults",
        )
    p.ignore("ExecutableBy", "IncludeDeprecated", "IncludeDisabled")
    call.ready()
    images = _matching(call.sim.images(call.account, ids or None, owners or None), predicate)
    images, next_token = page(images, _image_key, max_results, token, "DescribeImages")
    return item_set(
        "imagesSet", (shapes.image(image, shown_owner(image)) for image in images)
    ) + element("nextToken", next_token)


def _image_key(image: MachineImage) -> str:
    return image.id


ZONE_FILTERS: Mapping[str, Attribute[tuple[Zone, str]]] = {
    "zone-name": lambda pair: (pair[0].name,),
    "zone-id": lambda pair: (pair[1],),
    "state": lambda pair: (pair[0].state,),
}


def describe_availability_zones(call: Call) -> str:
    """DescribeAvailabilityZones: ZoneName, ZoneId, Filter (zone-name, zone-id, state, ...)."""
    p = call.params
    names = p.strings("ZoneName")
    zone_ids = p.strings("ZoneId")
    region = call.sim.region
    predicate = parse_filters(p, {**ZONE_FILTERS, "region-name": lambda pair: (region,)}, tags=None)
    p.ignore("AllAvailabilityZones")
    call.ready()
    zones = call.sim.zones()
    pairs = [(zone, f"{_region_code(region)}-az{index}") for index, zone in enumerate(zones, 1)]
    unknown = [name for name in names if name not in {zone.name for zone, _ in pairs}]
    unknown += [zone_id for zone_id in zone_ids if zone_id not in {z for _, z in pairs}]
    if unknown:
        raise RequestError(
            "InvalidParameterValue", f"Invalid availability zone: [{', '.join(unknown)}]"
        )
    if names:
        pairs = [pair for pair in pairs if pair[0].name in names]
    if zone_ids:
        pairs = [pair for pair in pairs if pair[1] in zone_ids]
    pairs = _matching(pairs, predicate)
    return item_set(
        "availabilityZoneInfo", (shapes.zone(zone, zone_id, region) for zone, zone_id in pairs)
    )


def _region_code(region: str) -> str:
    """`use1` for `us-east-1`, the prefix of EC2's zone ids."""
    parts = region.split("-")
    if len(parts) < 3:
        return region
    return parts[0] + "".join(part[:1] for part in parts[1:-1]) + parts[-1]


def describe_regions(call: Call) -> str:
    """DescribeRegions: RegionName, Filter (region-name, endpoint)."""
    p = call.params
    names = p.strings("RegionName")
    endpoint = call.endpoint
    predicate = parse_filters(
        p, {"region-name": lambda name: (name,), "endpoint": lambda name: (endpoint,)}
    )
    p.ignore("AllRegions")
    call.ready()
    regions = call.sim.regions()
    unknown = [name for name in names if name not in regions]
    if unknown:
        raise RequestError("InvalidParameterValue", f"Invalid region: [{', '.join(unknown)}]")
    regions = _matching([name for name in regions if not names or name in names], predicate)
    return item_set("regionInfo", (shapes.region(name, endpoint) for name in regions))


TYPE_FILTERS: Mapping[str, Attribute[InstanceType]] = {
    "instance-type": lambda kind: (kind.name,),
    "processor-info.supported-architecture": lambda kind: (kind.architecture,),
    "vcpu-info.default-vcpus": lambda kind: (str(kind.cpus),),
    "memory-info.size-in-mib": lambda kind: (str(shapes.memory_mib(kind)),),
    "current-generation": lambda kind: ("true" if kind.current_generation else "false",),
    "instance-storage-supported": lambda kind: ("false" if kind.storage_gb is None else "true",),
}


def describe_instance_types(call: Call) -> str:
    """DescribeInstanceTypes: InstanceType, Filter, MaxResults (5 to 100; 100), NextToken."""
    p = call.params
    names = p.strings("InstanceType")
    predicate = parse_filters(p, TYPE_FILTERS)
    max_results = p.integer("MaxResults", minimum=5, maximum=100)
    if max_results is None and not names:
        max_results = TYPES_PAGE
    token = p.string("NextToken")
    call.ready()
    kinds = call.sim.instance_types()
    if names:
        by_name = {kind.name: kind for kind in kinds}
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise RequestError(
                "InvalidInstanceType",
                f"The following supplied instance types do not exist: [{', '.join(unknown)}]",
            )
        kinds = [by_name[name] for name in dict.fromkeys(names)]
    kinds, next_token = page(
        _matching(kinds, predicate), _kind_name, max_results, token, "DescribeInstanceTypes"
    )
    return item_set("instanceTypeSet", (shapes.instance_type(kind) for kind in kinds)) + element(
        "nextToken", next_token
    )


def _kind_name(kind: InstanceType) -> str:
    return kind.name


# Tags


def create_tags(call: Call) -> str:
    """CreateTags: ResourceId (instance ids), Tag."""
    p = call.params
    resources = p.strings("ResourceId", required=True)
    tags = _tags(p.structs("Tag"), "Tag")
    if not tags:
        raise RequestError("MissingParameter", "The request must contain the parameter Tag")
    instances.instance_resources(resources, "only instances can be tagged")
    call.ready()
    call.sim.create_tags(call.account, resources, tags)
    return "<return>true</return>"


TAG_FILTERS: Mapping[str, Attribute[tuple[str, str, str]]] = {
    "resource-id": lambda tag: (tag[0],),
    "key": lambda tag: (tag[1],),
    "value": lambda tag: (tag[2],),
    "resource-type": lambda tag: ("instance",),
}


def describe_tags(call: Call) -> str:
    """DescribeTags: Filter (resource-id, resource-type, key, value), MaxResults, NextToken."""
    p = call.params
    predicate = parse_filters(p, TAG_FILTERS)
    max_results = p.integer("MaxResults", minimum=5, maximum=1000)
    token = p.string("NextToken")
    call.ready()
    tags = _matching(call.sim.describe_tags(call.account), predicate)
    tags, next_token = page(tags, _tag_key, max_results, token, "DescribeTags")
    return item_set("tagSet", (shapes.tag_description(*tag) for tag in tags)) + element(
        "nextToken", next_token
    )


def _tag_key(tag: tuple[str, str, str]) -> str:
    return f"{tag[0]}\t{tag[1]}"


def _tag_specifications(p: Params) -> dict[str, str]:
    """The tags of every `TagSpecification` (all for instances), checked together."""
    items: list[Params] = []
    for spec in p.structs("TagSpecification"):
        resource_type = spec.string("ResourceType", required=True)
        if resource_type != "instance":
            raise RequestError(
                "InvalidParameterValue",
                f"'{resource_type}' is not a valid taggable resource type for this operation: "
                f"only 'instance'",
            )
        items += spec.structs("Tag")
    return _tags(items, "Tag")


def _tags(items: list[Params], what: str) -> dict[str, str]:
    """Tags from `Tag.N.Key` / `Tag.N.Value` items, checked as EC2 checks them."""
    tags: dict[str, str] = {}
    for item in items:
        key = item.string("Key", required=True)
        value = item.string("Value") or ""
        assert key is not None
        if not 1 <= len(key) <= 128:
            raise invalid(f"{what}.Key", key, "Tag keys must be 1 to 128 characters")
        if len(value) > 256:
            raise invalid(f"{what}.Value", value[:40] + "...", "Tag values are 256 chars at most")
        if key.lower().startswith("aws:"):
            raise RequestError(
                "InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for AWS use"
            )
        if key in tags:
            raise RequestError("InvalidParameterValue", f"Duplicate tag key '{key}' specified")
        tags[key] = value
    if len(tags) > MAX_TAGS:
        raise RequestError("TagLimitExceeded", f"The maximum number of tags is {MAX_TAGS}")
    return tags


def _image_id(image_id: str | None, name: str) -> str:
    assert image_id is not None
    if not IMAGE_ID.fullmatch(image_id):
        raise RequestError(
            "InvalidAMIID.Malformed", f"Invalid id: '{image_id}' (expecting 'ami-...')"
        )
    return image_id


def _matching(items: Sequence[T], predicate: Callable[[T], bool] | None) -> list[T]:
    return list(items) if predicate is None else [item for item in items if predicate(item)]


ACTIONS: dict[str, tuple[str, Handler]] = {
    "RunInstances": ("run_instances", run_instances),
    "DescribeInstances": ("describe_instances", describe_instances),
    "StartInstances": (
        "start_instances",
        _change_action("start_instances", "instancesSet", "AdditionalInfo"),
    ),
    "StopInstances": (
        "stop_instances",
        _change_action("stop_instances", "instancesSet", "Force", "Hibernate"),
    ),
    "RebootInstances": ("reboot_instances", reboot_instances),
    "TerminateInstances": (
        "terminate_instances",
        _change_action("terminate_instances", "instancesSet"),
    ),
    "DescribeImages": ("images", describe_images),
    "DescribeAvailabilityZones": ("zones", describe_availability_zones),
    "DescribeRegions": ("regions", describe_regions),
    "DescribeInstanceTypes": ("instance_types", describe_instance_types),
    "CreateTags": ("create_tags", create_tags),
    "DescribeTags": ("describe_tags", describe_tags),
    "DeleteTags": ("delete_tags", instances.delete_tags),
    "DescribeInstanceStatus": ("describe_instance_status", instances.describe_instance_status),
    "DescribeInstanceAttribute": (
        "describe_instance_attribute",
        instances.describe_instance_attribute,
    ),
    "ModifyInstanceAttribute": ("modify_instance_attribute", instances.modify_instance_attribute),
    "GetConsoleOutput": ("get_console_output", instances.get_console_output),
    "CreateKeyPair": ("create_key_pair", keys.create_key_pair),
    "ImportKeyPair": ("import_key_pair", keys.import_key_pair),
    "DescribeKeyPairs": ("describe_key_pairs", keys.describe_key_pairs),
    "DeleteKeyPair": ("delete_key_pair", keys.delete_key_pair),
    "DescribeSecurityGroups": ("describe_security_groups", groups.describe_security_groups),
    "CreateSecurityGroup": ("create_security_group", groups.create_security_group),
    "AuthorizeSecurityGroupIngress": (
        "authorize_security_group_ingress",
        groups.authorize_security_group_ingress,
    ),
    "RevokeSecurityGroupIngress": (
        "revoke_security_group_ingress",
        groups.revoke_security_group_ingress,
    ),
    "DeleteSecurityGroup": ("delete_security_group", groups.delete_security_group),
    "DescribeAddresses": ("addresses", describe_addresses),
}
"""Every action served: its name -> (the simulator operation it calls, its handler)."""
