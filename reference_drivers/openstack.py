"""``OpenStackDriver``: the Driver SPI over Keystone v3, Nova 2.1 and Glance v2, with ``requests``.

Hardware profiles are flavors, realms availability zones, images Glance's images and instances
Nova's servers. Every call is authenticated with a Keystone token, the catalogue's too: with
missing or rejected credentials every method raises ``AuthException``. Credentials are
``{"name": user, "password": password}``; the token is scoped to the project of the same name
(DevStack's ``demo``/``demo``, the simulator's ``mockuser``/``mockuser``) unless ``project=``
names one project for every account; users and projects are in the domain ``domain=``
(``Default``).

Two modes:

``OpenStackDriver()``
    In-process: a fresh embedded simulator behind the simulator's OpenStack application,
    reached through ``responses`` on a session private to the driver (no socket). ``clock`` is
    the simulator's virtual clock, ``simulator`` the simulator, and ``faults`` injects SPEC 9
    faults into it (a ``timeout`` loses the answer after the simulator acted).

``OpenStackDriver(auth_url=URL, region="RegionOne", clock=None)``
    Any OpenStack cloud: a ``dctck simulate --api openstack`` server, a DevStack. Without a
    ``clock`` the driver has no ``clock`` attribute and runs on real time; with one (e.g. a
    :class:`RemoteClock` on the simulator's control URL) it exposes it, and retry back-offs
    advance it instead of sleeping.

Both take ``retry=RetryPolicy(...)`` and ``timeout=`` (seconds per HTTP request, default 30).

For ``dctck certify``, :func:`from_environment` is the zero-argument factory of the second mode:

``DCTCK_OS_AUTH_URL``    Keystone's URL (required), e.g. ``http://127.0.0.1:8774/identity``
``DCTCK_OS_REGION``      the catalog's region (default ``RegionOne``)
``DCTCK_OS_PROJECT``     one project for every account (default: the user's name)
``DCTCK_OS_DOMAIN``      the users' and projects' domain (default ``Default``)
``DCTCK_OS_CONTROL``     optional: the control URL of a ``dctck simulate --api openstack``
                         server on a manual clock; the driver then exposes that server's clock
                         as ``clock`` and its fault injection as ``faults`` (SPEC 9)

State machine: Nova's, as its API shows it (``STATES``; the mapping and the decision about the
stop Nova hides behind ``ACTIVE`` are in ``_os_models``). A reboot goes through ``PENDING`` (Nova's
``REBOOT``, during which it refuses a stop), a stop through ``SHUTTING_DOWN`` (``ACTIVE`` +
``powering-off``), a start through ``PENDING`` (``SHUTOFF`` + ``powering-on``). A server Nova is
deleting is gone at once to the SPI: nothing but another delete is possible on it.

Retries and lost answers: ``_os_client``. Nova has no idempotency token, so ``create_instance``
puts one in the server's metadata (``dctck-request``) and, after an answer that never came, looks
for the server carrying it before asking again; an action whose answer was lost is not sent again
if the server already shows its effect. Error mapping: ``_os_errors``.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator, Mapping
from urllib.parse import parse_qs, quote, urlsplit

import requests

from dctck import (
    BaseDriver,
    Credentials,
    Features,
    HardwareProfile,
    Image,
    Instance,
    NotFound,
    Opts,
    ProviderError,
    Realm,
    StateDeclaration,
    ValidationError,
    VirtualClock,
)
from reference_drivers import _credentials
from reference_drivers import _os_models as models
from reference_drivers._ec2_control import RemoteClock, RemoteFaults
from reference_drivers._faults import SimulatorFaults
from reference_drivers._os_client import Account, Document, OpenStackClient, RetryPolicy
from simulator.openstack import NovaCloud

__all__ = [
    "STATES",
    "OpenStackDriver",
    "RemoteClock",
    "RetryPolicy",
    "for_endpoint",
    "from_environment",
]

DEFAULT_REGION = "RegionOne"
DEFAULT_DOMAIN = "Default"
#: The metadata key holding ``create_instance``'s idempotency token.
REQUEST_KEY = "dctck-request"

STATES: StateDeclaration = [
    ("begin", {"pending": "create"}),
    ("pending", {"running": "_auto_", "end": "destroy"}),
    ("running", {"pending": "reboot", "shutting_down": "stop", "end": "destroy"}),
    ("shutting_down", {"stopped": "_auto_", "end": "destroy"}),
    ("stopped", {"pending": "start", "end": "destroy"}),
]
"""Nova's server state machine as the SPI sees it (see the module docstring)."""

#: Each action's body, and the SPI states that show it carried out (entered from another state).
_ACTIONS: Mapping[str, tuple[Document, frozenset[str]]] = {
    "reboot": ({"reboot": {"type": "SOFT"}}, frozenset({"PENDING"})),
    "stop": ({"os-stop": None}, frozenset({"SHUTTING_DOWN", "STOPPED"})),
    "start": ({"os-start": None}, frozenset({"PENDING", "RUNNING"})),
}


class OpenStackDriver(BaseDriver):
    """A driver speaking Keystone/Nova/Glance; with no ``auth_url``, to an embedded simulator."""

    clock: VirtualClock
    faults: SimulatorFaults | RemoteFaults  # in-process, or a simulator's control URL (SPEC 9)

    def __init__(
        self,
        auth_url: str | None = None,
        region: str | None = None,
        *,
        project: str | None = None,
        domain: str = DEFAULT_DOMAIN,
        clock: VirtualClock | None = None,
        simulator: NovaCloud | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        verify: bool | str = True,
    ) -> None:
        self.simulator: NovaCloud | None = None
        if auth_url is None:
            from reference_drivers._os_inprocess import connect

            if clock is not None:
                raise ValueError("an in-process OpenStackDriver runs on its simulator's clock")
            session, auth_url, cloud, self.faults = connect(simulator)
            self.simulator, clock = cloud, cloud.clock
        elif simulator is not None:
            raise ValueError("simulator= is for the in-process mode: give no auth_url")
        else:
            session = requests.Session()
            session.verify = verify
        self.auth_url = auth_url
        self.region = region or DEFAULT_REGION
        self.project, self.domain = project, domain
        if clock is not None:
            self.clock = clock  # only then: a driver without a clock has no clock attribute
        self._client = OpenStackClient(
            auth_url,
            session,
            wait=clock.tick if clock is not None else time.sleep,
            region=self.region,
            retry=retry,
            timeout=timeout,
        )

    def __repr__(self) -> str:
        mode = "in-process" if self.simulator is not None else self.auth_url
        return f"<OpenStackDriver {mode} {self.region}>"

    # -- catalogue -------------------------------------------------------------------------------

    def hardware_profiles(
        self, credentials: Credentials, opts: Opts = None
    ) -> list[HardwareProfile]:
        account = self._account(credentials)
        items = self._nova_pages(account, "/flavors/detail", "flavors", {"is_public": "None"})
        profiles = [models.flavor(item) for item in items]
        profiles = self.filter_on(profiles, "id", opts)
        return self.filter_on(profiles, "architecture", opts)

    def realms(self, credentials: Credentials, opts: Opts = None) -> list[Realm]:
        account = self._account(credentials)
        document = self._client.compute(account, "GET", "/os-availability-zone")
        realms = [models.zone(item) for item in _items(document, "availabilityZoneInfo")]
        return self.filter_on(realms, "id", opts)

    def images(self, credentials: Credentials, opts: Opts = None) -> list[Image]:
        account = self._account(credentials)
        images = [models.image(item) for item in self._glance_images(account)]
        for key in ("id", "owner_id", "architecture"):
            images = self.filter_on(images, key, opts)
        return images

    # -- instances -------------------------------------------------------------------------------

    def instances(self, credentials: Credentials, opts: Opts = None) -> list[Instance]:
        account = self._account(credentials)
        wanted = (opts or {}).get("id")
        if isinstance(wanted, str):  # one id: one GET instead of the whole list
            found = self._server(account, wanted)
            instances = [found] if found is not None else []
        else:
            items = self._nova_pages(account, "/servers/detail", "servers")
            instances = [
                instance
                for item in items
                if (instance := models.instance(item, self.instance_actions_for)) is not None
            ]
        instances = self.filter_on(instances, "id", opts)
        return self.filter_on(instances, "state", opts)

    def create_instance(
        self, credentials: Credentials, image_id: str, opts: Opts = None
    ) -> Instance:
        account = self._account(credentials)
        opts = opts or {}
        if not isinstance(image_id, str) or not image_id:
            raise ValidationError(f"create_instance needs an image id, got {image_id!r}")
        for key in ("hwp_id", "realm_id", "name"):
            if opts.get(key) is not None and not isinstance(opts[key], str):
                raise ValidationError(f"create_instance: {key} must be a string, got {opts[key]!r}")
        token = str(uuid.uuid4())
        server: Document = {
            "name": opts.get("name") or f"server-{token[:8]}",
            "imageRef": image_id,
            "flavorRef": opts.get("hwp_id") or self._default_flavor(account, image_id),
            "min_count": 1,
            "max_count": 1,
            "metadata": {REQUEST_KEY: token},
        }
        if opts.get("realm_id") is not None:
            server["availability_zone"] = opts["realm_id"]

        def created_before() -> Document | None:
            for item in self._nova_pages(account, "/servers/detail", "servers"):
                metadata = item.get("metadata")
                if isinstance(metadata, dict) and metadata.get(REQUEST_KEY) == token:
                    return {"server": item}
            return None

        answer = self._client.compute(
            account, "POST", "/servers", body={"server": server}, recover=created_before
        )
        created = answer.get("server")
        if not isinstance(created, dict) or not isinstance(created.get("id"), str):
            raise ProviderError("POST /servers: the answer names no server id")
        instance = self._server(account, created["id"])
        if instance is None:
            raise NotFound(f"create_instance: server {created['id']} was deleted at once")
        return instance

    def reboot_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, "reboot")

    def stop_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, "stop")

    def start_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, "start")

    def destroy_instance(self, credentials: Credentials, id: str) -> Instance | None:
        account = self._account(credentials)
        last_seen = self._visible(account, id)

        def deleted_before() -> Document | None:
            return {} if self._server(account, id) is None else None

        # NotFound: deleted meanwhile (by this call's lost first attempt, or by another)
        with contextlib.suppress(NotFound):
            self._client.compute(account, "DELETE", _server_path(id), recover=deleted_before)
        return last_seen

    def instance_states(self) -> StateDeclaration:
        return [(state, dict(edges)) for state, edges in STATES]

    def features(self) -> Features:
        """``opts["name"]`` names the new server, SPEC 8."""
        return {"instances": {"user_name"}}

    # -- serving (``dctck serve``) -----------------------------------------------------------------

    def set_durations(
        self, *, boot_seconds: float | None = None, stop_seconds: float | None = None
    ) -> None:
        """How long servers build and stop from now on (in-process only)."""
        if self.simulator is None:
            raise ValueError(f"{self.auth_url} decides its own durations")
        self.simulator.set_durations(boot_seconds=boot_seconds, stop_seconds=stop_seconds)

    @property
    def provider(self) -> str:
        """The region requests go to."""
        return self.region

    # -- helpers ---------------------------------------------------------------------------------

    def _account(self, credentials: Credentials) -> Account:
        """The Keystone account of ``credentials``; ``AuthException`` without a request if
        the name or the password is missing."""
        user, password = _credentials.keys(credentials)
        return Account(user, password, self.project or user, self.domain)

    def _act(self, credentials: Credentials, id: str, action: str) -> Instance:
        account = self._account(credentials)
        before = self._visible(account, id).state
        body, done_states = _ACTIONS[action]

        def acted_before() -> Document | None:
            now = self._visible(account, id).state
            return {} if before not in done_states and now in done_states else None

        self._client.compute(
            account, "POST", _server_path(id) + "/action", body=body, recover=acted_before
        )
        return self._visible(account, id)

    def _visible(self, account: Account, id: str) -> Instance:
        """The caller's server ``id``; ``NotFound`` if there is none or it is being deleted."""
        instance = self._server(account, id)
        if instance is None:
            raise NotFound(f"no instance {id!r}")
        return instance

    def _server(self, account: Account, id: object) -> Instance | None:
        """The caller's server ``id`` as an instance, or None (unknown, or gone)."""
        if not isinstance(id, str) or not id:
            return None
        try:
            document = self._client.compute(account, "GET", _server_path(id))
        except (NotFound, ValidationError):  # Nova: 404 for any unknown id; a 400 names nothing
            return None
        item = document.get("server")
        if not isinstance(item, dict) or item.get("id") != id:
            return None
        return models.instance(item, self.instance_actions_for)

    def _default_flavor(self, account: Account, image_id: str) -> str:
        """The smallest flavor the image fits (Glance's ``min_ram``, ``min_disk``): what Nova
        takes when the caller names none. An unknown image is left for Nova to refuse."""
        try:
            image = self._client.image(account, "/v2/images/" + quote(image_id, safe=""))
        except (NotFound, ValidationError):
            image = {}
        min_ram, min_disk = _size(image.get("min_ram")), _size(image.get("min_disk"))
        flavors = [
            item
            for item in self._nova_pages(account, "/flavors/detail", "flavors")
            if _size(item.get("ram")) >= min_ram
            and (_size(item.get("disk")) == 0 or _size(item.get("disk")) >= min_disk)
        ]
        if not flavors:
            raise ValidationError(f"create_instance: no flavor fits image {image_id!r}")
        smallest = min(
            flavors,
            key=lambda f: (_size(f.get("ram")), _size(f.get("vcpus")), _size(f.get("disk"))),
        )
        return str(smallest.get("id"))

    def _nova_pages(
        self,
        account: Account,
        path: str,
        key: str,
        params: Mapping[str, str] | None = None,
    ) -> Iterator[Document]:
        """The items of a Nova list, following its ``<key>_links`` ``next`` links."""
        query = dict(params or {})
        markers: set[str] = set()
        while True:
            document = self._client.compute(account, "GET", path, params=query)
            yield from _items(document, key)
            marker = _next_marker(document.get(f"{key}_links"))
            if marker is None:
                return
            if marker in markers:
                raise ProviderError(f"GET {path}: Nova repeated the page marker {marker!r}")
            markers.add(marker)
            query = {**query, "marker": marker}

    def _glance_images(self, account: Account) -> Iterator[Document]:
        """Glance's images, following ``next``."""
        query: dict[str, str] = {}
        markers: set[str] = set()
        while True:
            document = self._client.image(account, "/v2/images", query)
            yield from _items(document, "images")
            following = document.get("next")
            if not isinstance(following, str) or not following:
                return
            marker = parse_qs(urlsplit(following).query).get("marker", [""])[0]
            if not marker or marker in markers:
                raise ProviderError(f"GET /v2/images: Glance gave a bad next page {following!r}")
            markers.add(marker)
            query = {"marker": marker}


def _server_path(id: str) -> str:
    return "/servers/" + quote(id, safe="")


def _items(document: Document, key: str) -> list[Document]:
    items = document.get(key)
    if not isinstance(items, list):
        raise ProviderError(f"the answer has no {key!r} list")
    return [item for item in items if isinstance(item, dict)]


def _next_marker(links: object) -> str | None:
    """The ``marker`` of the ``next`` link of a Nova list, if it has one."""
    for link in links if isinstance(links, list) else ():
        if isinstance(link, dict) and link.get("rel") == "next":
            marker = parse_qs(urlsplit(str(link.get("href", ""))).query).get("marker")
            if marker:
                return marker[0]
    return None


def _size(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def from_environment() -> OpenStackDriver:
    """An :class:`OpenStackDriver` on ``DCTCK_OS_AUTH_URL`` (see the module docstring)."""
    auth_url = os.environ.get("DCTCK_OS_AUTH_URL")
    if not auth_url:
        raise ValueError("set DCTCK_OS_AUTH_URL to the URL of an OpenStack Keystone")
    control = os.environ.get("DCTCK_OS_CONTROL")
    driver = OpenStackDriver(
        auth_url,
        os.environ.get("DCTCK_OS_REGION") or DEFAULT_REGION,
        project=os.environ.get("DCTCK_OS_PROJECT") or None,
        domain=os.environ.get("DCTCK_OS_DOMAIN") or DEFAULT_DOMAIN,
        clock=RemoteClock(control) if control else None,
    )
    if control:
        from reference_drivers._os_inprocess import remote_faults

        driver.faults = remote_faults(control)
    return driver


def for_endpoint(
    url: str, *, provider: str | None = None, verify: bool | str = True, timeout: float = 30.0
) -> OpenStackDriver:
    """An :class:`OpenStackDriver` on the Keystone at ``url`` in region ``provider``: what
    ``dctck certify --endpoint URL --protocol openstack`` certifies (the ``dctck.protocols``
    entry point ``openstack``). The ``DCTCK_OS_*`` variables of :func:`from_environment` give
    the project, domain and a simulator's control API, if any."""
    control = os.environ.get("DCTCK_OS_CONTROL")
    driver = OpenStackDriver(
        url,
        provider or os.environ.get("DCTCK_OS_REGION") or DEFAULT_REGION,
        project=os.environ.get("DCTCK_OS_PROJECT") or None,
        domain=os.environ.get("DCTCK_OS_DOMAIN") or DEFAULT_DOMAIN,
        clock=RemoteClock(control) if control else None,
        timeout=timeout,
        verify=verify,
    )
    if control:
        from reference_drivers._os_inprocess import remote_faults

        driver.faults = remote_faults(control)
    return driver
