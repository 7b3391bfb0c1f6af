"""Broken drivers, area ``faults`` (SPEC 9): one defect each in how provider faults are handled.

Only the ``faults`` area runs for them (``-m faults``): the defects show nowhere else.
"""

import time

from dctck import ProviderError
from reference_drivers import EC2Driver, MockDriver
from suites.suite_faults import RULE_ANSWER, RULE_HALF_DONE, RULE_VIRTUAL
from tests.kit.bank import broken

ONLY_FAULTS = ("-m", "faults")


@broken("faults", RULE_ANSWER, *ONLY_FAULTS)
class ThrottlingAsNameError(MockDriver):
    """A throttled provider call raises NameError (a typo in the error mapping) instead of
    ProviderError."""

    def _call(self, operation, *args, **kwargs):
        try:
            return super()._call(operation, *args, **kwargs)
        except ProviderError as exc:
            if str(exc).startswith("RequestLimitExceeded"):
                raise NameError("name 'ProviderErorr' is not defined") from None
            raise


@broken("faults", RULE_ANSWER, *ONLY_FAULTS)
class ServerErrorListsNothing(MockDriver):
    """A listing whose provider call fails returns [] instead of raising ProviderError."""

    def images(self, credentials, opts=None):
        try:
            return super().images(credentials, opts)
        except ProviderError:
            return []


@broken("faults", RULE_VIRTUAL, *ONLY_FAULTS, "-k", "images and persistently")
class RetriesOnTheWallClock(EC2Driver):
    """Retry back-offs sleep in real time although the driver has a virtual clock."""

    def __init__(self):
        super().__init__()
        self._client.wait = time.sleep


@broken("faults", RULE_HALF_DONE, *ONLY_FAULTS)
class RetriedCreateLaunchesTwice(EC2Driver):
    """RunInstances is sent without a ClientToken, so retrying after a lost answer launches a
    second instance."""

    def _request(self, keys, action, params=None):
        if action == "RunInstances":
            params = {k: v for k, v in (params or {}).items() if k != "ClientToken"}
        return super()._request(keys, action, params)
