"""Record and replay of HTTP traffic: recording, scrubbing, replay, and ``dctck certify``."""

import json
import re
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import botocore.exceptions
import pytest
import requests
import responses

from dctck._recording import (
    Exchange,
    Recorder,
    Replayer,
    RequestNotRecorded,
    load,
)
from reference_drivers import EC2Driver
from simulator import ManualClock, Simulator
from simulator.ec2 import Ec2App, Ec2Server
from tests.ec2._support import client
from tests.reference._support import VALID, SimulateServer, dctck, serving
from tests.simulator._support import START, X86_IMAGE

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

SECRET = VALID["password"]
#: The areas that create and act on instances: a recording of them holds every kind of exchange
#: (the exploration's random sequences included) at a third of a whole certification's cost.
ACTING_AREAS = ("--", "-m", "fsm or create")
#: The same live, but for the exploration (thousands of loopback exchanges): the in-process
#: recording of the default target replays it.
LIVE_AREAS = (*ACTING_AREAS, "-k", "not test_generated_action_sequences")
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


class _Counter(BaseHTTPRequestHandler):
    """Answers every POST with how many requests it has served so far."""

    served = 0

    def do_POST(self):
        type(self).served += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = f"answer {self.served}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", "session=abc")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    _Counter.served = 0
    with serving(_Counter) as url:
        yield url


def signed_post(url, body, date="20240101T000000Z", signature="ab12"):
    headers = {
        **FORM,
        "X-Amz-Date": date,
        "Authorization": f"AWS4-HMAC-SHA256 Credential=mockuser/x, Signature={signature}",
        "X-Amz-Security-Token": "token-value",
    }
    return requests.post(url, data=body, headers=headers, timeout=5)


# -- recording -------------------------------------------------------------------------------------


def test_recorder_captures_live_traffic(local_server):
    with Recorder() as recorder:
        assert signed_post(local_server, "Action=A").text == "answer 1"
    (exchange,) = recorder.exchanges
    assert (exchange.method, exchange.url, exchange.request_body) == (
        "POST",
        local_server,
        b"Action=A",
    )
    assert (exchange.status, exchange.response_body) == (200, b"answer 1")


def test_recorder_captures_traffic_answered_in_process_by_responses():
    with Recorder() as recorder:
        EC2Driver().realms(VALID)
    (exchange,) = recorder.exchanges
    assert exchange.url == "https://ec2.simulator.invalid/"
    assert b"Action=DescribeAvailabilityZones" in exchange.request_body
    assert b"<zoneName>us-east-1a</zoneName>" in exchange.response_body


def test_recorder_stops_recording_when_it_exits(local_server):
    send = requests.Session.send
    with Recorder() as recorder:
        signed_post(local_server, "Action=A")
    signed_post(local_server, "Action=B")
    assert len(recorder.exchanges) == 1
    assert requests.Session.send is send


def test_saved_recording_scrubs_credentials_signatures_and_secrets(local_server, tmp_path):
    url = local_server + "?X-Amz-Signature=deadbeef&Action=A"
    with Recorder() as recorder:
        signed_post(url, f"Action=A&Password={SECRET}&Signature=cafe")
    assert recorder.save(tmp_path / "rec.json", [SECRET]) == 1
    text = (tmp_path / "rec.json").read_text()
    for secret in (SECRET, "ab12", "token-value", "deadbeef", "cafe", "session=abc"):
        assert secret not in text
    (exchange,) = json.loads(text)["exchanges"]
    request = exchange["request"]
    assert request["headers"]["Authorization"] == "<scrubbed>"
    assert request["headers"]["X-Amz-Security-Token"] == "<scrubbed>"
    assert request["url"] == local_server + "?X-Amz-Signature=%3Cscrubbed%3E&Action=A"
    assert request["body"] == "Action=A&Password=%3Cscrubbed%3E&Signature=%3Cscrubbed%3E"
    assert exchange["response"]["headers"]["Set-Cookie"] == "<scrubbed>"
    assert exchange["response"]["body"] == "answer 1"


def test_recording_file_format(local_server, tmp_path):
    with Recorder() as recorder:
        signed_post(local_server, "Action=A")
    recorder.save(tmp_path / "rec.json")
    document = json.loads((tmp_path / "rec.json").read_text())
    assert document["format"] == "dctck-http-recording"
    assert document["version"] == 1
    (exchange,) = document["exchanges"]
    assert set(exchange) == {"request", "response"}
    assert set(exchange["request"]) == {"method", "url", "headers", "body"}
    assert set(exchange["response"]) == {"status", "reason", "headers", "body"}


def test_binary_bodies_round_trip_as_base64(tmp_path):
    exchange = Exchange("POST", "http://h/", {}, b"\xff\x00", 200, "OK", {}, b"\x80binary")
    document = exchange.to_json()
    assert document["response"] == {
        "status": 200,
        "reason": "OK",
        "headers": {},
        "body_base64": "gGJpbmFyeQ==",
    }
    assert Exchange.from_json(document) == exchange


# -- replay ----------------------------------------------------------------------------------------


@pytest.fixture
def recording(local_server, tmp_path):
    """Two identical requests (different answers), then another: recorded, scrubbed, saved."""
    with Recorder() as recorder:
        signed_post(local_server, "Action=A&Version=1", signature="s1")
        signed_post(local_server, "Action=A&Version=1", signature="s2")
        signed_post(local_server, "Version=1&Action=B")
    recorder.save(tmp_path / "rec.json", [SECRET])
    return local_server, tmp_path / "rec.json"


def test_replay_answers_repeated_requests_in_recorded_order(recording):
    url, path = recording
    with load(path, [SECRET]):
        assert signed_post(url, "Action=B&Version=1").text == "answer 3"
        assert signed_post(url, "Action=A&Version=1").text == "answer 1"
        assert signed_post(url, "Action=A&Version=1").text == "answer 2"


def test_replay_ignores_dates_signatures_and_tokens(recording):
    url, path = recording
    with load(path, [SECRET]):
        response = signed_post(
            url, "Action=A&Version=1&ClientToken=fresh", date="20991231T235959Z", signature="zz"
        )
    assert response.text == "answer 1"
    assert response.status_code == 200


def test_replay_never_reaches_the_network(recording):
    url, path = recording
    with load(path, [SECRET]):
        signed_post(url, "Action=A&Version=1")
    assert _Counter.served == 3


def test_a_request_not_in_the_recording_fails_clearly(recording):
    url, path = recording
    replayer = load(path, [SECRET])
    with replayer, pytest.raises(RequestNotRecorded) as excinfo:
        signed_post(url, "Action=C&Version=1")
    assert excinfo.value.args == (f"request not in the recording: POST {url} Action=C&Version=1",)
    assert isinstance(excinfo.value, requests.ConnectionError)
    assert replayer.misses == [f"POST {url} Action=C&Version=1"]
    assert replayer.unused == 3


def test_a_request_replayed_more_often_than_recorded_is_a_miss(recording):
    url, path = recording
    with load(path, [SECRET]) as replayer:
        signed_post(url, "Action=B&Version=1")
        with pytest.raises(RequestNotRecorded):
            signed_post(url, "Action=B&Version=1")
    assert replayer.misses == [f"POST {url} Action=B&Version=1"]


def test_ec2_driver_replays_in_process_traffic():
    with Recorder() as recorder:
        instance = EC2Driver().create_instance(VALID, X86_IMAGE)
    with Replayer(recorder.exchanges, [SECRET]) as replayer:
        assert EC2Driver().create_instance(VALID, X86_IMAGE) == instance
    assert replayer.misses == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "cannot read recording"),
        ('{"format": "har"}', "is not a dctck recording"),
        ('{"format": "dctck-http-recording", "version": 9}', "is a version 9 recording"),
        ('{"format": "dctck-http-recording", "version": 1, "exchanges": [{}]}', "malformed"),
    ],
)
def test_load_refuses_what_is_not_a_recording(tmp_path, content, message):
    path = tmp_path / "rec.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        load(path)


def test_responses_mocks_inside_a_replay_are_not_consulted(recording):
    url, path = recording
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock, load(path):
        mock.add(responses.POST, url, body="from the mock")
        assert signed_post(url, "Action=A&Version=1").text == "answer 1"


# -- dctck certify --record / --replay -------------------------------------------------------------


@pytest.fixture(scope="module")
def recorded_default(tmp_path_factory):
    """``dctck certify --record`` of the bundled default target (EC2Driver, in-process), in the
    areas that act on instances."""
    path = tmp_path_factory.mktemp("recorded") / "default.json"
    result = dctck("certify", "--record", str(path), *ACTING_AREAS)
    return result, path


def test_certify_records_the_default_target(recorded_default):
    result, path = recorded_default
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NOT CERTIFYING: reference_drivers.ec2:EC2Driver: " in result.stdout
    count = len(json.loads(path.read_text())["exchanges"])
    assert result.stdout.splitlines()[-1] == (
        f"dctck certify: recorded {count} HTTP exchanges to {path}"
    )
    text = path.read_text()
    assert "mockpassword" not in text
    assert "otherpassword" not in text
    assert "Signature=" not in text


def test_certify_replays_a_recording_offline(recorded_default, tmp_path):
    _, path = recorded_default
    result = dctck("certify", "--replay", str(path), *ACTING_AREAS, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NOT CERTIFYING: reference_drivers.ec2:EC2Driver: " in result.stdout
    assert result.stderr == ""


def test_replay_of_a_recording_missing_a_request_fails_naming_it(recorded_default, tmp_path):
    _, path = recorded_default
    document = json.loads(path.read_text())
    dropped = next(
        index
        for index, exchange in enumerate(document["exchanges"])
        if "Action=StartInstances" in exchange["request"]["body"]
    )
    del document["exchanges"][dropped]
    (tmp_path / "cut.json").write_text(json.dumps(document))
    result = dctck("certify", "--replay", str(tmp_path / "cut.json"), *ACTING_AREAS, cwd=tmp_path)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert re.fullmatch(
        r"dctck certify: request not in the recording: POST https://ec2\.simulator\.invalid/"
        r" Action=StartInstances&InstanceId\.1=i-[0-9a-f]{17}&Version=2016-11-15",
        first,
    ), result.stderr
    assert result.stderr.splitlines()[-1] == (
        "dctck certify: the run left the recording: not certified"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--replay", "missing.json"], "dctck certify: error: --replay: cannot read recording"),
        (["--record", "no/such/dir/rec.json"], "dctck certify: error: --record: no directory"),
        (
            ["--record", "rec.json", "--", "-n", "2"],
            "dctck certify: error: --record and --replay see this process only",
        ),
    ],
)
def test_record_and_replay_usage_errors_exit_2_with_one_line(tmp_path, args, message):
    result = dctck("certify", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(message)


def test_record_and_replay_together_are_refused(tmp_path):
    result = dctck("certify", "--record", "a.json", "--replay", "b.json", cwd=tmp_path)
    assert result.returncode == 2
    assert "argument --replay: not allowed with argument --record" in result.stderr


# -- live: record against a dctck simulate server, stop it, replay offline -------------------------


@pytest.mark.live
def test_live_certification_recorded_then_replayed_offline(tmp_path):
    server = SimulateServer("--clock", "manual")
    url = server.url
    try:
        env = {**server.env, "DCTCK_EC2_CONTROL": url + "/_sim"}
        args = ["certify", "reference_drivers.ec2:from_environment"]
        args += ["--credentials", "mockuser:mockpassword"]
        args += ["--other-credentials", "otheruser:otherpassword"]
        recorded = dctck(
            *args, "--record", str(tmp_path / "live.json"), *LIVE_AREAS, env=env, cwd=tmp_path
        )
    finally:
        server.stop()
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/_sim/clock", timeout=5)
    replayed = dctck(
        *args, "--replay", str(tmp_path / "live.json"), *LIVE_AREAS, env=env, cwd=tmp_path
    )
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "NOT CERTIFYING: reference_drivers.ec2:from_environment: " in replayed.stdout
    text = (tmp_path / "live.json").read_text()
    assert "/_sim/clock/tick" in text
    assert "mockpassword" not in text


def test_a_request_that_timed_out_is_recorded_and_replayed_as_a_timeout(tmp_path):
    driver = EC2Driver()
    driver.faults.fail_next("realms", "timeout")
    with Recorder() as recorder:
        realms = driver.realms(VALID)  # the lost answer is retried
    timed_out = [e for e in recorder.exchanges if e.status == 0]
    assert len(timed_out) == 1
    assert timed_out[0].reason.startswith("ReadTimeout: no answer from ")
    recorder.save(tmp_path / "rec.json")
    with load(tmp_path / "rec.json"), pytest.raises(requests.ReadTimeout, match=r"\(replayed\)$"):
        EC2Driver()._client.session.post(driver.endpoint, data=timed_out[0].request_body)
    with load(tmp_path / "rec.json"):
        assert EC2Driver().realms(VALID) == realms


# -- any HTTP stack: boto3 (urllib3) is recorded and replayed too ----------------------------------


def test_boto3_traffic_over_urllib3_is_recorded_and_replayed_without_the_server():
    sim = Simulator(clock=ManualClock(START))
    with Ec2Server(Ec2App(sim), port=0) as server, Recorder() as recorder:
        ec2 = client(server.url)
        launched = ec2.run_instances(ImageId=X86_IMAGE, MinCount=1, MaxCount=1)
        (instance_id,) = [item["InstanceId"] for item in launched["Instances"]]
        zones = ec2.describe_availability_zones()["AvailabilityZones"]
    (run, describe) = recorder.exchanges
    assert (run.method, run.url, run.status) == ("POST", server.url + "/", 200)
    assert b"Action=RunInstances" in run.request_body
    assert b"<zoneName>us-east-1a</zoneName>" in describe.response_body
    with Replayer(recorder.exchanges, [SECRET]) as replayer:
        replayed = client(server.url)  # the server is gone: answers come from the recording
        again = replayed.run_instances(ImageId=X86_IMAGE, MinCount=1, MaxCount=1)
        assert again["Instances"][0]["InstanceId"] == instance_id
        assert replayed.describe_availability_zones()["AvailabilityZones"] == zones
        with pytest.raises(botocore.exceptions.HTTPClientError, match="Can't play back"):
            replayed.describe_regions()
    assert replayer.misses == [f"POST {server.url}/ Action=DescribeRegions&Version=2016-11-15"]


# -- live: the boto3 example and Libcloud's EC2 driver, recorded, the server stopped, replayed -----


@pytest.mark.live
@pytest.mark.slow
@pytest.mark.parametrize(
    ("driver", "cwd"),
    [
        ("boto3_ec2:from_environment", EXAMPLES),
        ("reference_drivers.libcloud:ec2_from_environment", ROOT),
    ],
    ids=["boto3", "libcloud"],
)
def test_live_certification_of_other_stacks_is_recorded_then_replayed_offline(
    driver, cwd, tmp_path
):
    """Both record every exchange (urllib3 under boto3; requests under Libcloud) and replay to
    the same verdict with the server gone. The create and isolation areas keep it quick."""
    server = SimulateServer("--clock", "manual")
    args = ["certify", driver, "--credentials", "mockuser:mockpassword"]
    args += ["--other-credentials", "otheruser:otherpassword"]
    areas = ["--", "-m", "create or isolation"]
    env = {**server.env, "DCTCK_EC2_CONTROL": server.url + "/_sim"}
    try:
        recorded = dctck(*args, "--record", str(tmp_path / "live.json"), "--report",
                         str(tmp_path / "recorded.json"), *areas, env=env, cwd=cwd)  # fmt: skip
    finally:
        server.stop()
    assert recorded.returncode in (0, 1), recorded.stderr
    replayed = dctck(*args, "--replay", str(tmp_path / "live.json"), "--report",
                     str(tmp_path / "replayed.json"), *areas, env=env, cwd=cwd)  # fmt: skip
    assert replayed.stderr == ""
    assert replayed.returncode == recorded.returncode
    outcomes = [
        {
            check["id"]: check["outcome"]
            for check in json.loads((tmp_path / name).read_text())["checks"]
        }
        for name in ("recorded.json", "replayed.json")
    ]
    assert outcomes[0] == outcomes[1]
    assert len(outcomes[0]) == 21
    text = (tmp_path / "live.json").read_text()
    assert "Action=RunInstances" in text
    assert "/_sim/clock/tick" in text
    for secret in ("mockpassword", "otherpassword"):
        assert secret not in text
