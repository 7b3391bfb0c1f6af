"""``MockDriver``: the Driver SPI over the in-process simulator, like Deltacloud's mock driver.

Hardware profiles are a public catalogue; realms, images and instances need credentials (realms
too, as Deltacloud's mock asked for them), which are checked against the simulator's accounts.
A terminating instance is already gone (``end``); a stopping one is ``SHUTTING_DOWN``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import simulator as sim
from dctck import (
    ActionNotAllowed,
    AuthException,
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
)
from reference_drivers._faults import SimulatorFaults

__all__ = ["MockDriver"]

_T = TypeVar("_T")

#: Simulator states as the SPI sees them; the absent ones are gone (``end``).
_SPI_STATES = {
    "pending": "PENDING",
    "running": "RUNNING",
    "stopping": "SHUTTING_DOWN",
    "stopped": "STOPPED",
}

_STATES: StateDeclaration = [
    ("begin", {"pending": "create"}),
    ("pending", {"running": "_auto_", "end": "destroy"}),
    ("running", {"running": "reboot", "shutting_down": "stop", "end": "destroy"}),
    ("shutting_down", {"stopped": "_auto_", "end": "destroy"}),
    ("stopped", {"pending": "start", "end": "destroy"}),
]


class MockDriver(BaseDriver):
    """A driver over a :class:`simulator.Simulator`; by default a fresh one on a manual clock."""

    def __init__(self, simulator: sim.Simulator | None = None) -> None:
        self.simulator = simulator if simulator is not None else sim.Simulator()
        #: SPEC 9: faults injected into the simulator operation behind each SPI method.
        self.faults = SimulatorFaults(self.simulator)

    @property
    def clock(self) -> sim.Clock:
        """The simulator's clock: advance it to let automatic transitions happen (SPEC 7)."""
        return self.simulator.clock

    # -- catalogue -------------------------------------------------------------------------------

    def hardware_profiles(
        self, credentials: Credentials, opts: Opts = None
    ) -> list[HardwareProfile]:
        profiles = [
            HardwareProfile(
                id=kind.name,
                architecture=kind.architecture,
                memory=kind.memory_gb,
                storage=kind.storage_gb,
                cpu=kind.cpus,
            )
            for kind in self._call(self.simulator.instance_types)
        ]
        profiles = self.filter_on(profiles, "id", opts)
        return self.filter_on(profiles, "architecture", opts)

    def realms(self, credentials: Credentials, opts: Opts = None) -> list[Realm]:
        self._account(credentials)
        realms = [
            Realm(id=zone.name, name=zone.name, state=zone.state.upper(), limit=zone.limit)
            for zone in self._call(self.simulator.zones)
        ]
        return self.filter_on(realms, "id", opts)

    def images(self, credentials: Credentials, opts: Opts = None) -> list[Image]:
        account = self._account(credentials)
        images = [
            Image(
                id=image.id,
                name=image.name,
                architecture=image.architecture,
                owner_id=image.owner,
                description=image.description,
            )
            for image in self._call(self.simulator.images, account)
        ]
        for key in ("id", "owner_id", "architecture"):
            images = self.filter_on(images, key, opts)
        return images

    # -- instances -------------------------------------------------------------------------------

    def instances(self, credentials: Credentials, opts: Opts = None) -> list[Instance]:
        account = self._account(credentials)
        views = self._call(self.simulator.describe_instances, account)
        instances = [self._instance(view) for view in views if view.state in _SPI_STATES]
        instances = self.filter_on(instances, "id", opts)
        return self.filter_on(instances, "state", opts)

    def create_instance(
        self, credentials: Credentials, image_id: str, opts: Opts = None
    ) -> Instance:
        account = self._account(credentials)
        opts = opts or {}
        if not isinstance(image_id, str) or not image_id:
            raise ValidationError(f"create_instance needs an image id, got {image_id!r}")
        # the simulator refuses an unknown or invisible image (NotFound), an unknown or
        # non-string type, zone or name, and a type of another architecture (ValidationError)
        name = opts.get("name")
        (view,) = self._call(
            self.simulator.run_instances,
            account,
            image_id,
            instance_type=opts.get("hwp_id"),
            zone=opts.get("realm_id"),
            tags={"Name": name} if name is not None else None,
        )
        return self._instance(view)

    def reboot_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, self.simulator.reboot_instances)

    def stop_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, self.simulator.stop_instances)

    def start_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, self.simulator.start_instances)

    def destroy_instance(self, credentials: Credentials, id: str) -> Instance | None:
        account = self._account(credentials)
        last_seen = self._visible(account, id)
        self._call(self.simulator.terminate_instances, account, [id])
        return last_seen

    def instance_states(self) -> StateDeclaration:
        return [(state, dict(edges)) for state, edges in _STATES]

    def features(self) -> Features:
        """``opts["name"]`` names the new instance (its ``Name`` tag), SPEC 8."""
        return {"instances": {"user_name"}}

    def set_durations(
        self, *, boot_seconds: float | None = None, stop_seconds: float | None = None
    ) -> None:
        """How long instances boot and stop from now on (``dctck serve --boot-seconds``)."""
        self.simulator.set_durations(boot_seconds=boot_seconds, stop_seconds=stop_seconds)

    # -- helpers ---------------------------------------------------------------------------------

    def _act(
        self,
        credentials: Credentials,
        id: str,
        action: Callable[[str, list[str]], object],
    ) -> Instance:
        account = self._account(credentials)
        self._visible(account, id)
        self._call(action, account, [id])
        return self._visible(account, id)

    def _visible(self, account: str, id: str) -> Instance:
        """The account's instance ``id`` as the SPI sees it; ``NotFound`` if it is gone."""
        if not isinstance(id, str):
            raise NotFound(f"no instance {id!r}")
        (view,) = self._call(self.simulator.describe_instances, account, [id])
        if view.state not in _SPI_STATES:
            raise NotFound(f"no instance {id!r}: it has been destroyed")
        return self._instance(view)

    def _instance(self, view: sim.InstanceView) -> Instance:
        state = _SPI_STATES[view.state]
        return Instance(
            id=view.id,
            name=view.name,
            owner_id=view.account,
            image=view.image_id,
            realm=view.zone,
            hardware_profile=view.instance_type,
            state=state,
            actions=self.instance_actions_for(state),
            public_addresses=[view.public_ip] if view.public_ip else [],
            private_addresses=[view.private_ip],
        )

    def _account(self, credentials: Credentials) -> str:
        name = credentials.get("name") if isinstance(credentials, dict) else None
        password = credentials.get("password") if isinstance(credentials, dict) else None
        if not isinstance(name, str) or not isinstance(password, str):
            raise AuthException("credentials required: name and password")
        self._call(self.simulator.authenticate, name, password)
        return name

    def _call(self, operation: Callable[..., _T], *args: object, **kwargs: object) -> _T:
        """``operation(*args, **kwargs)`` on the simulator, its errors turned into the SPI's."""
        try:
            return operation(*args, **kwargs)
        except sim.AuthFailure as exc:
            raise AuthException(exc.message) from None
        except (sim.UnknownInstance, sim.MalformedInstanceId, sim.UnknownImage) as exc:
            raise NotFound(exc.message) from None
        except (sim.UnknownInstanceType, sim.UnknownZone, sim.InvalidParameter) as exc:
            raise ValidationError(exc.message) from None
        except sim.IncorrectState as exc:
            raise ActionNotAllowed(exc.message) from None
        except sim.SimulatorError as exc:
            raise ProviderError(f"{exc.code}: {exc.message}") from None
