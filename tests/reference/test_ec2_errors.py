"""EC2 errors as SPI exceptions, and the retry policy, through the simulator's fault injection."""

import time
from urllib.parse import parse_qs

import pytest
import responses

from dctck import (
    ActionNotAllowed,
    AuthException,
    NotFound,
    ProviderError,
    ValidationError,
)
from dctck._recording import Recorder
from reference_drivers import EC2Driver
from reference_drivers._ec2_client import RetryPolicy
from reference_drivers._ec2_errors import is_retryable, translate
from reference_drivers._ec2_query import encode, numbered, parse, parse_error
from simulator.ec2 import in_process
from tests.reference._support import VALID
from tests.simulator._support import X86_IMAGE

# -- the mapping -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("AuthFailure", AuthException),
        ("SignatureDoesNotMatch", AuthException),
        ("MissingAuthenticationToken", AuthException),
        ("InvalidInstanceID.NotFound", NotFound),
        ("InvalidAMIID.NotFound", NotFound),
        ("InvalidInstanceID.Malformed", NotFound),
        ("InvalidAMIID.Malformed", NotFound),
        ("IncorrectInstanceState", ActionNotAllowed),
        ("InvalidParameterValue", ValidationError),
        ("MissingParameter", ValidationError),
        ("UnknownParameter", ValidationError),
        ("RequestLimitExceeded", ProviderError),
        ("InternalError", ProviderError),
        ("Unavailable", ProviderError),
        ("InsufficientInstanceCapacity", ProviderError),
        ("SomethingNew", ProviderError),
    ],
)
def test_each_ec2_code_becomes_its_spi_exception(code, error):
    translated = translate(code, "what EC2 said")
    assert type(translated) is error
    assert translated.args == (f"{code}: what EC2 said",)


@pytest.mark.parametrize(
    ("code", "status", "retryable"),
    [
        ("RequestLimitExceeded", 503, True),
        ("Throttling", 400, True),
        ("InternalError", 500, True),
        ("Unavailable", 503, True),
        ("SomethingNew", 502, True),
        (None, 504, True),
        ("InsufficientInstanceCapacity", 500, False),
        ("AuthFailure", 401, False),
        ("InvalidParameterValue", 400, False),
        (None, 404, False),
    ],
)
def test_throttling_and_transient_5xx_are_retryable(code, status, retryable):
    assert is_retryable(code, status) is retryable


# -- the wire format -------------------------------------------------------------------------------


def test_requests_are_form_encoded_with_action_version_and_numbered_lists():
    body = encode("StopInstances", numbered("InstanceId", ["i-1", "i-2 /é"]))
    assert body == (
        "Action=StopInstances&Version=2016-11-15&InstanceId.1=i-1&InstanceId.2=i-2%20%2F%C3%A9"
    )


def test_error_documents_are_read_with_code_message_and_request_id():
    body = (
        b"<Response><Errors><Error><Code>AuthFailure</Code><Message>no</Message></Error>"
        b"</Errors><RequestID>r-1</RequestID></Response>"
    )
    error = parse_error(body)
    assert (error.code, error.message, error.request_id) == ("AuthFailure", "no", "r-1")
    assert parse_error(b"<html>Bad gateway</html>") is None
    assert parse_error(b"not xml") is None


def test_responses_are_read_by_local_names_whatever_the_namespace():
    root = parse(
        b'<R xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><a><item><b>1</b></item>'
        b"<item><b>2</b></item></a><empty/></R>"
    )
    assert [item.text("b") for item in root.items("a")] == ["1", "2"]
    assert root.text("empty") == ""
    assert root.text("missing") is None
    assert list(root.items("missing")) == []


# -- retries on virtual time: fault injection in-process -------------------------------------------


@pytest.fixture
def driver(monkeypatch):
    def no_real_sleep(seconds):
        raise AssertionError(f"a driver on a virtual clock slept {seconds} real seconds")

    monkeypatch.setattr(time, "sleep", no_real_sleep)
    return EC2Driver()


@pytest.mark.parametrize("code", ["RequestLimitExceeded", "InternalError", "Unavailable"])
def test_throttling_and_5xx_are_retried_waiting_on_the_virtual_clock(driver, code):
    driver.simulator.faults.fail_next("describe_instances", count=3, code=code)
    started = driver.clock.now()
    assert driver.instances(VALID) == []
    assert driver.clock.now() - started == pytest.approx(0.1 + 0.2 + 0.4)


def test_after_the_last_retry_the_error_is_a_provider_error_naming_the_code(driver):
    driver.simulator.faults.fail_next("images", count=4, code="RequestLimitExceeded")
    with pytest.raises(ProviderError) as excinfo:
        driver.images(VALID)
    assert excinfo.value.args == (
        "RequestLimitExceeded: Injected fault in images (DescribeImages: gave up after 4 attempts)",
    )
    assert driver.images(VALID) != []


def test_throttling_by_rate_is_retried_until_the_window_passes(driver):
    driver.simulator.faults.throttle("instance_types", max_calls=1, per_seconds=0.25)
    assert driver.hardware_profiles(VALID) == driver.hardware_profiles(VALID)


def test_capacity_errors_are_not_retried(driver):
    driver.simulator.faults.fail_next("run_instances", code="InsufficientInstanceCapacity")
    with pytest.raises(ProviderError, match=r"^InsufficientInstanceCapacity: "):
        driver.create_instance(VALID, X86_IMAGE)
    assert driver.instances(VALID) == []


def test_a_retried_launch_sends_the_same_client_token_and_launches_once(driver):
    driver.simulator.faults.fail_next("run_instances", code="InternalError")
    with Recorder() as recorder:
        instance = driver.create_instance(VALID, X86_IMAGE)
    bodies = [parse_qs(exchange.request_body.decode()) for exchange in recorder.exchanges]
    tokens = [body["ClientToken"] for body in bodies]
    assert [exchange.status for exchange in recorder.exchanges] == [500, 200]
    assert tokens[0] == tokens[1]
    assert driver.instances(VALID) == [instance]


@pytest.mark.parametrize("kind", ["wrong password", "unknown name"])
def test_auth_failures_are_not_retried(driver, kind):
    credentials = {"name": "mockuser", "password": "nope"}
    if kind == "unknown name":
        credentials = {"name": "nobody", "password": "mockpassword"}
    with Recorder() as recorder, pytest.raises(AuthException):
        driver.realms(credentials)
    assert [exchange.status for exchange in recorder.exchanges] == [401]


# -- retries on real time: an endpoint without a clock ---------------------------------------------


@pytest.fixture
def sleeps(monkeypatch):
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def test_on_a_real_endpoint_retries_sleep_briefly(sleeps):
    with in_process() as ec2:
        driver = EC2Driver(endpoint=ec2.endpoint + "/", region=ec2.sim.region)
        ec2.sim.faults.fail_next("zones", count=2, code="Unavailable")
        assert [realm.id for realm in driver.realms(VALID)] == ["us-east-1a", "us-east-1b"]
    assert not hasattr(driver, "clock")
    assert sleeps == [0.1, 0.2]


def test_a_retry_policy_can_be_given(sleeps):
    with in_process() as ec2:
        driver = EC2Driver(ec2.endpoint + "/", retry=RetryPolicy(attempts=2, first_delay=0.5))
        ec2.sim.faults.fail_next("zones", count=2, code="InternalError")
        with pytest.raises(ProviderError, match=r"gave up after 2 attempts\)$"):
            driver.realms(VALID)
    assert sleeps == [0.5]


def test_a_gateway_error_without_an_ec2_document_is_retried_then_a_provider_error(sleeps):
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, "http://ec2.test/", status=502, body="<html>Bad gateway</html>")
        with pytest.raises(ProviderError) as excinfo:
            EC2Driver("http://ec2.test/").realms(VALID)
    assert excinfo.value.args == (
        "HTTP 502: HTTP 502 (DescribeAvailabilityZones: gave up after 4 attempts)",
    )
    assert sleeps == [0.1, 0.2, 0.4]


def test_an_unreachable_endpoint_is_a_provider_error(sleeps, unused_port):
    with pytest.raises(ProviderError, match=r"^ConnectionError: .*gave up after 4 attempts\)$"):
        EC2Driver(f"http://127.0.0.1:{unused_port}/").images(VALID)


def test_a_client_error_without_an_ec2_document_is_a_provider_error_at_once(sleeps):
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, "http://ec2.test/", status=403, body="Forbidden")
        with pytest.raises(ProviderError) as excinfo:
            EC2Driver("http://ec2.test/").realms(VALID)
    assert excinfo.value.args == ("HTTP 403: not an EC2 error document",)
    assert sleeps == []


@pytest.fixture
def unused_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
