"""SigV4: who may call, and the EC2 error for every way a signature can be wrong."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from freezegun import freeze_time

from simulator import ManualClock, Simulator
from simulator.ec2 import Ec2App
from tests.ec2._support import OTHER, OTHER_ID, START, error_of, form, send, signed_headers

BODY = form("DescribeRegions")


def outcome(app, headers, body=BODY):
    status, content = send(app, body, headers)
    return (status, *error_of(content)) if status != 200 else (200,)


def test_a_request_signed_by_an_account_is_answered_as_that_account(app, sim):
    sim.run_instances("otheruser", "ami-0d4e5f60718293a41")
    body = form("DescribeInstances")
    status, content = send(app, body, signed_headers(body, credentials=OTHER))
    assert status == 200
    assert f"<ownerId>{OTHER_ID}</ownerId>".encode() in content


def test_no_authorization_header_is_missing_authentication_token_403(app):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert outcome(app, headers) == (
        403,
        "MissingAuthenticationToken",
        "The request must contain either a valid (registered) AWS access key ID or X.509 "
        "certificate.",
    )


def test_a_wrong_secret_is_auth_failure_401(app):
    headers = signed_headers(BODY, credentials=("mockuser", "guess"))
    assert outcome(app, headers) == (
        401,
        "AuthFailure",
        "AWS was not able to validate the provided access credentials",
    )


def test_an_unknown_access_key_is_auth_failure_401(app):
    headers = signed_headers(BODY, credentials=("mallory", "mockpassword"))
    assert outcome(app, headers)[:2] == (401, "AuthFailure")


def test_a_body_changed_after_signing_is_auth_failure_401(app):
    headers = signed_headers(BODY)
    assert outcome(app, headers, form("DescribeImages"))[:2] == (401, "AuthFailure")


def test_a_changed_signature_is_auth_failure_401(app):
    headers = signed_headers(BODY)
    signature = headers["Authorization"][-64:]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    headers["Authorization"] = headers["Authorization"][:-64] + flipped
    assert outcome(app, headers)[:2] == (401, "AuthFailure")


def test_a_signature_for_another_region_is_auth_failure_401(app):
    headers = signed_headers(BODY, region="eu-west-1")
    assert outcome(app, headers) == (
        401,
        "AuthFailure",
        "Credential should be scoped to a valid region, not 'eu-west-1'",
    )


def test_a_signature_older_than_15_minutes_is_request_expired_400():
    sim = Simulator(clock=ManualClock(START))
    app = Ec2App(sim, wall_clock=lambda: time.time() + 16 * 60)
    assert outcome(app, signed_headers(BODY)) == (400, "RequestExpired", "Request has expired.")


def test_a_signature_within_15_minutes_is_accepted():
    sim = Simulator(clock=ManualClock(START))
    app = Ec2App(sim, wall_clock=lambda: time.time() + 14 * 60)
    assert outcome(app, signed_headers(BODY)) == (200,)


def test_a_client_signing_with_the_simulators_virtual_time_is_accepted():
    sim = Simulator(clock=ManualClock(START))
    app = Ec2App(sim, wall_clock=lambda: START + 10 * 24 * 3600)
    with freeze_time(datetime.fromtimestamp(START + 60, UTC)):
        headers = signed_headers(BODY)
    assert outcome(app, headers) == (200,)


def test_an_authorization_header_of_another_scheme_is_incomplete_signature_400(app):
    headers = signed_headers(BODY) | {"Authorization": "Basic bW9ja3VzZXI6bW9ja3Bhc3N3b3Jk"}
    assert outcome(app, headers) == (
        400,
        "IncompleteSignature",
        "Unsupported AWS 'algorithm': 'Basic'",
    )


def test_an_authorization_header_without_signature_is_incomplete_signature_400(app):
    headers = signed_headers(BODY)
    headers["Authorization"] = headers["Authorization"].rsplit(",", 1)[0]
    assert outcome(app, headers) == (
        400,
        "IncompleteSignature",
        "Authorization header requires the 'Signature' parameter",
    )


def test_a_request_without_x_amz_date_is_incomplete_signature_400(app):
    headers = {k: v for k, v in signed_headers(BODY).items() if k != "X-Amz-Date"}
    assert outcome(app, headers)[:2] == (400, "IncompleteSignature")


def test_a_credential_scope_with_missing_parts_is_incomplete_signature_400(app):
    headers = signed_headers(BODY)
    headers["Authorization"] = headers["Authorization"].replace("/ec2/aws4_request", "")
    assert outcome(app, headers)[:2] == (400, "IncompleteSignature")


def test_a_content_hash_header_that_does_not_match_the_body_is_auth_failure_401(app):
    headers = signed_headers(BODY) | {"X-Amz-Content-SHA256": "0" * 64}
    assert outcome(app, headers)[:2] == (401, "AuthFailure")


def test_signature_checks_come_before_the_action_is_read(app):
    body = form("NoSuchAction")
    headers = signed_headers(body, credentials=("mockuser", "guess"))
    assert outcome(app, headers, body)[:2] == (401, "AuthFailure")
