"""Instance actions beyond the lifecycle: status checks, attributes, console output, and
DeleteTags.

Status checks: a running instance passes both (`ok`, reachability `passed`) at once; any other
state is `not-applicable`. Only `instanceType` (while stopped) and the security groups
(`GroupId.N`) can be modified; the other attributes read as a new EC2 instance's defaults.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from simulator._instances import InstanceView
from simulator._lifecycle import RUNNING, STATE_CODES
from simulator.ec2._errors import RequestError, missing
from simulator.ec2._filters import Attribute, page, parse_filters
from simulator.ec2._shapes import EC2_STATE_NAMES, group_set, state, timestamp
from simulator.ec2._xml import element, item_set

if TYPE_CHECKING:
    from simulator.ec2._actions import Call


def check_status(view: InstanceView) -> str:
    """The status of an instance's status checks: `ok` while running."""
    return "ok" if view.state == RUNNING else "not-applicable"


def _reachability(view: InstanceView) -> tuple[str, ...]:
    return ("passed",) if view.state == RUNNING else ()


STATUS_FILTERS: Mapping[str, Attribute[InstanceView]] = {
    "availability-zone": lambda view: (view.zone,),
    "instance-state-name": lambda view: (EC2_STATE_NAMES[view.state],),
    "instance-state-code": lambda view: (str(STATE_CODES[view.state]),),
    "instance-status.status": lambda view: (check_status(view),),
    "system-status.status": lambda view: (check_status(view),),
    "instance-status.reachability": _reachability,
    "system-status.reachability": _reachability,
}


def describe_instance_status(call: Call) -> str:
    """DescribeInstanceStatus: InstanceId, IncludeAllInstances, Filter, MaxResults (5 to
    1000), NextToken."""
    p = call.params
    ids = p.strings("InstanceId")
    include_all = bool(p.boolean("IncludeAllInstances"))
    predicate = parse_filters(p, STATUS_FILTERS)
    max_results = p.integer("MaxResults", minimum=5, maximum=1000)
    token = p.string("NextToken")
    p.ignore("IncludeManagedResources")
    if ids and max_results is not None:
        raise RequestError(
            "InvalidParameterCombination",
            "The parameter instancesSet cannot be used with the parameter maxResults",
        )
    call.ready()
    views = call.sim.describe_instance_status(call.account, ids or None, include_all=include_all)
    if predicate is not None:
        views = [view for view in views if predicate(view)]
    views, next_token = page(views, _view_id, max_results, token, "DescribeInstanceStatus")
    return item_set("instanceStatusSet", (instance_status(view) for view in views)) + element(
        "nextToken", next_token
    )


def _view_id(view: InstanceView) -> str:
    return view.id


def instance_status(view: InstanceView) -> str:
    """One item of DescribeInstanceStatus."""
    status = check_status(view)
    details = item_set(
        "details",
        (f"<name>reachability</name><status>{value}</status>" for value in _reachability(view)),
    )
    summary = f"<status>{status}</status>{details}"
    return (
        f"{element('instanceId', view.id)}{element('availabilityZone', view.zone)}"
        f"{state('instanceState', view.state)}<systemStatus>{summary}</systemStatus>"
        f"<instanceStatus>{summary}</instanceStatus><eventsSet/>"
    )


def _value(tag: str, value: str | bool) -> Callable[[InstanceView], str]:
    return lambda view: f"<{tag}>{element('value', value)}</{tag}>"


ATTRIBUTES: Mapping[str, Callable[[InstanceView], str]] = {
    "instanceType": lambda view: (
        f"<instanceType>{element('value', view.instance_type)}</instanceType>"
    ),
    "groupSet": lambda view: group_set(view.security_groups),
    "disableApiTermination": _value("disableApiTermination", False),
    "disableApiStop": _value("disableApiStop", False),
    "instanceInitiatedShutdownBehavior": _value("instanceInitiatedShutdownBehavior", "stop"),
    "rootDeviceName": _value("rootDeviceName", "/dev/xvda"),
    "ebsOptimized": _value("ebsOptimized", False),
    "sourceDestCheck": _value("sourceDestCheck", True),
    "enaSupport": _value("enaSupport", True),
    "userData": lambda view: "<userData/>",
}
"""The attributes DescribeInstanceAttribute reads, each rendered from the instance."""

UNMODELLED = (
    "DisableApiTermination", "DisableApiStop", "UserData", "SourceDestCheck", "EbsOptimized",
    "EnaSupport", "SriovNetSupport", "InstanceInitiatedShutdownBehavior", "Kernel", "Ramdisk",
)  # fmt: skip
"""ModifyInstanceAttribute attributes the simulator refuses to change (it does not model them)."""


def describe_instance_attribute(call: Call) -> str:
    """DescribeInstanceAttribute: InstanceId, Attribute."""
    p = call.params
    instance_id = p.string("InstanceId", required=True)
    attribute = p.string("Attribute", required=True)
    assert instance_id is not None
    assert attribute is not None
    render = ATTRIBUTES.get(attribute)
    if render is None:
        raise RequestError(
            "InvalidParameterValue",
            f"Value ({attribute}) for parameter attribute is invalid: expected one of "
            f"{', '.join(ATTRIBUTES)}",
        )
    call.ready()
    view = call.sim.describe_instance_attribute(call.account, instance_id)
    return element("instanceId", view.id) + render(view)


def modify_instance_attribute(call: Call) -> str:
    """ModifyInstanceAttribute: InstanceId and one of InstanceType.Value (or Attribute
    instanceType with Value) and GroupId.N."""
    p = call.params
    instance_id = p.string("InstanceId", required=True)
    assert instance_id is not None
    attribute = p.string("Attribute")
    value = p.string("Value")
    instance_type = p.string("InstanceType.Value")
    group_ids = p.strings("GroupId")
    for name in UNMODELLED:
        if p.string(f"{name}.Value") is not None:
            raise RequestError(
                "UnsupportedOperation", f"The simulator does not model the attribute {name}"
            )
    if attribute is not None:
        if attribute == "instanceType":
            if value is None:
                raise missing("Value")
            if instance_type is not None:
                raise _multiple()
            instance_type = value
        elif attribute != "groupSet" or value is not None:
            raise RequestError(
                "UnsupportedOperation",
                f"The simulator modifies instanceType and groupSet only, not {attribute}",
            )
    elif value is not None:
        raise missing("Attribute")
    if instance_type is None and not group_ids:
        raise RequestError("InvalidParameterCombination", "No attributes specified.")
    if instance_type is not None and group_ids:
        raise _multiple()
    call.ready()
    call.sim.modify_instance_attribute(
        call.account,
        instance_id,
        instance_type=instance_type,
        security_group_ids=group_ids or None,
    )
    return "<return>true</return>"


def _multiple() -> RequestError:
    return RequestError(
        "InvalidParameterCombination", "Fields for multiple attribute types specified"
    )


def get_console_output(call: Call) -> str:
    """GetConsoleOutput: InstanceId, Latest (the whole log is always the latest)."""
    p = call.params
    instance_id = p.string("InstanceId", required=True)
    assert instance_id is not None
    p.boolean("Latest")
    call.ready()
    text, at = call.sim.get_console_output(call.account, instance_id)
    output = base64.b64encode(text.encode()).decode("ascii") if text else None
    return (
        f"{element('instanceId', instance_id)}{element('timestamp', timestamp(at))}"
        f"{element('output', output)}"
    )


def delete_tags(call: Call) -> str:
    """DeleteTags: ResourceId (instance ids), Tag (keys, each with an optional Value that must
    match); no Tag removes every tag."""
    p = call.params
    resources = p.strings("ResourceId", required=True)
    tags: dict[str, str | None] | None = None
    items = p.structs("Tag")
    if items:
        tags = {}
        for item in items:
            key = item.string("Key", required=True)
            assert key is not None
            if key.lower().startswith("aws:"):
                raise RequestError(
                    "InvalidParameterValue",
                    "Tag keys starting with 'aws:' are reserved for AWS use",
                )
            tags[key] = item.string("Value")
    instance_resources(resources, "only instances have tags")
    call.ready()
    call.sim.delete_tags(call.account, resources, tags)
    return "<return>true</return>"


def instance_resources(resources: list[str], why: str) -> None:
    """Refuse (`InvalidID`, saying `why`) a resource id that is not an instance's."""
    for resource in resources:
        if not resource.startswith("i-"):
            raise RequestError("InvalidID", f"The ID '{resource}' is not valid: {why}")
