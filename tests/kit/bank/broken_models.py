"""Broken drivers, area ``models``: one defect each."""

from dctck import HardwareProfile, Instance
from dctck.kit import RULE_LIST
from reference_drivers import MockDriver
from suites.suite_models import RULE_TYPES
from tests.kit.bank import broken


@broken("models", RULE_LIST)
class RealmsAsTuple(MockDriver):
    """realms() returns a tuple instead of a list."""

    def realms(self, credentials, opts=None):
        return tuple(super().realms(credentials, opts))


@broken("models", RULE_LIST)
class ImagesAsGenerator(MockDriver):
    """images() returns a generator instead of a list."""

    def images(self, credentials, opts=None):
        return (image for image in super().images(credentials, opts))


@broken("models", RULE_LIST)
class HardwareProfilesAsDicts(MockDriver):
    """hardware_profiles() returns dicts instead of HardwareProfile models."""

    def hardware_profiles(self, credentials, opts=None):
        return [vars(p) for p in super().hardware_profiles(credentials, opts)]


@broken("models", RULE_TYPES)
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


@broken("models", RULE_TYPES)
class LowerCaseState(MockDriver):
    """Instance.state is 'running' rather than 'RUNNING'."""

    def _instance(self, view):
        instance = super()._instance(view)
        return Instance(**{**vars(instance), "state": instance.state.lower()})
