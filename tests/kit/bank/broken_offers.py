"""Broken drivers, area ``fsm``: actions offered but refused, and destroy edges that lie (SPEC 5).

Only the ``fsm`` area runs for them (``-m fsm``): that is where SPEC 5 is checked.
"""

import dataclasses

from reference_drivers import MockDriver
from suites.suite_fsm import RULE_OFFERED, RULE_WELL_FORMED
from tests.kit.bank import broken

ONLY_FSM = ("-m", "fsm")


@broken("fsm", RULE_OFFERED, *ONLY_FSM)
class TerminatingShownStopped(MockDriver):
    """A terminating instance is listed STOPPED, offering start, which the provider refuses."""

    def instances(self, credentials, opts=None):
        account = self._account(credentials)
        views = self._call(self.simulator.describe_instances, account)
        shown = [self._instance(v) for v in views if v.state != "terminated"]
        return self.filter_on(shown, "id", opts)

    def _instance(self, view):
        if view.state == "shutting_down":
            view = dataclasses.replace(view, state="stopped")
        return super()._instance(view)


@broken("fsm", RULE_WELL_FORMED, *ONLY_FSM)
class DestroyEdgeToStopped(MockDriver):
    """The machine says destroy takes a RUNNING instance to STOPPED (a second destroy would
    end it), while the instance is gone at once."""

    def instance_states(self):
        return [
            ("begin", {"pending": "create"}),
            ("pending", {"running": "_auto_", "end": "destroy"}),
            ("running", {"running": "reboot", "stopped": "destroy"}),
            ("stopped", {"pending": "start", "end": "destroy"}),
        ]


@broken("fsm", RULE_OFFERED, *ONLY_FSM)
class StopEndsShuttingDown(MockDriver):
    """The machine says shutting_down -stop-> end instead of -destroy->: SHUTTING_DOWN offers
    stop, which the driver accepts (the instance is stopping already), and the instance goes to
    STOPPED, not to the end the declared edge promises (the mock.py mutant of issue 14)."""

    def instance_states(self):
        return [
            ("begin", {"pending": "create"}),
            ("pending", {"running": "_auto_", "end": "destroy"}),
            ("running", {"running": "reboot", "shutting_down": "stop", "end": "destroy"}),
            ("shutting_down", {"stopped": "_auto_", "end": "stop"}),
            ("stopped", {"pending": "start", "end": "destroy"}),
        ]
