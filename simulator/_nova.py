"""The simulated OpenStack cloud: projects, flavors, images, and Nova servers on a clock.

The provider-neutral core (`simulator._core`: clock, faults, schedule, audit, one lock) with
Nova's lifecycle (`simulator._nova_lifecycle`), catalogue (flavors, Glance images) and ids
(UUIDs). It knows nothing of HTTP: `simulator.openstack` puts Keystone, Nova and Glance in
front of it.
"""

from __future__ import annotations

import hmac
import random
import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import count
from types import MappingProxyType

from simulator import _nova_lifecycle as nova
from simulator._audit import AuditLog
from simulator._catalogue import Account, Flavor, GlanceImage, Zone, derived_uuid
from simulator._clock import Clock, ManualClock
from simulator._core import Controls, Operations
from simulator._errors import (
    AuthFailure,
    CapacityExceeded,
    IncorrectState,
    InvalidParameter,
    SimulatorError,
    UnknownImage,
    UnknownInstance,
    UnknownInstanceType,
    UnknownZone,
)
from simulator._faults import FaultInjector
from simulator._lifecycle import AUTO, Refused
from simulator._openstack_config import OpenStackConfig, default_openstack_config
from simulator._schedule import Schedule

_OPERATIONS = Operations()

BUILD = "build"
"""The pseudo-operation whose faults fail builds: the server is created, then goes to ERROR."""
NO_VALID_HOST = "No valid host was found. There are not enough hosts available."
MAX_NAME = 255
MAX_METADATA = 128


class Server:
    """The live state of one server: slots only, catalogue objects shared, addresses derived."""

    __slots__ = (
        "before", "created", "fault", "flavor", "id", "image_id", "launched_at", "metadata",
        "name", "project", "serial", "state", "ticket", "updated", "zone",
    )  # fmt: skip

    def __init__(
        self, server_id: str, project: str, name: str, flavor: Flavor, image_id: str,
        zone: str, now: float, serial: int, metadata: dict[str, str] | None,
    ) -> None:  # fmt: skip
        self.id = server_id
        self.project = project
        self.name = name
        self.flavor = flavor
        self.image_id = image_id
        self.zone = zone
        self.state = ""
        self.before = ""  # the state a deletion started from
        self.created = now
        self.updated = now
        self.launched_at: float | None = None
        self.serial = serial
        self.metadata = metadata
        self.fault: tuple[int, str, float] | None = None
        self.ticket = 0

    def view(self) -> ServerView:
        """A snapshot of this server."""
        shown = nova.VIEWS[self.before if self.state == nova.DELETING else self.state]
        serial = self.serial
        launched = self.launched_at is not None
        return ServerView(
            id=self.id,
            project=self.project,
            name=self.name,
            flavor=self.flavor,
            image_id=self.image_id,
            zone=self.zone,
            state=self.state,
            status=shown.status,
            vm_state=shown.vm_state,
            task_state="deleting" if self.state == nova.DELETING else shown.task_state,
            power_state=shown.power_state,
            created=self.created,
            updated=self.updated,
            launched_at=self.launched_at,
            fixed_ip=(
                f"10.{serial >> 16 & 255}.{serial >> 8 & 255}.{serial & 255}" if launched else None
            ),
            floating_ip=(
                f"198.{18 + (serial >> 16 & 1)}.{serial >> 8 & 255}.{serial & 255}"
                if launched
                else None
            ),
            metadata=MappingProxyType(dict(self.metadata)) if self.metadata else _NO_METADATA,
            fault=self.fault,
        )


_NO_METADATA: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ServerView:
    """A snapshot of one server, as Nova would show it when it was taken.

    `state` is the lifecycle's state; `status`, `vm_state`, `task_state` and `power_state`
    are Nova's. The addresses are set once the server has booted (launched), kept while it is
    stopped: `fixed_ip` in 10/8, `floating_ip` outside RFC 1918. `fault` is (code, message,
    at) for a server in ERROR.
    """

    id: str
    project: str
    name: str
    flavor: Flavor
    image_id: str
    zone: str
    state: str
    status: str
    vm_state: str
    task_state: str | None
    power_state: int
    created: float
    updated: float
    launched_at: float | None
    fixed_ip: str | None
    floating_ip: str | None
    metadata: Mapping[str, str]
    fault: tuple[int, str, float] | None


class NovaCloud(Controls[OpenStackConfig]):
    """An in-process OpenStack cloud (Keystone projects, Nova servers, Glance images) on a
    clock; every method is thread-safe. Accounts are projects, each with a user of the same
    name whose password is the account's secret.

    Time passes only when the clock is advanced: BUILD, reboots, stops, starts and deletions
    complete when the next method call finds them due.
    """

    def __init__(
        self, config: OpenStackConfig | None = None, clock: Clock | None = None, seed: int = 0
    ) -> None:
        self.config = config if config is not None else default_openstack_config()
        self.clock: Clock = clock if clock is not None else ManualClock()
        self.region = self.config.region
        self.seed = seed
        self.faults = FaultInjector((*OPENSTACK_OPERATIONS, BUILD), seed)
        self.accounts = {account.name: account for account in self.config.accounts}
        self.projects_by_id = {account.id: account for account in self.config.accounts}
        self._flavors = {flavor.id: flavor for flavor in self.config.flavors}
        self._images = {image.id: image for image in self.config.images}
        self._zones = {zone.name: zone for zone in self.config.zones}
        self._lock = threading.RLock()
        self._now = self.clock.now()
        self._start_empty()

    def _start_empty(self) -> None:
        self._servers: dict[str, dict[str, Server]] = {name: {} for name in self.accounts}
        self._occupied = dict.fromkeys(self._zones, 0)
        self._schedule: Schedule[Server] = Schedule()
        self._audit = AuditLog()
        self._random = random.Random(f"nova:{self.seed}")
        self._serials = count(1)

    def __repr__(self) -> str:
        return f"<NovaCloud {self.region} at {self.clock.now()!r}>"

    # Identity and catalogue

    @_OPERATIONS
    def authenticate(self, name: str, secret: str) -> Account:
        """The project of user `name` if `secret` is its password; `AuthFailure` otherwise."""
        account = self.accounts.get(name) if isinstance(name, str) else None
        if (
            account is None
            or not isinstance(secret, str)
            or not hmac.compare_digest(secret.encode(), account.secret.encode())
        ):
            raise AuthFailure("The request you have made requires authentication.")
        return account

    @staticmethod
    def user_id(account: Account) -> str:
        """The id of the user of the project `account`."""
        return derived_uuid("user", account.name)

    @_OPERATIONS
    def flavors(self) -> list[Flavor]:
        """The flavors, in catalogue order."""
        return list(self._flavors.values())

    @_OPERATIONS
    def flavor(self, flavor_id: str) -> Flavor:
        """The flavor `flavor_id`; `UnknownInstanceType` when there is none."""
        return self._flavor(flavor_id)

    @_OPERATIONS
    def images(self, project: str) -> list[GlanceImage]:
        """The images `project` sees: public ones and its own, in catalogue order."""
        self._index(project)
        return [image for image in self._images.values() if image.visible_to(project)]

    @_OPERATIONS
    def image(self, project: str, image_id: str) -> GlanceImage:
        """The image `image_id` if `project` sees it; `UnknownImage` otherwise."""
        self._index(project)
        return self._image(project, image_id)

    @_OPERATIONS
    def zones(self) -> list[Zone]:
        """The availability zones, in catalogue order."""
        return list(self._zones.values())

    # Servers

    @_OPERATIONS
    def create_server(
        self,
        project: str,
        name: str,
        flavor_id: str,
        image_id: str,
        *,
        zone: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> ServerView:
        """Create a server in BUILD (ACTIVE after boot_seconds; at once when that is 0).

        Over the project's quota: `CapacityExceeded` (Nova's 403). Into a zone that is full,
        or when a fault is set on the `build` pseudo-operation: the server is created and its
        build fails (ERROR, with Nova's fault "No valid host was found").
        """
        index = self._index(project)
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
            raise InvalidParameter(f"Invalid input for field/attribute name. Value: {name!r}.")
        flavor = self._flavor(flavor_id)
        image = self._image(project, image_id)
        place = self._zone(zone)
        tags = _metadata(metadata)
        quota = self.config.instance_quota
        if quota is not None and len(index) >= quota:
            raise CapacityExceeded(
                f"Quota exceeded for instances: Requested 1, but already used {len(index)} "
                f"of {quota} instances"
            )
        now = self._now
        server = Server(
            self._fresh_id(), project, name, flavor, image.id, place.name, now,
            next(self._serials), tags,
        )  # fmt: skip
        nova.NOVA.enter_initial(server)
        index[server.id] = server
        self._audit.record(server.id, project, None, server.state, "create_server", now)
        if (place.limit is not None and self._occupied[place.name] >= place.limit) or (
            self._build_fails(now)
        ):
            server.fault = (500, NO_VALID_HOST, now)
            self._apply(server, "fail", "create_server", now)
        else:
            self._occupied[place.name] += 1
            self._schedule.add(server, now + self.config.boot_seconds)
        self._settle(now)
        return server.view()

    @_OPERATIONS
    def servers(self, project: str) -> list[ServerView]:
        """The project's servers, newest first (Nova's default order)."""
        return [server.view() for server in reversed(self._index(project).values())]

    @_OPERATIONS
    def server(self, project: str, server_id: str) -> ServerView:
        """The server `server_id` of `project`; `UnknownInstance` when there is none."""
        return self._find(project, server_id).view()

    @_OPERATIONS
    def reboot_server(self, project: str, server_id: str, *, hard: bool = False) -> ServerView:
        """Reboot (SOFT: from ACTIVE only; HARD: also from SHUTOFF, ERROR or a reboot)."""
        return self._act(project, server_id, "reboot_hard" if hard else "reboot_soft")

    @_OPERATIONS
    def stop_server(self, project: str, server_id: str) -> ServerView:
        """Stop an ACTIVE (or ERROR) server: powering-off, then SHUTOFF."""
        return self._act(project, server_id, "stop")

    @_OPERATIONS
    def start_server(self, project: str, server_id: str) -> ServerView:
        """Start a SHUTOFF server: powering-on, then ACTIVE."""
        return self._act(project, server_id, "start")

    @_OPERATIONS
    def delete_server(self, project: str, server_id: str) -> ServerView:
        """Delete a server from any state: task_state deleting, then gone."""
        return self._act(project, server_id, "delete")

    # Internals (called under the lock)

    def _build_fails(self, now: float) -> bool:
        """Whether a fault set on the `build` operation fails this build (ERROR, not a 4xx/5xx)."""
        try:
            self.faults.check(BUILD, now)
        except SimulatorError:
            return True
        return False

    def _settle(self, now: float) -> None:
        for due, server in self._schedule.due(now):
            self._apply(server, AUTO, AUTO, due)

    def _apply(self, server: Server, trigger: str, cause: str, at: float) -> None:
        source = server.state
        if trigger == "delete" and source != nova.DELETING:  # a second delete keeps the first's
            server.before = source
        nova.NOVA.fire(server, trigger)
        state = server.state
        self._audit.record(server.id, server.project, source, state, cause, at)
        if state == source:
            return
        server.updated = at
        if state == nova.ACTIVE and server.launched_at is None:
            server.launched_at = at
        delay = nova.AUTO_DELAY.get(state)
        if delay is not None:
            self._schedule.add(server, at + getattr(self.config, delay))
        else:
            self._schedule.cancel(server)
        if state == nova.DELETED:
            del self._servers[server.project][server.id]
            if server.fault is None:
                self._occupied[server.zone] -= 1

    def _act(self, project: str, server_id: str, trigger: str) -> ServerView:
        server = self._find(project, server_id)
        try:
            destination = nova.NOVA.destination(trigger, server.state)
        except Refused:
            raise IncorrectState(_conflict(server, trigger), [server.id]) from None
        if destination is not None:
            self._apply(server, trigger, trigger, self._now)
        self._settle(self._now)
        return server.view()

    def _index(self, project: str) -> dict[str, Server]:
        index = self._servers.get(project) if isinstance(project, str) else None
        if index is None:
            raise AuthFailure(f"Unknown project {project!r}")
        return index

    def _find(self, project: str, server_id: str) -> Server:
        server = self._index(project).get(server_id) if isinstance(server_id, str) else None
        if server is None:
            raise UnknownInstance(f"Instance {server_id} could not be found.", [str(server_id)])
        return server

    def _flavor(self, flavor_id: str) -> Flavor:
        flavor = self._flavors.get(flavor_id) if isinstance(flavor_id, str) else None
        if flavor is None:
            raise UnknownInstanceType(f"Flavor {flavor_id} could not be found.")
        return flavor

    def _image(self, project: str, image_id: str) -> GlanceImage:
        image = self._images.get(image_id) if isinstance(image_id, str) else None
        if image is None or not image.visible_to(project):
            raise UnknownImage(f"Image {image_id} could not be found.")
        return image

    def _zone(self, name: str | None) -> Zone:
        if name is None:
            for zone in self._zones.values():
                if zone.state == "available":
                    return zone
            raise UnknownZone("The requested availability zone is not available")
        chosen = self._zones.get(name) if isinstance(name, str) else None
        if chosen is None or chosen.state != "available":
            raise UnknownZone("The requested availability zone is not available")
        return chosen

    def _fresh_id(self) -> str:
        while True:
            server_id = str(uuid.UUID(int=self._random.getrandbits(128), version=4))
            if not any(server_id in index for index in self._servers.values()):
                return server_id


OPENSTACK_OPERATIONS: tuple[str, ...] = _OPERATIONS.names
"""The NovaCloud methods that are cloud operations, subject to faults."""

_METADATA_KEY = re.compile(r"[^\x00-\x1f]{1,255}")


def _metadata(metadata: Mapping[str, str] | None) -> dict[str, str] | None:
    if metadata is None:
        return None
    if not isinstance(metadata, Mapping):
        raise InvalidParameter(f"Invalid input for field/attribute metadata. Value: {metadata!r}.")
    if len(metadata) > MAX_METADATA:
        raise InvalidParameter(f"Quota exceeded: at most {MAX_METADATA} metadata items")
    for key, value in metadata.items():
        if not isinstance(key, str) or not _METADATA_KEY.fullmatch(key):
            raise InvalidParameter(f"Invalid metadata key {key!r}")
        if not isinstance(value, str) or len(value) > 255:
            raise InvalidParameter(f"Invalid metadata value for {key!r}")
    return dict(metadata) or None


def _conflict(server: Server, trigger: str) -> str:
    """Nova's 409 message: vm_state is checked first, then task_state."""
    rule = nova.ACTIONS[trigger]
    view = server.view()
    if view.vm_state not in rule.vm_states:
        return f"Cannot '{rule.name}' instance {server.id} while it is in vm_state {view.vm_state}"
    return f"Cannot '{rule.name}' instance {server.id} while it is in task_state {view.task_state}"
