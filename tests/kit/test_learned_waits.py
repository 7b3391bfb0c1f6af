"""Waits that learn their length, on a virtual clock: a wait for what an earlier wait of the
session saw happen ticks that much first (virtual time is free; each poll is a driver call), and
still waits on, step by step, when this time it takes longer."""

from dctck.kit import Harness, Subject
from reference_drivers import MockDriver

VALID = {"name": "mockuser", "password": "mockpassword"}


class Counting(MockDriver):
    """MockDriver counting its listings of instances."""

    def __init__(self, simulator=None):
        super().__init__(simulator)
        self.listings = 0

    def instances(self, credentials, opts=None):
        self.listings += 1
        return super().instances(credentials, opts)


def _settled_listings(harness):
    driver = harness.subject.driver
    before = driver.listings
    watch = harness.running_instance()
    assert watch.state == "running"
    assert watch.violations == []
    return driver.listings - before


def test_a_second_boot_is_awaited_in_two_listings_on_a_virtual_clock():
    subject = Subject(Counting(), VALID, timeout=60)
    first = _settled_listings(Harness(subject, "one"))
    second = _settled_listings(Harness(subject, "two"))
    assert first >= 6  # 0, 1, 3, 7, 15, 23, 31, 39, 47 virtual seconds: a 40-second boot
    assert second == 2  # just created (PENDING), then 47 seconds later (RUNNING)
    subject.close()


def test_a_boot_slower_than_the_one_learned_is_still_awaited_and_judged():
    driver = Counting()
    subject = Subject(driver, VALID, timeout=60)
    _settled_listings(Harness(subject, "one"))
    driver.simulator.set_durations(boot_seconds=55)
    assert _settled_listings(Harness(subject, "two")) > 2
    driver.simulator.set_durations(boot_seconds=5)
    assert _settled_listings(Harness(subject, "three")) >= 2
    subject.close()
