"""Broken drivers, area ``create``: one defect each."""

from dctck import ValidationError
from reference_drivers import MockDriver
from suites.suite_create import RULE_DEFAULT_HWP, RULE_NOTHING, RULE_REFLECTS, RULE_REFUSED
from tests.kit.bank import broken


def _without(opts, key):
    return {k: v for k, v in (opts or {}).items() if k != key}


@broken("create", RULE_REFLECTS)
class IgnoresRealmId(MockDriver):
    """create_instance ignores opts['realm_id'] and always uses the default realm."""

    def create_instance(self, credentials, image_id, opts=None):
        return super().create_instance(credentials, image_id, _without(opts, "realm_id"))


@broken("create", RULE_REFLECTS)
class IgnoresHwpId(MockDriver):
    """create_instance ignores opts['hwp_id'] and always uses the default hardware profile."""

    def create_instance(self, credentials, image_id, opts=None):
        return super().create_instance(credentials, image_id, _without(opts, "hwp_id"))


@broken("create", RULE_DEFAULT_HWP)
class DefaultProfileIgnoresArchitecture(MockDriver):
    """Without hwp_id, create_instance uses the first hardware profile whatever the image's
    architecture (so creating from an arm64 image without hwp_id fails)."""

    def create_instance(self, credentials, image_id, opts=None):
        opts = dict(opts or {})
        if opts.get("hwp_id") is None:
            opts["hwp_id"] = self.hardware_profiles(credentials)[0].id
        return super().create_instance(credentials, image_id, opts)


@broken("create", RULE_REFUSED)
class CreatesWithoutImage(MockDriver):
    """create_instance(image_id=None) creates an instance of the first image."""

    def create_instance(self, credentials, image_id, opts=None):
        if image_id is None:
            image_id = self.images(credentials)[0].id
        return super().create_instance(credentials, image_id, opts)


@broken("create", RULE_REFUSED)
class UnknownProfileReplacedByDefault(MockDriver):
    """An unknown hwp_id is silently replaced by the default hardware profile."""

    def create_instance(self, credentials, image_id, opts=None):
        hwp_id = (opts or {}).get("hwp_id")
        if hwp_id is not None and self.hardware_profile(credentials, hwp_id) is None:
            opts = _without(opts, "hwp_id")
        return super().create_instance(credentials, image_id, opts)


@broken("create", RULE_NOTHING)
class RefusedRealmLeavesInstance(MockDriver):
    """An unknown realm_id is refused with ValidationError, but only after an instance was
    started in the default realm."""

    def create_instance(self, credentials, image_id, opts=None):
        realm_id = (opts or {}).get("realm_id")
        if realm_id is not None and self.realm(credentials, realm_id) is None:
            super().create_instance(credentials, image_id, _without(opts, "realm_id"))
            raise ValidationError(f"no realm {realm_id!r}")
        return super().create_instance(credentials, image_id, opts)
