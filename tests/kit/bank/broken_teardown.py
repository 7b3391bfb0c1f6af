"""Broken drivers that make the kit's teardown wait: each must still cost a few timeouts at most.

They run on real time as users' drivers do (``benchmarks/certify_speed.py`` measures them so);
the bank certifies them on frozen time, which the kit advances instead of sleeping.
"""

from dctck import ActionNotAllowed
from suites.suite_fsm import RULE_DESTROY_STOPS
from tests.kit.bank import broken
from tests.kit.bank.legal_machines import SlowBootOnRealTime


@broken("fsm", RULE_DESTROY_STOPS, "--dctck-timeout=5", "--dctck-freeze-time")
class DestroyRefusedWhileRunning(SlowBootOnRealTime):
    """destroy_instance raises ActionNotAllowed while the instance is RUNNING (it wants a stop
    first), though its machine declares running -destroy-> end and SPEC 4 has destroy stop the
    instance first if necessary. Otherwise SlowBootOnRealTime: real time, a 0.15 s boot."""

    def destroy_instance(self, credentials, id):
        instance = self._visible(self._account(credentials), id)
        if instance.state == "RUNNING":
            raise ActionNotAllowed(f"stop {id} before destroying it")
        return super().destroy_instance(credentials, id)
