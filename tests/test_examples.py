"""The worked example of the README is certified, the way the README says to run it."""

import importlib.util
import json
from pathlib import Path

import pytest

from dctck import ProviderError
from tests.reference._support import VALID, SimulateServer, dctck
from tests.simulator._support import X86_IMAGE

EXAMPLES = Path(__file__).parent.parent / "examples"
EC2_FACTS = EXAMPLES.parent / "reference_drivers" / "ec2_facts.toml"


def test_memory_cloud_example_is_certified(pytester):
    (pytester.path / "memory_cloud.py").write_text((EXAMPLES / "memory_cloud.py").read_text())
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess(
        "--dctck-driver=memory_cloud:MemoryCloudDriver",
        "--dctck-credentials=alice:wonderland",
        "--dctck-other-credentials=bob:builder",
        "--dctck-report=report.json",
        "-p",
        "no:cacheprovider",
    )
    report = json.loads((pytester.path / "report.json").read_text())
    assert [c["message"] for c in report["checks"] if c["outcome"] == "failed"] == []
    assert report["certified"] is True
    assert result.ret == 0


def boto3_example():
    spec = importlib.util.spec_from_file_location("boto3_ec2", EXAMPLES / "boto3_ec2.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_boto3_example_retries_a_lost_answer_on_its_clock_and_launches_once():
    driver = boto3_example().in_process()
    before = driver.clock.now()
    driver.faults.fail_next("create_instance", "timeout")  # the simulator launches, no answer
    instance = driver.create_instance(VALID, X86_IMAGE)
    assert [i.id for i in driver.instances(VALID)] == [instance.id]  # one ClientToken
    assert driver.clock.now() == pytest.approx(before + 0.1)  # the driver's wait, not botocore's


def test_boto3_example_gives_up_with_provider_error_after_its_attempts():
    driver = boto3_example().in_process()
    before = driver.clock.now()
    driver.faults.fail_next("images", "throttle", 12)
    with pytest.raises(ProviderError, match=r"^RequestLimitExceeded: .*gave up after 4 attempts"):
        driver.images(VALID)
    assert driver.clock.now() == pytest.approx(before + 0.1 + 0.2 + 0.4)


@pytest.mark.live
@pytest.mark.slow
def test_boto3_example_is_certified_against_a_live_dctck_simulate(tmp_path):
    """In-process (no socket) it is certified in tests/reference/test_certified_drivers.py."""
    server = SimulateServer("--clock", "manual")
    try:
        result = dctck(
            "certify", "boto3_ec2:from_environment", "--credentials", "mockuser:mockpassword",
            "--other-credentials", "otheruser:otherpassword", "--report", str(tmp_path / "r.json"),
            "--facts", str(EC2_FACTS),  # what EC2 documents holds through boto3 too
            env={**server.env, "DCTCK_EC2_CONTROL": server.url + "/_sim"}, cwd=EXAMPLES,
        )  # fmt: skip
    finally:
        server.stop()
    report = json.loads((tmp_path / "r.json").read_text())
    assert [c["message"] for c in report["checks"] if c["outcome"] == "failed"] == []
    assert (result.returncode, report["certified"], len(report["checks"])) == (0, True, 304)
    assert {c["outcome"] for c in report["checks"]} == {"passed"}


def openstacksdk_example():
    spec = importlib.util.spec_from_file_location(
        "openstacksdk_nova", EXAMPLES / "openstacksdk_nova.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MOCKUSER = {"name": "mockuser", "password": "mockpassword"}


@pytest.mark.filterwarnings(
    "ignore::openstack.warnings.RemovedInSDK50Warning"
)  # openstacksdk about itself
def test_openstacksdk_example_creates_once_after_a_lost_answer_and_retries_on_its_clock():
    driver = openstacksdk_example().in_process()
    image = driver.images(MOCKUSER)[0].id
    before = driver.clock.now()
    driver.faults.fail_next("create_instance", "timeout")  # Nova creates, the answer is lost
    instance = driver.create_instance(MOCKUSER, image)
    assert [i.id for i in driver.instances(MOCKUSER)] == [instance.id]  # found by its token
    assert driver.clock.now() == pytest.approx(before + 0.1)


@pytest.mark.filterwarnings("ignore::openstack.warnings.RemovedInSDK50Warning")
def test_openstacksdk_example_shows_a_stop_in_progress_and_gives_up_with_provider_error():
    driver = openstacksdk_example().in_process()
    image = driver.images(MOCKUSER)[0].id
    instance = driver.create_instance(MOCKUSER, image, {"name": "web"})
    driver.clock.tick(driver.simulator.config.boot_seconds)
    assert driver.stop_instance(MOCKUSER, instance.id).state == "SHUTTING_DOWN"
    driver.faults.fail_next("instances", "throttle", 12)
    with pytest.raises(ProviderError, match=r"gave up after 4 attempts\)$"):
        driver.instances(MOCKUSER)
