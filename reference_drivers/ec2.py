"""``EC2Driver``: the Driver SPI over the EC2 Query API (2016-11-15), spoken with ``requests``.

Hardware profiles are instance types, realms availability zones, images AMIs and instances the
instances of reservations. Every call is authenticated (SigV4, signed by the driver itself), the
catalogue too: with missing or rejected credentials every method raises ``AuthException``.
Credentials are ``{"name": access key id, "password": secret key}``.

Two modes:

``EC2Driver()``
    In-process: a fresh embedded simulator (``simulator.Simulator``) behind the simulator's EC2
    application, reached through ``responses`` on a session private to the driver (no socket,
    other ``requests`` traffic untouched). ``driver.clock`` is the simulator's virtual clock and
    ``driver.simulator`` the simulator itself; ``driver.faults`` injects SPEC 9 faults into it.

``EC2Driver(endpoint=URL, region="us-east-1", clock=None)``
    Any EC2-compatible endpoint: a ``dctck simulate`` server, moto's server, in principle AWS.
    Without a ``clock`` the driver has no ``clock`` attribute and runs on real time; with one
    (e.g. :class:`RemoteClock` on a ``dctck simulate`` control URL) it exposes it as ``clock``,
    and retry back-offs advance it instead of sleeping.

Both take ``retry=RetryPolicy(...)`` and ``timeout=`` (seconds per HTTP request, default 30).
Requests are signed with wall-clock time, whatever the clock.

For ``dctck certify``, :func:`from_environment` is the zero-argument factory of the second mode,
configured by environment variables:

``DCTCK_EC2_ENDPOINT``   the endpoint URL (required), e.g. ``http://127.0.0.1:8773/``
``DCTCK_EC2_REGION``     the region requests are signed for (default ``us-east-1``)
``DCTCK_EC2_CONTROL``    optional: the control URL of a ``dctck simulate`` server on a manual
                         clock; the driver then exposes that server's virtual clock as ``clock``
                         and its fault injection as ``faults`` (SPEC 9)

    dctck simulate --clock manual &        # serves http://127.0.0.1:8773/, control at /_sim
    DCTCK_EC2_ENDPOINT=http://127.0.0.1:8773/ DCTCK_EC2_CONTROL=http://127.0.0.1:8773/_sim \\
        dctck certify reference_drivers.ec2:from_environment \\
        --credentials mockuser:mockpassword --other-credentials otheruser:otherpassword

State mapping: ``pending`` is ``PENDING``, ``running`` ``RUNNING``, ``stopping`` and
``shutting-down`` are ``SHUTTING_DOWN``, ``stopped`` is ``STOPPED``; ``terminated`` instances are
not listed (``end``), and actions on them raise ``NotFound``. EC2 terminates a stopped instance
through ``shutting-down``, so the declared machine has ``stopped --stop--> shutting_down``: the
stop edge SPEC 5 lets ``destroy`` pass through first (stopping a stopped instance itself changes
nothing, which SPEC 4 allows). Error mapping: ``_ec2_errors``. Retries: ``_ec2_client``.
"""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
import zlib
from collections.abc import Iterable, Mapping

import requests

import simulator as sim
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
from reference_drivers import _ec2_models as models
from reference_drivers._ec2_client import EC2Client, RetryPolicy
from reference_drivers._ec2_control import RemoteClock, RemoteFaults
from reference_drivers._ec2_query import Node, numbered
from reference_drivers._faults import SimulatorFaults

__all__ = [
    "REGIONS",
    "STATES",
    "EC2Driver",
    "RemoteClock",
    "RetryPolicy",
    "for_endpoint",
    "from_environment",
]

DEFAULT_REGION = "us-east-1"
#: The tag an instance's ``opts["run_tag"]`` is kept in (SPEC 8 ``run_tag``, proposed).
RUN_TAG_KEY = "dctck:run"
#: The regions (Deltacloud providers) an EC2Driver can switch to with ``for_provider``.
REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
)

STATES: StateDeclaration = [
    ("begin", {"pending": "create"}),
    ("pending", {"running": "_auto_", "end": "destroy"}),
    ("running", {"running": "reboot", "shutting_down": "stop", "end": "destroy"}),
    ("shutting_down", {"stopped": "_auto_", "end": "destroy"}),
    ("stopped", {"pending": "start", "shutting_down": "stop", "end": "destroy"}),
]
"""EC2's instance state machine as the SPI sees it (see the module docstring)."""

_Keys = tuple[str, str]


class EC2Driver(BaseDriver):
    """A driver speaking the EC2 Query API; with no ``endpoint``, to an embedded simulator."""

    clock: VirtualClock
    faults: SimulatorFaults | RemoteFaults

    def __init__(
        self,
        endpoint: str | None = None,
        region: str | None = None,
        *,
        clock: VirtualClock | None = None,
        simulator: sim.Simulator | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        verify: bool | str = True,
    ) -> None:
        self.simulator: sim.Simulator | None = None
        if endpoint is None:
            from reference_drivers._ec2_inprocess import connect

            if clock is not None:
                raise ValueError("an in-process EC2Driver runs on its simulator's clock")
            self.simulator = simulator if simulator is not None else sim.Simulator()
            session, endpoint, lost = connect(self.simulator)
            region = region or self.simulator.region
            clock = self.simulator.clock
            self.faults = SimulatorFaults(self.simulator, lost.lose, lost.forget)
        elif simulator is not None:
            raise ValueError("simulator= is for the in-process mode: give no endpoint")
        else:
            session = requests.Session()
            session.verify = verify
        self.endpoint = endpoint
        self.region = region or DEFAULT_REGION
        self._retry, self._timeout, self._verify = retry, timeout, verify
        if clock is not None:
            self.clock = clock  # only then: a driver without a clock has no clock attribute
        self._client = EC2Client(
            endpoint,
            self.region,
            session,
            wait=clock.tick if clock is not None else time.sleep,
            retry=retry,
            timeout=timeout,
        )

    def __repr__(self) -> str:
        mode = "in-process" if self.simulator is not None else self.endpoint
        return f"<EC2Driver {mode} {self.region}>"

    # -- catalogue -------------------------------------------------------------------------------

    def hardware_profiles(
        self, credentials: Credentials, opts: Opts = None
    ) -> list[HardwareProfile]:
        filters = _prefilters(
            opts, {"id": "instance-type", "architecture": "processor-info.supported-architecture"}
        )
        items = self._describe(
            credentials, "DescribeInstanceTypes", "instanceTypeSet", _filter_params(filters)
        )
        profiles = [models.hardware_profile(item) for item in items]
        profiles = self.filter_on(profiles, "id", opts)
        return self.filter_on(profiles, "architecture", opts)

    def realms(self, credentials: Credentials, opts: Opts = None) -> list[Realm]:
        items = self._describe(credentials, "DescribeAvailabilityZones", "availabilityZoneInfo")
        realms = [models.realm(item) for item in items]
        return self.filter_on(realms, "id", opts)

    def images(self, credentials: Credentials, opts: Opts = None) -> list[Image]:
        items = self._describe(credentials, "DescribeImages", "imagesSet")
        images = [models.image(item) for item in items]
        for key in ("id", "owner_id", "architecture"):
            images = self.filter_on(images, key, opts)
        return images

    # -- instances -------------------------------------------------------------------------------

    def instances(self, credentials: Credentials, opts: Opts = None) -> list[Instance]:
        filters = {
            "instance-state-name": list(models.SPI_STATES),  # terminated ones are gone
            **_prefilters(opts, {"id": "instance-id"}),
        }
        reservations = self._describe(
            credentials, "DescribeInstances", "reservationSet", _filter_params(filters)
        )
        instances = self._instances(reservations)
        run_tag = (opts or {}).get("run_tag")
        if run_tag is not None:
            tagged = models.ids_tagged(reservations, RUN_TAG_KEY, run_tag)
            instances = [i for i in instances if i.id in tagged]
        instances = self.filter_on(instances, "id", opts)
        return self.filter_on(instances, "state", opts)

    def create_instance(
        self, credentials: Credentials, image_id: str, opts: Opts = None
    ) -> Instance:
        keys = self._keys(credentials)
        opts = opts or {}
        if not isinstance(image_id, str) or not image_id:
            raise ValidationError(f"create_instance needs an image id, got {image_id!r}")
        params = {"ImageId": image_id, "MinCount": "1", "MaxCount": "1"}
        for key, param in (("hwp_id", "InstanceType"), ("realm_id", "Placement.AvailabilityZone")):
            value = opts.get(key)
            if value is not None and not isinstance(value, str):
                raise ValidationError(f"create_instance: {key} must be a string, got {value!r}")
            if value is not None:
                params[param] = value
        tags = []
        for key, tag in (("name", "Name"), ("run_tag", RUN_TAG_KEY)):
            value = opts.get(key)
            if value is not None and not isinstance(value, str):
                raise ValidationError(f"create_instance: {key} must be a string, got {value!r}")
            if value is not None:
                tags.append((tag, value))
        if tags:
            params["TagSpecification.1.ResourceType"] = "instance"
            for number, (tag, value) in enumerate(tags, start=1):
                params[f"TagSpecification.1.Tag.{number}.Key"] = tag
                params[f"TagSpecification.1.Tag.{number}.Value"] = value
        # the same token on every retry: EC2 launches once however often the request arrives
        params["ClientToken"] = str(uuid.uuid4())
        (instance,) = self._instances([self._request(keys, "RunInstances", params)])
        return instance

    def reboot_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, "RebootInstances")

    def stop_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, "StopInstances")

    def start_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, "StartInstances")

    def destroy_instance(self, credentials: Credentials, id: str) -> Instance | None:
        keys = self._keys(credentials)
        last_seen = self._visible(keys, id)
        self._request(keys, "TerminateInstances", numbered("InstanceId", [id]))
        return last_seen

    def instance_states(self) -> StateDeclaration:
        return [(state, dict(edges)) for state, edges in STATES]

    def features(self) -> Features:
        """``opts["name"]`` names the new instance (its ``Name`` tag), SPEC 8; ``opts["run_tag"]``
        becomes its ``dctck:run`` tag, and ``instances(opts={"run_tag": ...})`` lists the
        caller's instances carrying it (the kit's run ownership, proposed SPEC 8 ``run_tag``)."""
        return {"instances": {"user_name", "run_tag"}}

    # -- serving: durations and regions (``dctck serve``) -----------------------------------------

    def set_durations(
        self, *, boot_seconds: float | None = None, stop_seconds: float | None = None
    ) -> None:
        """How long instances boot and stop from now on (in-process only)."""
        if self.simulator is None:
            raise ValueError(f"{self.endpoint} decides its own durations")
        self.simulator.set_durations(boot_seconds=boot_seconds, stop_seconds=stop_seconds)

    @property
    def provider(self) -> str:
        """The region requests go to."""
        return self.region

    def providers(self) -> list[str]:
        """The regions :meth:`for_provider` knows."""
        return list(dict.fromkeys((*REGIONS, self.region)))

    def for_provider(self, region: str) -> EC2Driver:
        """A driver for ``region``: in-process, a simulator of its own on this one's clock."""
        if region not in self.providers():
            raise ValidationError(
                f"unknown region {region!r} (the regions: {', '.join(self.providers())})"
            )
        if self.simulator is None:
            clock = getattr(self, "clock", None)
            return EC2Driver(
                self.endpoint,
                region,
                clock=clock,
                retry=self._retry,
                timeout=self._timeout,
                verify=self._verify,
            )
        config = self.simulator.config
        zones = tuple(
            dataclasses.replace(zone, name=region + zone.name.removeprefix(config.region))
            for zone in config.zones
        )
        regional = sim.Simulator(
            dataclasses.replace(config, region=region, zones=zones),
            self.simulator.clock,
            seed=zlib.crc32(region.encode()),
        )
        return EC2Driver(simulator=regional, retry=self._retry, timeout=self._timeout)

    # -- helpers ---------------------------------------------------------------------------------

    def _act(self, credentials: Credentials, id: str, action: str) -> Instance:
        keys = self._keys(credentials)
        self._visible(keys, id)
        self._request(keys, action, numbered("InstanceId", [id]))
        return self._visible(keys, id)

    def _visible(self, keys: _Keys, id: str) -> Instance:
        """The caller's instance ``id``; ``NotFound`` if there is none or it is terminated."""
        if not isinstance(id, str) or not id:
            raise NotFound(f"no instance {id!r}")
        document = self._request(keys, "DescribeInstances", numbered("InstanceId", [id]))
        instances = self._instances(document.items("reservationSet"))
        found = [instance for instance in instances if instance.id == id]
        if not found:
            raise NotFound(f"no instance {id!r}: it has been destroyed")
        return found[0]

    def _instances(self, reservations: Iterable[Node]) -> list[Instance]:
        return [
            instance
            for reservation in reservations
            for instance in models.instances_of(reservation, self.instance_actions_for)
        ]

    def _describe(
        self,
        credentials: Credentials,
        action: str,
        list_tag: str,
        params: Mapping[str, str] | None = None,
    ) -> list[Node]:
        """The items of the list ``list_tag`` of a Describe action, from all its pages."""
        keys = self._keys(credentials)
        items: list[Node] = []
        token: str | None = None
        seen: set[str] = set()
        while True:
            page = dict(params or {}, **({"NextToken": token} if token else {}))
            document = self._request(keys, action, page)
            items.extend(document.items(list_tag))
            token = document.text("nextToken")
            if not token:
                return items
            if token in seen:
                raise ProviderError(f"{action}: the endpoint repeated a page token")
            seen.add(token)

    def _request(self, keys: _Keys, action: str, params: Mapping[str, str] | None = None) -> Node:
        return self._client.call(keys[0], keys[1], action, params)

    @staticmethod
    def _keys(credentials: Credentials) -> _Keys:
        """(access key id, secret key); ``AuthException`` without a request if either is missing."""
        return _credentials.keys(credentials)


def _literal(value: object) -> bool:
    """A string EC2 filters match exactly (no ``*``, ``?`` or ``\\`` wildcard syntax, nor the
    ``[`` that servers matching with ``fnmatch``, moto's, would read as a set)."""
    return isinstance(value, str) and not any(char in value for char in "*?\\[")


def _prefilters(opts: Opts, names: Mapping[str, str]) -> dict[str, list[str]]:
    """EC2 filters (by filter name) fetching fewer items for the SPI filters of ``opts`` that
    ``names`` maps: only literal strings, at most 200; the driver's ``filter_on`` stays exact."""
    filters: dict[str, list[str]] = {}
    for key, name in names.items():
        wanted = (opts or {}).get(key)
        values = [wanted] if isinstance(wanted, str) else wanted
        if not isinstance(values, list | tuple | set) or not 0 < len(values) <= 200:
            continue
        if all(map(_literal, values)):
            filters[name] = sorted(set(values))
    return filters


def _filter_params(filters: Mapping[str, list[str]]) -> dict[str, str]:
    """``Filter.N.Name`` and ``Filter.N.Value.M`` parameters."""
    params: dict[str, str] = {}
    for number, (name, values) in enumerate(filters.items(), start=1):
        params[f"Filter.{number}.Name"] = name
        params.update(numbered(f"Filter.{number}.Value", values))
    return params


def from_environment() -> EC2Driver:
    """An :class:`EC2Driver` on ``DCTCK_EC2_ENDPOINT`` (see the module docstring)."""
    endpoint = os.environ.get("DCTCK_EC2_ENDPOINT")
    if not endpoint:
        raise ValueError("set DCTCK_EC2_ENDPOINT to the URL of an EC2-compatible endpoint")
    control = os.environ.get("DCTCK_EC2_CONTROL")
    driver = EC2Driver(
        endpoint,
        os.environ.get("DCTCK_EC2_REGION") or DEFAULT_REGION,
        clock=RemoteClock(control) if control else None,
    )
    if control:
        driver.faults = RemoteFaults(control)
    return driver


def for_endpoint(
    url: str, *, provider: str | None = None, verify: bool | str = True, timeout: float = 30.0
) -> EC2Driver:
    """An :class:`EC2Driver` on the EC2 endpoint ``url``, signing for region ``provider``: what
    ``dctck certify --endpoint URL --protocol ec2`` certifies (the ``dctck.protocols`` entry
    point ``ec2``). ``DCTCK_EC2_CONTROL`` still names a simulator's control API, if any."""
    control = os.environ.get("DCTCK_EC2_CONTROL")
    driver = EC2Driver(
        url,
        provider or os.environ.get("DCTCK_EC2_REGION") or DEFAULT_REGION,
        clock=RemoteClock(control) if control else None,
        timeout=timeout,
        verify=verify,
    )
    if control:
        driver.faults = RemoteFaults(control)
    return driver
