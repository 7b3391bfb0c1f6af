"""Legal drivers with unusual state machines (SPEC 5) that the kit must certify."""

import dataclasses
from collections import defaultdict

import simulator as sim
from dctck import AUTO, ActionNotAllowed
from reference_drivers import MockDriver
from tests.kit.bank import legal


@legal()
class NoPendingState(MockDriver):
    """Instances boot at once: create (and start) go straight to RUNNING; there is no pending."""

    SPEC = "4: Returns the new instance, in state `PENDING` or `RUNNING`"

    def __init__(self):
        super().__init__()
        self.simulator.set_durations(boot_seconds=0)

    def instance_states(self):
        return [
            ("begin", {"running": "create"}),
            ("running", {"running": "reboot", "shutting_down": "stop", "end": "destroy"}),
            ("shutting_down", {"stopped": AUTO, "end": "destroy"}),
            ("stopped", {"running": "start", "end": "destroy"}),
        ]


@legal()
class CannotRestart(MockDriver):
    """A provider that cannot start a stopped instance again: no start action anywhere; a
    stopped instance can only be destroyed."""

    SPEC = (
        "4: whether it can be started again is the provider's choice",
        "4: (only for providers whose state machine has a `start` action)",
    )

    def start_instance(self, credentials, id):
        self._visible(self._account(credentials), id)
        raise ActionNotAllowed("this provider cannot restart instances")

    def instance_states(self):
        return [
            ("begin", {"pending": "create"}),
            ("pending", {"running": AUTO, "end": "destroy"}),
            ("running", {"running": "reboot", "shutting_down": "stop", "end": "destroy"}),
            ("shutting_down", {"stopped": AUTO, "end": "destroy"}),
            ("stopped", {"end": "destroy"}),
        ]


@legal()
class TerminationIsVisible(MockDriver):
    """A destroyed instance stays listed as SHUTTING_DOWN until it is gone (stopping shows as
    SHUTTING_DOWN too), so shutting_down leads to stopped or to end automatically."""

    SPEC = (
        "5: `destroy_instance` may pass through the stop edges first",
        "5: A `destroy` edge leads to `end`, or to a state from which `_auto_` edges alone",
    )

    def instances(self, credentials, opts=None):
        account = self._account(credentials)
        views = self._call(self.simulator.describe_instances, account)
        shown = [self._instance(v) for v in views if v.state != "terminated"]
        shown = self.filter_on(shown, "id", opts)
        return self.filter_on(shown, "state", opts)

    def _visible(self, account, id):
        if not isinstance(id, str):
            return super()._visible(account, id)
        (view,) = self._call(self.simulator.describe_instances, account, [id])
        if view.state == "shutting_down":
            return self._instance(view)
        return super()._visible(account, id)

    def _instance(self, view):
        if view.state == "shutting_down":
            view = _with_state(view, "stopping")  # shown the same way: SHUTTING_DOWN
        return super()._instance(view)

    def instance_states(self):
        return [
            ("begin", {"pending": "create"}),
            ("pending", {"running": AUTO, "shutting_down": "destroy"}),
            ("running", {"running": "reboot", "shutting_down": "stop"}),
            ("shutting_down", {"stopped": AUTO, "end": AUTO}),
            ("stopped", {"pending": "start", "shutting_down": "destroy"}),
        ]


def _with_state(view, state):
    return dataclasses.replace(view, state=state)


@legal("--dctck-timeout=5", "-m", "fsm or create")
class SlowBootOnRealTime(MockDriver):
    """Runs on real time with no virtual clock to advance: a boot takes 0.15 s and a stop 0.1 s
    of wall time, so the kit polls with real sleeps. Certified in the areas that wait (every
    area is certified on frozen time by SlowBootOnFrozenTime, at a tenth of the wall time)."""

    SPEC = (
        "7: A driver without a `clock` attribute runs on real time",
        "7: The kit must work both ways",
    )

    clock = None

    def __init__(self):
        super().__init__(sim.Simulator(clock=sim.RealClock()))
        self.simulator.set_durations(boot_seconds=0.15, stop_seconds=0.1)


@legal()
class ImmediateStop(MockDriver):
    """Stopping (and destroying) takes effect at once: stop leads straight to STOPPED."""

    def __init__(self):
        super().__init__()
        self.simulator.set_durations(stop_seconds=0)

    def instance_states(self):
        return [
            ("begin", {"pending": "create"}),
            ("pending", {"running": AUTO, "end": "destroy"}),
            ("running", {"running": "reboot", "stopped": "stop", "end": "destroy"}),
            ("stopped", {"pending": "start", "end": "destroy"}),
        ]


@legal()
class DestroyOnlyWhenStopped(MockDriver):
    """destroy_instance is refused (ActionNotAllowed) unless the instance is STOPPED, and the
    machine declares destroy from stopped only."""

    def destroy_instance(self, credentials, id):
        instance = self._visible(self._account(credentials), id)
        if instance.state != "STOPPED":
            raise ActionNotAllowed(f"stop {id} before destroying it")
        return super().destroy_instance(credentials, id)

    def instance_states(self):
        return [
            ("begin", {"pending": "create"}),
            ("pending", {"running": AUTO}),
            ("running", {"running": "reboot", "shutting_down": "stop"}),
            ("shutting_down", {"stopped": AUTO}),
            ("stopped", {"pending": "start", "end": "destroy"}),
        ]


@legal()
class RebootThroughPending(MockDriver):
    """A reboot shows the instance PENDING for 30 s before it is RUNNING again."""

    REBOOT_SECONDS = 30.0

    def __init__(self):
        super().__init__()
        self._rebooting_until = defaultdict(float)

    def reboot_instance(self, credentials, id):
        account = self._account(credentials)
        self._visible(account, id)
        self._call(self.simulator.reboot_instances, account, [id])
        self._rebooting_until[id] = self.clock.now() + self.REBOOT_SECONDS
        return self._visible(account, id)

    def _instance(self, view):
        if view.state == "running" and self.clock.now() < self._rebooting_until[view.id]:
            view = _with_state(view, "pending")
        return super()._instance(view)

    def instance_states(self):
        return [
            ("begin", {"pending": "create"}),
            ("pending", {"running": AUTO, "end": "destroy"}),
            ("running", {"pending": "reboot", "shutting_down": "stop", "end": "destroy"}),
            ("shutting_down", {"stopped": AUTO, "end": "destroy"}),
            ("stopped", {"pending": "start", "end": "destroy"}),
        ]


@legal()
class RefusesSatisfiedRequests(MockDriver):
    """Stopping a stopped (or stopping) instance and starting a running (or pending) one raise
    ActionNotAllowed instead of succeeding without a change; SPEC 4 allows either."""

    SPEC = "4: unless the request is already satisfied (stopping a stopped instance may succeed"

    def stop_instance(self, credentials, id):
        self._refuse_if(credentials, id, ("SHUTTING_DOWN", "STOPPED"), "stop")
        return super().stop_instance(credentials, id)

    def start_instance(self, credentials, id):
        self._refuse_if(credentials, id, ("PENDING", "RUNNING"), "start")
        return super().start_instance(credentials, id)

    def _refuse_if(self, credentials, id, states, action):
        instance = self._visible(self._account(credentials), id)
        if instance.state in states:
            raise ActionNotAllowed(f"cannot {action} {id}: it is {instance.state}")


@legal("--dctck-timeout=5", "--dctck-freeze-time")
class SlowBootOnFrozenTime(SlowBootOnRealTime):
    """SlowBootOnRealTime certified with --dctck-freeze-time: its simulator reads time.time()
    itself, which freezegun freezes and the kit advances instead of sleeping."""

    SPEC = "7: and with drivers that read `time.time()` themselves"
