"""Requests boto3 would not send (it checks required parameters itself): the new actions refuse
them with EC2's codes and change nothing, in-process and over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests

from simulator.ec2 import Ec2App, Ec2Server
from tests.ec2._support import X86_IMAGE, call, error_of, form, signed_headers

Send = Callable[[str, dict[str, str]], tuple[int, bytes]]


@pytest.fixture(params=["in_process", pytest.param("served", marks=pytest.mark.live)])
def send(request: pytest.FixtureRequest, app: Ec2App) -> Iterator[Send]:
    """Signed raw requests: through the WSGI app, or over HTTP to it."""
    if request.param == "in_process":
        yield lambda action, params: call(app, action, params)
        return
    with Ec2Server(app, port=0, threads=2) as server, requests.Session() as session:

        def over_http(action: str, params: dict[str, str]) -> tuple[int, bytes]:
            body = form(action, params)
            url = server.url + "/"
            answer = session.post(url, data=body, headers=signed_headers(body, url=url))
            return answer.status_code, answer.content

        yield over_http


def snapshot(app: Ec2App) -> tuple[object, ...]:
    sim = app.sim
    return (
        sim.audit_log(),
        sim.describe_key_pairs("mockuser"),
        sim.describe_security_groups("mockuser"),
        sim.describe_instances("mockuser"),
        sim.describe_tags("mockuser"),
    )


CASES = [
    ("CreateKeyPair", {}, "MissingParameter", "KeyName"),
    ("CreateKeyPair", {"KeyName": "k", "Zq": "1"}, "UnknownParameter", "Zq"),
    ("ImportKeyPair", {"KeyName": "k"}, "MissingParameter", "PublicKeyMaterial"),
    ("ImportKeyPair", {"KeyName": "k", "PublicKeyMaterial": "%%%"}, "InvalidParameterValue",
     "base64"),
    ("DeleteTags", {"ResourceId.1": "vol-0123456789abcdef0"}, "InvalidID",
     "only instances have tags"),
    ("DeleteKeyPair", {}, "MissingParameter", "KeyName or KeyPairId"),
    ("DeleteKeyPair", {"KeyName": "a", "KeyPairId": "key-0123456789abcdef0"},
     "InvalidParameterCombination", "not both"),
    ("CreateSecurityGroup", {"GroupName": "g"}, "MissingParameter", "GroupDescription"),
    ("DeleteSecurityGroup", {}, "MissingParameter", "GroupId or GroupName"),
    ("DeleteSecurityGroup", {"GroupId": "sg-12345678", "GroupName": "g"},
     "InvalidParameterCombination", "not both"),
    ("AuthorizeSecurityGroupIngress", {"GroupName": "default"}, "MissingParameter",
     "IpPermissions"),
    ("AuthorizeSecurityGroupIngress", {"GroupName": "default", "IpPermissions.1.IpProtocol":
     "tcp", "IpPermissions.1.FromPort": "22", "IpPermissions.1.ToPort": "22"},
     "MissingParameter", "needs a peer"),
    ("AuthorizeSecurityGroupIngress", {"GroupName": "default", "IpPermissions.1.IpProtocol":
     "tcp", "IpPermissions.1.FromPort": "1", "IpPermissions.1.ToPort": "1",
     "IpPermissions.1.Groups.1.GroupName": "default"}, "MissingParameter",
     "IpPermissions.1.Groups.1.GroupId"),
    ("AuthorizeSecurityGroupIngress", {"GroupName": "default", "IpProtocol": "tcp",
     "FromPort": "1", "ToPort": "1"}, "MissingParameter", "CidrIp"),
    ("AuthorizeSecurityGroupIngress", {"GroupName": "default", "IpProtocol": "tcp",
     "SourceSecurityGroupName": "other"}, "InvalidParameterValue", "SourceSecurityGroupName"),
    ("RevokeSecurityGroupIngress", {"GroupName": "default", "CidrIp": "0.0.0.0/0",
     "IpProtocol": "-1"}, "InvalidPermission.NotFound", "does not exist"),
    ("DescribeSecurityGroups", {"GroupName.1": "default", "MaxResults": "5"},
     "InvalidParameterCombination", "MaxResults"),
    ("DescribeSecurityGroups", {"Filter.1.Name": "nope", "Filter.1.Value.1": "x"},
     "InvalidParameterValue", "nope"),
    ("DescribeInstanceStatus", {"InstanceId.1": "i-0123456789abcdef0", "MaxResults": "5"},
     "InvalidParameterCombination", "maxResults"),
    ("DescribeInstanceStatus", {"InstanceId.1": "i-nope"}, "InvalidInstanceID.Malformed",
     "i-nope"),
    ("DescribeInstanceAttribute", {"InstanceId": "i-0123456789abcdef0"}, "MissingParameter",
     "Attribute"),
    ("ModifyInstanceAttribute", {"InstanceId": "i-0123456789abcdef0"},
     "InvalidParameterCombination", "No attributes"),
    ("ModifyInstanceAttribute", {"InstanceId": "i-0123456789abcdef0", "Value": "t3.micro"},
     "MissingParameter", "Attribute"),
    ("ModifyInstanceAttribute", {"InstanceId": "i-0123456789abcdef0", "Attribute":
     "instanceType", "Value": "m5.large", "GroupId.1": "sg-12345678"},
     "InvalidParameterCombination", "multiple"),
    ("ModifyInstanceAttribute", {"InstanceId": "i-0123456789abcdef0", "Attribute": "kernel",
     "Value": "x"}, "UnsupportedOperation", "kernel"),
    ("GetConsoleOutput", {}, "MissingParameter", "InstanceId"),
    ("DeleteTags", {}, "MissingParameter", "ResourceId"),
    ("DeleteTags", {"ResourceId.1": "i-0123456789abcdef0", "Tag.1.Value": "v"},
     "MissingParameter", "Tag.1.Key"),
    ("RunInstances", {"ImageId": X86_IMAGE, "MinCount": "1", "MaxCount": "1",
     "SecurityGroupId.1": "sg-nope"}, "InvalidGroupId.Malformed", "sg-nope"),
]  # fmt: skip


@pytest.mark.parametrize(("action", "params", "code", "words"), CASES)
def test_requests_boto3_would_not_send_are_refused_and_change_nothing(
    send, app, action, params, code, words
):
    before = snapshot(app)
    status, content = send(action, params)
    assert (status, error_of(content)[0]) == (400, code)
    assert words in error_of(content)[1]
    assert snapshot(app) == before


def test_every_mutating_new_action_answers_dry_run_before_changing_anything(send, app):
    app.sim.run_instances("mockuser", X86_IMAGE)
    [view] = app.sim.describe_instances("mockuser")
    [default] = app.sim.describe_security_groups("mockuser")
    rule = {"IpProtocol": "tcp", "FromPort": "22", "ToPort": "22", "CidrIp": "0.0.0.0/0"}
    requests_ = [
        ("CreateKeyPair", {"KeyName": "k"}),
        ("DeleteKeyPair", {"KeyName": "k"}),
        ("CreateSecurityGroup", {"GroupName": "g", "GroupDescription": "d"}),
        ("AuthorizeSecurityGroupIngress", {"GroupId": default.id, **rule}),
        ("RevokeSecurityGroupIngress", {"GroupId": default.id, **rule}),
        ("DeleteSecurityGroup", {"GroupId": default.id}),
        ("ModifyInstanceAttribute", {"InstanceId": view.id, "GroupId.1": default.id}),
        ("DeleteTags", {"ResourceId.1": view.id}),
    ]
    before = snapshot(app)
    for action, params in requests_:
        status, content = send(action, {**params, "DryRun": "true"})
        assert (status, error_of(content)[0]) == (412, "DryRunOperation"), action
    assert snapshot(app) == before
