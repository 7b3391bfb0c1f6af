"""Broken drivers, area ``auth``: one defect each."""

import contextlib

import simulator as sim
from dctck import AuthException
from reference_drivers import MockDriver
from tests.kit.bank import broken

REFUSED_RULE = "SPEC 2: missing or rejected credentials raise AuthException"
PUBLIC_SAME_RULE = "SPEC 2: a public catalogue method returns the same list for every caller"
PUBLIC_ANY_RULE = "SPEC 2: a public method works with {} and with any credentials"
UNCHANGED_RULE = "SPEC 2: an action refused for bad credentials changes nothing"
ACCEPTED_RULE = "SPEC 2: valid credentials are never refused with AuthException"


@broken("auth", REFUSED_RULE)
class EmptyInstancesWithoutCredentials(MockDriver):
    """instances({}) returns [] instead of raising AuthException."""

    def instances(self, credentials, opts=None):
        if not credentials:
            return []
        return super().instances(credentials, opts)


@broken("auth", REFUSED_RULE)
class KeyErrorOnMissingName(MockDriver):
    """Reads credentials['name'] directly: {} raises KeyError instead of AuthException."""

    def _account(self, credentials):
        credentials["name"]
        return super()._account(credentials)


@broken("auth", PUBLIC_ANY_RULE)
class ImagesTrustTheName(MockDriver):
    """images() checks the name but not the password: a wrong password lists that account's
    private images, while {} is refused."""

    def images(self, credentials, opts=None):
        name = credentials.get("name")
        secret = self.simulator.account_secret(name) if isinstance(name, str) else None
        if secret is not None:
            credentials = {"name": name, "password": secret}
        return super().images(credentials, opts)


@broken("auth", PUBLIC_SAME_RULE)
class PublicRealmsDifferByCaller(MockDriver):
    """The public realms() hides the realms with a limit from callers without valid credentials."""

    def realms(self, credentials, opts=None):
        realms = super().realms(credentials, opts)
        try:
            self._account(credentials)
        except AuthException:
            return [realm for realm in realms if realm.limit is None]
        return realms


@broken("auth", UNCHANGED_RULE)
class StopsBeforeCheckingPassword(MockDriver):
    """stop_instance stops the named account's instance before checking the password, then
    raises AuthException."""

    def stop_instance(self, credentials, id):
        with contextlib.suppress(sim.SimulatorError):
            self.simulator.stop_instances(credentials.get("name"), [id])
        return super().stop_instance(credentials, id)


@broken("auth", ACCEPTED_RULE)
class RebootRefusesEveryone(MockDriver):
    """reboot_instance raises AuthException even with valid credentials."""

    def reboot_instance(self, credentials, id):
        raise AuthException("reboot is not permitted for this account")
