"""Fuzzing the OpenStack routes: thousands of malformed requests get 4xx JSON answers, never a
5xx, and another project's servers are never touched.

Each case starts from a plausible request to a random route of `ROUTES` (real server, flavor
and image ids, a valid token, a well-formed body) and applies one to three mutations: malformed
or non-object JSON, wrong types, oversized bodies, unknown or foreign ids, bad tokens, bad
microversions, wrong media types and methods. The generator is seeded: a failure names a case
that can be replayed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from simulator import ManualClock
from simulator.ec2 import call_wsgi
from simulator.openstack import ROUTES, NovaCloud, OpenStackApp
from tests.openstack._support import CIRROS, HOST, ME, OTHER, OTHERUSER_IMAGE, START, Api

JUNK: tuple[object, ...] = (
    None, True, 0, -1, 2**64, 1.5, "", " ", "x" * 300, "\u2603", "\x00", [], [1], {}, {"a": 1},
)  # fmt: skip
IDS = ("nope", "x" * 2000, "..", "%00", "\u00e9t\u00e9", "00000000-0000-0000-0000-000000000000")


@dataclass
class Case:
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    query: str = ""
    mutations: list[str] = field(default_factory=list)


def _body_for(endpoint: str, rng: random.Random, ids: dict[str, str]) -> object:
    if endpoint == "identity.issue":
        user, password = ME
        return {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"id": "default"}, "password": password}}}}}  # fmt: skip
    if endpoint == "compute.create":
        return {"server": {"name": "fuzz", "imageRef": CIRROS, "flavorRef": "1"}}
    if endpoint == "compute.action":
        return rng.choice(
            [{"reboot": {"type": "SOFT"}}, {"reboot": {"type": "HARD"}}, {"os-stop": None},
             {"os-start": None}]
        )  # fmt: skip
    return None


def _mutate_json(value: object, rng: random.Random) -> object:
    """Replace one value somewhere in `value` by junk (or drop a key, or add one)."""
    if isinstance(value, dict) and value:
        key = rng.choice(sorted(value))
        choice = rng.random()
        if choice < 0.2:
            return {k: v for k, v in value.items() if k != key}
        if choice < 0.3:
            return {**value, "x" * rng.randint(1, 40): rng.choice(JUNK)}
        if choice < 0.7 and isinstance(value[key], dict | list):
            return {**value, key: _mutate_json(value[key], rng)}
        return {**value, key: rng.choice(JUNK)}
    if isinstance(value, list) and value:
        index = rng.randrange(len(value))
        return [*value[:index], _mutate_json(value[index], rng), *value[index + 1 :]]
    return rng.choice(JUNK)


MUTATIONS: dict[str, Callable[[Case, random.Random, dict[str, str]], None]] = {}


def mutation(function: Callable[[Case, random.Random, dict[str, str]], None]) -> Callable:
    MUTATIONS[function.__name__] = function
    return function


@mutation
def malformed_json(case: Case, rng: random.Random, ids: dict[str, str]) -> None:
    case.body = rng.choice([b"{", b'{"server": ', b"\xff\xfe", b"nul", b"{'a': 1}", b"[]", b"3"])


@mutation
def wrong_types(case: Case, rng: random.Random, ids: dict[str, str]) -> None:
    try:
        document = json.loads(case.body) if case.body else {}
    except ValueError:
        document = {}
    case.body = json.dumps(_mutate_json(document, rng)).encode()


@mutation
def oversized(case: Case, rng: random.Random, ids: dict[str, str]) -> None:
    case.body = b'{"server": {"name": "' + b"x" * rng.choice([120_000, 600_000]) + b'"}}'


@mutation
def foreign_or_unknown_id(case: Case, rng: random.Random, ids: dict[str, str]) -> None:
    target = rng.choice([ids["theirs"], ids["theirs_stopped"], *IDS])
    for template in ("<server_id>", "<flavor_id>", "<image_id>"):
        case.path = case.path.replace(template, target)
    parts = case.path.split("/")
    if len(parts) > 4 and rng.random() < 0.3:
        parts[rng.randrange(3, len(parts))] = target
        case.path = "/".join(parts)


@mutation
def bad_token(case: Case, rng: random.Random, ids: dict[str, str]) -> None:
    choice = rng.choice(["", "nope", "x" * 5000, None])
    if choice is None:
        case.headers.pop("X-Auth-Token", None)
    else:
        case.headers["X-Auth-Token"] = choice


@mutation
def bad_microversion(case: Case, rng: random.Random, ids: dict[str, str]) -> None:
    value = rng.choice(["2.0", "3.1", "2.x", "latest", "", "compute", "2.1.1", "2." + "9" * 30])
    if rng.random() < 0.5:
        case.headers["OpenStack-API-Version"] = f"compute {value}"
    else:
        case.headers["X-OpenStack-Nova-API-Version"] = value


@mutation
def bad_media_type(case: Case, rng: random.Random, ids: dict[str, str]) -> None:
    case.headers["Content-Type"] = rng.choice(
        ["text/plain", "application/xml", "application/x-www-form-urlencoded", "", "json"]
    )
    if not case.body:
        case.body = b"a=1"


@mutation
def bad_method(case: Case, rng: random.Random, ids: dict[str, str]) -> None:
    case.method = rng.choice(["PUT", "PATCH", "OPTIONS", "DELETE", "POST", "GET", "HEAD", "BREW"])


@mutation
def bad_query(case: Case, rng: random.Random, ids: dict[str, str]) -> None:
    case.query = rng.choice([
        "limit=-3", "limit=abc", "limit=99999999999999999999", "marker=nope",
        f"marker={ids['theirs']}", "name=(", "name=" + "a*" * 50, "status=%00",
        "changes-since=never", "is_public=maybe", "minRam=-1", "visibility=odd",
        "os_hidden=perhaps", "all_tenants=1", "ip=[", "flavor=&image=",
    ])  # fmt: skip


def make_case(rng: random.Random, ids: dict[str, str], token: str) -> Case:
    method, template, endpoint = rng.choice(ROUTES)
    path = (
        template.replace("<server_id>", rng.choice([ids["mine"], ids["mine_stopped"]]))
        .replace("<flavor_id>", "1")
        .replace("<image_id>", rng.choice([CIRROS, OTHERUSER_IMAGE]))
    )
    body = _body_for(endpoint, rng, ids)
    case = Case(method, path, b"" if body is None else json.dumps(body).encode())
    case.headers = {"X-Auth-Token": token, "Content-Type": "application/json"}
    for name in rng.sample(sorted(MUTATIONS), rng.randint(1, 3)):
        MUTATIONS[name](case, rng, ids)
        case.mutations.append(name)
    return case


def setup() -> tuple[OpenStackApp, dict[str, str], str]:
    app = OpenStackApp(NovaCloud(clock=ManualClock(START)))
    me, them = Api(app, ME), Api(app, OTHER)
    ids = {
        "mine": me.create("a"),
        "mine_stopped": me.create("b"),
        "theirs": them.create("c"),
        "theirs_stopped": them.create("d"),
    }
    app.sim.clock.tick(10)
    me.act(ids["mine_stopped"], {"os-stop": None})
    them.act(ids["theirs_stopped"], {"os-stop": None})
    app.sim.clock.tick(5)
    return app, ids, me.token


def run(app: OpenStackApp, case: Case) -> tuple[int, dict[str, str], bytes]:
    url = HOST + case.path + (f"?{case.query}" if case.query else "")
    return call_wsgi(app, case.method, url, case.headers.items(), case.body)


def check(case: Case, status: int, headers: dict[str, str], body: bytes, number: int) -> None:
    where = f"case {number}: {case.method} {case.path[:80]} {case.mutations}"
    assert status < 500, f"{where} -> {status} {body[:300]!r}"
    if body:
        assert "application/json" in headers.get("Content-Type", ""), where
        json.loads(body)


@pytest.mark.parametrize("seed", range(4))
def test_thousands_of_malformed_requests_get_4xx_json_and_leave_other_projects_alone(seed):
    app, ids, token = setup()
    before = app.sim.servers("otheruser")
    audit_start = len(app.sim.audit_log())
    rng = random.Random(seed)
    for number in range(500):
        case = make_case(rng, ids, token)
        status, headers, body = run(app, case)
        check(case, status, dict(headers), body, number)
    assert app.sim.servers("otheruser") == before
    touched = {entry.account for entry in app.sim.audit_log()[audit_start:]}
    assert touched <= {"mockuser"}


@pytest.mark.live
def test_malformed_requests_over_http_get_4xx_json(server):
    import requests

    app = server.app
    me, them = Api(app, ME), Api(app, OTHER)
    ids = {"mine": me.create("a"), "mine_stopped": me.create("b"),
           "theirs": them.create("c"), "theirs_stopped": them.create("d")}  # fmt: skip
    before = app.sim.servers("otheruser")
    rng = random.Random(99)
    with requests.Session() as session:
        for number in range(150):
            case = make_case(rng, ids, me.token)
            if case.method not in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
                continue
            reply = session.request(
                case.method,
                server.url + case.path + (f"?{case.query}" if case.query else ""),
                data=case.body,
                headers=case.headers,
                timeout=10,
            )
            check(case, reply.status_code, dict(reply.headers), reply.content, number)
    assert app.sim.servers("otheruser") == before
