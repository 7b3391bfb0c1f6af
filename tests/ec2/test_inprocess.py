"""In-process use: `requests` through `responses`, boto3 through botocore's before-send."""

from __future__ import annotations

import pytest
import requests
import responses

from simulator import Simulator
from simulator.ec2 import DEFAULT_ENDPOINT, Ec2App, in_process, register_ec2, route_botocore
from tests.ec2._support import NS, X86_IMAGE, client, error_of, form, parse, signed_headers


def post(url, body, **kwargs):
    return requests.post(url, data=body, headers=signed_headers(body, url=url, **kwargs), timeout=5)


def test_in_process_answers_requests_at_the_fake_endpoint(sim):
    sim.run_instances("mockuser", X86_IMAGE)
    with in_process(sim) as ec2:
        answer = post(ec2.endpoint + "/", form("DescribeInstances"))
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/xml;charset=UTF-8"
    assert parse(answer.content).findtext(f".//{NS}instanceId") == sim.audit_log()[0].instance_id


def test_in_process_errors_keep_their_status_and_document():
    with in_process() as ec2:
        answer = post(ec2.endpoint + "/", form("DescribeInstances", {"InstanceId.1": "i-1"}))
        assert ec2.sim.audit_log() == []
    assert answer.status_code == 400
    assert error_of(answer.content)[0] == "InvalidInstanceID.Malformed"


def test_in_process_lets_other_hosts_through_to_an_outer_mock():
    with responses.RequestsMock() as outer:
        outer.get("http://other.example/ping", body="pong")
        outer.get("https://ec2.simulator.invalid.other.example/", body="lookalike")
        with in_process() as ec2:
            assert requests.get("http://other.example/ping", timeout=5).text == "pong"
            lookalike = requests.get("https://ec2.simulator.invalid.other.example/", timeout=5)
            assert lookalike.text == "lookalike"
            assert post(ec2.endpoint + "/", form("DescribeRegions")).status_code == 200
        assert len(outer.calls) == 2


def test_in_process_unpatches_requests_afterwards():
    with responses.RequestsMock() as outer:
        outer.post(DEFAULT_ENDPOINT + "/", body="outer")
        with in_process():
            pass
        assert post(DEFAULT_ENDPOINT + "/", form("DescribeRegions")).text == "outer"


def test_register_ec2_adds_the_app_and_nothing_else_to_a_mock(sim):
    app = Ec2App(sim)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        register_ec2(mock, app, "http://127.0.0.1:9")
        answer = post("http://127.0.0.1:9/", form("DescribeRegions"))
        assert answer.status_code == 200
        assert b"<regionEndpoint>127.0.0.1:9</regionEndpoint>" in answer.content
        with pytest.raises(requests.ConnectionError, match="doesn't match any registered mock"):
            requests.get("http://127.0.0.2:9/", timeout=5)


def test_register_ec2_answers_every_method_with_the_app():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        register_ec2(mock, Ec2App())
        answer = requests.delete(DEFAULT_ENDPOINT + "/anything?x=1", timeout=5)
    assert (answer.status_code, error_of(answer.content)[0]) == (405, "MethodNotAllowed")


def test_route_botocore_answers_boto3_and_can_be_removed():
    first, second = Ec2App(Simulator()), Ec2App(Simulator())
    ec2 = client()
    remove = route_botocore(ec2, first)
    ec2.run_instances(ImageId=X86_IMAGE, MinCount=1, MaxCount=1)
    remove()
    route_botocore(ec2, second)
    assert ec2.describe_instances()["Reservations"] == []
    assert len(first.sim.describe_instances("mockuser")) == 1
