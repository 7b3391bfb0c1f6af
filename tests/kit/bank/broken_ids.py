"""Broken drivers, area ``ids``: one defect each in how ids name objects."""

import copy
import dataclasses
import itertools

from dctck import ActionNotAllowed, HardwareProfile, Instance
from reference_drivers import MockDriver
from suites.suite_ids import (
    RULE_ACTION_UNKNOWN,
    RULE_CREATED_LISTED,
    RULE_LOOKUP,
    RULE_LOOKUP_UNKNOWN,
    RULE_NON_EMPTY,
    RULE_STABLE,
    RULE_UNIQUE,
)
from tests.kit.bank import broken


@broken("ids", RULE_NON_EMPTY)
class BlankRealmId(MockDriver):
    """realms() lists the second zone with id '' (a copied model whose id was cleared)."""

    def realms(self, credentials, opts=None):
        realms = super().realms(credentials, None)
        blank = copy.copy(realms[-1])
        object.__setattr__(blank, "id", "")
        return self.filter_on([*realms[:-1], blank], "id", opts)


@broken("ids", RULE_UNIQUE)
class DuplicateRealmIds(MockDriver):
    """realms() lists the second zone under the first zone's id."""

    def realms(self, credentials, opts=None):
        first, *rest = super().realms(credentials, None)
        clones = [dataclasses.replace(r, id=first.id) for r in rest]
        return self.filter_on([first, *clones], "id", opts)


@broken("ids", RULE_STABLE)
class ProfileIdsNumberedPerCall(MockDriver):
    """hardware_profiles() gives ids with a per-call serial number ('t3.micro#7')."""

    def __init__(self):
        super().__init__()
        self._serial = itertools.count()

    def hardware_profiles(self, credentials, opts=None):
        serial = next(self._serial)
        profiles = [
            HardwareProfile(**{**vars(p), "id": f"{p.id}#{serial}"})
            for p in super().hardware_profiles(credentials, None)
        ]
        return self.filter_on(self.filter_on(profiles, "id", opts), "architecture", opts)


@broken("ids", RULE_LOOKUP)
class ImageLookupIgnoresId(MockDriver):
    """image() returns the first visible image whatever id it is asked for."""

    def image(self, credentials, id):
        images = self.images(credentials)
        return images[0] if images else None


@broken("ids", RULE_LOOKUP_UNKNOWN)
class RealmLookupFallsBackToDefault(MockDriver):
    """realm() of an unknown id returns the default (first) realm instead of None."""

    def realm(self, credentials, id):
        found = super().realm(credentials, id)
        return found if found is not None else self.realms(credentials)[0]


@broken("ids", RULE_CREATED_LISTED)
class CreateReturnsReservationId(MockDriver):
    """create_instance() returns the instance under its reservation id ('r-...'), not its id."""

    def create_instance(self, credentials, image_id, opts=None):
        instance = super().create_instance(credentials, image_id, opts)
        return Instance(**{**vars(instance), "id": "r-" + instance.id.removeprefix("i-")})


@broken("ids", RULE_ACTION_UNKNOWN)
class RebootUnknownRaisesKeyError(MockDriver):
    """reboot_instance() of an unknown id raises KeyError (a dict lookup leaking out)."""

    def reboot_instance(self, credentials, id):
        if self.instance(credentials, id) is None:
            raise KeyError(id)
        return super().reboot_instance(credentials, id)


@broken("ids", RULE_ACTION_UNKNOWN)
class StopUnknownRaisesActionNotAllowed(MockDriver):
    """stop_instance() of an unknown id raises ActionNotAllowed, as if it were in a wrong state."""

    def stop_instance(self, credentials, id):
        if self.instance(credentials, id) is None:
            raise ActionNotAllowed(f"cannot stop {id!r}")
        return super().stop_instance(credentials, id)


@broken("ids", RULE_ACTION_UNKNOWN)
class DestroyUnknownReturnsNone(MockDriver):
    """destroy_instance() of an unknown id returns None, as if it had been destroyed."""

    def destroy_instance(self, credentials, id):
        if self.instance(credentials, id) is None:
            return None
        return super().destroy_instance(credentials, id)
