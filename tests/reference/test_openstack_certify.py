"""OpenStackDriver certified by the kit: in-process, and against a live ``dctck simulate --api
openstack`` through ``from_environment``; its retries, lost answers and tokens, exercised."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import reference_drivers
from dctck import ActionNotAllowed, AuthException, NotFound, ProviderError
from reference_drivers import OPENSTACK_TARGET, OpenStackDriver
from reference_drivers.openstack import REQUEST_KEY, RetryPolicy, from_environment
from tests.reference._support import dctck

ACCOUNTS = [
    "--credentials",
    "mockuser:mockpassword",
    "--other-credentials",
    "otheruser:otherpassword",
]
MOCK = {"name": "mockuser", "password": "mockpassword"}
#: What the default OpenStack cloud documents (absolute: pytester runs elsewhere).
OPENSTACK_FACTS = Path(reference_drivers.__file__).with_name("openstack_facts.toml")
OTHER = {"name": "otheruser", "password": "otherpassword"}


def test_the_openstack_target_is_the_driver_in_process():
    assert dict(OPENSTACK_TARGET) == {
        "driver": "reference_drivers.openstack:OpenStackDriver",
        "credentials": "mockuser:mockpassword",
        "other_credentials": "otheruser:otherpassword",
    }


def test_openstack_driver_in_process_is_certified_by_the_plugin(pytester):
    result = pytester.runpytest_inprocess(
        "--dctck-driver=reference_drivers.openstack:OpenStackDriver",
        "--dctck-credentials=mockuser:mockpassword",
        "--dctck-other-credentials=otheruser:otherpassword",
        f"--dctck-facts={OPENSTACK_FACTS}",
        "--dctck-report=report.json",
        "-p",
        "no:cacheprovider",
    )
    assert result.ret == 0, result.stdout.str()
    report = json.loads((pytester.path / "report.json").read_text())
    assert report["certified"] is True
    assert report["areas"]["faults"] == {"passed": 54, "failed": 0, "skipped": 0}
    # the facts hold for every catalogue collection
    assert report["areas"]["models"] == {"passed": 17, "failed": 0, "skipped": 0}
    assert report["areas"]["fsm"]["failed"] == 0


class OpenStackServer:
    """``dctck simulate --api openstack`` on a free port of 127.0.0.1, stopped by the test."""

    def __init__(self, *options):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dctck", "simulate", "--api", "openstack", "--port", "0",
             *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        first = self.process.stdout.readline()
        match = re.search(r" at (http://\S+?)/?$", first)
        if match is None:
            self.stop()
            raise RuntimeError(f"dctck simulate --api openstack did not start: {first!r}")
        self.url = match.group(1)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        self.process.stdout.close()


@pytest.mark.live
def test_openstack_driver_is_certified_live_through_the_control_api(tmp_path):
    """from_environment against a served simulator on a manual clock: the faults area runs
    through the control API (RemoteFaults with the OpenStack front's operations and codes)."""
    server = OpenStackServer("--clock", "manual")
    try:
        env = {
            "DCTCK_OS_AUTH_URL": server.url + "/identity",
            "DCTCK_OS_CONTROL": server.url + "/_sim",
        }
        result = dctck(
            "certify",
            "reference_drivers.openstack:from_environment",
            *ACCOUNTS,
            "--report",
            str(tmp_path / "report.json"),
            env=env,
            cwd=tmp_path,
        )
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["areas"]["faults"] == {"passed": 54, "failed": 0, "skipped": 0}
    assert "CERTIFIED: reference_drivers.openstack:from_environment passed all" in result.stdout


@pytest.mark.live
def test_openstack_driver_is_certified_live_on_real_time_without_a_clock(tmp_path):
    server = OpenStackServer("--clock", "real", "--boot-seconds", "0", "--stop-seconds", "0")
    try:
        env = {"DCTCK_OS_AUTH_URL": server.url + "/identity", "DCTCK_OS_CONTROL": ""}
        result = dctck(
            "certify", "reference_drivers.openstack:from_environment", *ACCOUNTS,
            "--timeout", "10", env=env, cwd=tmp_path,
        )  # fmt: skip
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CERTIFIED: reference_drivers.openstack:from_environment passed all" in result.stdout


def test_certify_from_environment_without_an_auth_url_is_a_usage_error():
    env = {"DCTCK_OS_AUTH_URL": ""}
    result = dctck("certify", "reference_drivers.openstack:from_environment", *ACCOUNTS, env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "ERROR: dctck: constructing reference_drivers.openstack:from_environment raised"
        " ValueError: set DCTCK_OS_AUTH_URL to the URL of an OpenStack Keystone"
    )


def test_from_environment_needs_an_auth_url(monkeypatch):
    monkeypatch.delenv("DCTCK_OS_AUTH_URL", raising=False)
    with pytest.raises(ValueError, match=r"^set DCTCK_OS_AUTH_URL to the URL of an OpenStack"):
        from_environment()


def test_from_environment_without_a_control_url_has_no_clock_and_no_faults(monkeypatch):
    monkeypatch.setenv("DCTCK_OS_AUTH_URL", "http://127.0.0.1:9/identity")
    monkeypatch.delenv("DCTCK_OS_CONTROL", raising=False)
    driver = from_environment()
    assert not hasattr(driver, "clock")
    assert not hasattr(driver, "faults")
    assert (driver.auth_url, driver.region) == ("http://127.0.0.1:9/identity", "RegionOne")


# -- behaviour the certification relies on, pinned directly ----------------------------------------


@pytest.fixture
def driver():
    return OpenStackDriver()


def _running(driver, credentials=MOCK, **opts):
    image = driver.images(credentials)[0].id
    created = driver.create_instance(credentials, image, opts or None)
    driver.clock.tick(driver.simulator.config.boot_seconds)
    return created


def test_a_stop_in_progress_shows_as_shutting_down_and_offers_only_destroy(driver):
    """Nova shows ACTIVE + powering-off; the driver shows what Nova allows then."""
    server = _running(driver)
    stopping = driver.stop_instance(MOCK, server.id)
    assert (stopping.state, stopping.actions) == ("SHUTTING_DOWN", ["destroy"])
    with pytest.raises(ActionNotAllowed, match=r"^409 conflictingRequest: Cannot 'stop'"):
        driver.stop_instance(MOCK, server.id)
    driver.clock.tick(driver.simulator.config.stop_seconds)
    assert driver.instance(MOCK, server.id).state == "STOPPED"


def test_a_server_being_deleted_is_gone_at_once(driver):
    server = _running(driver)
    assert driver.destroy_instance(MOCK, server.id).state == "RUNNING"
    assert driver.instances(MOCK) == []
    with pytest.raises(NotFound, match=r"^no instance "):
        driver.reboot_instance(MOCK, server.id)


def test_a_create_whose_answer_is_lost_makes_one_server(driver):
    driver.faults.fail_next("create_instance", "timeout")
    created = _running(driver, name="once")
    servers = driver.instances(MOCK)
    assert [s.id for s in servers] == [created.id]


def test_a_stop_whose_answer_is_lost_is_not_refused_on_retry(driver):
    server = _running(driver)
    driver.faults.fail_next("stop_instance", "timeout")
    assert driver.stop_instance(MOCK, server.id).state == "SHUTTING_DOWN"


def test_persistent_throttling_ends_in_provider_error_on_the_clock(driver):
    driver.faults.fail_next("instances", "throttle", 10)
    before = driver.clock.now()
    with pytest.raises(ProviderError, match=r"^429 overLimit: .*gave up after 4 attempts\)$"):
        driver.instances(MOCK)
    assert driver.clock.now() - before == pytest.approx(0.7)  # 0.1 + 0.2 + 0.4, virtual


def test_an_expired_token_is_renewed_once(driver):
    driver.images(MOCK)
    driver.clock.tick(2 * 3600)  # past the token's hour
    assert driver.realms(MOCK)[0].id == "nova"


def test_a_user_cannot_see_another_projects_servers(driver):
    server = _running(driver)
    assert driver.instances(OTHER) == []
    with pytest.raises(NotFound):
        driver.destroy_instance(OTHER, server.id)
    assert driver.instance(MOCK, server.id).state == "RUNNING"


def test_credentials_are_refused_before_any_request_when_incomplete(driver):
    with pytest.raises(AuthException, match=r"^credentials required"):
        driver.images({"name": "mockuser"})
    with pytest.raises(AuthException, match=r"^401 Unauthorized: "):
        driver.images({"name": "mockuser", "password": "wrong"})


def test_the_create_request_carries_an_idempotency_token_in_the_metadata(driver):
    server = _running(driver)
    (view,) = driver.simulator.servers("mockuser")
    assert view.id == server.id
    assert set(view.metadata) == {REQUEST_KEY}


def test_retry_policy_is_the_drivers_own(driver):
    quick = OpenStackDriver(retry=RetryPolicy(attempts=1))
    quick.faults.fail_next("images", "server_error")
    with pytest.raises(ProviderError, match=r"gave up after 1 attempt\)$"):
        quick.images(MOCK)
