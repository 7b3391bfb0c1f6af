"""The security group actions: Describe, Create, Delete, and Authorize/Revoke ingress rules.

Rules come as `IpPermissions.N` (protocol, ports, and peers in `IpRanges`, `Ipv6Ranges` and
`Groups`, the wire name of `UserIdGroupPairs`) or in the older flat form (`IpProtocol`,
`FromPort`, `ToPort`, `CidrIp`). A source group is given by `GroupId`, in the same account.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from simulator._security_groups import Permission, Rule, SecurityGroup, default_vpc_id
from simulator.ec2._errors import RequestError, invalid, missing
from simulator.ec2._filters import Attribute, page, parse_filters
from simulator.ec2._query import Params
from simulator.ec2._xml import element, item_set

if TYPE_CHECKING:
    from simulator.ec2._actions import Call


def _ingress(group: SecurityGroup, read: str) -> tuple[str, ...]:
    values = []
    for rule in group.ingress:
        item = rule.permission
        if read == "protocol":
            values.append(item.protocol)
        elif read in ("from", "to"):
            port = item.from_port if read == "from" else item.to_port
            if port is not None:
                values.append(str(port))
        elif read in ("cidr", "ipv6") and item.cidr and (":" in item.cidr) == (read == "ipv6"):
            values.append(item.cidr)
        elif read == "group" and item.group_id:
            values.append(item.group_id)
    return tuple(values)


GROUP_FILTERS: Mapping[str, Attribute[SecurityGroup]] = {
    "group-id": lambda group: (group.id,),
    "group-name": lambda group: (group.name,),
    "description": lambda group: (group.description,),
    "vpc-id": lambda group: (group.vpc_id,),
    "owner-id": lambda group: (group.owner_id,),
    "ip-permission.protocol": lambda group: _ingress(group, "protocol"),
    "ip-permission.from-port": lambda group: _ingress(group, "from"),
    "ip-permission.to-port": lambda group: _ingress(group, "to"),
    "ip-permission.cidr": lambda group: _ingress(group, "cidr"),
    "ip-permission.ipv6-cidr": lambda group: _ingress(group, "ipv6"),
    "ip-permission.group-id": lambda group: _ingress(group, "group"),
}


def describe_security_groups(call: Call) -> str:
    """DescribeSecurityGroups: GroupId, GroupName, Filter, MaxResults (5 to 1000), NextToken."""
    p = call.params
    ids = p.strings("GroupId")
    names = p.strings("GroupName")
    predicate = parse_filters(p, GROUP_FILTERS)
    max_results = p.integer("MaxResults", minimum=5, maximum=1000)
    token = p.string("NextToken")
    if (ids or names) and max_results is not None:
        raise RequestError(
            "InvalidParameterCombination",
            "The parameters GroupId and GroupName cannot be used with the parameter MaxResults",
        )
    call.ready()
    groups = call.sim.describe_security_groups(call.account, ids or None, names or None)
    if predicate is not None:
        groups = [group for group in groups if predicate(group)]
    groups, next_token = page(groups, _group_id, max_results, token, "DescribeSecurityGroups")
    region = call.sim.region
    return item_set(
        "securityGroupInfo", (security_group(group, region) for group in groups)
    ) + element("nextToken", next_token)


def _group_id(group: SecurityGroup) -> str:
    return group.id


def create_security_group(call: Call) -> str:
    """CreateSecurityGroup: GroupName, GroupDescription, VpcId (the account's default VPC)."""
    p = call.params
    name = p.string("GroupName", required=True)
    description = p.string("GroupDescription", required=True)
    vpc_id = p.string("VpcId")
    if vpc_id is not None and vpc_id != default_vpc_id(call.owner_id):
        raise RequestError("InvalidVpcID.NotFound", f"The vpc ID '{vpc_id}' does not exist")
    call.ready()
    assert name is not None
    assert description is not None
    group = call.sim.create_security_group(call.account, name, description)
    return (
        f"<return>true</return>{element('groupId', group.id)}"
        f"{element('securityGroupArn', _arn(group, call.sim.region))}"
    )


def authorize_security_group_ingress(call: Call) -> str:
    """AuthorizeSecurityGroupIngress: GroupId or GroupName, and the rules to add."""
    group_id, group_name = call.params.either("GroupId", "GroupName")
    permissions = _permissions(call.params, call.owner_id)
    call.ready()
    rules = call.sim.authorize_security_group_ingress(
        call.account, permissions, group_id=group_id, group_name=group_name
    )
    return "<return>true</return>" + item_set(
        "securityGroupRuleSet", (rule_item(rule, call.owner_id) for rule in rules)
    )


def revoke_security_group_ingress(call: Call) -> str:
    """RevokeSecurityGroupIngress: GroupId or GroupName, and the rules to remove."""
    group_id, group_name = call.params.either("GroupId", "GroupName")
    permissions = _permissions(call.params, call.owner_id)
    call.ready()
    call.sim.revoke_security_group_ingress(
        call.account, permissions, group_id=group_id, group_name=group_name
    )
    return "<return>true</return>"


def delete_security_group(call: Call) -> str:
    """DeleteSecurityGroup: GroupId or GroupName."""
    group_id, group_name = call.params.either("GroupId", "GroupName")
    call.ready()
    group = call.sim.delete_security_group(call.account, group_id=group_id, group_name=group_name)
    return f"<return>true</return>{element('groupId', group.id)}"


def _permissions(p: Params, owner_id: str) -> list[Permission]:
    """The rules of a request, one `Permission` per peer, in the order given."""
    permissions: list[Permission] = []
    for item in p.structs("IpPermissions"):
        protocol = item.string("IpProtocol", required=True)
        assert protocol is not None
        ports = (item.integer("FromPort"), item.integer("ToPort"))
        peers: list[tuple[str | None, str | None, str]] = []
        for ip_range in item.structs("IpRanges"):
            peers.append((ip_range.string("CidrIp", required=True), None, _note(ip_range)))
        for ip_range in item.structs("Ipv6Ranges"):
            peers.append((ip_range.string("CidrIpv6", required=True), None, _note(ip_range)))
        for pair in item.structs("Groups"):
            user_id = pair.string("UserId")
            if user_id is not None and user_id != owner_id:
                raise invalid("UserId", user_id, "Source groups of other accounts are not served")
            source = pair.string("GroupId", required=True)  # by name: not served
            peers.append((None, source, _note(pair)))
        if item.structs("PrefixListIds"):
            raise RequestError(
                "InvalidParameterValue", "Prefix lists are not served by the simulator"
            )
        if not peers:
            raise RequestError(
                "MissingParameter",
                "A rule needs a peer: IpRanges, Ipv6Ranges or Groups (UserIdGroupPairs)",
            )
        permissions += [
            Permission(protocol, *ports, cidr=cidr, group_id=source, description=note)
            for cidr, source, note in peers
        ]
    cidr = p.string("CidrIp")
    flat_protocol = p.string("IpProtocol")
    flat_ports = (p.integer("FromPort"), p.integer("ToPort"))
    if p.string("SourceSecurityGroupName") is not None:
        raise RequestError(
            "InvalidParameterValue",
            "SourceSecurityGroupName is not served: give the source group in IpPermissions "
            "(Groups.N.GroupId)",
        )
    if cidr is not None or flat_protocol is not None:
        if permissions:
            raise RequestError(
                "InvalidParameterCombination", "Give IpPermissions or CidrIp/IpProtocol, not both"
            )
        if cidr is None or flat_protocol is None:
            raise missing("CidrIp" if cidr is None else "IpProtocol")
        permissions.append(Permission(flat_protocol, *flat_ports, cidr=cidr))
    p.ignore("SourceSecurityGroupOwnerId")
    if not permissions:
        raise missing("IpPermissions")
    return permissions


def _note(item: Params) -> str:
    return item.string("Description") or ""


def _arn(group: SecurityGroup, region: str) -> str:
    return f"arn:aws:ec2:{region}:{group.owner_id}:security-group/{group.id}"


def security_group(group: SecurityGroup, region: str) -> str:
    """One item of DescribeSecurityGroups."""
    return (
        f"{element('ownerId', group.owner_id)}{element('groupId', group.id)}"
        f"{element('groupName', group.name)}{element('groupDescription', group.description)}"
        f"{element('vpcId', group.vpc_id)}"
        f"{item_set('ipPermissions', ip_permissions(group.ingress, group.owner_id))}"
        f"{item_set('ipPermissionsEgress', ip_permissions(group.egress, group.owner_id))}"
        f"{element('securityGroupArn', _arn(group, region))}<tagSet/>"
    )


def ip_permissions(rules: Iterable[Rule], owner_id: str) -> list[str]:
    """Rules as EC2 lists them: one item per protocol and port range, its peers inside."""
    grouped: dict[tuple[str, int | None, int | None], list[Permission]] = {}
    for rule in rules:
        item = rule.permission
        grouped.setdefault((item.protocol, item.from_port, item.to_port), []).append(item)
    items = []
    for (protocol, low, high), peers in grouped.items():
        v4 = [peer for peer in peers if peer.cidr and ":" not in peer.cidr]
        v6 = [peer for peer in peers if peer.cidr and ":" in peer.cidr]
        sources = [peer for peer in peers if peer.group_id]
        items.append(
            f"{element('ipProtocol', protocol)}{element('fromPort', low)}"
            f"{element('toPort', high)}"
            + item_set(
                "groups",
                (
                    f"{element('userId', owner_id)}{element('groupId', peer.group_id)}"
                    f"{element('description', peer.description or None)}"
                    for peer in sources
                ),
            )
            + item_set(
                "ipRanges",
                (
                    f"{element('cidrIp', peer.cidr)}"
                    f"{element('description', peer.description or None)}"
                    for peer in v4
                ),
            )
            + item_set(
                "ipv6Ranges",
                (
                    f"{element('cidrIpv6', peer.cidr)}"
                    f"{element('description', peer.description or None)}"
                    for peer in v6
                ),
            )
            + "<prefixListIds/>"
        )
    return items


def rule_item(rule: Rule, owner_id: str) -> str:
    """One item of a `securityGroupRuleSet`."""
    item = rule.permission
    if item.cidr is None:
        peer = (
            f"<referencedGroupInfo>{element('groupId', item.group_id)}"
            f"{element('userId', owner_id)}</referencedGroupInfo>"
        )
    else:
        peer = element("cidrIpv6" if ":" in item.cidr else "cidrIpv4", item.cidr)
    return (
        f"{element('securityGroupRuleId', rule.id)}{element('groupId', rule.group_id)}"
        f"{element('groupOwnerId', owner_id)}{element('isEgress', rule.egress)}"
        f"{element('ipProtocol', item.protocol)}"
        f"{element('fromPort', -1 if item.from_port is None else item.from_port)}"
        f"{element('toPort', -1 if item.to_port is None else item.to_port)}"
        f"{peer}{element('description', item.description or None)}"
    )
