"""RestDriver, the HTTP client adapter, against canned answers (``responses``)."""

import json
import re

import pytest
import responses
from responses import matchers

from dctck import (
    ActionNotAllowed,
    AuthException,
    HardwareProfile,
    Instance,
    NotFound,
    ProviderError,
    ValidationError,
)
from dctck.kit import virtual_clock_of
from dctck.rest import RestDriver, UnexpectedResponse, basic_authorization
from tests.rest._drivers import ALICE, ALICE_AUTH

URL = "http://front.test:9"

INSTANCE = {
    "id": "i-1",
    "href": f"{URL}/api/instances/i-1",
    "name": "web",
    "state": "RUNNING",
    "owner": "alice",
    "image": {"id": "img-1", "href": f"{URL}/api/images/img-1", "rel": "image"},
    "realm": {"id": "r-1", "href": "...", "rel": "realm"},
    "hardware_profile": None,
    "actions": [{"rel": "reboot", "method": "post", "href": "..."}, {"rel": "stop"}],
    "public_addresses": [],
    "private_addresses": [{"address": "10.0.0.1", "type": "ipv4"}],
}
RUNNING = Instance(
    id="i-1",
    name="web",
    owner_id="alice",
    image="img-1",
    realm="r-1",
    state="RUNNING",
    actions=["reboot", "stop"],
    private_addresses=["10.0.0.1"],
)


@pytest.fixture
def http():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def client():
    driver = RestDriver(URL, timeout=5)
    yield driver
    driver.close()


def error(status, message, kind="x"):
    return {"code": status, "message": message, "error": kind}


def test_a_listing_becomes_models_with_basic_credentials(http, client):
    http.get(
        f"{URL}/api/hardware_profiles",
        json={
            "hardware_profiles": [
                {
                    "id": "h",
                    "href": "...",
                    "name": "h",
                    "properties": [
                        {"kind": "fixed", "name": "memory", "unit": "MB", "value": 1536},
                        {"kind": "fixed", "name": "cpu", "unit": "count", "value": 2},
                    ],
                }
            ]
        },
        match=[
            matchers.header_matcher({"Authorization": ALICE_AUTH, "Accept": "application/json"}),
            matchers.query_param_matcher({}),
        ],
    )
    assert client.hardware_profiles(ALICE) == [HardwareProfile(id="h", memory=1.5, cpu=2)]


def test_no_credentials_send_no_authorization(http, client):
    http.get(f"{URL}/api/realms", json={"realms": []})
    assert client.realms({}) == []
    assert "Authorization" not in http.calls[0].request.headers


def test_opts_become_query_parameters_a_list_repeated_none_left_out(http, client):
    http.get(f"{URL}/api/images", json={"images": []})
    client.images(ALICE, {"id": ["a", "b"], "architecture": None, "owner_id": ""})
    assert http.calls[0].request.url == f"{URL}/api/images?id=a&id=b&owner_id="


def test_an_empty_list_filter_still_asks_but_gives_nothing(http, client):
    http.get(f"{URL}/api/images", json={"images": [{"id": "img-1"}]})
    assert client.images(ALICE, {"id": []}) == []
    assert http.calls[0].request.url == f"{URL}/api/images"


def test_an_instance_reads_references_and_action_links(http, client):
    http.get(f"{URL}/api/instances", json={"instances": [INSTANCE]})
    assert client.instances(ALICE) == [RUNNING]


@pytest.mark.parametrize(
    ("id", "path"),
    [("i-1", "i-1"), ("a/b", "a%2Fb"), ("x y", "x%20y"), ("é", "%C3%A9")],
)
def test_ids_are_one_path_segment(http, client, id, path):
    http.post(re.compile(f"{URL}/api/instances/.+/reboot"), status=202, json=INSTANCE)
    assert client.reboot_instance(ALICE, id) == RUNNING
    assert http.calls[0].request.path_url == f"/api/instances/{path}/reboot"


def test_a_singular_lookup_gives_none_for_404(http, client):
    http.get(f"{URL}/api/images/img-9", status=404, json=error(404, "no image 'img-9'"))
    assert client.image(ALICE, "img-9") is None


def test_create_posts_json_with_the_opts(http, client):
    http.post(
        f"{URL}/api/instances",
        status=201,
        json={"instance": INSTANCE},
        match=[
            matchers.json_params_matcher({"image_id": "img-1", "hwp_id": "h", "realm_id": None})
        ],
    )
    assert client.create_instance(ALICE, "img-1", {"hwp_id": "h", "realm_id": None}) == RUNNING


def test_destroy_expects_204_and_gives_none(http, client):
    http.post(f"{URL}/api/instances/i-1/destroy", status=204)
    assert client.destroy_instance(ALICE, "i-1") is None


def test_instance_states_restore_automatic_transitions(http, client):
    http.get(
        f"{URL}/api/instance_states",
        json=[
            {"name": "begin", "transitions": [{"to": "pending", "action": "create"}]},
            {"name": "pending", "transitions": [{"to": "running", "auto": True}]},
        ],
    )
    assert client.instance_states() == [
        ("begin", {"pending": "create"}),
        ("pending", {"running": "_auto_"}),
    ]


@pytest.mark.parametrize(
    ("status", "raised"),
    [
        (400, ValidationError),
        (401, AuthException),
        (404, NotFound),
        (405, ActionNotAllowed),
        (409, ActionNotAllowed),
        (502, ProviderError),
    ],
)
def test_error_statuses_become_spi_exceptions(http, client, status, raised):
    http.get(f"{URL}/api/realms", status=status, json=error(status, "what the front said"))
    with pytest.raises(raised) as excinfo:
        client.realms(ALICE)
    assert type(excinfo.value) is raised
    assert excinfo.value.args == ("what the front said",)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            {"status": 500, "json": error(500, "the driver failed: realms() raised KeyError")},
            "GET /api/realms answered 500: the driver failed: realms() raised KeyError",
        ),
        ({"status": 503, "body": "busy"}, "GET /api/realms answered 503: 503 Service Unavailable"),
        ({"status": 200, "body": "<realms/>"}, "GET /api/realms answered a body that is not JSON"),
        ({"status": 200, "json": {"realm": []}}, "GET /api/realms answered no realms list"),
        (
            {"status": 200, "json": {"realms": [{"name": "no id"}]}},
            "GET /api/realms answered a realm it cannot read: ValidationError('Realm needs a"
            " non-empty string id [SPEC 3], got None')",
        ),
        ({"status": 204}, "GET /api/realms answered status 204, expected 200"),
    ],
)
def test_answers_the_spi_has_no_exception_for_are_unexpected(http, client, answer, message):
    http.get(f"{URL}/api/realms", **answer)
    with pytest.raises(UnexpectedResponse) as excinfo:
        client.realms(ALICE)
    assert excinfo.value.args == (message,)


def test_create_answering_200_is_unexpected(http, client):
    http.post(f"{URL}/api/instances", status=200, json={"instance": INSTANCE})
    with pytest.raises(UnexpectedResponse) as excinfo:
        client.create_instance(ALICE, "img-1")
    assert excinfo.value.args == ("POST /api/instances answered status 200, expected 201",)


def test_no_answer_is_unexpected():
    client = RestDriver("http://127.0.0.1:9", timeout=2)  # discard port: nothing listens
    with pytest.raises(UnexpectedResponse) as excinfo:
        client.realms({})
    assert excinfo.value.args == ("GET /api/realms got no answer (ConnectionError)",)
    client.close()


def test_unexpected_response_is_not_a_driver_error():
    from dctck import DriverError

    assert not issubclass(UnexpectedResponse, DriverError)


def test_the_clock_is_the_served_drivers_or_absent():
    class Clock:
        def now(self):
            return 0.0

        def tick(self, seconds):
            pass

    clock = Clock()
    assert RestDriver(URL, clock=clock).clock is clock
    assert virtual_clock_of(RestDriver(URL, clock=clock)) is clock
    assert not hasattr(RestDriver(URL), "clock")
    assert virtual_clock_of(RestDriver(URL)) is None


def test_a_profiles_memory_comes_back_from_mb_to_the_spis_gb(http, client):
    properties = [{"kind": "fixed", "name": "memory", "unit": "MB", "value": 512}]
    http.get(
        f"{URL}/api/hardware_profiles",
        json={"hardware_profiles": [{"id": "h", "properties": properties}]},
    )
    (profile,) = client.hardware_profiles({})
    assert (profile.memory, type(profile.memory)) == (0.5, float)


def test_an_image_reads_its_owner(http, client):
    image = {
        "id": "img-1",
        "name": "linux",
        "owner": "alice",
        "architecture": "x86_64",
        "state": "AVAILABLE",
        "description": None,
    }
    http.get(f"{URL}/api/images", json={"images": [image]})
    assert client.images(ALICE)[0].owner_id == "alice"


def test_features_are_read_from_the_entry_point(http, client):
    links = [
        {"rel": "images", "href": "...", "features": []},
        {"rel": "instances", "href": "...", "features": ["user_name"]},
    ]
    http.get(f"{URL}/api", json={"api": {"version": "1.1", "driver": "x", "links": links}})
    assert client.features() == {"instances": {"user_name"}}


def test_the_json_body_of_create_keeps_types(http, client):
    http.post(f"{URL}/api/instances", status=400, json=error(400, "parameter 'hwp_id' ..."))
    with pytest.raises(ValidationError):
        client.create_instance(ALICE, None, {"hwp_id": 5})
    assert json.loads(http.calls[0].request.body) == {"hwp_id": 5, "image_id": None}


def test_basic_authorization_encodes_utf8_and_nothing_for_no_credentials():
    assert basic_authorization({"name": "alice", "password": "s3cret"}) == "Basic YWxpY2U6czNjcmV0"
    assert basic_authorization({"name": "élè", "password": "päss"}) == "Basic w6lsw6g6cMOkc3M="
    assert basic_authorization({}) is None
