"""An EC2 driver written on boto3, the way a Python user writes one, and certified by dctck.

The Driver SPI straight over the AWS SDK: hardware profiles are instance types, realms
availability zones, images AMIs, instances the account's instances; the catalogue is read with
boto3's paginators, and every SPI filter goes through ``filter_on``. Credentials are an access
key id and a secret key; each account gets one boto3 client, reused.

Provider faults (SPEC 9), a lesson for driver authors. botocore retries throttling, 5xx and
timeouts by itself (3 attempts in ``standard`` mode, 5 in ``legacy``), and waits between them
with ``time.sleep`` and random jitter: up to seconds of wall time per call while a provider on a
virtual clock (``driver.clock``, SPEC 7) stands still, never the same twice, so a certification
run is slow and its recording depends on luck. This driver turns botocore's retries off
(``total_max_attempts=1``) and retries itself, in ``_retrying``: the transient failures
(``TRANSIENT`` codes, any other 5xx, a lost or refused connection) up to ``len(BACKOFF) + 1``
attempts, waiting ``BACKOFF`` on ``self.clock.tick`` when it has a clock and ``time.sleep``
otherwise; then ``ProviderError``. Retrying is safe because every call is: reads and instance
actions repeat harmlessly, and ``run_instances`` carries one ``ClientToken`` for all its attempts,
so an answer lost after EC2 launched (a read timeout) does not launch a second instance. Every
botocore exception becomes an SPI one (``_error``): none leaks to the caller.

Factories for ``dctck certify`` (from the ``examples`` directory):

``boto3_ec2:in_process``
    Against an embedded simulator, answered in-process (``simulator.ec2.route_botocore``:
    no socket); ``clock`` is the simulator's virtual clock, ``faults`` its fault injection (a
    ``timeout`` has the simulator act and the answer lost: botocore's ``ReadTimeoutError``).
``boto3_ec2:from_environment``
    Against the endpoint ``DCTCK_EC2_ENDPOINT`` (a ``dctck simulate`` server, in principle
    AWS), in ``DCTCK_EC2_REGION``; with ``DCTCK_EC2_CONTROL`` (a ``dctck simulate --clock
    manual`` control URL) waits advance that server's clock instead of sleeping, and
    ``faults`` injects faults into that server (a ``timeout`` is its ``RequestTimeout``).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

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

#: EC2's instance states as the SPI's; ``terminated`` instances are gone (``end``).
STATES = {
    "pending": "PENDING",
    "running": "RUNNING",
    "stopping": "SHUTTING_DOWN",
    "shutting-down": "SHUTTING_DOWN",
    "stopped": "STOPPED",
}

#: EC2's lifecycle: a stopped instance is terminated through shutting-down, hence its stop edge.
MACHINE = [
    ("begin", {"pending": "create"}),
    ("pending", {"running": "_auto_", "end": "destroy"}),
    ("running", {"running": "reboot", "shutting_down": "stop", "end": "destroy"}),
    ("shutting_down", {"stopped": "_auto_", "end": "destroy"}),
    ("stopped", {"pending": "start", "shutting_down": "stop", "end": "destroy"}),
]

AUTH_ERRORS = {
    "AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch", "MissingAuthenticationToken",
    "UnauthorizedOperation", "IncompleteSignature",
}  # fmt: skip
REFUSED = {"IncorrectInstanceState", "IncorrectState", "UnsupportedOperation"}
#: Error codes a retry may cure: throttling, transient server failures, a request timed out.
TRANSIENT = {
    "RequestLimitExceeded", "Throttling", "ThrottlingException", "InternalError",
    "InternalFailure", "ServiceUnavailable", "Unavailable", "RequestTimeout",
}  # fmt: skip
#: No answer, or none that arrived: the request may or may not have been acted on.
LOST = (ReadTimeoutError, ConnectTimeoutError, EndpointConnectionError, ConnectionClosedError)
#: Seconds to wait before each retry (doubling, no jitter: a recorded run replays).
BACKOFF = (0.1, 0.2, 0.4)


class Boto3EC2Driver(BaseDriver):
    """The Driver SPI over boto3's EC2 client."""

    simulator: Any = None  # set by the in-process factory, for tests

    def __init__(
        self,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        *,
        clock: Any = None,
        faults: Any = None,
        on_client: Callable[[Any], object] | None = None,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.region = region
        if clock is not None:
            self.clock = clock  # SPEC 7: waits advance it instead of sleeping
        if faults is not None:
            self.faults = faults  # SPEC 9: the provider's fault injection, for the kit
        self._wait = clock.tick if clock is not None else time.sleep  # between retries
        self._on_client = on_client
        self._session = boto3.session.Session()
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def features(self) -> dict[str, set[str]]:
        """SPEC 8: ``opts["name"]`` becomes the instance's ``Name`` tag."""
        return {"instances": {"user_name"}}

    # -- catalogue -------------------------------------------------------------------------------

    def hardware_profiles(self, credentials, opts=None):
        ec2 = self._client(credentials)
        profiles = [
            HardwareProfile(
                id=kind["InstanceType"],
                architecture=kind["ProcessorInfo"]["SupportedArchitectures"][0],
                memory=_gib(kind["MemoryInfo"]["SizeInMiB"]),
                storage=kind.get("InstanceStorageInfo", {}).get("TotalSizeInGB"),
                cpu=kind["VCpuInfo"]["DefaultVCpus"],
            )
            for kind in self._pages(ec2, "describe_instance_types", "InstanceTypes")
        ]
        profiles = self.filter_on(profiles, "id", opts)
        return self.filter_on(profiles, "architecture", opts)

    def realms(self, credentials, opts=None):
        ec2 = self._client(credentials)
        zones = self._call(ec2.describe_availability_zones)["AvailabilityZones"]
        realms = [
            Realm(id=zone["ZoneName"], name=zone["ZoneName"], state=zone["State"].upper())
            for zone in zones
        ]
        return self.filter_on(realms, "id", opts)

    def images(self, credentials, opts=None):
        ec2 = self._client(credentials)
        images = [
            Image(
                id=image["ImageId"],
                name=image.get("Name"),
                architecture=image.get("Architecture"),
                owner_id=image.get("OwnerId"),
                description=image.get("Description"),
            )
            for image in self._pages(ec2, "describe_images", "Images")
        ]
        for key in ("id", "owner_id", "architecture"):
            images = self.filter_on(images, key, opts)
        return images

    # -- instances -------------------------------------------------------------------------------

    def instances(self, credentials, opts=None):
        ec2 = self._client(credentials)
        alive = [{"Name": "instance-state-name", "Values": list(STATES)}]
        instances = [
            self._instance(item, reservation["OwnerId"])
            for reservation in self._pages(ec2, "describe_instances", "Reservations", Filters=alive)
            for item in reservation["Instances"]
        ]
        instances = self.filter_on(instances, "id", opts)
        return self.filter_on(instances, "state", opts)

    def create_instance(self, credentials, image_id, opts=None):
        ec2 = self._client(credentials)
        opts = opts or {}
        if not isinstance(image_id, str) or not image_id:
            raise ValidationError(f"create_instance needs an image id, got {image_id!r}")
        request: dict[str, Any] = {
            "ImageId": image_id,
            "MinCount": 1,
            "MaxCount": 1,
            "ClientToken": str(uuid.uuid4()),  # retries launch once
        }
        for key in ("hwp_id", "realm_id", "name"):
            if opts.get(key) is not None and not isinstance(opts[key], str):
                raise ValidationError(f"create_instance: {key} must be a string, got {opts[key]!r}")
        if opts.get("hwp_id") is not None:
            request["InstanceType"] = opts["hwp_id"]
        if opts.get("realm_id") is not None:
            request["Placement"] = {"AvailabilityZone": opts["realm_id"]}
        if opts.get("name") is not None:
            tags = [{"Key": "Name", "Value": opts["name"]}]
            request["TagSpecifications"] = [{"ResourceType": "instance", "Tags": tags}]
        answer = self._call(ec2.run_instances, **request)
        return self._instance(answer["Instances"][0], answer["OwnerId"])

    def reboot_instance(self, credentials, id):
        return self._act(credentials, id, "reboot_instances")

    def stop_instance(self, credentials, id):
        return self._act(credentials, id, "stop_instances")

    def start_instance(self, credentials, id):
        return self._act(credentials, id, "start_instances")

    def destroy_instance(self, credentials, id):
        ec2 = self._client(credentials)
        last_seen = self._find(ec2, id)
        self._call(ec2.terminate_instances, InstanceIds=[id])
        return last_seen

    def instance_states(self):
        return [(state, dict(edges)) for state, edges in MACHINE]

    # -- helpers ---------------------------------------------------------------------------------

    def _client(self, credentials) -> Any:
        """The account's boto3 client; ``AuthException`` before any request without keys."""
        name = credentials.get("name") if isinstance(credentials, dict) else None
        secret = credentials.get("password") if isinstance(credentials, dict) else None
        if not isinstance(name, str) or not name or not isinstance(secret, str) or not secret:
            raise AuthException("credentials required: access key id (name) and secret key")
        with self._lock:
            client = self._clients.get((name, secret))
            if client is None:
                client = self._session.client(
                    "ec2",
                    region_name=self.region,
                    endpoint_url=self.endpoint_url,
                    aws_access_key_id=name,
                    aws_secret_access_key=secret,
                    config=Config(retries={"total_max_attempts": 1}),  # see _retrying
                )
                if self._on_client is not None:
                    self._on_client(client)
                self._clients[(name, secret)] = client
            return client

    def _act(self, credentials, id, operation) -> Instance:
        ec2 = self._client(credentials)
        self._find(ec2, id)
        self._call(getattr(ec2, operation), InstanceIds=[id])
        return self._find(ec2, id)

    def _find(self, ec2, id) -> Instance:
        """The caller's instance ``id``; ``NotFound`` if there is none or it is terminated."""
        if not isinstance(id, str) or not id:
            raise NotFound(f"no instance {id!r}")
        answer = self._call(ec2.describe_instances, InstanceIds=[id])
        for reservation in answer["Reservations"]:
            for item in reservation["Instances"]:
                if item["InstanceId"] == id and item["State"]["Name"] in STATES:
                    return self._instance(item, reservation["OwnerId"])
        raise NotFound(f"no instance {id!r}: it has been destroyed")

    def _instance(self, item, owner) -> Instance:
        state = STATES.get(item["State"]["Name"], item["State"]["Name"].upper())
        tags = {tag["Key"]: tag["Value"] for tag in item.get("Tags", [])}
        return Instance(
            id=item["InstanceId"],
            name=tags.get("Name"),
            owner_id=owner,
            image=item.get("ImageId"),
            realm=item.get("Placement", {}).get("AvailabilityZone"),
            hardware_profile=item.get("InstanceType"),
            state=state,
            actions=self.instance_actions_for(state),
            public_addresses=[item["PublicIpAddress"]] if item.get("PublicIpAddress") else [],
            private_addresses=[item["PrivateIpAddress"]] if item.get("PrivateIpAddress") else [],
        )

    def _pages(self, ec2, operation, key, **kwargs) -> list[Any]:
        """Every item of every page; a transient failure reads them again from the first."""
        paginator = ec2.get_paginator(operation)
        return self._retrying(
            lambda: [item for page in paginator.paginate(**kwargs) for item in page[key]]
        )

    def _call(self, method, **kwargs) -> Any:
        return self._retrying(lambda: method(**kwargs))

    def _retrying(self, attempt: Callable[[], Any]) -> Any:
        """``attempt()``, tried again after a transient failure (see the module docstring)."""
        delays = iter(BACKOFF)
        while True:
            try:
                return attempt()
            except (ClientError, BotoCoreError) as exc:
                delay = next(delays, None) if _transient(exc) else None
                if delay is None:
                    raise _error(exc) from None
            self._wait(delay)


def _transient(exc: ClientError | BotoCoreError) -> bool:
    """Whether a retry may cure the failure."""
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return exc.response.get("Error", {}).get("Code") in TRANSIENT or status >= 500
    return isinstance(exc, LOST)


def _error(exc: ClientError | BotoCoreError) -> DriverError:
    """An AWS error as the SPI's: the code decides, the message is kept (a transient one has
    been tried ``len(BACKOFF) + 1`` times)."""
    tries = f" (gave up after {len(BACKOFF) + 1} attempts)" if _transient(exc) else ""
    if not isinstance(exc, ClientError):
        return ProviderError(f"{exc}{tries}")
    error = exc.response.get("Error", {})
    code, text = error.get("Code", ""), f"{error.get('Code')}: {error.get('Message')}{tries}"
    if code in AUTH_ERRORS:
        return AuthException(text)
    if code.endswith(".NotFound") or code == "InvalidInstanceID.Malformed":
        return NotFound(text)
    if code in REFUSED:
        return ActionNotAllowed(text)
    if code.startswith(("Invalid", "Missing", "Unknown")) or code == "UnknownParameter":
        return ValidationError(text)
    return ProviderError(text)


def _gib(mebibytes: int) -> int | float:
    return mebibytes // 1024 if mebibytes % 1024 == 0 else mebibytes / 1024


# -- factories for dctck certify -------------------------------------------------------------------


def in_process() -> Boto3EC2Driver:
    """The driver against an embedded simulator, answered in-process (no socket)."""
    import simulator
    from reference_drivers._ec2_inprocess import LostAnswers, attach_botocore
    from reference_drivers._faults import SimulatorFaults
    from simulator.ec2 import Ec2App

    app = Ec2App(simulator.Simulator(), control=False)
    lost = LostAnswers()
    driver = Boto3EC2Driver(
        "https://ec2.simulator.invalid",
        app.sim.region,
        clock=app.sim.clock,
        faults=SimulatorFaults(app.sim, lost.lose, lost.forget),
        on_client=lambda client: attach_botocore(client, app, lost),
    )
    driver.simulator = app.sim
    return driver


def from_environment() -> Boto3EC2Driver:
    """The driver against ``DCTCK_EC2_ENDPOINT`` (see the module docstring)."""
    endpoint = os.environ.get("DCTCK_EC2_ENDPOINT")
    if not endpoint:
        raise ValueError("set DCTCK_EC2_ENDPOINT to the URL of an EC2-compatible endpoint")
    control = os.environ.get("DCTCK_EC2_CONTROL")
    clock = faults = None
    if control:
        from reference_drivers._ec2_control import RemoteClock, RemoteFaults

        clock, faults = RemoteClock(control), RemoteFaults(control)
    region = os.environ.get("DCTCK_EC2_REGION") or "us-east-1"
    return Boto3EC2Driver(endpoint, region, clock=clock, faults=faults)
