"""Broken drivers, area ``fsm``: one defect each in the declared machine or in following it."""

import threading
from collections import Counter

from dctck import ActionNotAllowed, AuthException, Instance, ProviderError
from dctck.kit import (
    RULE_ACTIONS_SUBSET,
    RULE_AUTOMATIC,
    RULE_DECLARED_STATE,
    RULE_DESTROY,
    RULE_LEGAL_CHANGE,
    Expectation,
)
from reference_drivers import MockDriver
from suites.suite_fsm import RULE_SAME_MACHINE, RULE_WELL_FORMED
from tests.kit.bank import broken

MOCK_STATES = MockDriver().instance_states()


@broken("fsm", RULE_WELL_FORMED)
class DeclaresUnknownState(MockDriver):
    """instance_states() declares a state 'suspended', which SPEC 5 does not know."""

    def instance_states(self):
        return [*MOCK_STATES, ("suspended", {"running": "start", "end": "destroy"})]


@broken("fsm", RULE_WELL_FORMED)
class DeclaresUnreachableStopped(MockDriver):
    """instance_states() forgets shutting_down --_auto_--> stopped: stopped is unreachable."""

    def instance_states(self):
        return [
            (state, {d: a for d, a in edges.items() if d != "stopped"})
            if state == "shutting_down"
            else (state, edges)
            for state, edges in MOCK_STATES
        ]


@broken("fsm", RULE_DECLARED_STATE)
class ShowsUndeclaredShuttingDown(MockDriver):
    """The machine says stop goes straight to stopped, yet instances show SHUTTING_DOWN."""

    def instance_states(self):
        return [
            ("begin", {"pending": "create"}),
            ("pending", {"running": "_auto_", "end": "destroy"}),
            ("running", {"running": "reboot", "stopped": "stop", "end": "destroy"}),
            ("stopped", {"pending": "start", "end": "destroy"}),
        ]


@broken("fsm", RULE_LEGAL_CHANGE)
class RebootStops(MockDriver):
    """reboot_instance stops the instance (it ends STOPPED, not RUNNING)."""

    def reboot_instance(self, credentials, id):
        return self.stop_instance(credentials, id)


@broken("fsm", RULE_AUTOMATIC, "--dctck-timeout=2")
class NeverBoots(MockDriver):
    """Instances stay PENDING for ever: the automatic boot transition never completes."""

    def __init__(self):
        super().__init__()
        self.simulator.set_durations(boot_seconds=1e9)


@broken("fsm", RULE_ACTIONS_SUBSET)
class ListsUndeclaredAction(MockDriver):
    """A RUNNING instance lists 'start' among its actions; the machine has no start there."""

    def _instance(self, view):
        instance = super()._instance(view)
        if instance.state != "RUNNING":
            return instance
        return Instance(**{**vars(instance), "actions": [*instance.actions, "start"]})


@broken("fsm", Expectation.REFUSE.rule)
class AcceptsRebootWhenStopped(MockDriver):
    """reboot_instance on a STOPPED instance returns it unchanged instead of refusing."""

    def reboot_instance(self, credentials, id):
        instance = self._visible(self._account(credentials), id)
        if instance.state == "STOPPED":
            return instance
        return super().reboot_instance(credentials, id)


@broken("fsm", Expectation.REFUSE.rule)
class RefusesWithProviderError(MockDriver):
    """An action the machine does not allow raises ProviderError, not ActionNotAllowed."""

    def _call(self, operation, *args, **kwargs):
        try:
            return super()._call(operation, *args, **kwargs)
        except ActionNotAllowed as exc:
            raise ProviderError(f"IncorrectInstanceState: {exc}") from None


@broken("fsm", RULE_DESTROY)
class DestroyKeepsStopped(MockDriver):
    """destroy_instance of a STOPPED instance returns, but the instance stays listed STOPPED."""

    def destroy_instance(self, credentials, id):
        instance = self._visible(self._account(credentials), id)
        if instance.state == "STOPPED":
            return instance
        return super().destroy_instance(credentials, id)


@broken("fsm", RULE_LEGAL_CHANGE)
class EveryThirdRebootStops(MockDriver):
    """Every third reboot of an instance stops it: only a sequence of actions shows it, which
    the generated exploration finds (each fixed check reboots an instance once)."""

    def __init__(self):
        super().__init__()
        self._reboots = Counter()

    def reboot_instance(self, credentials, id):
        instance = self._visible(self._account(credentials), id)
        if instance.state == "RUNNING":
            self._reboots[id] += 1
            if self._reboots[id] % 3 == 0:
                return self.stop_instance(credentials, id)
        return super().reboot_instance(credentials, id)


@broken("fsm", Expectation.ACCEPT.rule, "--dctck-timeout=2")
class RebootHangs(MockDriver):
    """reboot_instance of an instance the caller owns never returns."""

    def __init__(self):
        super().__init__()
        self.simulator.set_durations(boot_seconds=1, stop_seconds=1)  # within the 2 s timeout

    def reboot_instance(self, credentials, id):
        self._visible(self._account(credentials), id)
        threading.Event().wait()


@broken("fsm", RULE_SAME_MACHINE)
class StatesNeedALogin(MockDriver):
    """instance_states() raises AuthException until some call with valid credentials was made."""

    def __init__(self):
        super().__init__()
        self._logged_in = False

    def _account(self, credentials):
        account = super()._account(credentials)
        self._logged_in = True
        return account

    def instance_states(self):
        if not self._logged_in:
            raise AuthException("log in first")
        return super().instance_states()
