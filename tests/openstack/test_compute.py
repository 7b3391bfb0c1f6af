"""Nova v2.1: discovery and microversions, flavors, zones, servers, listing and paging, and
every 4xx shape."""

from __future__ import annotations

import ipaddress

import pytest

from simulator.openstack import OpenStackApp
from tests.openstack._support import (
    CIRROS,
    HOST,
    MOCKUSER_IMAGE,
    NOVA,
    OTHERUSER_IMAGE,
    TINY,
    Api,
)


def fault(reply, name, status):
    assert reply.status == status, reply.raw
    assert reply.header("Content-Type").startswith("application/json")
    assert list(reply.json) == [name]
    assert reply.json[name]["code"] == status
    return reply.json[name]["message"]


# Discovery and microversions


def test_the_compute_root_lists_v2_1_with_its_range(api):
    reply = api.call("GET", "/compute/")
    versions = {entry["id"]: entry for entry in reply.json["versions"]}
    current = versions["v2.1"]
    assert (current["status"], current["min_version"], current["version"]) == (
        "CURRENT",
        "2.1",
        "2.1",
    )
    assert {"rel": "self", "href": f"{HOST}/compute/v2.1/"} in current["links"]
    assert api.call("GET", "/compute/v2.1/").json == {"version": current}


def test_every_compute_answer_echoes_the_microversion(api):
    reply = api.get(f"{NOVA}/servers")
    assert reply.header("OpenStack-API-Version") == "compute 2.1"
    assert reply.header("X-OpenStack-Nova-API-Version") == "2.1"
    assert "OpenStack-API-Version" in reply.header("Vary")
    assert reply.header("x-openstack-request-id").startswith("req-")
    assert reply.header("x-compute-request-id") == reply.header("x-openstack-request-id")


@pytest.mark.parametrize(
    "headers",
    [
        {"OpenStack-API-Version": "compute 2.1"},
        {"X-OpenStack-Nova-API-Version": "2.1"},
        {"OpenStack-API-Version": "compute latest"},
    ],
)
def test_a_microversion_in_range_is_served(api, headers):
    assert api.get(f"{NOVA}/flavors", headers=headers).status == 200


def test_a_microversion_out_of_range_is_a_406_and_a_malformed_one_a_400(api):
    message = fault(
        api.get(f"{NOVA}/servers", headers={"OpenStack-API-Version": "compute 2.200"}),
        "computeFault",
        406,
    )
    assert message == (
        "Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.1."
    )
    fault(
        api.get(f"{NOVA}/servers", headers={"X-OpenStack-Nova-API-Version": "2.x"}),
        "badRequest",
        400,
    )


def test_a_higher_maximum_is_advertised_and_served(cloud):
    api = Api(OpenStackApp(cloud, max_microversion="2.37"))
    assert api.call("GET", "/compute/v2.1").json["version"]["version"] == "2.37"
    reply = api.get(f"{NOVA}/servers", headers={"OpenStack-API-Version": "compute 2.30"})
    assert reply.header("OpenStack-API-Version") == "compute 2.30"


def test_glance_ignores_novas_microversion_header(api):
    reply = api.get("/image/v2/images", headers={"X-OpenStack-Nova-API-Version": "2.1"})
    assert reply.status == 200


# Flavors and zones


def test_flavors_are_devstacks_in_short_and_detailed_lists(api):
    short = api.get(f"{NOVA}/flavors").json["flavors"]
    assert [flavor["name"] for flavor in short] == [
        "m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"
    ]  # fmt: skip
    assert set(short[0]) == {"id", "name", "links"}
    detail = api.get(f"{NOVA}/flavors/detail?is_public=None").json["flavors"]
    tiny = detail[0]
    assert {key: tiny[key] for key in ("id", "ram", "disk", "vcpus", "swap")} == {
        "id": "1", "ram": 512, "disk": 1, "vcpus": 1, "swap": ""
    }  # fmt: skip
    assert api.get(f"{NOVA}/flavors/1").json["flavor"] == tiny
    assert api.get(f"{NOVA}/flavors/1/os-extra_specs").json == {"extra_specs": {}}


def test_flavor_filters_and_paging(api):
    big = api.get(f"{NOVA}/flavors/detail?minRam=8192").json["flavors"]
    assert [flavor["name"] for flavor in big] == ["m1.large", "m1.xlarge"]
    first = api.get(f"{NOVA}/flavors?limit=2").json
    assert [flavor["id"] for flavor in first["flavors"]] == ["1", "2"]
    (link,) = first["flavors_links"]
    assert link["rel"] == "next"
    assert link["href"] == f"{HOST}/compute/v2.1/flavors?limit=2&marker=2"
    rest = api.get(f"{NOVA}/flavors?limit=2&marker=4").json
    assert [flavor["id"] for flavor in rest["flavors"]] == ["5"]
    assert "flavors_links" not in rest


@pytest.mark.parametrize("flavor_id", ["m1.tiny", "99", "x" * 300])
def test_an_unknown_flavor_or_a_name_is_item_not_found(api, flavor_id):
    message = fault(api.get(f"{NOVA}/flavors/{flavor_id}"), "itemNotFound", 404)
    assert message == f"Flavor {flavor_id} could not be found."
    fault(api.get(f"{NOVA}/flavors/{flavor_id}/os-extra_specs"), "itemNotFound", 404)


def test_zones_are_listed_and_their_detail_is_forbidden_as_for_nova_members(api):
    assert api.get(f"{NOVA}/os-availability-zone").json == {
        "availabilityZoneInfo": [
            {"zoneName": "nova", "zoneState": {"available": True}, "hosts": None}
        ]
    }
    fault(api.get(f"{NOVA}/os-availability-zone/detail"), "forbidden", 403)


# Servers


def test_create_answers_202_with_id_links_and_location(api):
    reply = api.post(
        f"{NOVA}/servers",
        {"server": {"name": "web", "imageRef": CIRROS, "flavorRef": TINY, "min_count": 1,
                    "max_count": 1, "availability_zone": "nova", "metadata": {"a": "b"}}},
    )  # fmt: skip
    assert reply.status == 202
    server = reply.json["server"]
    assert set(server) == {"id", "links", "OS-DCF:diskConfig", "security_groups", "adminPass"}
    assert reply.header("Location") == f"{HOST}/compute/v2.1/servers/{server['id']}"
    assert {"rel": "self", "href": f"{HOST}/compute/v2.1/servers/{server['id']}"} in server["links"]


def test_a_server_builds_then_is_active_with_a_fixed_and_a_public_floating_address(
    api, cloud, clock
):
    server_id = api.create(metadata={"role": "web"})
    building = api.server(server_id)
    assert building["status"] == "BUILD"
    assert building["OS-EXT-STS:task_state"] == "spawning"
    assert building["addresses"] == {}
    assert building["hostId"] == ""
    assert building["progress"] == 0
    assert building["metadata"] == {"role": "web"}
    assert building["tenant_id"] == cloud.accounts["mockuser"].id
    clock.tick(10)
    active = api.server(server_id)
    assert active["status"] == "ACTIVE"
    assert (active["OS-EXT-STS:vm_state"], active["OS-EXT-STS:task_state"]) == ("active", None)
    assert active["OS-EXT-STS:power_state"] == 1
    assert active["OS-SRV-USG:launched_at"] == "2026-01-01T00:00:10.000000"
    assert active["hostId"]
    (fixed, floating) = active["addresses"]["private"]
    assert fixed["OS-EXT-IPS:type"] == "fixed"
    assert ipaddress.ip_address(fixed["addr"]) in ipaddress.ip_network("10.0.0.0/8")
    assert floating["OS-EXT-IPS:type"] == "floating"
    public = ipaddress.ip_address(floating["addr"])
    assert not any(
        public in ipaddress.ip_network(net)
        for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
    )
    for key in ("id", "name", "status", "tenant_id", "user_id", "metadata", "hostId", "image",
                "flavor", "created", "updated", "addresses", "accessIPv4", "accessIPv6",
                "links", "key_name", "config_drive", "OS-DCF:diskConfig",
                "OS-EXT-AZ:availability_zone", "OS-SRV-USG:terminated_at", "security_groups",
                "os-extended-volumes:volumes_attached"):  # fmt: skip
        assert key in active, key
    assert active["image"]["id"] == CIRROS
    assert active["flavor"]["id"] == TINY


def test_a_flavor_given_by_link_or_number_and_an_image_by_link_are_accepted(api):
    server_id = api.create(image=f"{HOST}/image/v2/images/{CIRROS}", flavor=f"{HOST}/flavors/1")
    assert api.server(server_id)["flavor"]["id"] == "1"
    assert (
        api.post(
            f"{NOVA}/servers", {"server": {"name": "n", "imageRef": CIRROS, "flavorRef": 2}}
        ).status
        == 202
    )


@pytest.mark.parametrize(
    ("server", "message"),
    [
        ({"name": "n", "imageRef": CIRROS, "flavorRef": "99"}, "Flavor 99 could not be found."),
        ({"name": "n", "imageRef": "nope", "flavorRef": "1"}, "Can not find requested image"),
        ({"name": "n", "imageRef": OTHERUSER_IMAGE, "flavorRef": "1"},
         "Can not find requested image"),
        ({"name": "n", "imageRef": CIRROS, "flavorRef": "1", "availability_zone": "mars"},
         "The requested availability zone is not available"),
    ],
)  # fmt: skip
def test_create_with_a_bad_flavor_image_or_zone_is_novas_400(api, cloud, server, message):
    assert fault(api.post(f"{NOVA}/servers", {"server": server}), "badRequest", 400) == message
    assert cloud.servers("mockuser") == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"server": []},
        {"server": {"imageRef": CIRROS, "flavorRef": "1"}},
        {"server": {"name": "", "imageRef": CIRROS, "flavorRef": "1"}},
        {"server": {"name": 5, "imageRef": CIRROS, "flavorRef": "1"}},
        {"server": {"name": "n", "imageRef": CIRROS, "flavorRef": None}},
        {"server": {"name": "n", "imageRef": CIRROS, "flavorRef": "1", "min_count": 0}},
        {"server": {"name": "n", "imageRef": CIRROS, "flavorRef": "1", "metadata": [1]}},
        {"server": {"name": "n", "imageRef": CIRROS, "flavorRef": "1", "bogus": 1}},
        {"server": {"name": "n" * 256, "imageRef": CIRROS, "flavorRef": "1"}},
    ],
)
def test_malformed_create_requests_are_400_and_create_nothing(api, cloud, body):
    fault(api.post(f"{NOVA}/servers", body), "badRequest", 400)
    assert cloud.servers("mockuser") == []


def test_a_private_image_is_bootable_by_its_owner_only(api, other):
    api.create(image=MOCKUSER_IMAGE)
    fault(
        other.post(f"{NOVA}/servers", {"server": {"name": "n", "imageRef": MOCKUSER_IMAGE,
                                                   "flavorRef": "1"}}),
        "badRequest",
        400,
    )  # fmt: skip


def test_max_count_creates_that_many(api, cloud):
    api.create(max_count=3)
    assert len(cloud.servers("mockuser")) == 3


def test_the_instance_quota_is_novas_403(clock):
    from simulator.openstack import NovaCloud, OpenStackConfig

    api = Api(OpenStackApp(NovaCloud(OpenStackConfig(instance_quota=1), clock)))
    api.create()
    message = fault(
        api.post(
            f"{NOVA}/servers", {"server": {"name": "n", "imageRef": CIRROS, "flavorRef": "1"}}
        ),
        "forbidden",
        403,
    )
    assert message == "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances"


def test_a_full_zone_fails_the_build_with_novas_fault(clock):
    from simulator import Zone
    from simulator.openstack import NovaCloud, OpenStackConfig

    api = Api(OpenStackApp(NovaCloud(OpenStackConfig(zones=(Zone("nova", limit=1),)), clock)))
    api.create()
    failed = api.server(api.create())
    assert failed["status"] == "ERROR"
    assert failed["fault"]["code"] == 500
    assert failed["fault"]["message"].startswith("No valid host was found")
    assert failed["addresses"] == {}


@pytest.mark.parametrize(
    "server_id",
    ["nope", "00000000-0000-4000-8000-000000000000", "%20", "x" * 500, "i-0123456789abcdef0"],
)
def test_unknown_server_ids_of_any_shape_are_item_not_found(api, server_id):
    message = fault(api.get(f"{NOVA}/servers/{server_id}"), "itemNotFound", 404)
    assert message == f"Instance {server_id.replace('%20', ' ')} could not be found."
    fault(api.delete(f"{NOVA}/servers/{server_id}"), "itemNotFound", 404)
    fault(api.act(server_id, {"os-stop": None}), "itemNotFound", 404)


def test_another_projects_server_is_item_not_found_and_untouched(api, other, cloud):
    theirs = other.create()
    fault(api.get(f"{NOVA}/servers/{theirs}"), "itemNotFound", 404)
    fault(api.delete(f"{NOVA}/servers/{theirs}"), "itemNotFound", 404)
    assert api.get(f"{NOVA}/servers").json["servers"] == []
    assert [server.id for server in cloud.servers("otheruser")] == [theirs]


def test_delete_is_a_204_then_the_server_is_gone(api, clock):
    server_id = api.create()
    clock.tick(10)
    reply = api.delete(f"{NOVA}/servers/{server_id}")
    assert (reply.status, reply.raw) == (204, b"")
    deleting = api.server(server_id)
    assert (deleting["status"], deleting["OS-EXT-STS:task_state"]) == ("ACTIVE", "deleting")
    assert api.delete(f"{NOVA}/servers/{server_id}").status == 204
    clock.tick(5)
    fault(api.get(f"{NOVA}/servers/{server_id}"), "itemNotFound", 404)


# Listing


def test_lists_are_newest_first_short_or_detailed(api, clock):
    ids = []
    for name in ("a", "b", "c"):
        ids.append(api.create(name))
        clock.tick(1)
    short = api.get(f"{NOVA}/servers").json["servers"]
    assert [server["id"] for server in short] == ids[::-1]
    assert set(short[0]) == {"id", "name", "links"}
    detail = api.get(f"{NOVA}/servers/detail").json["servers"]
    assert [server["name"] for server in detail] == ["c", "b", "a"]
    assert detail[0]["status"] == "BUILD"


def test_list_filters(api, clock):
    web = api.create("web-1")
    api.create("db-1", flavor="2")
    clock.tick(10)
    api.act(web, {"os-stop": None})
    clock.tick(5)

    def names(query):
        return sorted(s["name"] for s in api.get(f"{NOVA}/servers/detail?{query}").json["servers"])

    assert names("name=web") == ["web-1"]
    assert names("name=^.*-1$") == ["db-1", "web-1"]
    assert names("status=SHUTOFF") == ["web-1"]
    assert names("status=active") == ["db-1"]
    assert names("status=BOGUS") == []
    assert names("flavor=2") == ["db-1"]
    assert names(f"image={CIRROS}") == ["db-1", "web-1"]
    assert names("changes-since=2026-01-01T00:00:12Z") == ["web-1"]
    assert names("availability_zone=elsewhere") == ["db-1", "web-1"]  # dropped below 2.83
    assert names("ip=^10\\.") == ["db-1", "web-1"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("status=DELETED", 403),
        ("all_tenants=1", 403),
        ("name=(", 400),
        ("changes-since=yesterday", 400),
        ("limit=x", 400),
        ("limit=-1", 400),
        ("marker=nope", 400),
    ],
)
def test_bad_list_queries_are_4xx(api, query, status):
    api.create()
    reply = api.get(f"{NOVA}/servers/detail?{query}")
    assert reply.status == status
    if query == "marker=nope":
        assert reply.json["badRequest"]["message"] == "marker [nope] not found"


def test_paging_with_limit_and_marker_follows_servers_links_to_the_end(api, clock):
    made = []
    for index in range(5):
        made.append(api.create(f"s{index}"))
        clock.tick(1)
    seen = []
    path = f"{NOVA}/servers/detail?limit=2&name=s"
    while path:
        page = api.get(path).json
        seen += [server["id"] for server in page["servers"]]
        links = page.get("servers_links", [])
        path = links[0]["href"].removeprefix(HOST) if links else None
        if path:
            assert "name=s" in path
    assert seen == made[::-1]


def test_a_full_last_page_links_to_an_empty_one(api):
    for index in range(2):
        api.create(f"s{index}")
    page = api.get(f"{NOVA}/servers?limit=2").json
    href = page["servers_links"][0]["href"].removeprefix(HOST)
    assert api.get(href).json == {"servers": []}


# Request shapes


def test_an_unknown_route_is_a_404_and_a_wrong_method_a_405(api):
    fault(api.get(f"{NOVA}/os-hypervisors"), "itemNotFound", 404)
    fault(api.call("PUT", f"{NOVA}/servers", {}, token=api.token), "badMethod", 405)
    fault(api.call("PATCH", f"{NOVA}/flavors/1", {}, token=api.token), "badMethod", 405)


def test_malformed_json_wrong_media_type_and_oversized_bodies(api):
    fault(api.post(f"{NOVA}/servers", raw=b'{"server": '), "badRequest", 400)
    fault(api.post(f"{NOVA}/servers", raw=b"[1, 2]"), "badRequest", 400)
    fault(
        api.post(f"{NOVA}/servers", raw=b"name=x", headers={"Content-Type": "text/plain"}),
        "badMediaType",
        415,
    )
    big = b'{"server": {"name": "' + b"x" * 200_000 + b'"}}'
    fault(api.post(f"{NOVA}/servers", raw=big), "overLimit", 413)
