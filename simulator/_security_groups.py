"""Security groups: each account's groups in its default VPC, and their ingress rules.

Every account has a group named `default`, which cannot be deleted. A new group allows all
outbound traffic (one egress rule) and no inbound traffic until rules are authorized. A rule
grants one protocol and port range to one peer: an IPv4 or IPv6 range, or another group of
the same account. Names are unique per account, compared without regard to case.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from simulator._errors import (
    CannotDelete,
    DependencyViolation,
    DuplicateGroup,
    DuplicatePermission,
    InvalidParameter,
    MalformedGroupId,
    ReservedGroup,
    UnknownGroup,
    UnknownPermission,
)

GROUP_ID = re.compile(r"sg-(?:[0-9a-f]{8}|[0-9a-f]{17})")
"""A well-formed security group id (EC2 accepts the old 8-digit form too)."""

DEFAULT_GROUP = "default"
"""The name of the group every account has."""

ALL_PROTOCOLS = "-1"

_PROTOCOLS = {"tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp", "icmp": "icmp", "1": "icmp",
              "-1": ALL_PROTOCOLS, "all": ALL_PROTOCOLS}  # fmt: skip
_TEXT = re.compile(r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{1,255}")
_NUMBER = re.compile(r"[0-9]{1,3}")


@dataclass(frozen=True, slots=True)
class Permission:
    """What one rule allows: a protocol, a port range and one peer (`cidr` or `group_id`).

    `protocol` is "tcp", "udp", "icmp", "-1" (every protocol) or an IP protocol number (names
    and numbers are normalized: "6" is "tcp"); the ports are None where the protocol has none
    (for icmp they are the type and code, -1 for any). Construction checks everything EC2
    checks and raises `InvalidParameter` (`MalformedGroupId` for a bad `group_id`).
    """

    protocol: str
    from_port: int | None = None
    to_port: int | None = None
    cidr: str | None = None
    group_id: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        protocol = self.protocol
        if not isinstance(protocol, str):
            raise InvalidParameter(f"Invalid value {protocol!r} for IpProtocol")
        name = _PROTOCOLS.get(protocol.lower())
        if name is None:
            if not _NUMBER.fullmatch(protocol) or int(protocol) > 255:
                raise InvalidParameter(
                    f"Invalid value '{protocol}' for IpProtocol: expected tcp, udp, icmp, -1 or "
                    f"a protocol number from 0 to 255"
                )
            name = str(int(protocol))
        low: int | None = None
        high: int | None = None
        if name in ("tcp", "udp"):
            low = _port(self.from_port, "FromPort", 0, 65535)
            high = _port(self.to_port, "ToPort", 0, 65535)
            if low > high:
                raise InvalidParameter(
                    f"Invalid port range: FromPort ({low}) must not exceed ToPort ({high})"
                )
        elif name == "icmp":
            low = _port(-1 if self.from_port is None else self.from_port, "FromPort", -1, 255)
            high = _port(-1 if self.to_port is None else self.to_port, "ToPort", -1, 255)
        if (self.cidr is None) == (self.group_id is None):
            raise InvalidParameter(
                "A rule needs exactly one peer: a CIDR range or a security group"
            )
        if self.group_id is not None:
            check_group_id(self.group_id)
        if not isinstance(self.description, str) or len(self.description) > 255:
            raise InvalidParameter("A rule description is a string of 255 characters at most")
        object.__setattr__(self, "protocol", name)
        object.__setattr__(self, "from_port", low)
        object.__setattr__(self, "to_port", high)
        if self.cidr is not None:
            object.__setattr__(self, "cidr", _cidr(self.cidr))

    @property
    def key(self) -> tuple[object, ...]:
        """What makes two rules the same rule (the description does not)."""
        return (self.protocol, self.from_port, self.to_port, self.cidr, self.group_id)

    def describe(self) -> str:
        """The rule as EC2 words it in errors: peer, protocol, ports."""
        peer = self.cidr or self.group_id
        ports = (
            "ALL"
            if self.from_port is None
            else f"from port: {self.from_port}, to port: {self.to_port}"
        )
        return f"peer: {peer}, {self.protocol.upper()}, {ports}, ALLOW"


@dataclass(frozen=True, slots=True)
class Rule:
    """A granted permission: its `sgr-` id, the group it belongs to, and its direction."""

    id: str
    group_id: str
    egress: bool
    permission: Permission


@dataclass(frozen=True, slots=True)
class SecurityGroup:
    """A snapshot of one security group."""

    id: str
    name: str
    description: str
    account: str
    owner_id: str
    vpc_id: str
    ingress: tuple[Rule, ...]
    egress: tuple[Rule, ...]


def check_name(name: object, what: str = "GroupName") -> str:
    """`name` if it is a legal group name or description (`InvalidParameter` otherwise)."""
    if not isinstance(name, str) or not _TEXT.fullmatch(name):
        raise InvalidParameter(
            f"Invalid value '{name}' for {what}: 1 to 255 characters among a-z, A-Z, 0-9, "
            f"spaces and ._-:/()#,@[]+=&;{{}}!$*"
        )
    return name


def check_group_id(group_id: object) -> str:
    """`group_id` if it is a well-formed group id (`MalformedGroupId` otherwise)."""
    if not isinstance(group_id, str) or not GROUP_ID.fullmatch(group_id):
        raise MalformedGroupId(f"Invalid id: '{group_id}' (expecting 'sg-...')")
    return group_id


def default_vpc_id(owner_id: str) -> str:
    """The id of an account's default VPC, derived from its account id."""
    return "vpc-" + hashlib.sha256(f"vpc:{owner_id}".encode()).hexdigest()[:17]


def _port(value: int | None, what: str, low: int, high: int) -> int:
    if value is None:
        raise InvalidParameter(f"{what} is required for this protocol")
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidParameter(f"Invalid value '{value}' for {what}: from {low} to {high}")
    return value


def _cidr(value: object) -> str:
    if not isinstance(value, str) or "/" not in value:
        raise InvalidParameter(f"CIDR block {value} is malformed")
    try:
        return str(ipaddress.ip_network(value, strict=True))
    except ValueError:
        raise InvalidParameter(f"CIDR block {value} is malformed") from None


class _Group:
    """The live state of one group; only `GroupTable` changes it."""

    __slots__ = ("description", "egress", "id", "ingress", "name")

    def __init__(self, group_id: str, name: str, description: str) -> None:
        self.id = group_id
        self.name = name
        self.description = description
        self.ingress: list[Rule] = []
        self.egress: list[Rule] = []


class GroupTable:
    """One account's security groups in creation order; the simulator's lock guards it."""

    def __init__(self, account: str, owner_id: str, make_id: Callable[[str], str]) -> None:
        self.account = account
        self.owner_id = owner_id
        self.vpc_id = default_vpc_id(owner_id)
        self._make_id = make_id
        self._groups: dict[str, _Group] = {}

    def create(self, name: str, description: str, *, reserved_ok: bool = False) -> SecurityGroup:
        """A new group allowing all egress; the name must be free (and not `default`)."""
        check_name(name)
        check_name(description, "GroupDescription")
        if name.lower().startswith("sg-"):
            raise InvalidParameter(
                f"Invalid value '{name}' for GroupName: it may not start with sg-"
            )
        if name == DEFAULT_GROUP and not reserved_ok:
            raise ReservedGroup(f"The security group '{name}' is reserved")
        folded = name.casefold()
        if any(group.name.casefold() == folded for group in self._groups.values()):
            raise DuplicateGroup(
                f"The security group '{name}' already exists for VPC '{self.vpc_id}'"
            )
        group = _Group(self._make_id("sg"), name, description)
        group.egress.append(
            Rule(self._make_id("sgr"), group.id, True, Permission(ALL_PROTOCOLS, cidr="0.0.0.0/0"))
        )
        self._groups[group.id] = group
        return self._view(group)

    def find(
        self, ids: Sequence[str] | None = None, names: Sequence[str] | None = None
    ) -> list[SecurityGroup]:
        """Every group (no ids, no names), or exactly those named, ids first, in order given."""
        if ids is None and names is None:
            return [self._view(group) for group in self._groups.values()]
        found = [self._by_id(group_id) for group_id in dict.fromkeys(ids or ())]
        found += [self._by_name(name) for name in dict.fromkeys(names or ())]
        return [self._view(group) for group in dict.fromkeys(found)]

    def resolve(self, ref: str, *, by_name: bool = False) -> SecurityGroup:
        """The group with id (or, `by_name`, name) `ref`."""
        return self._view(self._by_name(ref) if by_name else self._by_id(ref))

    def authorize(self, group_id: str, permissions: Sequence[Permission]) -> list[Rule]:
        """Add ingress rules; one already there (or given twice) and none is added."""
        group = self._by_id(group_id)
        self._check_peers(permissions)
        existing = {rule.permission.key for rule in group.ingress}
        for item in permissions:
            if item.key in existing:
                raise DuplicatePermission(f'the specified rule "{item.describe()}" already exists')
            existing.add(item.key)
        rules = [Rule(self._make_id("sgr"), group.id, False, item) for item in permissions]
        group.ingress.extend(rules)
        return rules

    def revoke(self, group_id: str, permissions: Sequence[Permission]) -> list[Rule]:
        """Remove ingress rules; one not there and none is removed."""
        group = self._by_id(group_id)
        by_key = {rule.permission.key: rule for rule in group.ingress}
        missing = [item for item in permissions if item.key not in by_key]
        if missing:
            raise UnknownPermission(
                f'The specified rule "{missing[0].describe()}" does not exist in security group '
                f"'{group.id}'"
            )
        gone = {by_key[item.key].id for item in permissions}
        group.ingress = [rule for rule in group.ingress if rule.id not in gone]
        return [by_key[item.key] for item in permissions]

    def delete(self, group_id: str, in_use: Callable[[str], bool]) -> SecurityGroup:
        """Remove a group: not `default`, nor one `in_use` or that other groups' rules name."""
        group = self._by_id(group_id)
        if group.name == DEFAULT_GROUP:
            raise CannotDelete(
                f'the specified group: "{group.id}" name: "{group.name}" cannot be deleted '
                "by a user"
            )
        if in_use(group.id) or any(
            rule.permission.group_id == group.id
            for other in self._groups.values()
            if other is not group
            for rule in other.ingress
        ):
            raise DependencyViolation(f"resource {group.id} has a dependent object")
        del self._groups[group.id]
        return self._view(group)

    def names(self, ids: Iterable[str]) -> tuple[tuple[str, str], ...]:
        """(id, name) of each group id (all known)."""
        return tuple((group_id, self._groups[group_id].name) for group_id in ids)

    def _check_peers(self, permissions: Sequence[Permission]) -> None:
        for item in permissions:
            if item.group_id is not None:
                self._by_id(item.group_id)

    def _by_id(self, group_id: str) -> _Group:
        group = self._groups.get(check_group_id(group_id))
        if group is None:
            raise UnknownGroup(f"The security group '{group_id}' does not exist")
        return group

    def _by_name(self, name: str) -> _Group:
        for group in self._groups.values():
            if group.name == name:
                return group
        raise UnknownGroup(
            f"The security group '{name}' does not exist in default VPC '{self.vpc_id}'"
        )

    def _view(self, group: _Group) -> SecurityGroup:
        return SecurityGroup(
            group.id, group.name, group.description, self.account, self.owner_id, self.vpc_id,
            tuple(group.ingress), tuple(group.egress),
        )  # fmt: skip
