"""Broken drivers, area ``isolation``: one defect each."""

import contextlib

import simulator as sim
from reference_drivers import MockDriver
from reference_drivers.mock import _SPI_STATES
from suites.suite_isolation import (
    RULE_ACTION_NOT_FOUND,
    RULE_ACTION_UNCHANGED,
    RULE_NOT_FOUND_BY_ID,
    RULE_NOT_LISTED,
)
from tests.kit.bank import broken


class _EveryAccount(MockDriver):
    """Helpers reaching past the caller's account, as the defects below do."""

    def _all_instances(self):
        views = [
            view
            for account in self.simulator.config.accounts
            for view in self.simulator.describe_instances(account.name)
        ]
        return [self._instance(view) for view in views if view.state in _SPI_STATES]

    def _owner_credentials(self, id):
        for account in self.simulator.config.accounts:
            with contextlib.suppress(sim.SimulatorError):
                self.simulator.describe_instances(account.name, [id])
                return {"name": account.name, "password": account.secret}
        return None


@broken("isolation", RULE_NOT_LISTED)
class ListsEveryAccountsInstances(_EveryAccount):
    """instances() lists the instances of every account, not only the caller's."""

    def instances(self, credentials, opts=None):
        self._account(credentials)
        instances = self.filter_on(self._all_instances(), "id", opts)
        return self.filter_on(instances, "state", opts)


@broken("isolation", RULE_NOT_FOUND_BY_ID)
class LookupByIdCrossesAccounts(_EveryAccount):
    """instances(opts={'id': ...}) searches every account; the plain listing is right."""

    def instances(self, credentials, opts=None):
        if not opts or opts.get("id") is None:
            return super().instances(credentials, opts)
        self._account(credentials)
        return self.filter_on(self._all_instances(), "id", opts)


@broken("isolation", RULE_ACTION_NOT_FOUND)
class AnyAccountCanReboot(_EveryAccount):
    """reboot_instance reboots the instance whichever account owns it."""

    def reboot_instance(self, credentials, id):
        self._account(credentials)
        return super().reboot_instance(self._owner_credentials(id) or credentials, id)


@broken("isolation", RULE_ACTION_UNCHANGED)
class StopsByIdInAnyAccount(_EveryAccount):
    """stop_instance sends the stop for the id to whichever account owns it, and only then
    raises NotFound for a caller that does not own it."""

    def stop_instance(self, credentials, id):
        self._account(credentials)
        owner = self._owner_credentials(id)
        if owner is not None and owner["name"] != credentials.get("name"):
            with contextlib.suppress(sim.SimulatorError):
                self.simulator.stop_instances(owner["name"], [id])
        return super().stop_instance(credentials, id)


@broken("isolation", RULE_ACTION_NOT_FOUND)
class AnyAccountCanDestroy(_EveryAccount):
    """destroy_instance destroys the instance whichever account owns it."""

    def destroy_instance(self, credentials, id):
        self._account(credentials)
        return super().destroy_instance(self._owner_credentials(id) or credentials, id)
