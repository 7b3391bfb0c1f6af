"""Reproductions of failures over HTTP: a curl command or an EC2 action, never a secret."""

import pytest
import requests

from dctck._exchanges import Exchange, ExchangeLog, describe, reproduction
from dctck.rest import RestApp
from tests.endpoint._support import fast_mock, served


def exchange(**values):
    defaults = {
        "method": "GET",
        "url": "http://h/api/images?architecture=x86_64",
        "headers": (("Accept", "application/json"), ("Authorization", "alice")),
        "body": "",
        "status": 200,
        "answer": '{"images": []}',
    }
    return Exchange(**{**defaults, **values})


def test_a_deltacloud_reproduction_is_a_curl_command_with_the_password_starred():
    assert reproduction(exchange(), "deltacloud") == (
        "curl -X GET -H 'Accept: application/json' -u 'alice:***'"
        " 'http://h/api/images?architecture=x86_64'"
    )


def test_an_ec2_reproduction_is_the_action_and_its_parameters():
    body = "Action=RunInstances&ImageId=ami-1&Version=2016-11-15"
    sent = exchange(method="POST", url="http://ec2/", body=body)
    assert reproduction(sent, "ec2") == "EC2 RunInstances ImageId=ami-1 at http://ec2/"
    assert describe(sent, "ec2").splitlines()[1] == '  answered: 200 {"images": []}'


@pytest.mark.live
def test_the_log_keeps_what_was_sent_without_secrets():
    log = ExchangeLog(["s3cret"])
    log.install()
    try:
        with served(RestApp(fast_mock())) as url:
            session = requests.Session()
            session.trust_env = False
            session.get(
                url + "/images?note=s3cret",
                auth=("mockuser", "s3cret"),
                headers={"X-Amz-Security-Token": "s3cret", "Accept": "application/json"},
            )
    finally:
        log.uninstall()
    (kept,) = log.take()
    assert "s3cret" not in repr(kept)
    assert dict(kept.headers) == {"Accept": "application/json", "Authorization": "mockuser"}
    assert kept.url.endswith("/api/images?note=***")
    assert kept.status == 401
    assert log.take() == []
