"""Instances: the compact record the simulator keeps, and the snapshots it hands out."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

from simulator._catalogue import InstanceType
from simulator._lifecycle import RUNNING, STATE_CODES

INSTANCE_ID = re.compile(r"i-(?:[0-9a-f]{8}|[0-9a-f]{17})")
"""A well-formed instance id (EC2 accepts the old 8-digit form too)."""

_NO_TAGS: Mapping[str, str] = MappingProxyType({})


class InstanceFacts(Protocol):
    """What a `describe_instances(where=...)` test may read of an instance, in place.

    The fields of `InstanceView` that cost nothing to read; `tags` may be None for no tags.
    """

    @property
    def id(self) -> str: ...
    @property
    def account(self) -> str: ...
    @property
    def image_id(self) -> str: ...
    @property
    def instance_type(self) -> str: ...
    @property
    def architecture(self) -> str: ...
    @property
    def zone(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def launched_at(self) -> float: ...
    @property
    def state_since(self) -> float: ...
    @property
    def tags(self) -> Mapping[str, str] | None: ...
    @property
    def key_name(self) -> str | None: ...
    @property
    def groups(self) -> tuple[tuple[str, str], ...]: ...


class Record:
    """The live state of one instance: slots only, catalogue objects shared, addresses derived."""

    __slots__ = (
        "account",
        "groups",
        "id",
        "image_id",
        "key_name",
        "kind",
        "launched_at",
        "serial",
        "state",
        "state_since",
        "tags",
        "ticket",
        "zone",
    )

    def __init__(
        self,
        instance_id: str,
        account: str,
        image_id: str,
        kind: InstanceType,
        zone: str,
        now: float,
        serial: int,
        key_name: str | None = None,
        groups: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.id = instance_id
        self.account = account
        self.image_id = image_id
        self.kind = kind
        self.zone = zone
        self.state = ""
        self.launched_at = now
        self.state_since = now
        self.serial = serial
        self.tags: dict[str, str] | None = None
        self.ticket = 0  # the schedule entry that may advance this record; 0: none
        self.key_name = key_name
        self.groups = groups  # (id, name) of its security groups

    @property
    def instance_type(self) -> str:
        """The name of the instance type."""
        return self.kind.name

    @property
    def architecture(self) -> str:
        """The architecture of the instance type."""
        return self.kind.architecture

    def view(self) -> InstanceView:
        """A snapshot of this instance."""
        serial = self.serial
        return InstanceView(
            id=self.id,
            account=self.account,
            image_id=self.image_id,
            instance_type=self.kind.name,
            zone=self.zone,
            state=self.state,
            launched_at=self.launched_at,
            state_since=self.state_since,
            private_ip=f"10.{serial >> 16 & 255}.{serial >> 8 & 255}.{serial & 255}",
            public_ip=(
                f"198.{18 + (serial >> 16 & 1)}.{serial >> 8 & 255}.{serial & 255}"
                if self.state == RUNNING
                else None
            ),
            tags=MappingProxyType(dict(self.tags)) if self.tags else _NO_TAGS,
            name=self.tags.get("Name") if self.tags else None,
            architecture=self.kind.architecture,
            key_name=self.key_name,
            security_groups=self.groups,
        )


@dataclass(frozen=True, slots=True)
class InstanceView:
    """A snapshot of one instance, taken when it was returned; `name` is its `Name` tag.

    `public_ip` is set only while the instance is running. `security_groups` holds the
    (id, name) of each of its security groups.
    """

    id: str
    account: str
    image_id: str
    instance_type: str
    zone: str
    state: str
    launched_at: float
    state_since: float
    private_ip: str
    public_ip: str | None
    tags: Mapping[str, str]
    name: str | None
    architecture: str
    key_name: str | None = None
    security_groups: tuple[tuple[str, str], ...] = ()

    @property
    def state_code(self) -> int:
        """EC2's numeric code of `state`."""
        return STATE_CODES[self.state]


@dataclass(frozen=True, slots=True)
class StateChange:
    """What an action did to one instance: its state before the call and after it."""

    instance_id: str
    previous_state: str
    current_state: str


class IdMaker:
    """Makes resource ids, a prefix and 17 hex digits (`i-...`), reproducibly from a seed."""

    def __init__(self, seed: int | str) -> None:
        self._random = random.Random(seed)

    def make(self, prefix: str = "i") -> str:
        """A fresh id (the caller checks it is unused)."""
        return f"{prefix}-{self._random.getrandbits(68):017x}"
