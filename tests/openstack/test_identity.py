"""Keystone v3: discovery, password and token authentication, token validation and expiry,
and keystonemiddleware's 401 in front of Nova and Glance."""

from __future__ import annotations

import pytest

from tests.openstack._support import HOST, NOVA, Api, password_body

UNAUTHENTICATED = {
    "error": {
        "code": 401,
        "title": "Unauthorized",
        "message": "The request you have made requires authentication.",
    }
}


def test_the_identity_root_lists_v3_with_a_300_and_its_self_link(api):
    for path in ("/identity", "/identity/"):
        reply = api.call("GET", path)
        assert reply.status == 300
        (version,) = reply.json["versions"]["values"]
        assert version["id"].startswith("v3.")
        assert {"rel": "self", "href": f"{HOST}/identity/v3/"} in version["links"]


def test_the_v3_document_is_one_version(api):
    reply = api.call("GET", "/identity/v3")
    assert reply.status == 200
    assert reply.json["version"]["status"] == "stable"


def test_a_password_token_carries_the_user_project_expiry_and_a_catalog(api, cloud, clock):
    reply = api.call("POST", "/identity/v3/auth/tokens", password_body("mockuser", "mockpassword"))
    assert reply.status == 201
    assert reply.header("X-Subject-Token")
    assert reply.header("Content-Type").startswith("application/json")
    token = reply.json["token"]
    project_id = cloud.accounts["mockuser"].id
    assert token["project"] == {
        "id": project_id,
        "name": "mockuser",
        "domain": {"id": "default", "name": "Default"},
    }
    assert token["user"]["name"] == "mockuser"
    assert token["expires_at"] == "2026-01-01T01:00:00.000000Z"
    assert token["issued_at"] == "2026-01-01T00:00:00.000000Z"
    by_type = {entry["type"]: entry for entry in token["catalog"]}
    assert set(by_type) == {"identity", "compute", "image"}
    assert by_type["compute"]["name"] == "nova"
    assert by_type["image"]["name"] == "glance"
    (endpoint,) = by_type["compute"]["endpoints"]
    assert endpoint == {
        "id": endpoint["id"],
        "interface": "public",
        "region": "RegionOne",
        "region_id": "RegionOne",
        "url": f"{HOST}/compute/v2.1",
    }
    assert by_type["image"]["endpoints"][0]["url"] == f"{HOST}/image"


@pytest.mark.parametrize(
    "user",
    [
        {"name": "mockuser", "domain": {"id": "default"}},
        {"name": "mockuser", "domain": {"name": "Default"}},
    ],
)
@pytest.mark.parametrize(
    "scope",
    [
        None,
        {"project": {"name": "mockuser", "domain": {"name": "Default"}}},
        {"project": {"name": "mockuser", "domain": {"id": "default"}}},
    ],
)
def test_the_default_domain_answers_to_its_id_and_its_name(api, user, scope):
    auth = {
        "identity": {
            "methods": ["password"],
            "password": {"user": {**user, "password": "mockpassword"}},
        }
    }
    if scope is not None:
        auth["scope"] = scope
    reply = api.call("POST", "/identity/v3/auth/tokens", {"auth": auth})
    assert reply.status == 201, reply.raw
    assert reply.json["token"]["project"]["name"] == "mockuser"


def test_a_user_and_project_by_id_authenticate(api, cloud):
    first = api.call("POST", "/identity/v3/auth/tokens", password_body("mockuser", "mockpassword"))
    user_id = first.json["token"]["user"]["id"]
    project_id = cloud.accounts["mockuser"].id
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"id": user_id, "password": "mockpassword"}},
            },
            "scope": {"project": {"id": project_id}},
        }
    }
    assert api.call("POST", "/identity/v3/auth/tokens", body).status == 201


def test_a_token_authenticates_a_new_token(api):
    body = {"auth": {"identity": {"methods": ["token"], "token": {"id": api.token}}}}
    reply = api.call("POST", "/identity/v3/auth/tokens", body)
    assert reply.status == 201
    assert reply.header("X-Subject-Token") != api.token


@pytest.mark.parametrize(
    ("user", "password", "project"),
    [
        ("mockuser", "wrong", None),
        ("nobody", "mockpassword", None),
        ("mockuser", "mockpassword", "otheruser"),
        ("mockuser", "otherpassword", "otheruser"),
    ],
)
def test_wrong_credentials_or_another_project_get_keystones_401(api, user, password, project):
    reply = api.call("POST", "/identity/v3/auth/tokens", password_body(user, password, project))
    assert reply.status == 401
    assert reply.json == UNAUTHENTICATED
    assert reply.header("WWW-Authenticate") == f'Keystone uri="{HOST}/identity"'


def test_another_domain_is_a_401(api):
    body = password_body("mockuser", "mockpassword")
    body["auth"]["identity"]["password"]["user"]["domain"] = {"name": "Elsewhere"}
    assert api.call("POST", "/identity/v3/auth/tokens", body).status == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"auth": []},
        {"auth": {"identity": {"methods": "password"}}},
        {"auth": {"identity": {"methods": ["password"], "password": {"user": "x"}}}},
        {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "m"}}}}},
        {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": 3}}}}},
    ],
)
def test_malformed_auth_requests_get_keystones_400(api, body):
    reply = api.call("POST", "/identity/v3/auth/tokens", body)
    assert reply.status == 400
    assert reply.json["error"]["code"] == 400
    assert reply.json["error"]["title"] == "Bad Request"


def test_a_body_that_is_not_json_is_a_400(api):
    reply = api.call("POST", "/identity/v3/auth/tokens", raw=b"{auth")
    assert reply.status == 400
    assert reply.json["error"]["message"] == "Malformed request body"


def test_a_token_validates_and_a_revoked_one_no_longer_does(api):
    subject = Api(api.app).token
    reply = api.call(
        "GET", "/identity/v3/auth/tokens", token=api.token, headers={"X-Subject-Token": subject}
    )
    assert reply.status == 200
    assert reply.header("X-Subject-Token") == subject
    assert reply.json["token"]["project"]["name"] == "mockuser"
    head = api.call(
        "HEAD", "/identity/v3/auth/tokens", token=api.token, headers={"X-Subject-Token": subject}
    )
    assert (head.status, head.raw) == (200, b"")
    gone = api.call(
        "DELETE", "/identity/v3/auth/tokens", token=api.token, headers={"X-Subject-Token": subject}
    )
    assert gone.status == 204
    again = api.call(
        "GET", "/identity/v3/auth/tokens", token=api.token, headers={"X-Subject-Token": subject}
    )
    assert again.status == 404
    assert api.call("GET", f"{NOVA}/servers", token=subject).status == 401


def test_validating_needs_a_valid_token_of_ones_own(api):
    reply = api.call(
        "GET", "/identity/v3/auth/tokens", token="nope", headers={"X-Subject-Token": api.token}
    )
    assert reply.status == 401


@pytest.mark.parametrize("path", [f"{NOVA}/servers", f"{NOVA}/flavors/detail", "/image/v2/images"])
@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_nova_and_glance_answer_a_missing_or_bad_token_as_keystonemiddleware(api, path, token):
    reply = api.call("GET", path, token=token)
    assert reply.status == 401
    assert reply.json == UNAUTHENTICATED
    assert reply.header("WWW-Authenticate") == f'Keystone uri="{HOST}/identity"'


def test_a_token_expires_on_the_simulators_clock(api, clock):
    token = api.token
    clock.tick(3599)
    assert api.call("GET", f"{NOVA}/servers", token=token).status == 200
    clock.tick(1)
    reply = api.call("GET", f"{NOVA}/servers", token=token)
    assert reply.status == 401
    assert reply.json == UNAUTHENTICATED
    fresh = Api(api.app).token
    assert api.call("GET", f"{NOVA}/servers", token=fresh).status == 200


def test_the_version_documents_need_no_token(api):
    assert api.call("GET", "/compute/v2.1").status == 200
    assert api.call("GET", "/compute/").status == 200
    assert api.call("GET", "/image").status == 300


def test_the_token_lifetime_is_configurable(clock):
    from simulator.openstack import NovaCloud, OpenStackApp, OpenStackConfig

    api = Api(OpenStackApp(NovaCloud(OpenStackConfig(token_seconds=86400), clock)))
    token = api.token
    clock.tick(86399)
    assert api.call("GET", f"{NOVA}/servers", token=token).status == 200
    clock.tick(1)
    assert api.call("GET", f"{NOVA}/servers", token=token).status == 401
    short = Api(OpenStackApp(NovaCloud(clock=clock), token_seconds=5))
    issued = short.call(
        "POST", "/identity/v3/auth/tokens", password_body("mockuser", "mockpassword")
    ).json["token"]
    assert issued["expires_at"][17:19] == "05"
