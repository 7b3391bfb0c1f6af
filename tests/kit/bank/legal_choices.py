"""Legal drivers, one per side of SPEC's alternatives that no other legal driver stands for.

Each names the SPEC sentences it stands for (``SPEC``); ``tests/kit/test_spec_variety.py`` keeps
SPEC.md's alternatives and these claims in step. Most are certified only in the areas their
choice shows in.
"""

from contextlib import suppress
from decimal import Decimal

import simulator as sim
from dctck import HardwareProfile, Image, Instance, ProviderError, Realm
from reference_drivers import MockDriver
from tests.kit.bank import legal

#: MockDriver's choices: the common side of most alternatives.
_MOCK_SIDE = (
    "1: takes keyword arguments with working defaults, or is built by a factory",
    "1: where `ATTR` is a class or a zero-argument factory",
    "2: A provider may need no credentials for some methods",
    "2: The catalogue methods (`hardware_profiles`, `realms`, `images`) may be public",
    "3: Unless noted, attributes are `str` or `None`",
    "3: `memory` (decimal GB: `int`, `float` or `Decimal`)",
    "3: `limit` (`int` or `None` for no limit)",
    "3: `memory` and `storage`, when given, are positive numbers",
    "3: (a hardware profile id, or `None` where the provider cannot tell",
    "4: (a driver may also honour `state`)",
    "4: an unknown image: `NotFound` or `ValidationError`",
    "4: Returns the new instance, in state `PENDING` or `RUNNING`",
    "4: Returns the instance as last seen, or `None`",
    "4: unless the request is already satisfied (stopping a stopped instance may succeed",
    "4: whether it can be started again is the provider's choice",
    "5: A `destroy` edge leads to `end`, or to a state from which `_auto_` edges alone",
    "7: The kit must work both ways",
    "8: A driver may declare optional capabilities with `features()`",
    "9: or the driver retries and then returns the correct answer",
    "9: a failed `create_instance` leaves no instance behind, or the instance it left",
)


@legal()
class MockSide(MockDriver):
    """MockDriver as it is, the usual side of SPEC's alternatives: a class with keyword
    arguments, public profiles and realms but private images, a pending boot, destroy returning
    the instance last seen, the state filter honoured, stopping a stopped instance accepted, a
    virtual clock, user_name declared, faults raised at once (a create that fails leaves
    nothing), a second account."""

    SPEC = _MOCK_SIDE


_FACTORY = (
    "1: takes keyword arguments with working defaults, or is built by a factory",
    "1: where `ATTR` is a class or a zero-argument factory",
)


@legal("-m", "models or fsm", spec=_FACTORY)
def built_by_a_factory():
    """A zero-argument factory instead of a class, configuring its driver (a simulator whose
    instances boot in 5 s) as a driver needing configuration would."""
    simulator = sim.Simulator()
    simulator.set_durations(boot_seconds=5)
    return MockDriver(simulator=simulator)


@legal("-m", "fsm or models or ids or isolation")
class DestroyReturnsNone(MockDriver):
    """destroy_instance returns None instead of the instance as last seen."""

    SPEC = "4: Returns the instance as last seen, or `None`"

    def destroy_instance(self, credentials, id):
        super().destroy_instance(credentials, id)


@legal("-m", "models or filters or ids or create")
class SizesInDecimalAndInt(MockDriver):
    """Hardware profiles give memory as Decimal and storage as int GB (SPEC 3 allows int, float
    or Decimal), and every realm a limit (an int: no realm is unlimited)."""

    SPEC = (
        "3: `memory` (decimal GB: `int`, `float` or `Decimal`)",
        "3: `limit` (`int` or `None` for no limit)",
    )

    def hardware_profiles(self, credentials, opts=None):
        return [
            HardwareProfile(
                **{
                    **vars(profile),
                    "memory": Decimal(str(profile.memory)),
                    "storage": int(profile.storage or 8),
                }
            )
            for profile in super().hardware_profiles(credentials, opts)
        ]

    def realms(self, credentials, opts=None):
        return [
            Realm(**{**vars(realm), "limit": realm.limit or 1000})
            for realm in super().realms(credentials, opts)
        ]


@legal("-m", "models or filters or ids or create or auth")
class SparseAttributes(MockDriver):
    """Reports None for every attribute SPEC 3 lets it leave out: the sizes of hardware
    profiles, the name of realms, the name and description of images and the name of
    instances not named by the caller."""

    SPEC = (
        "3: Unless noted, attributes are `str` or `None`",
        "3: `memory` and `storage`, when given, are positive numbers",
        "3: `cpu`, when given, a positive `int`",
    )

    def hardware_profiles(self, credentials, opts=None):
        return [
            HardwareProfile(**{**vars(p), "memory": None, "storage": None, "cpu": None})
            for p in super().hardware_profiles(credentials, opts)
        ]

    def realms(self, credentials, opts=None):
        return [Realm(**{**vars(r), "name": None}) for r in super().realms(credentials, opts)]

    def images(self, credentials, opts=None):
        return [
            Image(**{**vars(i), "name": None, "description": None})
            for i in super().images(credentials, opts)
        ]

    def _instance(self, view):
        instance = super()._instance(view)
        return Instance(**{**vars(instance), "name": instance.name or None})


@legal("-m", "faults")
class RetriesFaultsOnTheClock(MockDriver):
    """Retries a failed provider call up to three times, waiting 1, 2 then 4 s on its virtual
    clock, then raises ProviderError: a fault that fires once is never seen by the caller."""

    SPEC = (
        "9: or the driver retries and then returns the correct answer",
        "9: retries wait on the driver's `clock` when it has one",
        "9: retries are bounded",
    )
    DELAYS = (1.0, 2.0, 4.0)

    def _call(self, operation, *args, **kwargs):
        for delay in self.DELAYS:
            try:
                return super()._call(operation, *args, **kwargs)
            except ProviderError:
                self.clock.tick(delay)
        return super()._call(operation, *args, **kwargs)


@legal("-m", "faults")
class FailedCreateLeavesInstance(MockDriver):
    """A create_instance that fails may have started an instance all the same (as when the
    provider acted and then failed): the instance is listed and can be destroyed."""

    SPEC = "9: a failed `create_instance` leaves no instance behind, or the instance it left"

    def create_instance(self, credentials, image_id, opts=None):
        try:
            return super().create_instance(credentials, image_id, opts)
        except ProviderError:
            with suppress(ProviderError):  # the provider acted before failing: it stays
                super().create_instance(credentials, image_id, opts)
            raise


@legal("-m", "isolation or auth or ids", other_credentials=False)
class OneAccountOnly(MockDriver):
    """A cloud with a single account: certified without --dctck-other-credentials, so the
    isolation checks do not apply (a second account is the kit's input, not a must)."""

    SPEC = "2: an instance of one account is invisible"

    def __init__(self):
        config = sim.SimulatorConfig(accounts=sim.default_config().accounts[:1])
        super().__init__(sim.Simulator(config))
