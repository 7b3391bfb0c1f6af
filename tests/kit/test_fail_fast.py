"""Fail-fast in teardown and cleanup: a wait that timed out is not waited out again there either.

Costs are counted in timeouts (waits that ran out the whole timeout, calls that did not return),
never timed: a broken driver costs at most the correct one plus four timeouts.
"""

from collections import Counter

import pytest

from dctck import ActionNotAllowed
from dctck.kit import Harness, Subject
from reference_drivers import MockDriver

VALID = {"name": "mockuser", "password": "mockpassword"}
#: The bound of issue 14: a broken driver costs at most the correct one plus this many timeouts.
EXTRA_TIMEOUTS = 4


class RefusesDestroyWhileRunning(MockDriver):
    """The bank's DestroyRefusedWhileRunning on MockDriver's virtual clock."""

    def destroy_instance(self, credentials, id):
        if self._visible(self._account(credentials), id).state == "RUNNING":
            raise ActionNotAllowed(f"stop {id} before destroying it")
        return super().destroy_instance(credentials, id)


@pytest.fixture
def timeouts(monkeypatch):
    """Counts, while the test runs, the waits and calls that used up the whole timeout."""
    counted: Counter[str] = Counter()
    wait_until, call = Harness.wait_until, Subject.call

    def counting_wait_until(self, poll, timeout=None, **kwargs):
        result = wait_until(self, poll, timeout, **kwargs)
        if result is None and timeout is None:  # an explicit timeout is a quiet period
            counted["waits"] += 1
        return result

    def counting_call(self, method, *args, **kwargs):
        outcome = call(self, method, *args, **kwargs)
        counted["calls"] += outcome.timed_out and outcome.hung_before is None
        return outcome

    monkeypatch.setattr(Harness, "wait_until", counting_wait_until)
    monkeypatch.setattr(Subject, "call", counting_call)
    return counted


def test_cleanup_waits_once_for_a_refused_destroy_then_names_the_first_wait(timeouts):
    subject = Subject(RefusesDestroyWhileRunning(), VALID, timeout=60)
    first, second = Harness(subject, "check_one"), Harness(subject, "check_two")
    ids = [harness.running_instance().id for harness in (first, second)]
    (leak,) = first.cleanup()
    assert leak.startswith(f"instance {ids[0]!r} left behind: still listed as RUNNING 60 s after")
    assert "raised ActionNotAllowed: stop" in leak
    assert timeouts["waits"] == 1
    (leak,) = second.cleanup()
    assert leak.startswith(
        f"instance {ids[1]!r} left behind: was not awaited again: check_one waited 60 s for"
        " destroy from RUNNING, refused with ActionNotAllowed, to remove the instance in vain"
        " (instances(opts={'id':"
    )
    assert timeouts["waits"] == 1
    subject.close()


def _cost(certification, timeouts, driver):
    timeouts.clear()
    options = ("--dctck-timeout=5", "--dctck-freeze-time")
    _, report = certification.run(f"tests.kit.bank.{driver}", *options)
    return report, timeouts["waits"] + timeouts["calls"]


def test_a_driver_refusing_destroy_while_running_costs_at_most_four_timeouts_more(
    certification, timeouts
):
    correct, correct_cost = _cost(certification, timeouts, "legal_machines:SlowBootOnRealTime")
    assert correct["certified"] is True
    broken, broken_cost = _cost(
        certification, timeouts, "broken_teardown:DestroyRefusedWhileRunning"
    )
    assert broken["certified"] is False
    assert broken_cost <= correct_cost + EXTRA_TIMEOUTS, (correct_cost, broken_cost)
    assert broken_cost >= 1  # it is counted: the first wait for the refused destroy runs out
