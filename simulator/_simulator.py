"""The simulated cloud: accounts, instances, their lifecycle in virtual time, and faults."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import count

from simulator import _lifecycle as lifecycle
from simulator._audit import AuditLog
from simulator._catalogue import Account, Catalogue, InstanceType, MachineImage, Zone
from simulator._clock import Clock, ManualClock
from simulator._config import SimulatorConfig, default_config
from simulator._core import Operations, control
from simulator._ec2_resources import RESOURCE_OPERATIONS, KeyPairsAndGroups, strings, unique
from simulator._errors import (
    AuthFailure,
    CapacityExceeded,
    IncorrectState,
    InvalidParameter,
    MalformedInstanceId,
    UnknownImage,
    UnknownInstance,
    UnknownInstanceType,
    UnknownZone,
)
from simulator._faults import FaultInjector
from simulator._instances import (
    INSTANCE_ID,
    IdMaker,
    InstanceFacts,
    InstanceView,
    Record,
    StateChange,
)
from simulator._keypairs import KeyPair
from simulator._schedule import Schedule
from simulator._security_groups import (
    GroupTable,
)

_OPERATIONS = Operations()
_operation = _OPERATIONS
_control = control

_PAST_PARTICIPLES = {
    "start": "started",
    "stop": "stopped",
    "reboot": "rebooted",
    "terminate": "terminated",
}


class Simulator(KeyPairsAndGroups):
    """An in-process EC2-style cloud on a clock; every method is thread-safe.

    Time passes only when the clock is advanced: automatic transitions (boot, stop and
    termination completing, terminated instances expiring) are applied, in due order, when
    the next method call finds them due.
    """

    def __init__(
        self, config: SimulatorConfig | None = None, clock: Clock | None = None, seed: int = 0
    ) -> None:
        self.config = config if config is not None else default_config()
        self.clock: Clock = clock if clock is not None else ManualClock()
        self.region = self.config.region
        self.seed = seed
        self.faults = FaultInjector(OPERATIONS, seed)
        self._catalogue = Catalogue(
            self.config.accounts, self.config.instance_types, self.config.zones, self.config.images
        )
        self._defaults_by_architecture = self.config.defaults_by_architecture
        self._lock = threading.RLock()
        self._now = self.clock.now()
        self._start_empty()

    def _start_empty(self) -> None:
        self._instances: dict[str, dict[str, Record]] = {
            name: {} for name in self._catalogue.accounts
        }
        self._occupied = dict.fromkeys(self._catalogue.zones, 0)  # instances not terminated
        self._schedule: Schedule[Record] = Schedule()
        self._audit = AuditLog()
        self._ids = IdMaker(self.seed)
        self._serials = count(1)
        self._resource_ids = IdMaker(f"resources:{self.seed}")
        self._used_ids: set[str] = set()
        self._key_pairs: dict[str, dict[str, KeyPair]] = {}
        self._groups: dict[str, GroupTable] = {}
        for account in self._catalogue.accounts.values():
            self._furnish(account)

    def __repr__(self) -> str:
        return f"<Simulator {self.region} at {self.clock.now()!r}>"

    # Accounts and catalogue

    @_operation
    def authenticate(self, name: str, secret: str) -> Account:
        """The account `name` if `secret` is its secret; `AuthFailure` otherwise."""
        account = self._catalogue.accounts.get(name) if isinstance(name, str) else None
        if (
            account is None
            or not isinstance(secret, str)
            or not hmac.compare_digest(secret.encode(), account.secret.encode())
        ):
            raise AuthFailure("AWS was not able to validate the provided access credentials")
        return account

    @_control
    def account_secret(self, name: str) -> str | None:
        """The secret of account `name` (None if there is none), to verify request signatures."""
        account = self._catalogue.accounts.get(name)
        return account.secret if account is not None else None

    @_operation
    def instance_types(self) -> list[InstanceType]:
        """The instance types, in catalogue order."""
        return list(self._catalogue.instance_types.values())

    @_operation
    def zones(self) -> list[Zone]:
        """The availability zones of the region, in catalogue order."""
        return list(self._catalogue.zones.values())

    @_operation
    def regions(self) -> list[str]:
        """The one region this simulator serves."""
        return [self.region]

    @_operation
    def images(
        self,
        account: str,
        ids: Sequence[str] | None = None,
        owners: Sequence[str] | None = None,
    ) -> list[MachineImage]:
        """The public images and the account's own, in catalogue order.

        With `ids`: exactly those, in the order given (`UnknownImage` for any id not visible).
        With `owners`: only images owned by one of them ("self" is the account).
        """
        self._index(account)
        visible = self._catalogue.visible_images(account)
        if ids is not None:
            wanted = unique(strings(ids, "ids"))
            by_id = {image.id: image for image in visible}
            missing = [image_id for image_id in wanted if image_id not in by_id]
            if missing:
                raise UnknownImage(f"The image id '[{', '.join(missing)}]' does not exist")
            visible = [by_id[image_id] for image_id in wanted]
        if owners is not None:
            chosen = {account if owner == "self" else owner for owner in strings(owners, "owners")}
            visible = [image for image in visible if image.owner in chosen]
        return visible

    @_operation
    def addresses(self, account: str) -> list[str]:
        """The account's Elastic IP addresses: none, since the simulator allocates none.

        (EC2 lists only allocated addresses, not the public address an instance gets at launch.)
        """
        self._index(account)
        return []

    # Instances

    @_operation
    def run_instances(
        self,
        account: str,
        image_id: str,
        *,
        min_count: int = 1,
        max_count: int = 1,
        instance_type: str | None = None,
        zone: str | None = None,
        tags: Mapping[str, str] | None = None,
        key_name: str | None = None,
        security_group_ids: Sequence[str] | None = None,
        security_group_names: Sequence[str] | None = None,
    ) -> list[InstanceView]:
        """Launch between `min_count` and `max_count` instances, as many as capacity allows.

        They start `pending` (`running` at once when boot_seconds is 0). The default instance
        type is the configured one, else the configured one for the image's architecture
        (`default_instance_types`), else the first of that architecture; the default zone is
        the first available zone with room for `min_count`. `key_name` names one of the
        account's key pairs; the security groups (by id and by name) default to the account's
        `default` group.
        """
        index = self._index(account)
        for name, value in (("min_count", min_count), ("max_count", max_count)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidParameter(f"Invalid value '{value}' for {name}: must be >= 1")
        if min_count > max_count:
            raise InvalidParameter(
                f"min_count ({min_count}) must not be greater than max_count ({max_count})"
            )
        image = self._image(account, image_id)
        kind = self._instance_type(image, instance_type)
        if key_name is not None:
            self._find_key_pairs(account, names=[key_name])
        groups = self._launch_groups(account, security_group_ids, security_group_names)
        new_tags = _tags(tags) if tags is not None else None
        place = self._zone(zone, min_count)
        room = self._room(place)
        number = max_count if room is None else min(max_count, room)

        now = self._now
        records = []
        for _ in range(number):
            record = Record(
                self._fresh_id(), account, image.id, kind, place.name, now, next(self._serials),
                key_name, groups,
            )  # fmt: skip
            lifecycle.enter_initial(record)
            if new_tags:
                record.tags = dict(new_tags)
            index[record.id] = record
            self._occupied[place.name] += 1
            self._audit.record(record.id, account, None, record.state, "run_instances", now)
            self._schedule.add(record, now + self.config.boot_seconds)
            records.append(record)
        self._settle(now)
        return [record.view() for record in records]

    @_operation
    def describe_instances(
        self,
        account: str,
        ids: Sequence[str] | None = None,
        *,
        where: Callable[[InstanceFacts], bool] | None = None,
    ) -> list[InstanceView]:
        """The account's instances in creation order, terminated ones kept for the retention time.

        With `ids`: exactly those, in the order given, duplicates collapsed. With `where`: only
        those it accepts. It reads each instance in place, before a snapshot is taken (so a
        filter that keeps few does not pay for snapshots of all), and must not keep what it is
        given.
        """
        index = self._index(account)
        launched_by = self._now - self.faults.consistency_delay
        if ids is None:
            records: Iterable[Record] = (
                record for record in index.values() if record.launched_at <= launched_by
            )
        else:
            records = self._find(index, ids, launched_by)
        if where is not None:
            records = filter(where, records)
        return [record.view() for record in records]

    @_operation
    def start_instances(self, account: str, ids: Sequence[str]) -> list[StateChange]:
        """Start stopped instances (pending, then running); pending or running ones stay so."""
        return self._act(account, ids, "start", "start_instances")

    @_operation
    def stop_instances(self, account: str, ids: Sequence[str]) -> list[StateChange]:
        """Stop running instances (stopping, then stopped); stopping or stopped ones stay so."""
        return self._act(account, ids, "stop", "stop_instances")

    @_operation
    def reboot_instances(self, account: str, ids: Sequence[str]) -> list[StateChange]:
        """Reboot running instances: they stay running, and the audit log records the reboot."""
        return self._act(account, ids, "reboot", "reboot_instances")

    @_operation
    def terminate_instances(self, account: str, ids: Sequence[str]) -> list[StateChange]:
        """Terminate instances (shutting_down, then terminated); terminating twice is harmless."""
        return self._act(account, ids, "terminate", "terminate_instances")

    @_operation
    def describe_instance_status(
        self, account: str, ids: Sequence[str] | None = None, *, include_all: bool = False
    ) -> list[InstanceView]:
        """The account's running instances (all it lists, with `include_all`), in creation
        order; with `ids`, those of them, in the order given (unknown ids are refused)."""
        index = self._index(account)
        records = list(index.values()) if ids is None else self._find(index, ids)
        return [
            record.view() for record in records if include_all or record.state == lifecycle.RUNNING
        ]

    @_operation
    def describe_instance_attribute(self, account: str, instance_id: str) -> InstanceView:
        """One instance, to read an attribute of (type, key name, security groups)."""
        [record] = self._find(self._index(account), [instance_id])
        return record.view()

    @_operation
    def modify_instance_attribute(
        self,
        account: str,
        instance_id: str,
        *,
        instance_type: str | None = None,
        security_group_ids: Sequence[str] | None = None,
    ) -> InstanceView:
        """Change one attribute: the instance type (only while stopped, same architecture)
        or the security groups (any state but terminated). Audited as a change that keeps
        the instance in its state."""
        [record] = self._find(self._index(account), [instance_id])
        if (instance_type is None) == (security_group_ids is None):
            raise InvalidParameter("Modify exactly one attribute: instance_type or security groups")
        if instance_type is not None:
            kind = self._catalogue.instance_types.get(instance_type)
            if kind is None:
                raise UnknownInstanceType(f"Invalid value '{instance_type}' for InstanceType.")
            if record.state != lifecycle.STOPPED:
                raise IncorrectState(
                    f"The instance '{record.id}' is not in the 'stopped' state (it is "
                    f"{record.state})",
                    [record.id],
                )
            if kind.architecture != record.kind.architecture:
                raise InvalidParameter(
                    f"The instance type '{kind.name}' ({kind.architecture}) does not match the "
                    f"architecture of instance {record.id} ({record.kind.architecture})"
                )
            record.kind = kind
        else:
            assert security_group_ids is not None
            if record.state in (lifecycle.SHUTTING_DOWN, lifecycle.TERMINATED):
                raise IncorrectState(
                    f"The instance '{record.id}' is {record.state}: its groups cannot change",
                    [record.id],
                )
            groups = self._launch_groups(account, security_group_ids, None)
            if not security_group_ids:
                raise InvalidParameter("An instance needs at least one security group")
            record.groups = groups
        self._audit.record(
            record.id, account, record.state, record.state, "modify_instance_attribute", self._now
        )
        return record.view()

    @_operation
    def get_console_output(self, account: str, instance_id: str) -> tuple[str, float]:
        """The instance's serial console log so far, and when it was read (empty before the
        first boot completes)."""
        [record] = self._find(self._index(account), [instance_id])
        return _console(record, self.region), self._now

    # Tags

    @_operation
    def create_tags(
        self, account: str, resource_ids: Sequence[str], tags: Mapping[str, str]
    ) -> None:
        """Set `tags` on every instance of `resource_ids`; one bad id and none is tagged."""
        records = self._find(self._index(account), resource_ids)
        new_tags = _tags(tags)
        for record in records:
            record.tags = {**record.tags, **new_tags} if record.tags else dict(new_tags)

    @_operation
    def describe_tags(
        self, account: str, resource_ids: Sequence[str] | None = None
    ) -> list[tuple[str, str, str]]:
        """(resource id, key, value) of the account's instances' tags, in creation order."""
        index = self._index(account)
        records = index.values() if resource_ids is None else self._find(index, resource_ids)
        return [
            (record.id, key, value)
            for record in records
            if record.tags
            for key, value in record.tags.items()
        ]

    @_operation
    def delete_tags(
        self,
        account: str,
        resource_ids: Sequence[str],
        tags: Mapping[str, str | None] | None = None,
    ) -> None:
        """Remove tags from every instance of `resource_ids`; one bad id and none changes.

        With `tags` None, every tag goes; otherwise each key goes, when its value is None or
        equals the one given (a tag whose value differs stays).
        """
        records = self._find(self._index(account), resource_ids)
        if tags is not None:
            if not isinstance(tags, Mapping):
                raise InvalidParameter(f"tags must be a mapping, got {tags!r}")
            for key, value in tags.items():
                if not isinstance(key, str) or not (value is None or isinstance(value, str)):
                    raise InvalidParameter(f"Bad tag to delete: {key!r}={value!r}")
        for record in records:
            if not record.tags:
                continue
            if tags is None:
                record.tags = None
                continue
            kept = {
                key: value
                for key, value in record.tags.items()
                if key not in tags or (tags[key] is not None and tags[key] != value)
            }
            record.tags = kept or None

    # Internals (called under the lock)

    def _settle(self, now: float) -> None:
        """Apply the automatic transitions due at `now`, each at its due time."""
        for due, record in self._schedule.due(now):
            if record.state == lifecycle.TERMINATED:
                del self._instances[record.account][record.id]
            else:
                self._apply(record, lifecycle.AUTO, lifecycle.AUTO, due)

    def _apply(self, record: Record, trigger: str, cause: str, at: float) -> None:
        """Drive `record` through `trigger` (known to be legal), audit it, plan what follows."""
        source = record.state
        lifecycle.fire(record, trigger)
        state = record.state
        self._audit.record(record.id, record.account, source, state, cause, at)
        if state == source:
            return
        record.state_since = at
        delay = lifecycle.AUTO_DELAY.get(state)
        if delay is not None:
            self._schedule.add(record, at + getattr(self.config, delay))
        elif state == lifecycle.TERMINATED:
            self._occupied[record.zone] -= 1
            self._schedule.add(record, at + self.config.terminated_retention_seconds)
        else:
            self._schedule.cancel(record)

    def _act(self, account: str, ids: Sequence[str], trigger: str, cause: str) -> list[StateChange]:
        records = self._find(self._index(account), ids)
        if not records:
            raise InvalidParameter(f"{cause} needs at least one instance id")
        plans = []
        refused = []
        for record in records:
            try:
                plans.append((record, record.state, lifecycle.destination(trigger, record.state)))
            except lifecycle.Refused:
                refused.append(record)
        if refused:
            raise IncorrectState(_refusal(refused, trigger), [record.id for record in refused])
        for record, _, destination in plans:
            if destination is not None:
                self._apply(record, trigger, cause, self._now)
        self._settle(self._now)
        return [StateChange(record.id, previous, record.state) for record, previous, _ in plans]

    def _index(self, account: str) -> dict[str, Record]:
        """The account's instances by id, in creation order."""
        index = self._instances.get(account) if isinstance(account, str) else None
        if index is None:
            raise AuthFailure(f"Unknown account {account!r}")
        return index

    def _find(
        self, index: dict[str, Record], ids: Sequence[str], launched_by: float | None = None
    ) -> list[Record]:
        """The records of `ids` in `index`, in the order given, duplicates collapsed.

        Instances launched after `launched_by` count as unknown (eventual consistency).
        """
        wanted = unique(strings(ids, "ids"))
        malformed = [
            instance_id for instance_id in wanted if not INSTANCE_ID.fullmatch(instance_id)
        ]
        if malformed:
            raise MalformedInstanceId(
                f"Invalid id{'s' if len(malformed) > 1 else ''}: {_quoted(malformed)}", malformed
            )
        records = []
        unknown = []
        for instance_id in wanted:
            record = index.get(instance_id)
            if record is None or (launched_by is not None and record.launched_at > launched_by):
                unknown.append(instance_id)
            else:
                records.append(record)
        if unknown:
            raise UnknownInstance(
                f"The instance ID{'s' if len(unknown) > 1 else ''} '{', '.join(unknown)}' "
                f"{'do' if len(unknown) > 1 else 'does'} not exist",
                unknown,
            )
        return records

    def _image(self, account: str, image_id: str) -> MachineImage:
        if not isinstance(image_id, str):
            raise InvalidParameter(f"image_id must be a string, got {image_id!r}")
        image = self._catalogue.images.get(image_id)
        if image is None or not image.visible_to(account):
            raise UnknownImage(f"The image id '[{image_id}]' does not exist")
        return image

    def _instance_type(self, image: MachineImage, name: str | None) -> InstanceType:
        if name is None:
            name = self.config.default_instance_type
        if name is None:
            kind = self._catalogue.default_instance_type(
                image.architecture, self._defaults_by_architecture
            )
            if kind is None:
                raise InvalidParameter(
                    f"No instance type has the architecture '{image.architecture}' of image "
                    f"{image.id}"
                )
            return kind
        kind = self._catalogue.instance_types.get(name) if isinstance(name, str) else None
        if kind is None:
            raise UnknownInstanceType(f"Invalid value '{name}' for InstanceType.")
        if kind.architecture != image.architecture:
            raise InvalidParameter(
                f"The architecture '{kind.architecture}' of the specified instance type does not "
                f"match the architecture '{image.architecture}' of the specified AMI."
            )
        return kind

    def _zone(self, name: str | None, needed: int) -> Zone:
        if name is None:
            for zone in self._catalogue.zones.values():
                room = self._room(zone)
                if zone.state == "available" and (room is None or room >= needed):
                    return zone
            raise CapacityExceeded(
                f"Insufficient capacity: no zone of {self.region} can take {needed} more instances"
            )
        chosen = self._catalogue.zones.get(name) if isinstance(name, str) else None
        if chosen is None:
            raise UnknownZone(f"Invalid value '{name}' for AvailabilityZone.")
        if chosen.state != "available":
            raise CapacityExceeded(f"Insufficient capacity: zone {name} is {chosen.state}")
        room = self._room(chosen)
        if room is not None and room < needed:
            raise CapacityExceeded(
                f"Insufficient capacity: zone {name} has room for {room} more instances, "
                f"{needed} requested"
            )
        return chosen

    def _room(self, zone: Zone) -> int | None:
        """How many more instances `zone` can take (None: no limit)."""
        if zone.limit is None:
            return None
        return max(zone.limit - self._occupied[zone.name], 0)

    def _fresh_id(self) -> str:
        while True:
            instance_id = self._ids.make()
            if not any(instance_id in index for index in self._instances.values()):
                return instance_id


OPERATIONS: tuple[str, ...] = tuple(sorted((*_OPERATIONS.names, *RESOURCE_OPERATIONS)))
"""The Simulator methods that are cloud operations, subject to faults."""


_CONSOLE_BOOT = (
    "[    0.000000] Linux version 6.1.0-dctck (builder@dctck) #1 SMP PREEMPT_DYNAMIC",
    "[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz root=/dev/xvda1 console=ttyS0",
    "[    0.104512] clocksource: Switched to clocksource kvm-clock",
    "[    1.830117] EXT4-fs (xvda1): mounted filesystem with ordered data mode",
)


def _console(record: Record, region: str) -> str:
    """A console log for `record`: nothing before its first boot completes."""
    if record.state == lifecycle.PENDING and record.state_since == record.launched_at:
        return ""
    lines = [
        *_CONSOLE_BOOT,
        f"[    2.011408] dctck: instance {record.id} ({record.kind.name}, "
        f"{record.kind.architecture}) in {record.zone}, {region}",
        f"cloud-init[812]: ci-info: key pair for ec2-user: {record.key_name or '(none)'}",
        f"cloud-init[812]: ci-info: security groups: "
        f"{', '.join(name for _, name in record.groups) or '(none)'}",
        "cloud-init[812]: Cloud-init v. 23.4 finished. Datasource DataSourceEc2Local.",
    ]
    if record.state in (lifecycle.STOPPING, lifecycle.STOPPED):
        lines.append("[   60.000000] reboot: Power down")
    elif record.state in (lifecycle.SHUTTING_DOWN, lifecycle.TERMINATED):
        lines.append("[   60.000000] reboot: System halted")
    return "\n".join(lines) + "\n"


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _tags(tags: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(tags, Mapping):
        raise InvalidParameter(f"tags must be a mapping of strings, got {tags!r}")
    for key, value in tags.items():
        if not isinstance(key, str) or not key:
            raise InvalidParameter(f"Tag keys must be non-empty strings, got {key!r}")
        if not isinstance(value, str):
            raise InvalidParameter(f"Tag value for {key!r} must be a string, got {value!r}")
    return dict(tags)


def _refusal(records: list[Record], trigger: str) -> str:
    done = _PAST_PARTICIPLES[trigger]
    if len(records) == 1:
        record = records[0]
        return (
            f"The instance '{record.id}' is not in a state from which it can be {done} "
            f"(it is {record.state})"
        )
    listed = ", ".join(f"'{record.id}' ({record.state})" for record in records)
    return f"The instances {listed} are not in a state from which they can be {done}"
