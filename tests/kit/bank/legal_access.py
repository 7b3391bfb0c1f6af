"""Legal drivers around credentials and creation: unusual choices SPEC 2-4 allow."""

import simulator as sim
from dctck import Instance, NotFound, ValidationError
from reference_drivers import MockDriver
from tests.kit.bank import legal


@legal()
class PublicCatalogue(MockDriver):
    """Images are public too: a cloud without private images, whose whole catalogue is the same
    for every caller, with any credentials or none."""

    SPEC = (
        "2: A provider may need no credentials for some methods",
        "2: The catalogue methods (`hardware_profiles`, `realms`, `images`) may be public",
    )

    def __init__(self):
        config = sim.SimulatorConfig(
            images=tuple(i for i in sim.default_config().images if i.public)
        )
        super().__init__(sim.Simulator(config))

    def images(self, credentials, opts=None):
        anyone = self.simulator.config.accounts[0]
        return super().images({"name": anyone.name, "password": anyone.secret}, opts)


@legal()
class PrivateCatalogue(MockDriver):
    """Hardware profiles and realms need credentials too (nothing is public)."""

    SPEC = (
        "2: A provider may need no credentials for some methods",
        "2: The catalogue methods (`hardware_profiles`, `realms`, `images`) may be public",
    )

    def hardware_profiles(self, credentials, opts=None):
        self._account(credentials)
        return super().hardware_profiles(credentials, opts)

    def realms(self, credentials, opts=None):
        self._account(credentials)
        return super().realms(credentials, opts)


@legal()
class UntoldHardwareProfile(MockDriver):
    """Instances do not report their hardware profile (hardware_profile=None, SPEC 3)."""

    SPEC = (
        "3: (a hardware profile id, or `None` where the provider cannot tell",
        "4: (and `hardware_profile` where known)",
    )

    def _instance(self, view):
        return Instance(**{**vars(super()._instance(view)), "hardware_profile": None})


@legal()
class UnknownImageIsValidationError(MockDriver):
    """create_instance refuses an unknown image with ValidationError rather than NotFound, and an
    unknown hwp_id or realm_id with NotFound rather than ValidationError."""

    SPEC = "4: an unknown image: `NotFound` or `ValidationError`"

    def create_instance(self, credentials, image_id, opts=None):
        self._account(credentials)
        for key, lookup in (("hwp_id", self.hardware_profile), ("realm_id", self.realm)):
            value = (opts or {}).get(key)
            if isinstance(value, str) and lookup(credentials, value) is None:
                raise NotFound(f"no {key} {value!r}")
        try:
            return super().create_instance(credentials, image_id, opts)
        except NotFound as exc:
            raise ValidationError(str(exc)) from None
