"""Broken OpenStack drivers: ``OpenStackDriver`` with one defect each, as OpenStack driver
authors write them (a status table with a slip, Nova's 409 read as a failure, a wait copied
from a script). Each is certified in its own area only."""

import dataclasses
import time

from dctck import ActionNotAllowed, ProviderError
from dctck.kit import RULE_LEGAL_CHANGE, Expectation
from reference_drivers import OpenStackDriver
from suites.suite_faults import RULE_VIRTUAL
from tests.kit.bank import broken


@broken("fsm", RULE_LEGAL_CHANGE, "-m", "fsm", "-k", "stop and not generated")
class ShutoffReadAsRunning(OpenStackDriver):
    """Nova's SHUTOFF is read as RUNNING (a status table with a slip): a stopped server seems
    to run again after its stop."""

    def _server(self, account, id):
        return self._misread(super()._server(account, id))

    def instances(self, credentials, opts=None):
        return [self._misread(i) for i in super().instances(credentials, opts)]

    def _misread(self, instance):
        if instance is None or instance.state != "STOPPED":
            return instance
        return dataclasses.replace(
            instance, state="RUNNING", actions=self.instance_actions_for("RUNNING")
        )


@broken("fsm", Expectation.REFUSE.rule, "-m", "fsm", "-k", "forbidden")
class ConflictAsProviderError(OpenStackDriver):
    """Nova's 409 conflictingRequest (an action the server's state does not allow) is raised
    as ProviderError, as if Nova had failed, instead of ActionNotAllowed."""

    def _act(self, credentials, id, action):
        try:
            return super()._act(credentials, id, action)
        except ActionNotAllowed as exc:
            raise ProviderError(f"Nova failed: {exc}") from None


@broken("faults", RULE_VIRTUAL, "-m", "faults", "-k", "stop and server_error and once")
class PollsOnTheWallClock(OpenStackDriver):
    """Waits the way a script does, with time.sleep, although the driver has a virtual clock
    that stands still meanwhile: between retries, and while stop_instance polls for SHUTOFF."""

    def __init__(self):
        super().__init__()
        self._client.wait = time.sleep

    def stop_instance(self, credentials, id):
        instance = super().stop_instance(credentials, id)
        for _ in range(4):
            if instance.state == "STOPPED":
                break
            time.sleep(0.2)
            instance = self._visible(self._account(credentials), id)
        return instance
