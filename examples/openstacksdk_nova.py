"""An OpenStack driver written on openstacksdk, the way a Python user writes one, certified.

The Driver SPI straight over openstacksdk's proxies: hardware profiles are
``conn.compute.flavors()``, realms ``conn.compute.availability_zones()``, images
``conn.image.images()``, instances ``conn.compute.servers()``; actions are ``reboot_server``,
``stop_server``, ``start_server`` and ``delete_server``. Credentials are a Keystone user and
password, scoped to the project of the same name; each account gets one ``Connection``, reused.
Every filter goes through ``filter_on``.

Lessons for driver authors, each learnt from a failed certification:

- **Status is not state.** Nova shows a server being stopped as ``ACTIVE`` (its ``task_state`` is
  ``powering-off``) and one being started as ``SHUTOFF`` (``powering-on``), and refuses a stop or
  a reboot meanwhile (409). Read ``server.task_state`` too: a stop under way is
  ``SHUTTING_DOWN``, a start or a reboot ``PENDING``. A server whose ``task_state`` is ``deleting``
  is gone.
- **Retries on the driver's clock.** keystoneauth retries nothing by default, and its retry
  options sleep with ``time.sleep``: while the simulator's clock (``driver.clock``) stands still,
  that is wall time for nothing. This driver retries itself (``_retrying``): 408, 413, 429, 5xx
  and lost connections, up to ``len(BACKOFF) + 1`` attempts, waiting on ``self.clock.tick`` when
  it has a clock.
- **Idempotency without a token.** Nova has no client token: a create whose answer was lost may
  have made the server. ``create_server`` carries a ``dctck-request`` metadata key, and after a
  lost answer the driver looks for the server carrying it before asking again. An action whose
  answer was lost is not repeated if the server already shows its effect (a second ``os-stop``
  would be a 409).

Factories for ``dctck certify`` (from the ``examples`` directory):

``openstacksdk_nova:in_process``
    Against an embedded OpenStack simulator, answered in-process (no socket); ``clock`` is the
    simulator's virtual clock, ``faults`` its fault injection (a ``timeout`` has the simulator act
    and the answer lost).
``openstacksdk_nova:from_environment``
    Against the Keystone at ``DCTCK_OS_AUTH_URL`` (a ``dctck simulate --api openstack`` server,
    a DevStack), region ``DCTCK_OS_REGION`` (``RegionOne``); with ``DCTCK_OS_CONTROL`` (a
    simulator's control URL) waits advance that server's clock and ``faults`` injects into it.

Needs the extra: ``pip install 'dctck[openstack]'``.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import openstack
import requests
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import Password
from openstack import exceptions as sdk_exceptions

from dctck import (
    ActionNotAllowed,
    AuthException,
    BaseDriver,
    DriverError,
    HardwareProfile,
    Image,
    Instance,
    NotFound,
    ProviderError,
    Realm,
    ValidationError,
)

#: Nova's (status, task_state) as the SPI's states; None: gone. Unknown statuses show as they are.
STATUS = {"BUILD": "PENDING", "ACTIVE": "RUNNING", "REBOOT": "PENDING", "HARD_REBOOT": "PENDING",
          "SHUTOFF": "STOPPED"}  # fmt: skip
TASKS = {"powering-off": "SHUTTING_DOWN", "powering-on": "PENDING"}
GONE = {"DELETED", "SOFT_DELETED"}

MACHINE = [
    ("begin", {"pending": "create"}),
    ("pending", {"running": "_auto_", "end": "destroy"}),
    ("running", {"pending": "reboot", "shutting_down": "stop", "end": "destroy"}),
    ("shutting_down", {"stopped": "_auto_", "end": "destroy"}),
    ("stopped", {"pending": "start", "end": "destroy"}),
]

#: Statuses a retry may cure: a timeout, throttling, transient server failures.
TRANSIENT = {408, 413, 429, 500, 502, 503, 504}
#: Seconds to wait before each retry (doubling, no jitter: a recorded run replays).
BACKOFF = (0.1, 0.2, 0.4)
REQUEST_KEY = "dctck-request"
#: No answer: the request may or may not have been acted on.
LOST = (ks_exceptions.ConnectFailure, ks_exceptions.RetriableConnectionFailure)


class OpenStackSDKDriver(BaseDriver):
    """The Driver SPI over openstacksdk."""

    simulator: Any = None  # set by the in-process factory, for tests

    def __init__(
        self,
        auth_url: str,
        region: str = "RegionOne",
        *,
        clock: Any = None,
        faults: Any = None,
        session: requests.Session | None = None,
    ) -> None:
        self.auth_url = auth_url
        self.region = region
        if clock is not None:
            self.clock = clock  # SPEC 7: waits advance it instead of sleeping
        if faults is not None:
            self.faults = faults  # SPEC 9
        self._wait: Callable[[float], None] = clock.tick if clock is not None else time.sleep
        self._requests = session
        self._connections: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def features(self) -> dict[str, set[str]]:
        return {"instances": {"user_name"}}

    # -- catalogue -------------------------------------------------------------------------------

    def hardware_profiles(self, credentials, opts=None):
        conn = self._connection(credentials)
        profiles = [
            HardwareProfile(
                id=flavor.id,
                architecture=None,
                memory=_gib(flavor.ram) if flavor.ram else None,
                storage=flavor.disk or None,
                cpu=flavor.vcpus or None,
            )
            for flavor in self._retrying(lambda: list(conn.compute.flavors()))
        ]
        return self.filter_on(self.filter_on(profiles, "id", opts), "architecture", opts)

    def realms(self, credentials, opts=None):
        conn = self._connection(credentials)
        zones = self._retrying(lambda: list(conn.compute.availability_zones()))
        realms = [
            Realm(
                id=zone.name,
                name=zone.name,
                state="AVAILABLE" if (zone.state or {}).get("available") else "UNAVAILABLE",
                limit=None,
            )
            for zone in zones
        ]
        return self.filter_on(realms, "id", opts)

    def images(self, credentials, opts=None):
        conn = self._connection(credentials)
        images = [
            Image(
                id=image.id,
                name=image.name,
                architecture=image.architecture,
                owner_id=image.owner_id,
                description=(image.properties or {}).get("description"),
            )
            for image in self._retrying(lambda: list(conn.image.images()))
        ]
        for key in ("id", "owner_id", "architecture"):
            images = self.filter_on(images, key, opts)
        return images

    # -- instances -------------------------------------------------------------------------------

    def instances(self, credentials, opts=None):
        conn = self._connection(credentials)
        wanted = (opts or {}).get("id")
        if isinstance(wanted, str):  # one server: one GET (openstacksdk builds each slowly)
            found = self._get(conn, wanted)
            instances = [found] if found is not None else []
        else:
            servers = self._retrying(lambda: list(conn.compute.servers()))
            instances = [i for i in map(self._instance, servers) if i is not None]
        return self.filter_on(self.filter_on(instances, "id", opts), "state", opts)

    def create_instance(self, credentials, image_id, opts=None):
        conn = self._connection(credentials)
        opts = opts or {}
        if not isinstance(image_id, str) or not image_id:
            raise ValidationError(f"create_instance needs an image id, got {image_id!r}")
        for key in ("hwp_id", "realm_id", "name"):
            if opts.get(key) is not None and not isinstance(opts[key], str):
                raise ValidationError(f"create_instance: {key} must be a string, got {opts[key]!r}")
        token = str(uuid.uuid4())
        flavor = opts.get("hwp_id") or self._smallest_flavor(conn)
        arguments = {
            "name": opts.get("name") or f"server-{token[:8]}",
            "image_id": image_id,
            "flavor_id": flavor,
            "metadata": {REQUEST_KEY: token},
        }
        if opts.get("realm_id") is not None:
            arguments["availability_zone"] = opts["realm_id"]

        def made_before():
            return next(
                (s for s in conn.compute.servers() if (s.metadata or {}).get(REQUEST_KEY) == token),
                None,
            )

        server = self._retrying(lambda: conn.compute.create_server(**arguments), made_before)
        return self._find(conn, server.id)

    def reboot_instance(self, credentials, id):
        return self._act(credentials, id, "reboot_server", {"PENDING"}, "SOFT")

    def stop_instance(self, credentials, id):
        return self._act(credentials, id, "stop_server", {"SHUTTING_DOWN", "STOPPED"})

    def start_instance(self, credentials, id):
        return self._act(credentials, id, "start_server", {"PENDING", "RUNNING"})

    def destroy_instance(self, credentials, id):
        conn = self._connection(credentials)
        last_seen = self._find(conn, id)

        def gone_before():
            return True if self._get(conn, id) is None else None

        self._retrying(lambda: conn.compute.delete_server(id), gone_before)  # a 404 is ignored
        return last_seen

    def instance_states(self):
        return [(state, dict(edges)) for state, edges in MACHINE]

    # -- helpers ---------------------------------------------------------------------------------

    def _connection(self, credentials) -> Any:
        """The account's ``Connection``; ``AuthException`` before any request without both."""
        name = credentials.get("name") if isinstance(credentials, dict) else None
        secret = credentials.get("password") if isinstance(credentials, dict) else None
        if not isinstance(name, str) or not name or not isinstance(secret, str) or not secret:
            raise AuthException("credentials required: user (name) and password")
        with self._lock:
            conn = self._connections.get((name, secret))
            if conn is None:
                auth = Password(
                    auth_url=self.auth_url,
                    username=name,
                    password=secret,
                    project_name=name,
                    user_domain_name="Default",
                    project_domain_name="Default",
                )
                session = ks_session.Session(auth=auth, session=self._requests)
                conn = openstack.connection.Connection(session=session, region_name=self.region)
                self._connections[(name, secret)] = conn
            return conn

    def _act(self, credentials, id, method, done_states, *args) -> Instance:
        conn = self._connection(credentials)
        before = self._find(conn, id).state

        def acted_before():
            now = self._get(conn, id)
            return True if before not in done_states and now and now.state in done_states else None

        self._retrying(lambda: getattr(conn.compute, method)(id, *args), acted_before)
        return self._find(conn, id)

    def _get(self, conn, id) -> Instance | None:
        """The caller's server ``id``, or None (unknown, or being deleted)."""
        if not isinstance(id, str) or not id:
            return None
        try:
            server = self._retrying(lambda: conn.compute.get_server(id))
        except (NotFound, ValidationError):
            return None
        return self._instance(server)

    def _find(self, conn, id) -> Instance:
        instance = self._get(conn, id)
        if instance is None:
            raise NotFound(f"no instance {id!r}")
        return instance

    def _instance(self, server) -> Instance | None:
        if server.status in GONE or server.task_state == "deleting":
            return None
        if server.status in ("ACTIVE", "SHUTOFF") and server.task_state in TASKS:
            state = TASKS[server.task_state]
        else:
            state = STATUS.get(server.status, str(server.status).upper())
        public, private = [], []
        for network in (server.addresses or {}).values():
            for address in network:
                kind = address.get("OS-EXT-IPS:type")
                (public if kind == "floating" else private).append(address["addr"])
        return Instance(
            id=server.id,
            name=server.name,
            owner_id=server.project_id,
            image=(server.image or {}).get("id"),
            realm=server.availability_zone,
            hardware_profile=(server.flavor or {}).get("id"),
            state=state,
            actions=self.instance_actions_for(state),
            public_addresses=public,
            private_addresses=private,
        )

    def _smallest_flavor(self, conn) -> str:
        flavors = self._retrying(lambda: list(conn.compute.flavors()))
        if not flavors:
            raise ValidationError("create_instance: the cloud has no flavor")
        return min(flavors, key=lambda f: (f.ram or 0, f.vcpus or 0, f.disk or 0)).id

    def _retrying(self, attempt: Callable[[], Any], recover: Callable[[], Any] | None = None):
        """``attempt()``, tried again after a transient failure (see the module docstring);
        after a lost answer, ``recover()`` first says whether the provider had acted."""
        delays = iter(BACKOFF)
        lost = False
        while True:
            if lost and recover is not None and (done := recover()) is not None:
                return done
            try:
                return attempt()
            except (sdk_exceptions.SDKException, ks_exceptions.ClientException) as exc:
                transient = _transient(exc)
                delay = next(delays, None) if transient else None
                if delay is None:
                    raise _error(exc, transient) from None
                lost = lost or isinstance(exc, LOST) or _status(exc) in (408, 504)
            self._wait(delay)


def _status(exc: Exception) -> int:
    code = getattr(exc, "status_code", None) or getattr(exc, "http_status", None)
    return int(code) if isinstance(code, int) else 0


def _transient(exc: Exception) -> bool:
    return isinstance(exc, LOST) or _status(exc) in TRANSIENT


def _error(exc: Exception, transient: bool) -> DriverError:
    """An openstacksdk or keystoneauth error as the SPI's; the message is kept."""
    text = " ".join(str(exc).split()) + (
        f" (gave up after {len(BACKOFF) + 1} attempts)" if transient else ""
    )
    status = _status(exc)
    if isinstance(exc, ks_exceptions.Unauthorized) or status == 401:
        return AuthException(text)
    if status == 403 and "quota" not in text.lower():
        return AuthException(text)
    if status == 404:
        return NotFound(text)
    if status == 409:
        return ActionNotAllowed(text)
    if 400 <= status < 500 and status not in TRANSIENT | {403, 405, 406, 415}:
        return ValidationError(text)
    return ProviderError(text)


def _gib(mebibytes: int) -> int | float:
    return mebibytes // 1024 if mebibytes % 1024 == 0 else mebibytes / 1024


# -- factories for dctck certify -------------------------------------------------------------------


def in_process() -> OpenStackSDKDriver:
    """The driver against an embedded OpenStack simulator, answered in-process (no socket)."""
    from reference_drivers._os_inprocess import connect

    session, auth_url, cloud, faults = connect()
    driver = OpenStackSDKDriver(
        auth_url, cloud.region, clock=cloud.clock, faults=faults, session=session
    )
    driver.simulator = cloud
    return driver


def from_environment() -> OpenStackSDKDriver:
    """The driver against ``DCTCK_OS_AUTH_URL`` (see the module docstring)."""
    auth_url = os.environ.get("DCTCK_OS_AUTH_URL")
    if not auth_url:
        raise ValueError("set DCTCK_OS_AUTH_URL to the URL of an OpenStack Keystone")
    control = os.environ.get("DCTCK_OS_CONTROL")
    clock = faults = None
    if control:
        from reference_drivers._ec2_control import RemoteClock
        from reference_drivers._os_inprocess import remote_faults

        clock, faults = RemoteClock(control), remote_faults(control)
    region = os.environ.get("DCTCK_OS_REGION") or "RegionOne"
    return OpenStackSDKDriver(auth_url, region, clock=clock, faults=faults)
