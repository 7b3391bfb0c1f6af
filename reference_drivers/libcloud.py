"""``LibcloudDriver``: the Driver SPI over any Apache Libcloud compute ``NodeDriver``.

Hardware profiles are Libcloud's sizes (``list_sizes``), realms its locations
(``list_locations``), images ``list_images`` and instances ``list_nodes``; every filter goes
through ``filter_on``. Actions are ``create_node``, ``reboot_node``, ``stop_node``,
``start_node`` and ``destroy_node``, on the node of that id. Credentials ``{"name", "password"}``
are the Libcloud driver's key and secret; each account gets one Libcloud driver object, reused,
and ``{}`` raises ``AuthException`` before any request. What differs between providers (how to
build the driver, the state machine, where a node keeps its image, size and zone, the errors) is
declared once per provider, in a :class:`Provider`; states and errors are read through one table
(``reference_drivers._libcloud_provider``).

The adapter adds nothing Libcloud does not say and hides nothing it says: a state Libcloud does
not know is reported as it is, an exception outside Libcloud's is let through, and the boolean
an action returns is not trusted over the node's state (EC2's ``stop_node`` answers False for an
accepted stop of a stopped node). Whatever the kit then finds is Libcloud's.

Factories, for ``dctck certify`` without code:

``reference_drivers.libcloud:ec2_on_simulator``
    Libcloud's ``EC2NodeDriver``, unmodified, against an embedded simulator in-process: its
    ``requests`` session answered by the simulator's EC2 application (no socket); ``clock`` is
    the simulator's virtual clock and ``faults`` its fault injection (SPEC 9; a ``timeout``
    loses the answer after the simulator acted, as ``EC2Driver``'s does).
``reference_drivers.libcloud:ec2_from_environment``
    The same against any EC2 endpoint named by ``DCTCK_EC2_ENDPOINT`` (``DCTCK_EC2_REGION``,
    and ``DCTCK_EC2_CONTROL`` for a ``dctck simulate`` server's virtual clock and faults), as
    ``reference_drivers.ec2:from_environment`` reads them.
``reference_drivers.libcloud:openstack_on_simulator``
    Libcloud's ``OpenStack_2_NodeDriver``, unmodified, against an embedded OpenStack simulator
    in-process: every Libcloud connection (Keystone's, Nova's, Glance's) answered by the
    simulator's OpenStack application (no socket); ``clock`` and ``faults`` as above.
``reference_drivers.libcloud:dummy``
    Libcloud's ``DummyNodeDriver``.

Needs the optional extra: ``pip install 'dctck[libcloud]'``.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlsplit

try:
    from libcloud import pricing as libcloud_pricing
    from libcloud.compute.drivers.dummy import DummyNodeDriver
    from libcloud.compute.drivers.ec2 import EC2NodeDriver
    from libcloud.compute.drivers.openstack import OpenStack_2_NodeDriver
    from libcloud.compute.types import NodeState
    from libcloud.http import LibcloudConnection
except ImportError:  # pragma: no cover - exercised in a subprocess without the package
    raise ImportError(
        "reference_drivers.libcloud needs Apache Libcloud: pip install 'dctck[libcloud]'"
    ) from None

import simulator as sim
from dctck import (
    ActionNotAllowed,
    BaseDriver,
    Credentials,
    HardwareProfile,
    Image,
    Instance,
    NotFound,
    Opts,
    Realm,
    StateDeclaration,
    ValidationError,
    VirtualClock,
)
from reference_drivers import _credentials
from reference_drivers._ec2_control import RemoteClock, RemoteFaults
from reference_drivers._ec2_inprocess import ENDPOINT, LostAnswers, attach
from reference_drivers._faults import OPENSTACK_KINDS, OPENSTACK_OPERATIONS, SimulatorFaults
from reference_drivers._libcloud_provider import (
    NODE_STATES,
    Provider,
    ec2_error,
    not_supported,
    openstack_error,
    translate,
)
from reference_drivers.ec2 import DEFAULT_REGION
from reference_drivers.ec2 import STATES as EC2_STATES
from reference_drivers.openstack import STATES as OPENSTACK_STATES
from simulator.ec2 import Ec2App

__all__ = [
    "DUMMY_STATES",
    "NODE_STATES",
    "LibcloudDriver",
    "Provider",
    "dummy",
    "dummy_provider",
    "ec2_from_environment",
    "ec2_on_simulator",
    "ec2_provider",
    "openstack_on_simulator",
    "openstack_provider",
]

T = TypeVar("T")

USER_NAME = {"instances": frozenset({"user_name"})}
"""SPEC 8: ``create_node(name=...)`` names the node, as Libcloud's interface promises."""

_CPU_KEYS = ("vcpu", "vcpus", "cpu", "cpus")


class LibcloudDriver(BaseDriver):
    """The Driver SPI over the Libcloud ``NodeDriver`` that ``provider.connect`` builds."""

    clock: VirtualClock
    faults: SimulatorFaults | RemoteFaults
    simulator: sim.Simulator | None = None
    node_states: Mapping[str, str | None] = NODE_STATES
    """How Libcloud's node states read as the SPI's (``NODE_STATES``)."""

    def __init__(
        self,
        provider: Provider,
        *,
        clock: VirtualClock | None = None,
        faults: SimulatorFaults | RemoteFaults | None = None,
    ) -> None:
        self.provider = provider
        if clock is not None:
            self.clock = clock  # only then: a driver without a clock has no clock attribute
        if faults is not None:
            self.faults = faults  # SPEC 9: the provider's fault injection, for the kit
        self._drivers: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._serials = itertools.count(1)  # names for unnamed nodes, the same on every run

    def __repr__(self) -> str:
        return f"<LibcloudDriver {self.provider.name}>"

    def features(self) -> dict[str, set[str]]:
        """SPEC 8: the provider's features (``user_name``: ``create_node`` names the node)."""
        return {collection: set(names) for collection, names in self.provider.features.items()}

    # -- catalogue -------------------------------------------------------------------------------

    def hardware_profiles(
        self, credentials: Credentials, opts: Opts = None
    ) -> list[HardwareProfile]:
        libcloud = self._libcloud(credentials)
        profiles = [self._profile(size) for size in self._call(libcloud.list_sizes)]
        profiles = self.filter_on(profiles, "id", opts)
        return self.filter_on(profiles, "architecture", opts)

    def realms(self, credentials: Credentials, opts: Opts = None) -> list[Realm]:
        libcloud = self._libcloud(credentials)
        realms = [
            Realm(
                id=self.provider.location_id(location),
                name=location.name,
                state=self.provider.realm_state(location),
                limit=None,
            )
            for location in self._call(libcloud.list_locations)
        ]
        return self.filter_on(realms, "id", opts)

    def images(self, credentials: Credentials, opts: Opts = None) -> list[Image]:
        libcloud = self._libcloud(credentials)
        images = [
            Image(
                id=str(image.id),
                name=image.name,
                architecture=_extra(image, "architecture"),
                owner_id=_extra(image, "owner_id"),
                description=_extra(image, "description"),
            )
            for image in self._call(libcloud.list_images)
        ]
        for key in ("id", "owner_id", "architecture"):
            images = self.filter_on(images, key, opts)
        return images

    # -- instances -------------------------------------------------------------------------------

    def instances(self, credentials: Credentials, opts: Opts = None) -> list[Instance]:
        libcloud = self._libcloud(credentials)
        instances = [
            instance
            for node in self._call(libcloud.list_nodes, **self.provider.list_nodes)
            if (instance := self._instance(node)) is not None
        ]
        instances = self.filter_on(instances, "id", opts)
        return self.filter_on(instances, "state", opts)

    def create_instance(
        self, credentials: Credentials, image_id: str, opts: Opts = None
    ) -> Instance:
        libcloud = self._libcloud(credentials)
        opts = opts or {}
        if not isinstance(image_id, str) or not image_id:
            raise ValidationError(f"create_instance needs an image id, got {image_id!r}")
        for key in ("hwp_id", "realm_id", "name"):
            if opts.get(key) is not None and not isinstance(opts[key], str):
                raise ValidationError(f"create_instance: {key} must be a string, got {opts[key]!r}")
        image = _by_id(self._call(libcloud.list_images), image_id, lambda i: str(i.id))
        if image is None:
            raise NotFound(f"create_instance: no image {image_id!r}")
        sizes = self._call(libcloud.list_sizes)
        if opts.get("hwp_id") is not None:
            size = _by_id(sizes, opts["hwp_id"], lambda s: str(s.id))
            if size is None:
                raise ValidationError(f"create_instance: no hardware profile {opts['hwp_id']!r}")
        else:
            size = self._default_size(sizes, _extra(image, "architecture"))
        arguments: dict[str, Any] = {
            "name": opts.get("name") or f"dctck-{next(self._serials)}",
            "size": size,
            "image": image,
        }
        if opts.get("realm_id") is not None:
            locations = self._call(libcloud.list_locations)
            location = _by_id(locations, opts["realm_id"], self.provider.location_id)
            if location is None:
                raise ValidationError(f"create_instance: no realm {opts['realm_id']!r}")
            arguments["location"] = location
        node = self._call(libcloud.create_node, **arguments)
        instance = self._instance(node)
        if instance is None:
            raise NotFound(f"create_instance: node {node.id} was terminated at once")
        return instance

    def reboot_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, "reboot_node")

    def stop_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, "stop_node")

    def start_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, "start_node")

    def destroy_instance(self, credentials: Credentials, id: str) -> Instance | None:
        libcloud = self._libcloud(credentials)
        node = self._node(libcloud, id)
        last_seen = self._instance(node)
        self._call(libcloud.destroy_node, node)
        return last_seen

    def instance_states(self) -> StateDeclaration:
        return [(state, dict(edges)) for state, edges in self.provider.states]

    # -- helpers ---------------------------------------------------------------------------------

    def _libcloud(self, credentials: Credentials) -> Any:
        """The account's Libcloud driver, built on first use."""
        keys = _credentials.keys(credentials)
        with self._lock:
            driver = self._drivers.get(keys)
            if driver is None:
                driver = self._drivers[keys] = self._call(self.provider.connect, *keys)
            return driver

    def _call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``function(...)``, a Libcloud error raised as the SPI's (others pass through)."""
        try:
            return function(*args, **kwargs)
        except NotImplementedError as exc:
            method = getattr(function, "__name__", "this call")
            owner = getattr(function, "__self__", None)  # the Libcloud driver in use, by class
            name = type(owner).__name__ if owner is not None else self.provider.name
            raise not_supported(exc, method, name) from None
        except Exception as exc:
            error = translate(exc, self.provider)
            if error is None:
                raise
            raise error from None

    def _act(self, credentials: Credentials, id: str, action: str) -> Instance:
        libcloud = self._libcloud(credentials)
        node = self._node(libcloud, id)
        try:
            self._call(getattr(libcloud, action), node)
        except NotImplementedError as exc:
            # an action the provider's machine does not declare is refused, as SPEC 5 wants;
            # one it declares but Libcloud cannot take stays "not supported"
            if not self._declares(action.removesuffix("_node")):
                raise ActionNotAllowed(
                    f"{exc}: {self.provider.name} declares no such action"
                ) from None
            raise
        instance = self._instance(self._node(libcloud, id))
        assert instance is not None  # _node finds no terminated node
        return instance

    def _declares(self, action: str) -> bool:
        return any(action in edges.values() for _, edges in self.provider.states)

    def _node(self, libcloud: Any, id: str) -> Any:
        """The node ``id`` of the account; ``NotFound`` if there is none or it is terminated."""
        if not isinstance(id, str) or not id:
            raise NotFound(f"no instance {id!r}")
        for node in self._call(libcloud.list_nodes, **self.provider.list_nodes):
            if str(node.id) == id and node.state != NodeState.TERMINATED:
                return node
        raise NotFound(f"no instance {id!r}")

    def _instance(self, node: Any) -> Instance | None:
        """The node as an SPI instance; None for a terminated one (it is gone: ``end``)."""
        state = self.node_states.get(node.state, str(node.state).upper())
        if state is None:
            return None
        fields = self.provider.node_extra
        size, image = getattr(node, "size", None), getattr(node, "image", None)
        return Instance(
            id=str(node.id),
            name=node.name,
            owner_id=None,
            image=str(image.id) if image is not None else _extra(node, fields.get("image")),
            realm=_extra(node, fields.get("realm")),
            hardware_profile=(
                str(size.id) if size is not None else _extra(node, fields.get("hardware_profile"))
            ),
            state=state,
            actions=self.instance_actions_for(state),
            public_addresses=list(node.public_ips or []),
            private_addresses=list(node.private_ips or []),
        )

    def _profile(self, size: Any) -> HardwareProfile:
        return HardwareProfile(
            id=str(size.id),
            architecture=self.provider.size_architecture(size),
            memory=_gib(size.ram),
            # Libcloud's 0 GB is "no local disk" (EC2's EBS-only sizes): the SPI's None
            storage=size.disk if _is_number(size.disk) and size.disk != 0 else None,
            cpu=next(
                (int(value) for key in _CPU_KEYS if _is_count(value := _extra(size, key))), None
            ),
        )

    def _default_size(self, sizes: Iterable[Any], architecture: str | None) -> Any:
        """The smallest size (memory, then price) that fits the image's architecture."""
        fitting = [
            size
            for size in sizes
            if architecture is None or self.provider.size_architecture(size) in (None, architecture)
        ]
        if not fitting:
            raise ValidationError(f"create_instance: no hardware profile fits {architecture!r}")
        return min(
            fitting,
            key=lambda size: (
                size.ram if _is_number(size.ram) else float("inf"),
                size.price if _is_number(size.price) else float("inf"),
                str(size.id),
            ),
        )


def _extra(item: Any, key: str | None) -> Any:
    """``item.extra[key]`` as a string, or None."""
    if key is None:
        return None
    value = (getattr(item, "extra", None) or {}).get(key)
    return None if value is None else str(value)


def _by_id(items: Iterable[T], id: str, key: Callable[[T], str]) -> T | None:
    return next((item for item in items if key(item) == id), None)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _is_count(value: object) -> bool:
    return isinstance(value, str) and value.isdigit()


def _gib(mebibytes: object) -> int | float | None:
    """Libcloud's ``ram`` (MiB) as the SPI's memory: GiB, whole as ``int`` (1024 -> 1)."""
    if not _is_number(mebibytes):
        return None
    assert isinstance(mebibytes, int | float | Decimal)
    whole, rest = divmod(mebibytes, 1024)
    return int(whole) if rest == 0 else float(mebibytes) / 1024


# -- providers -------------------------------------------------------------------------------------


def ec2_provider(connect: Callable[[str, str], Any], name: str = "EC2NodeDriver") -> Provider:
    """Libcloud's EC2 as the adapter sees it; ``connect(key, secret)`` builds the driver,
    an ``EC2NodeDriver`` or the class like it that ``name`` names (messages say it).

    Realms are identified by zone name (Libcloud's EC2 location ids are list positions); a node
    keeps its image, type and zone in ``extra``; sizes carry no architecture, so it is read
    from the processor Libcloud's size table names (AWS Graviton: ``arm64``).
    """
    return Provider(
        name=name,
        connect=connect,
        states=EC2_STATES,
        features=USER_NAME,
        node_extra={
            "image": "image_id",
            "hardware_profile": "instance_type",
            "realm": "availability",
        },
        location_id=lambda location: str(location.name),
        size_architecture=_ec2_size_architecture,
        realm_state=_ec2_zone_state,
        error=ec2_error,
        list_nodes={"ex_filters": {"instance-state-name": list(EC2_ALIVE)}},
    )


EC2_ALIVE = ("pending", "running", "stopping", "shutting-down", "stopped")
"""EC2's states of an instance not yet terminated: ``list_nodes`` asks for these only (EC2 lists
a terminated instance for an hour; the SPI does not list it at all)."""


def _ec2_size_architecture(size: Any) -> str:
    processor = str((size.extra or {}).get("physicalProcessor", ""))
    return "arm64" if "Graviton" in processor or "Apple M" in processor else "x86_64"


def _ec2_zone_state(location: Any) -> str | None:
    zone = getattr(location, "availability_zone", None)
    state = getattr(zone, "zone_state", None)
    return str(state).upper() if state else None


def openstack_provider(connect: Callable[[str, str], Any]) -> Provider:
    """Libcloud's ``OpenStack_2_NodeDriver`` as the adapter sees it; ``connect(user, password)``
    builds the driver. The state machine declared is Nova's (``reference_drivers.openstack``):
    what Libcloud then shows of it is what the kit finds. A node keeps its image, flavor and
    zone in ``extra``; a 409 (Nova's conflictingRequest) is ``ActionNotAllowed``.
    """
    return Provider(
        name="OpenStack_2_NodeDriver",
        connect=connect,
        states=OPENSTACK_STATES,
        features=USER_NAME,
        node_extra={
            "image": "imageId",
            "hardware_profile": "flavorId",
            "realm": "availability_zone",
        },
        error=openstack_error,
    )


DUMMY_STATES: StateDeclaration = [
    ("begin", {"running": "create"}),
    ("running", {"running": "reboot", "end": "destroy"}),
]
"""``DummyNodeDriver``: nodes run at once, reboot in place, vanish when destroyed; no stop."""


def dummy_provider() -> Provider:
    """Libcloud's ``DummyNodeDriver``: built from the key alone (it takes no secret)."""
    return Provider(
        name="DummyNodeDriver",
        connect=lambda key, secret: DummyNodeDriver(key),
        states=DUMMY_STATES,
        features=USER_NAME,
    )


# -- factories -------------------------------------------------------------------------------------


def ec2_on_simulator(
    simulator: sim.Simulator | None = None, *, node_driver: type[Any] = EC2NodeDriver
) -> LibcloudDriver:
    """Libcloud's ``EC2NodeDriver`` (or ``node_driver``, a class like it) against an embedded
    simulator, in-process (no socket)."""
    simulator = simulator if simulator is not None else sim.Simulator()
    app = Ec2App(simulator, control=False)
    host = urlsplit(ENDPOINT).hostname
    lost = LostAnswers()

    def connect(key: str, secret: str) -> Any:
        driver: Any = node_driver(key, secret, host=host, region=simulator.region)
        driver.connection.connect()  # Libcloud's requests session, which the app then answers
        attach(driver.connection.connection.session, app, lost)
        return driver

    faults = SimulatorFaults(simulator, lost.lose, lost.forget)
    provider = ec2_provider(connect, node_driver.__name__)
    driver = LibcloudDriver(provider, clock=simulator.clock, faults=faults)
    driver.simulator = simulator
    return driver


def ec2_from_environment() -> LibcloudDriver:
    """Libcloud's ``EC2NodeDriver`` against ``DCTCK_EC2_ENDPOINT`` (see the module docstring)."""
    endpoint = os.environ.get("DCTCK_EC2_ENDPOINT")
    if not endpoint:
        raise ValueError("set DCTCK_EC2_ENDPOINT to the URL of an EC2-compatible endpoint")
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"DCTCK_EC2_ENDPOINT must be an http(s) URL, got {endpoint!r}")
    region = os.environ.get("DCTCK_EC2_REGION") or DEFAULT_REGION
    control = os.environ.get("DCTCK_EC2_CONTROL")

    def connect(key: str, secret: str) -> Any:
        return EC2NodeDriver(
            key,
            secret,
            secure=parts.scheme == "https",
            host=parts.hostname,
            port=parts.port,
            region=region,
        )

    return LibcloudDriver(
        ec2_provider(connect),
        clock=RemoteClock(control) if control else None,
        faults=RemoteFaults(control) if control else None,
    )


def openstack_on_simulator(cloud: Any = None) -> LibcloudDriver:
    """Libcloud's ``OpenStack_2_NodeDriver`` against an embedded OpenStack simulator (a
    ``simulator.openstack.NovaCloud``, a fresh one if None), in-process (no socket)."""
    from reference_drivers._os_inprocess import HOST, LostRequests
    from reference_drivers._os_inprocess import attach as attach_openstack
    from simulator.openstack import NovaCloud, OpenStackApp

    # Libcloud has no OpenStack prices: without an (empty) entry in its cache, every list_sizes
    # re-reads and parses its whole pricing file, 0.5 s of CPU per call, which the kit's faults
    # area would take for wall-clock sleeping. The sizes' price stays what Libcloud gives: 0.0.
    libcloud_pricing.PRICING_DATA["compute"].setdefault("openstack", {})
    cloud = cloud if cloud is not None else NovaCloud()
    app = OpenStackApp(cloud, control=False)  # one app: the tokens it issues stay valid
    lost = LostRequests()

    class InProcess(LibcloudConnection):
        """Libcloud's HTTP connection, its requests session answered by the app."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            attach_openstack(self.session, app, lost)  # type: ignore[arg-type]

    def connect(user: str, password: str) -> Any:
        driver: Any = OpenStack_2_NodeDriver(
            user,
            password,
            api_version="2.2",
            ex_force_auth_url=HOST + "/identity",
            ex_force_auth_version="3.x_password",
            ex_tenant_name=user,
            ex_force_service_region=cloud.region,
        )
        for connection in (driver.connection, driver.image_connection):
            connection.conn_class = InProcess
            connection.get_auth_class().conn_class = InProcess  # Keystone's connection
        return driver

    faults = SimulatorFaults(
        cloud, lost.lose, lost.forget, operations=OPENSTACK_OPERATIONS, kinds=OPENSTACK_KINDS
    )
    driver = LibcloudDriver(openstack_provider(connect), clock=cloud.clock, faults=faults)
    driver.simulator = cloud
    return driver


def dummy() -> LibcloudDriver:
    """Libcloud's ``DummyNodeDriver``; each account gets its own (two nodes to start with)."""
    return LibcloudDriver(dummy_provider())
