"""SPEC 9 fault injection of the reference drivers: driver.faults over the simulator."""

import pytest

from dctck import ProviderError
from reference_drivers import EC2Driver, MockDriver
from tests.reference._support import VALID
from tests.simulator._support import X86_IMAGE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("describe_instances", "throttle"), "unknown operation 'describe_instances'"),
        (("instances", "outage"), "unknown kind 'outage'"),
        (("instances", "timeout", 0), "count must be an integer >= 1, got 0"),
        (("instances", "timeout", True), "count must be an integer >= 1, got True"),
    ],
)
def test_fail_next_refuses_what_spec_9_does_not_name(args, message):
    with pytest.raises(ValueError, match=rf"^{message}"):
        MockDriver().faults.fail_next(*args)


@pytest.mark.parametrize("kind", ["throttle", "server_error", "timeout"])
def test_mock_driver_raises_provider_error_and_changes_nothing(kind):
    driver = MockDriver()
    driver.faults.fail_next("create_instance", kind, 2)
    for _ in range(2):
        with pytest.raises(ProviderError):
            driver.create_instance(VALID, X86_IMAGE)
    assert driver.instances(VALID) == []
    assert driver.create_instance(VALID, X86_IMAGE).state == "PENDING"


def test_clear_cancels_the_failures_not_yet_raised():
    driver = MockDriver()
    driver.faults.fail_next("realms", "server_error", 5)
    driver.faults.clear()
    assert [realm.id for realm in driver.realms(VALID)] == ["us-east-1a", "us-east-1b"]


def test_ec2_driver_retries_a_lost_answer_and_launches_once():
    driver = EC2Driver()
    before = driver.clock.now()
    driver.faults.fail_next("create_instance", "timeout")
    instance = driver.create_instance(VALID, X86_IMAGE)
    assert [i.id for i in driver.instances(VALID)] == [instance.id]
    assert driver.clock.now() > before  # the retry waited on the virtual clock


def test_ec2_driver_gives_up_with_provider_error_after_its_attempts():
    driver = EC2Driver()
    driver.faults.fail_next("images", "throttle", 12)
    with pytest.raises(ProviderError, match=r"^RequestLimitExceeded: .*gave up after 4 attempts"):
        driver.images(VALID)
