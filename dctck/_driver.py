"""``BaseDriver``: the Driver SPI (SPEC 4) and the helpers every driver inherits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from dctck._errors import ActionNotAllowed
from dctck._filters import filter_on
from dctck._models import HardwareProfile, Image, Instance, Realm
from dctck._states import StateMachine

__all__ = ["BaseDriver", "Credentials", "Features", "Opts", "StateDeclaration"]

#: ``{"name": ..., "password": ...}``, or ``{}`` when the client gave none (SPEC 2).
Credentials = Mapping[str, str]
#: ``None`` or a dict with string keys; never mutated by a driver (SPEC 2).
Opts = Mapping[str, Any] | None
#: What ``features()`` returns: collection -> the feature names it supports (SPEC 8).
Features = Mapping[str, set[str] | frozenset[str]]
#: What ``instance_states()`` returns: ``[(origin, {destination: action}), ...]`` (SPEC 5).
StateDeclaration = list[tuple[str, dict[str, str]]]

_MACHINE = "_dctck_declared_machine"
_Model = TypeVar("_Model", HardwareProfile, Realm, Image, Instance)


class BaseDriver:
    """Base class of drivers: subclasses implement the plural listings and the actions.

    Listing methods return a ``list`` of models filtered by ``opts`` (SPEC 4 and 6); actions return
    the :class:`Instance` after the request was accepted. Every method taking ``credentials``
    raises :class:`AuthException` when they are missing or rejected, unless the provider serves it
    publicly.
    """

    filter_on = staticmethod(filter_on)

    # -- to implement ------------------------------------------------------------------------------

    def hardware_profiles(
        self, credentials: Credentials, opts: Opts = None
    ) -> list[HardwareProfile]:
        """Hardware profiles, filtered on ``id`` and ``architecture``."""
        raise NotImplementedError(f"{type(self).__name__}.hardware_profiles")

    def realms(self, credentials: Credentials, opts: Opts = None) -> list[Realm]:
        """Realms, filtered on ``id``."""
        raise NotImplementedError(f"{type(self).__name__}.realms")

    def images(self, credentials: Credentials, opts: Opts = None) -> list[Image]:
        """Images the caller may see, filtered on ``id``, ``owner_id`` and ``architecture``."""
        raise NotImplementedError(f"{type(self).__name__}.images")

    def instances(self, credentials: Credentials, opts: Opts = None) -> list[Instance]:
        """The caller's instances, filtered on ``id`` (and optionally ``state``)."""
        raise NotImplementedError(f"{type(self).__name__}.instances")

    def create_instance(
        self, credentials: Credentials, image_id: str, opts: Opts = None
    ) -> Instance:
        """Start a new instance from ``image_id``; ``opts`` may hold ``hwp_id`` and ``realm_id``."""
        raise NotImplementedError(f"{type(self).__name__}.create_instance")

    def reboot_instance(self, credentials: Credentials, id: str) -> Instance:
        """Reboot a running instance."""
        raise NotImplementedError(f"{type(self).__name__}.reboot_instance")

    def stop_instance(self, credentials: Credentials, id: str) -> Instance:
        """Stop a running instance."""
        raise NotImplementedError(f"{type(self).__name__}.stop_instance")

    def start_instance(self, credentials: Credentials, id: str) -> Instance:
        """Start a stopped instance; by default the provider cannot, so the action is refused."""
        raise ActionNotAllowed(f"{type(self).__name__} cannot start instances")

    def destroy_instance(self, credentials: Credentials, id: str) -> Instance | None:
        """Remove an instance, stopping it first if necessary."""
        raise NotImplementedError(f"{type(self).__name__}.destroy_instance")

    def instance_states(self) -> StateDeclaration:
        """The instance state machine (SPEC 5); needs no credentials."""
        raise NotImplementedError(f"{type(self).__name__}.instance_states")

    def features(self) -> Features:
        """Optional capabilities (SPEC 8), e.g. ``{"instances": {"user_name"}}``; none here."""
        return {}

    # -- supplied ----------------------------------------------------------------------------------

    def hardware_profile(self, credentials: Credentials, id: str) -> HardwareProfile | None:
        """The hardware profile with this id, or ``None``."""
        return _one(self.hardware_profiles(credentials, {"id": id}), id)

    def realm(self, credentials: Credentials, id: str) -> Realm | None:
        """The realm with this id, or ``None``."""
        return _one(self.realms(credentials, {"id": id}), id)

    def image(self, credentials: Credentials, id: str) -> Image | None:
        """The image with this id, or ``None``."""
        return _one(self.images(credentials, {"id": id}), id)

    def instance(self, credentials: Credentials, id: str) -> Instance | None:
        """The instance with this id, or ``None``."""
        return _one(self.instances(credentials, {"id": id}), id)

    def instance_actions_for(self, state: str) -> list[str]:
        """Non-automatic actions leaving ``state`` ("running" or "RUNNING"); [] if undeclared."""
        declaration = self.instance_states()
        # Listings call this for every instance: read the declaration again only if it changed.
        cached: tuple[StateDeclaration, StateMachine] | None = self.__dict__.get(_MACHINE)
        if cached is None or cached[0] != declaration:
            cached = (declaration, StateMachine(declaration))
            self.__dict__[_MACHINE] = cached
        return cached[1].actions_from(state)


def _one(found: list[_Model], id: str) -> _Model | None:
    if id is None:
        return None
    return next((model for model in found if model.id == id), None)
