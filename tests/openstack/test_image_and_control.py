"""Glance v2 (versions, listing, paging, privacy, 404s) and the control API over OpenStack
(clock, durations, faults by operation name, reset)."""

from __future__ import annotations

import pytest

from simulator.openstack import OPENSTACK_OPERATIONS
from tests.openstack._support import (
    CIRROS,
    CIRROS_ARM,
    HOST,
    MOCKUSER_IMAGE,
    NOVA,
    OTHERUSER_IMAGE,
    UBUNTU,
)


def test_the_image_root_is_glances_300_with_a_current_v2(api):
    reply = api.call("GET", "/image/")
    assert reply.status == 300
    current = [entry for entry in reply.json["versions"] if entry["status"] == "CURRENT"]
    assert current[0]["links"] == [{"rel": "self", "href": f"{HOST}/image/v2/"}]


def test_a_project_sees_public_images_and_its_own(api, other, cloud):
    mine = [image["id"] for image in api.get("/image/v2/images").json["images"]]
    theirs = [image["id"] for image in other.get("/image/v2/images").json["images"]]
    assert mine == [CIRROS, UBUNTU, CIRROS_ARM, MOCKUSER_IMAGE]
    assert theirs == [CIRROS, UBUNTU, CIRROS_ARM, OTHERUSER_IMAGE]
    private = api.get(f"/image/v2/images/{MOCKUSER_IMAGE}").json
    assert private["visibility"] == "private"
    assert private["owner"] == cloud.accounts["mockuser"].id
    for key in ("id", "name", "status", "created_at", "updated_at", "min_disk", "size"):
        assert key in private


@pytest.mark.parametrize("image_id", [OTHERUSER_IMAGE, "cirros-0.6.2-x86_64-disk", "nope"])
def test_an_invisible_or_unknown_image_or_a_name_is_glances_404(api, image_id):
    reply = api.get(f"/image/v2/images/{image_id}")
    assert reply.status == 404
    assert reply.json == {
        "message": f"No image found with ID {image_id}",
        "code": "404 Not Found",
        "title": "Not Found",
    }


def test_image_filters(api):
    def names(query):
        return [image["name"] for image in api.get(f"/image/v2/images?{query}").json["images"]]

    assert names("name=ubuntu-22.04-x86_64") == ["ubuntu-22.04-x86_64"]
    assert names(f"id={CIRROS}") == ["cirros-0.6.2-x86_64-disk"]
    assert names("visibility=private") == ["mockuser-private"]
    assert names("os_hidden=True") == []
    assert names("status=active") == names("")
    assert names("architecture=x86_64") == ["ubuntu-22.04-x86_64", "mockuser-private"]
    assert names("architecture=aarch64") == ["cirros-0.6.2-aarch64-disk"]
    assert names("architecture=X86_64") == []


def test_the_architecture_property_is_shown_only_where_it_is_set(api):
    shown = {image["name"]: image.get("architecture", "unset")
             for image in api.get("/image/v2/images").json["images"]}  # fmt: skip
    assert shown == {
        "cirros-0.6.2-x86_64-disk": "unset",
        "ubuntu-22.04-x86_64": "x86_64",
        "cirros-0.6.2-aarch64-disk": "aarch64",
        "mockuser-private": "x86_64",
    }
    assert api.get(f"/image/v2/images/{CIRROS_ARM}").json["architecture"] == "aarch64"


def test_image_paging_follows_next_to_the_end(api):
    first = api.get("/image/v2/images?limit=2").json
    assert [image["id"] for image in first["images"]] == [CIRROS, UBUNTU]
    assert first["next"] == f"/v2/images?marker={UBUNTU}&limit=2"
    rest = api.get(f"/image/v2/images?marker={UBUNTU}&limit=2").json
    assert [image["id"] for image in rest["images"]] == [CIRROS_ARM, MOCKUSER_IMAGE]
    assert "next" not in rest
    bad = api.get("/image/v2/images?marker=nope")
    assert bad.status == 400
    assert bad.json["code"] == "400 Bad Request"


# The control API


def test_the_control_state_reports_the_openstack_cloud(api, cloud):
    state = api.call("GET", "/_sim/state").json
    assert state["region"] == "RegionOne"
    assert state["accounts"] == ["mockuser", "otheruser"]
    assert state["account_ids"]["mockuser"] == cloud.accounts["mockuser"].id
    assert state["clock"]["kind"] == "manual"


def test_the_clock_and_durations_are_driven_over_http(api):
    server_id = api.create()
    assert api.call("POST", "/_sim/durations", {"stop_seconds": 0}).json == {
        "boot_seconds": 10.0,
        "stop_seconds": 0.0,
    }
    api.call("POST", "/_sim/clock/tick", {"seconds": 10})
    assert api.server(server_id)["status"] == "ACTIVE"
    api.act(server_id, {"os-stop": None})
    assert api.server(server_id)["status"] == "SHUTOFF"


@pytest.mark.parametrize(
    ("code", "status", "name"),
    [
        ("serviceUnavailable", 503, "serviceUnavailable"),
        ("503", 503, "serviceUnavailable"),
        ("conflictingRequest", 409, "conflictingRequest"),
        ("forbidden", 403, "forbidden"),
        ("InternalError", 500, "computeFault"),
    ],
)
def test_an_injected_fault_is_answered_in_novas_format_and_changes_nothing(
    api, cloud, code, status, name
):
    reply = api.call("POST", "/_sim/faults/fail_next", {"operation": "create_server", "code": code})
    assert reply.status == 200, reply.raw
    failed = api.post(
        f"{NOVA}/servers", {"server": {"name": "n", "imageRef": CIRROS, "flavorRef": "1"}}
    )
    assert failed.status == status
    assert failed.json[name]["message"] == "Injected fault in create_server"
    assert cloud.servers("mockuser") == []
    assert api.create()


def test_a_fault_on_authentication_is_worded_by_keystone(api):
    api.call("POST", "/_sim/faults/fail_next", {"operation": "authenticate", "code": "503"})
    from tests.openstack._support import Api

    fresh = Api(api.app)
    reply = fresh.call(
        "POST",
        "/identity/v3/auth/tokens",
        {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "mockuser", "domain": {"id": "default"}, "password": "mockpassword"}}}}},
    )  # fmt: skip
    assert reply.status == 503
    assert reply.json["error"]["code"] == 503


def test_throttling_is_a_429_with_retry_after(api):
    api.call(
        "POST",
        "/_sim/faults/throttle",
        {"operation": "servers", "max_calls": 1, "per_seconds": 60},
    )
    assert api.get(f"{NOVA}/servers").status == 200
    reply = api.get(f"{NOVA}/servers")
    assert reply.status == 429
    assert reply.header("Retry-After") == "1"
    assert reply.json["overLimit"]["retryAfter"] == "1"


def test_fault_operations_are_the_clouds_and_an_ec2_action_is_refused(api):
    reply = api.call("POST", "/_sim/faults/fail_next", {"operation": "RunInstances"})
    assert reply.status == 400
    message = reply.json["error"]["message"]
    assert all(operation in message for operation in OPENSTACK_OPERATIONS)


def test_reset_drops_servers_and_keeps_tokens(api, cloud):
    api.create()
    assert api.call("POST", "/_sim/reset").status == 200
    assert cloud.servers("mockuser") == []
    assert api.get(f"{NOVA}/servers").status == 200


def test_a_fault_on_build_creates_the_server_and_fails_its_build(api, clock):
    assert api.call("POST", "/_sim/faults/fail_next", {"operation": "build"}).status == 200
    failed = api.server(api.create())
    assert failed["status"] == "ERROR"
    assert failed["fault"]["message"].startswith("No valid host was found")
    assert failed["OS-EXT-STS:vm_state"] == "error"
    assert api.act(failed["id"], {"os-start": None}).status == 409
    assert api.delete(f"{NOVA}/servers/{failed['id']}").status == 204
    fine = api.create()
    clock.tick(10)
    assert api.server(fine)["status"] == "ACTIVE"
