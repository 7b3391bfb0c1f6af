"""A complete driver for an imaginary in-memory cloud: the worked example of the README.

Certify it from this directory with::

    pytest --dctck-driver=memory_cloud:MemoryCloudDriver \
        --dctck-credentials=alice:wonderland --dctck-other-credentials=bob:builder

It shows the usual shape of a driver: check credentials first, build SPI models from the
provider's records, filter with ``filter_on``, map provider errors onto the SPI exceptions, and
expose the provider's virtual clock (SPEC 7) so the kit never sleeps.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from dctck import (
    ActionNotAllowed,
    AuthException,
    BaseDriver,
    HardwareProfile,
    Image,
    Instance,
    NotFound,
    Realm,
    ValidationError,
)

BOOT_SECONDS = 30.0

ACCOUNTS = {"alice": "wonderland", "bob": "builder"}
PROFILES = [
    HardwareProfile(id="small", architecture="x86_64", memory=2, storage=20, cpu=1),
    HardwareProfile(id="large", architecture="x86_64", memory=16, storage=200, cpu=4),
    HardwareProfile(id="graviton", architecture="arm64", memory=4, storage=40, cpu=2),
]
REALMS = [
    Realm(id="eu-1", name="Europe 1", state="AVAILABLE", limit=None),
    Realm(id="eu-2", name="Europe 2", state="AVAILABLE", limit=None),
]
IMAGES = [
    Image(id="img-debian", name="Debian", architecture="x86_64", owner_id="public"),
    Image(id="img-alpine-arm", name="Alpine", architecture="arm64", owner_id="public"),
    Image(id="img-alice-app", name="Alice's app", architecture="x86_64", owner_id="alice"),
]


class Clock:
    """The cloud's virtual clock: time passes only when told to."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def now(self) -> float:
        return self.seconds

    def tick(self, seconds: float) -> None:
        self.seconds += seconds


@dataclass
class _Server:
    id: str
    owner: str
    image: Image
    profile: HardwareProfile
    realm: Realm
    name: str | None
    booted_at: float
    stopped: bool = False
    addresses: list[str] = field(default_factory=list)


class MemoryCloudDriver(BaseDriver):
    """The Driver SPI over a dict of servers; the catalogue is public, servers are private."""

    def __init__(self) -> None:
        self.clock = Clock()
        self._servers: dict[str, _Server] = {}
        self._ids = itertools.count(1)

    def instance_states(self):
        return [
            ("begin", {"pending": "create"}),
            ("pending", {"running": "_auto_", "end": "destroy"}),
            ("running", {"running": "reboot", "stopped": "stop", "end": "destroy"}),
            ("stopped", {"running": "start", "end": "destroy"}),
        ]

    def hardware_profiles(self, credentials, opts=None):
        profiles = self.filter_on(PROFILES, "id", opts)
        return self.filter_on(profiles, "architecture", opts)

    def realms(self, credentials, opts=None):
        return self.filter_on(REALMS, "id", opts)

    def images(self, credentials, opts=None):
        account = self._account(credentials)
        images = [i for i in IMAGES if i.owner_id in ("public", account)]
        for key in ("id", "owner_id", "architecture"):
            images = self.filter_on(images, key, opts)
        return images

    def instances(self, credentials, opts=None):
        account = self._account(credentials)
        mine = [self._model(s) for s in self._servers.values() if s.owner == account]
        mine = self.filter_on(mine, "id", opts)
        return self.filter_on(mine, "state", opts)

    def create_instance(self, credentials, image_id, opts=None):
        account = self._account(credentials)
        opts = opts or {}
        if not isinstance(image_id, str):
            raise ValidationError(f"image_id must be a string, got {image_id!r}")
        image = self.image(credentials, image_id)
        if image is None:
            raise NotFound(f"no image {image_id}")
        profile = self._pick(PROFILES, opts.get("hwp_id"), "hwp_id", image.architecture)
        realm = self._pick(REALMS, opts.get("realm_id"), "realm_id", None)
        if profile.architecture != image.architecture:
            raise ValidationError(f"{profile.id} cannot run {image.architecture} images")
        number = next(self._ids)
        server = _Server(
            id=f"srv-{number}",
            owner=account,
            image=image,
            profile=profile,
            realm=realm,
            name=opts.get("name"),
            booted_at=self.clock.now() + BOOT_SECONDS,
            addresses=[f"10.1.0.{number}"],
        )
        self._servers[server.id] = server
        return self._model(server)

    def reboot_instance(self, credentials, id):
        server = self._server(credentials, id)
        if self._state(server) != "RUNNING":
            raise ActionNotAllowed(f"{id} is {self._state(server)}; only running servers reboot")
        return self._model(server)

    def stop_instance(self, credentials, id):
        server = self._server(credentials, id)
        if self._state(server) == "PENDING":
            raise ActionNotAllowed(f"{id} is still booting")
        server.stopped = True
        return self._model(server)

    def start_instance(self, credentials, id):
        server = self._server(credentials, id)
        if self._state(server) == "PENDING":
            raise ActionNotAllowed(f"{id} is still booting")
        server.stopped = False
        return self._model(server)

    def destroy_instance(self, credentials, id):
        server = self._server(credentials, id)
        del self._servers[id]
        return self._model(server)

    # -- helpers ---------------------------------------------------------------------------------

    def _account(self, credentials):
        name, password = credentials.get("name"), credentials.get("password")
        if name not in ACCOUNTS or ACCOUNTS[name] != password:
            raise AuthException("unknown account or wrong password")
        return name

    def _server(self, credentials, id):
        account = self._account(credentials)
        server = self._servers.get(id) if isinstance(id, str) else None
        if server is None or server.owner != account:
            raise NotFound(f"no server {id!r}")
        return server

    def _pick(self, catalogue, wanted, key, architecture):
        if wanted is None:
            fitting = [
                c for c in catalogue if architecture in (None, getattr(c, "architecture", None))
            ]
            return fitting[0]
        for item in catalogue:
            if item.id == wanted:
                return item
        raise ValidationError(f"unknown {key} {wanted!r}")

    def _state(self, server):
        if self.clock.now() < server.booted_at:
            return "PENDING"
        return "STOPPED" if server.stopped else "RUNNING"

    def _model(self, server):
        state = self._state(server)
        return Instance(
            id=server.id,
            name=server.name,
            owner_id=server.owner,
            image=server.image.id,
            realm=server.realm.id,
            hardware_profile=server.profile.id,
            state=state,
            actions=self.instance_actions_for(state),
            public_addresses=[],
            private_addresses=list(server.addresses),
        )
