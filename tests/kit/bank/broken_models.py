"""Broken drivers, area ``models``: one defect each."""

from dctck import HardwareProfile, Instance
from reference_drivers import MockDriver
from tests.kit.bank import broken

LIST_RULE = "SPEC 4: listing methods return a list (never None, never a generator) of models"
TYPES_RULE = "SPEC 3: model attributes have the types the SPEC gives"


@broken("models", LIST_RULE)
class RealmsAsTuple(MockDriver):
    """realms() returns a tuple instead of a list."""

    def realms(self, credentials, opts=None):
        return tuple(super().realms(credentials, opts))


@broken("models", LIST_RULE)
class ImagesAsGenerator(MockDriver):
    """images() returns a generator instead of a list."""

    def images(self, credentials, opts=None):
        return (image for image in super().images(credentials, opts))


@broken("models", LIST_RULE)
class HardwareProfilesAsDicts(MockDriver):
    """hardware_profiles() returns dicts instead of HardwareProfile models."""

    def hardware_profiles(self, credentials, opts=None):
        return [vars(p) for p in super().hardware_profiles(credentials, opts)]


@broken("models", TYPES_RULE)
class MemoryAsText(MockDriver):
    """HardwareProfile.memory is the string '8' rather than a number."""

    def hardware_profiles(self, credentials, opts=None):
        return [
            HardwareProfile(
                id=p.id,
                architecture=p.architecture,
                memory=str(p.memory),
                storage=p.storage,
                cpu=p.cpu,
            )
            for p in super().hardware_profiles(credentials, opts)
        ]


@broken("models", TYPES_RULE)
class LowerCaseState(MockDriver):
    """Instance.state is 'running' rather than 'RUNNING'."""

    def _instance(self, view):
        instance = super()._instance(view)
        return Instance(**{**vars(instance), "state": instance.state.lower()})
