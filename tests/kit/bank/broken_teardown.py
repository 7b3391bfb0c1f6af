"""Broken drivers that make the kit's teardown wait: each must still cost a few timeouts at most."""

from dctck import ActionNotAllowed
from reference_drivers import MockDriver
from suites.suite_fsm import RULE_DESTROY_STOPS
from tests.kit.bank import broken


@broken("fsm", RULE_DESTROY_STOPS)
class DestroyRefusedWhileRunning(MockDriver):
    """destroy_instance raises ActionNotAllowed while the instance is RUNNING (it wants a stop
    first), though its machine declares running -destroy-> end and SPEC 4 has destroy stop the
    instance first if necessary."""

    def destroy_instance(self, credentials, id):
        instance = self._visible(self._account(credentials), id)
        if instance.state == "RUNNING":
            raise ActionNotAllowed(f"stop {id} before destroying it")
        return super().destroy_instance(credentials, id)
