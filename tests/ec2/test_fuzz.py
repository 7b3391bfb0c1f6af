"""Fuzzing: thousands of malformed requests get 4xx EC2 error documents and change nothing.

Each case starts from a plausible request of a random action (real instance and image ids, so
it would often succeed as is) and applies one to three mutations, each of which alone makes
the request wrong: random actions and parameters, bad encodings, huge values, characters XML
cannot carry, bad signatures, wrong methods. The cases come from a seeded generator, so a
failure names a case that can be replayed.
"""

from __future__ import annotations

import base64
import http.client
import random
import socket
import string
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest

from simulator import Permission
from simulator.ec2 import ACTIONS, API_VERSION, MAX_BODY, Ec2App, Ec2Server, call_wsgi
from tests.ec2._support import ME, OTHER, X86_IMAGE, signed_headers

ENDPOINT = "https://ec2.simulator.invalid"
ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
RULE = [
    ("IpPermissions.1.IpProtocol", "tcp"),
    ("IpPermissions.1.FromPort", "22"),
    ("IpPermissions.1.ToPort", "22"),
    ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
]
FIXED = {
    "CreateKeyPair": [("KeyType", "ed25519")],
    "ImportKeyPair": [("PublicKeyMaterial", base64.b64encode(ED25519.encode()).decode())],
    "DeleteKeyPair": [("KeyName", "fuzz-key")],
    "DescribeKeyPairs": [("KeyName.1", "fuzz-key")],
    "CreateSecurityGroup": [("GroupDescription", "fuzzed")],
    "AuthorizeSecurityGroupIngress": [("GroupName", "fuzz-group"), *RULE],
    "RevokeSecurityGroupIngress": [("GroupName", "fuzz-group"), *RULE],
    "DeleteSecurityGroup": [("GroupName", "fuzz-group")],
    "DescribeSecurityGroups": [("GroupName.1", "fuzz-group")],
}  # fmt: skip
"""Parameters that make a request of each new action plausible (and often valid)."""


@dataclass
class Draft:
    """A request being built; `render` signs it (or not) and returns what goes on the wire."""

    action: str
    params: list[tuple[str, str]]
    version: str | None = API_VERSION
    with_action: bool = True
    method: str = "POST"
    credentials: tuple[str, str] = ME
    region: str = "us-east-1"
    content_type: str = "application/x-www-form-urlencoded; charset=utf-8"
    edit_body: Callable[[bytes], bytes] | None = None
    edit_headers: Callable[[dict[str, str]], dict[str, str]] | None = None
    body_after_signing: bytes | None = None
    notes: list[str] = field(default_factory=list)

    def render(self, endpoint: str) -> tuple[str, str, dict[str, str], bytes]:
        pairs = [("Action", self.action)] if self.with_action else []
        if self.version is not None:
            pairs.append(("Version", self.version))
        encoded = urlencode(pairs + self.params).encode()
        if self.edit_body is not None:
            encoded = self.edit_body(encoded)
        if self.method == "GET":  # an HTTP request line is ASCII: escape any other byte
            query = "".join(chr(b) if b < 128 else f"%{b:02X}" for b in encoded)
            url, body = f"{endpoint}/?{query}", b""
        else:
            url, body = f"{endpoint}/", encoded
        headers = signed_headers(
            body,
            url=url,
            method=self.method,
            credentials=self.credentials,
            region=self.region,
            content_type=self.content_type,
        )
        if self.edit_headers is not None:
            headers = self.edit_headers(headers)
        if self.body_after_signing is not None:
            body = self.body_after_signing
        return self.method, url, headers, body


def word(rng: random.Random, size: int = 8) -> str:
    return "".join(rng.choice(string.ascii_letters) for _ in range(size))


def base(rng: random.Random, ids: list[str]) -> Draft:
    """A plausible, often valid, request of a random action."""
    action = rng.choice(sorted(ACTIONS))
    params: list[tuple[str, str]] = []
    some = rng.sample(ids, rng.randint(1, 2))
    if action == "RunInstances":
        params += [("ImageId", X86_IMAGE), ("MinCount", "1"), ("MaxCount", str(rng.randint(1, 3)))]
        if rng.random() < 0.5:
            params += [("InstanceType", "t3.micro"), ("Placement.AvailabilityZone", "us-east-1a")]
        if rng.random() < 0.5:
            params += [("TagSpecification.1.ResourceType", "instance"),
                       ("TagSpecification.1.Tag.1.Key", "Name"),
                       ("TagSpecification.1.Tag.1.Value", word(rng))]  # fmt: skip
    elif action.endswith("Instances") and (action != "DescribeInstances" or rng.random() < 0.5):
        params += [(f"InstanceId.{n}", instance_id) for n, instance_id in enumerate(some, 1)]
    elif action in ("CreateTags", "DeleteTags"):
        params += [("ResourceId.1", some[0]), ("Tag.1.Key", word(rng)), ("Tag.1.Value", "v")]
    elif action == "DescribeInstanceStatus":
        params += [("InstanceId.1", some[0]), ("IncludeAllInstances", "true")]
    elif action in ("GetConsoleOutput", "DescribeInstanceAttribute", "ModifyInstanceAttribute"):
        params.append(("InstanceId", some[0]))
        if action == "DescribeInstanceAttribute":
            params.append(("Attribute", rng.choice(["instanceType", "groupSet"])))
        elif action == "ModifyInstanceAttribute":
            params.append(("InstanceType.Value", "m5.large"))
    elif action in ("CreateKeyPair", "ImportKeyPair", "CreateSecurityGroup"):
        params.append(("KeyName" if "Key" in action else "GroupName", word(rng)))
    params += FIXED.get(action, [])
    return Draft(action, params)


def _unknown_action(d: Draft, rng: random.Random) -> None:
    d.action = rng.choice(["", word(rng), d.action.lower(), d.action + "s", "Describe" + word(rng)])


def _unknown_parameter(d: Draft, rng: random.Random) -> None:
    d.params.append(("Zq" + word(rng, rng.randint(1, 12)), word(rng)))


def _bad_integer(d: Draft, rng: random.Random) -> None:
    junk = rng.choice(["", "abc", "-1", "0", "4", "1.5", "99999999999", "1e3", " 7", "0x10"])
    name = "MinCount" if d.action == "RunInstances" else "MaxResults"
    d.params = [(k, v) for k, v in d.params if k != name] + [(name, junk)]


def _malformed_instance_id(d: Draft, rng: random.Random) -> None:
    bad = rng.choice(["", "i-", "i-xyz", "i-123", "I-0123456789abcdef0", "i-" + "a" * 50_000,
                      "i-0123456789ABCDEF0", "ami-12345678", word(rng)])  # fmt: skip
    d.params.append(("InstanceId.77", bad))


def _unknown_instance_id(d: Draft, rng: random.Random) -> None:
    d.params.append(("InstanceId.78", f"i-{rng.getrandbits(68):017x}"))


def _bad_encoding(d: Draft, rng: random.Random) -> None:
    junk = rng.choice([b"&X=%zz", b"&X=%ff%fe", b"&X=\xff", b"&&", b"&Lonely", b"&X=%4", b"&%=1"])
    d.edit_body = lambda body: body + junk


def _huge_value(d: Draft, rng: random.Random) -> None:
    if rng.random() < 0.1:
        d.params.append(("Pad", "x" * (MAX_BODY + 1)))
    elif d.action == "RunInstances":
        d.params = [(k, v) for k, v in d.params if k != "ImageId"] + [
            ("ImageId", "ami-" + "f" * rng.choice([9, 1000, 100_000]))
        ]
    else:
        d.params += [("Filter.99.Name", "z" * 100_000), ("Filter.99.Value.1", "v")]


def _xml_char(d: Draft, rng: random.Random) -> None:
    d.params.append(("Tag.1.Value", "a" + chr(rng.choice([0, 1, 8, 11, 12, 27, 31])) + "b"))


def _duplicate(d: Draft, rng: random.Random) -> None:
    pair = rng.choice([("Version", API_VERSION), ("Action", d.action)])
    d.params += [pair, pair]  # twice: still a duplicate if another mutation drops the first


def _bad_version(d: Draft, rng: random.Random) -> None:
    d.version = rng.choice(["", "2014-10-01", "2016-11-16", word(rng)])


def _missing_action_or_version(d: Draft, rng: random.Random) -> None:
    if rng.random() < 0.5:
        d.with_action = False
    else:
        d.version = None


def _bad_filter(d: Draft, rng: random.Random) -> None:
    d.params += [("Filter.98.Name", "zz-" + word(rng)), ("Filter.98.Value.1", "x")]


def _bad_token(d: Draft, rng: random.Random) -> None:
    d.params.append(("NextToken", rng.choice(["", "garbage", word(rng, 40), "AAAA", "é"])))


def _dry_run(d: Draft, rng: random.Random) -> None:
    d.params.append(("DryRun", rng.choice(["true", "TRUE", "maybe", "1", ""])))


def _bad_signature(d: Draft, rng: random.Random) -> None:
    kind = rng.randrange(9)
    if kind == 0:
        d.credentials = (ME[0], "not-the-secret")
    elif kind == 1:
        d.credentials = (word(rng), ME[1])
    elif kind == 2:
        d.credentials = (OTHER[0], ME[1])
    elif kind == 3:
        d.region = rng.choice(["eu-west-1", "", "us-east-2"]) or "x"
    elif kind == 4:
        d.edit_headers = lambda h: {k: v for k, v in h.items() if k != "Authorization"}
    elif kind == 5:
        garbage = rng.choice(
            ["", "AWS4-HMAC-SHA256", "Bearer x", "AWS4-HMAC-SHA256 a=b",
             "AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=0"]
        )  # fmt: skip
        d.edit_headers = lambda h: h | {"Authorization": garbage}
    elif kind == 6:
        d.edit_headers = lambda h: h | {"Authorization": h["Authorization"][:-1] + "g"}
    elif kind == 7:
        stamp = rng.choice(["20000101T000000Z", "29990101T000000Z", "yesterday", ""])
        d.edit_headers = lambda h: h | {"X-Amz-Date": stamp}
    else:
        d.body_after_signing = urlencode([("Action", "RunInstances"), ("Version", API_VERSION),
                                          ("ImageId", X86_IMAGE), ("MinCount", "1"),
                                          ("MaxCount", "1")]).encode()  # fmt: skip


def _bad_method(d: Draft, rng: random.Random) -> None:
    d.method = rng.choice(["PUT", "DELETE", "PATCH", "OPTIONS"])


def _bad_content_type(d: Draft, rng: random.Random) -> None:
    d.method = "POST"
    d.content_type = rng.choice(["application/json", "text/plain", "multipart/form-data"])


MUTATIONS = [
    _unknown_action, _unknown_parameter, _bad_integer, _malformed_instance_id,
    _unknown_instance_id, _bad_encoding, _huge_value, _xml_char, _duplicate, _bad_version,
    _missing_action_or_version, _bad_filter, _bad_token, _dry_run, _bad_signature, _bad_method,
    _bad_content_type,
]  # fmt: skip


def cases(seed: int, count: int, ids: list[str]) -> list[Draft]:
    rng = random.Random(seed)
    drafts = []
    for _ in range(count):
        draft = base(rng, ids)
        if rng.random() < 0.3:
            draft.method = "GET"
        for mutation in rng.sample(MUTATIONS, rng.randint(1, 3)):
            mutation(draft, rng)
            draft.notes.append(mutation.__name__)
        drafts.append(draft)
    return drafts


def populate(app: Ec2App) -> list[str]:
    sim = app.sim
    sim.create_key_pair("mockuser", "fuzz-key", "ed25519")
    group = sim.create_security_group("mockuser", "fuzz-group", "fuzzed")
    sim.authorize_security_group_ingress("mockuser", [Permission("udp", 53, 53, cidr="::/0")],
                                         group_id=group.id)  # fmt: skip
    views = sim.run_instances("mockuser", X86_IMAGE, max_count=5, tags={"Name": "fixed"})
    sim.clock.tick(40)
    sim.stop_instances("mockuser", [views[-1].id])
    return [view.id for view in views]


def snapshot(app: Ec2App) -> tuple[object, ...]:
    sim = app.sim
    return (
        sim.audit_log(),
        sim.describe_instances("mockuser"),
        sim.describe_instances("otheruser"),
        sim.describe_tags("mockuser"),
        sim.describe_key_pairs("mockuser"),
        sim.describe_key_pairs("otheruser"),
        sim.describe_security_groups("mockuser"),
        sim.describe_security_groups("otheruser"),
    )


def verdict(status: int, content: bytes) -> str | None:
    """None for a 4xx EC2 error document; what is wrong otherwise."""
    if not 400 <= status < 500:
        return f"status {status}"
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        return f"not XML ({exc})"
    code = root.findtext("Errors/Error/Code")
    if root.tag != "Response" or not code or root.findtext("RequestID") is None:
        return f"not an error document: {content[:200]!r}"
    return None


@pytest.mark.slow
def test_thousands_of_malformed_requests_get_4xx_documents_and_change_nothing(app):
    ids = populate(app)
    before = snapshot(app)
    failures = []
    codes: set[str] = set()
    for index, draft in enumerate(cases(seed=2016, count=4000, ids=ids)):
        method, url, headers, body = draft.render(ENDPOINT)
        status, _, content = call_wsgi(app, method, url, headers.items(), body)
        problem = verdict(status, content)
        if problem:
            failures.append(f"case {index} {draft.action} {draft.notes}: {problem}")
        else:
            codes.add(ET.fromstring(content).findtext("Errors/Error/Code") or "")
    assert failures == []
    assert snapshot(app) == before
    assert {"InvalidAction", "UnknownParameter", "MalformedQueryString", "AuthFailure",
            "InvalidInstanceID.Malformed", "InvalidInstanceID.NotFound", "RequestEntityTooLarge",
            "MissingAuthenticationToken", "IncompleteSignature", "RequestExpired",
            "NoSuchVersion", "DryRunOperation", "MethodNotAllowed",
            "InvalidParameterValue"} <= codes  # fmt: skip


def raw_http(
    address: tuple[str, int], method: str, target: str, headers: dict[str, str], body: bytes
) -> tuple[int, bytes]:
    """One request written byte for byte (http.client refuses non-ASCII request lines)."""
    head = [f"{method} {target} HTTP/1.1", f"Host: {address[0]}:{address[1]}",
            f"Content-Length: {len(body)}", "Connection: close"]  # fmt: skip
    head += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall("\r\n".join([*head, "", ""]).encode("latin-1") + body)
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer.status, answer.read()


@pytest.mark.live
@pytest.mark.slow
def test_malformed_requests_over_http_get_4xx_documents_and_change_nothing(app):
    ids = populate(app)
    before = snapshot(app)
    failures = []
    with Ec2Server(app, port=0, threads=4) as server:
        address = (server.host, server.port)
        for index, draft in enumerate(cases(seed=1115, count=400, ids=ids)):
            method, url, headers, body = draft.render(server.url)
            status, content = raw_http(address, method, url[len(server.url) :], headers, body)
            problem = verdict(status, content)
            if problem:
                failures.append(f"case {index} {draft.action} {draft.notes}: {problem}")
    assert failures == []
    assert snapshot(app) == before
