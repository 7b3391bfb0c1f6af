"""Broken drivers, area ``auth``: one defect each."""

import contextlib

import simulator as sim
from dctck import AuthException
from reference_drivers import MockDriver
from suites.suite_auth import (
    RULE_ACCEPTED,
    RULE_PUBLIC_ANY,
    RULE_PUBLIC_SAME,
    RULE_REFUSED,
    RULE_UNCHANGED,
)
from tests.kit.bank import broken


@broken("auth", RULE_REFUSED)
class EmptyInstancesWithoutCredentials(MockDriver):
    """instances({}) returns [] instead of raising AuthException."""

    def instances(self, credentials, opts=None):
        if not credentials:
            return []
        return super().instances(credentials, opts)


@broken("auth", RULE_REFUSED)
class KeyErrorOnMissingName(MockDriver):
    """Reads credentials['name'] directly: {} raises KeyError instead of AuthException."""

    def _account(self, credentials):
        credentials["name"]
        return super()._account(credentials)


@broken("auth", RULE_PUBLIC_ANY)
class ImagesTrustTheName(MockDriver):
    """images() checks the name but not the password: a wrong password lists that account's
    private images, while {} is refused."""

    def images(self, credentials, opts=None):
        name = credentials.get("name")
        secret = self.simulator.account_secret(name) if isinstance(name, str) else None
        if secret is not None:
            credentials = {"name": name, "password": secret}
        return super().images(credentials, opts)


@broken("auth", RULE_PUBLIC_SAME)
class PublicRealmsDifferByCaller(MockDriver):
    """The public realms() hides the realms with a limit from callers without valid credentials."""

    def realms(self, credentials, opts=None):
        # the mock's realms need credentials: served here as a public catalogue would be
        realms = super().realms({"name": "mockuser", "password": "mockpassword"}, opts)
        try:
            self._account(credentials)
        except AuthException:
            return [realm for realm in realms if realm.limit is None]
        return realms


@broken("auth", RULE_UNCHANGED)
class StopsBeforeCheckingPassword(MockDriver):
    """stop_instance stops the named account's instance before checking the password, then
    raises AuthException."""

    def stop_instance(self, credentials, id):
        with contextlib.suppress(sim.SimulatorError):
            self.simulator.stop_instances(credentials.get("name"), [id])
        return super().stop_instance(credentials, id)


@broken("auth", RULE_ACCEPTED)
class RebootRefusesEveryone(MockDriver):
    """reboot_instance raises AuthException even with valid credentials."""

    def reboot_instance(self, credentials, id):
        raise AuthException("reboot is not permitted for this account")
