"""Fail-fast on shared timeouts: once a check waited out the timeout for something, later checks
waiting for the same thing fail at once, naming that check and what it saw."""

import time

import pytest

import simulator as sim
from dctck import Instance
from dctck.kit import Harness, Subject, Unmet, Violation, await_gone
from reference_drivers import MockDriver

VALID = {"name": "mockuser", "password": "mockpassword"}
TIMEOUT = 0.4


class RealTime(MockDriver):
    """MockDriver on the wall clock (no virtual clock to advance)."""

    clock = None

    def __init__(self, boot_seconds=0.0):
        super().__init__(sim.Simulator(clock=sim.RealClock()))
        self.simulator.set_durations(boot_seconds=boot_seconds, stop_seconds=0)


class NeverListed(RealTime):
    def create_instance(self, credentials, image_id, opts=None):
        instance = super().create_instance(credentials, image_id, opts)
        return Instance(**{**vars(instance), "id": "r-" + instance.id[2:]})


class DestroyKeepsIt(RealTime):
    def destroy_instance(self, credentials, id):
        return self._visible(self._account(credentials), id)


@pytest.fixture
def subject(request):
    subject = Subject(request.param, VALID, timeout=TIMEOUT)
    yield subject
    subject.close()


def timed(action):
    started = time.monotonic()
    with pytest.raises(Unmet) as excinfo:
        action()
    return time.monotonic() - started, str(excinfo.value)


@pytest.mark.parametrize("subject", [RealTime(boot_seconds=1e9)], indirect=True)
def test_a_second_check_waiting_for_a_boot_that_never_ends_fails_at_once(subject):
    first, second = Harness(subject, "check_one"), Harness(subject, "check_two")
    waited, message = timed(first.running_instance)
    assert waited >= TIMEOUT
    assert "showed the instance still PENDING after 0.4 s" in message
    waited, message = timed(second.running_instance)
    assert waited < TIMEOUT
    assert message.startswith("instances(opts={'id': 'i-")
    assert (
        "[SPEC 5: automatic transitions complete within the timeout] was not awaited again:"
        " check_one waited 0.4 s for an instance PENDING to settle in vain (instances(opts="
    ) in message
    assert message.endswith(
        "showed the instance still PENDING after 0.4 s), expected a stable state: RUNNING, STOPPED"
    )


@pytest.mark.parametrize("subject", [NeverListed()], indirect=True)
def test_a_created_id_never_listed_is_awaited_once(subject):
    first, second = Harness(subject, "check_one"), Harness(subject, "check_two")
    waited, _ = timed(lambda: first.created_instance().listed_state())
    assert waited >= TIMEOUT
    waited, message = timed(lambda: second.created_instance().listed_state())
    assert waited < TIMEOUT
    assert (
        "[SPEC 4: instances() lists the caller's instances] was not awaited again: check_one"
        in (message)
    )
    assert "for a new instance to be listed in vain" in message


@pytest.mark.parametrize("subject", [DestroyKeepsIt()], indirect=True)
def test_an_instance_never_gone_is_awaited_once_per_state_it_was_destroyed_from(subject):
    first, second = Harness(subject, "check_one"), Harness(subject, "check_two")
    for harness in (first, second):
        watch = harness.running_instance()
        harness.call("destroy_instance", subject.valid, watch.id)
        started = time.monotonic()
        (problem,) = await_gone(watch, "destroy_instance(...)")
        waited = time.monotonic() - started
    assert waited < TIMEOUT
    assert isinstance(problem, Violation)
    assert problem.happened.startswith(
        "was not awaited again: check_one waited 0.4 s for destroy from RUNNING to remove the"
        " instance in vain"
    )


@pytest.mark.parametrize("subject", [RealTime()], indirect=True)
def test_a_correct_driver_never_fails_fast(subject):
    for name in ("check_one", "check_two"):
        harness = Harness(subject, name)
        assert harness.running_instance().state == "running"
        assert harness.cleanup() == []
    assert subject.timed_out == {}
