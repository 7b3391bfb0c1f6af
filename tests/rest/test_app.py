"""RestApp through a WSGI client: routes, statuses, headers and exact documents."""

import logging

import pytest

from dctck import ActionNotAllowed, ProviderError, ValidationError
from dctck.rest import CHALLENGE, MAX_PARAMETERS, RestApp
from tests.rest._drivers import ALICE, ALICE_AUTH, CatalogueOnly, TinyDriver
from tests.rest._wsgi import request

BASE = "http://front.test:8080/api"
JSON_TYPE = [("Content-Type", "application/json"), ("Vary", "Accept")]

INSTANCE_1 = {
    "id": "i-1",
    "href": f"{BASE}/instances/i-1",
    "name": None,
    "owner_id": "alice",
    "image": {"id": "img-1", "href": f"{BASE}/images/img-1"},
    "realm": {"id": "r-1", "href": f"{BASE}/realms/r-1"},
    "hardware_profile": {"id": "hwp-1", "href": f"{BASE}/hardware_profiles/hwp-1"},
    "state": "RUNNING",
    "actions": [
        {"rel": "reboot", "method": "post", "href": f"{BASE}/instances/i-1/reboot"},
        {"rel": "stop", "method": "post", "href": f"{BASE}/instances/i-1/stop"},
    ],
    "public_addresses": ["203.0.113.1"],
    "private_addresses": ["10.0.0.1"],
}


@pytest.fixture
def driver():
    return TinyDriver()


@pytest.fixture
def app(driver):
    return RestApp(driver)


def get(app, target, **kwargs):
    kwargs.setdefault("auth", ALICE_AUTH)
    return request(app, "GET", target, **kwargs)


def post(app, target, **kwargs):
    kwargs.setdefault("auth", ALICE_AUTH)
    return request(app, "POST", target, **kwargs)


def form(**fields):
    body = "&".join(f"{key}={value}" for key, value in fields.items()).encode()
    return {"body": body, "headers": {"Content-Type": "application/x-www-form-urlencoded"}}


# -- the entry point -------------------------------------------------------------------------------


def test_entry_point_names_driver_version_and_collections(app):
    answer = get(app, "/api")
    assert (answer.status, answer.reason) == (200, "OK")
    assert answer.headers == [*JSON_TYPE, ("Content-Length", str(len(answer.body)))]
    assert answer.json() == {
        "api": {
            "driver": "tiny",
            "version": "1.0",
            "href": BASE,
            "links": [
                {"rel": name, "href": f"{BASE}/{name}"}
                for name in (
                    "hardware_profiles",
                    "realms",
                    "images",
                    "instances",
                    "instance_states",
                )
            ],
        }
    }


def test_entry_point_lists_only_what_the_driver_has():
    app = RestApp(CatalogueOnly())
    assert [link["rel"] for link in get(app, "/api").json()["api"]["links"]] == [
        "hardware_profiles",
        "instance_states",
    ]
    answer = get(app, "/api/realms")
    assert answer.status == 404
    assert answer.error == {
        "status": 404,
        "code": "not_found",
        "message": "the catalogue driver has no realms",
    }


def test_entry_point_in_xml(app):
    answer = get(app, "/api", headers={"Accept": "application/xml"})
    assert answer.header("Content-Type") == "application/xml; charset=utf-8"
    assert answer.body.decode() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<api driver="tiny" version="1.0" href="{BASE}"><links>'
        f'<link rel="hardware_profiles" href="{BASE}/hardware_profiles" />'
        f'<link rel="realms" href="{BASE}/realms" />'
        f'<link rel="images" href="{BASE}/images" />'
        f'<link rel="instances" href="{BASE}/instances" />'
        f'<link rel="instance_states" href="{BASE}/instance_states" />'
        "</links></api>\n"
    )


# -- listings and members --------------------------------------------------------------------------


def test_listing_renders_every_attribute(app):
    answer = get(app, "/api/hardware_profiles")
    assert answer.status == 200
    assert answer.json() == {
        "hardware_profiles": [
            {
                "id": "hwp-1",
                "href": f"{BASE}/hardware_profiles/hwp-1",
                "architecture": "x86_64",
                "memory": 1.5,
                "storage": 20,
                "cpu": 2,
            }
        ]
    }


def test_instance_listing_links_references_and_actions(app):
    assert get(app, "/api/instances").json() == {"instances": [INSTANCE_1]}


def test_xml_listing_escapes_text_and_leaves_out_none(app):
    answer = get(app, "/api/images", headers={"Accept": "application/xml"})
    assert answer.body.decode() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<images><image id="img-1" href="{BASE}/images/img-1"><name>linux</name>'
        "<architecture>x86_64</architecture><owner_id>alice</owner_id>"
        "<description>a &lt;linux&gt; &amp; more</description></image></images>\n"
    )


@pytest.mark.parametrize(
    ("query", "opts"),
    [
        ("", None),
        ("?architecture=x86_64", {"architecture": "x86_64"}),
        ("?id=a&id=b", {"id": ["a", "b"]}),
        ("?architecture=", {"architecture": ""}),
        ("?id=a%20b+c&format=json", {"id": "a b c"}),
        ("?colour=blue", {"colour": "blue"}),
    ],
)
def test_query_parameters_are_the_opts(app, driver, query, opts):
    assert get(app, "/api/hardware_profiles" + query).status == 200
    assert driver.driver_calls("hardware_profiles") == [
        ({"name": "alice", "password": "s3cret"}, opts)
    ]


def test_filters_narrow_the_listing(app):
    answer = get(app, "/api/hardware_profiles?architecture=arm64")
    assert answer.json() == {"hardware_profiles": []}


def test_member_is_found_by_id(app):
    answer = get(app, "/api/instances/i-1")
    assert answer.status == 200
    assert answer.json() == {"instance": INSTANCE_1}


def test_unknown_member_is_404(app):
    answer = get(app, "/api/images/img-9")
    assert answer.status == 404
    assert answer.error == {"status": 404, "code": "not_found", "message": "no image 'img-9'"}


def test_ids_are_percent_decoded_from_the_raw_path(app, driver):
    assert get(app, "/api/realms/a%2Fb%20c").status == 404
    assert driver.driver_calls("realms") == [
        ({"name": "alice", "password": "s3cret"}, {"id": "a/b c"})
    ]


def test_a_trailing_slash_names_the_same_resource(app):
    assert get(app, "/api/realms/").json() == get(app, "/api/realms").json()


def test_without_a_raw_uri_the_path_info_is_used(app):
    assert get(app, "/api/realms/r-1", raw_uri=False).json()["realm"]["id"] == "r-1"


def test_head_answers_the_headers_of_get(app):
    full = get(app, "/api/realms")
    answer = request(app, "HEAD", "/api/realms", auth=ALICE_AUTH)
    assert answer.status == 200
    assert answer.body == b""
    assert answer.header("Content-Length") == str(len(full.body))


# -- credentials -----------------------------------------------------------------------------------


def test_basic_credentials_reach_the_driver_and_none_give_empty_dict(app, driver):
    get(app, "/api/realms")
    get(app, "/api/realms", auth=None)
    assert [call[0] for call in driver.driver_calls("realms")] == [ALICE, {}]


def test_auth_exception_without_credentials_is_a_basic_challenge(app):
    answer = get(app, "/api/images", auth=None)
    assert (answer.status, answer.reason) == (401, "Unauthorized")
    assert (
        answer.header("WWW-Authenticate")
        == CHALLENGE
        == 'Basic realm="Deltacloud API", charset="UTF-8"'
    )
    assert answer.error == {
        "status": 401,
        "code": "authentication_required",
        "message": "credentials required",
    }


def test_rejected_credentials_are_401_and_the_password_is_redacted(app):
    answer = get(app, "/api/images", auth="Basic YWxpY2U6d3Jvbmc=")  # alice:wrong
    assert answer.status == 401
    assert answer.header("WWW-Authenticate") == CHALLENGE
    assert answer.error == {
        "status": 401,
        "code": "authentication_failed",
        "message": "rejected 'alice' with password ***",
    }
    assert b"wrong" not in answer.body


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        ("Bearer abc", "only HTTP Basic credentials are accepted"),
        ("Basic !!!", "the Authorization header is not valid Basic credentials"),
        ("Basic bm9jb2xvbg==", "Basic credentials must be NAME:PASSWORD"),  # nocolon
        ("Basic //79", "the Authorization header is not valid Basic credentials"),  # not UTF-8
    ],
)
def test_malformed_authorization_is_refused_before_the_driver(app, driver, authorization, message):
    answer = get(app, "/api/realms", auth=authorization)
    assert answer.status == 401
    assert answer.header("WWW-Authenticate") == CHALLENGE
    assert answer.error == {"status": 401, "code": "authentication_failed", "message": message}
    assert driver.calls == []


def test_utf8_credentials_are_decoded(app, driver):
    get(app, "/api/realms", auth="Basic w6lsw6g6cMOkc3M=")  # élè:päss
    assert driver.driver_calls("realms")[0][0] == {"name": "élè", "password": "päss"}


# -- driver errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status", "reason", "code"),
    [
        (ValidationError("bad opts"), 400, "Bad Request", "validation_error"),
        (ActionNotAllowed("not now"), 409, "Conflict", "conflict"),
        (ProviderError("throttled"), 502, "Bad Gateway", "provider_error"),
    ],
)
def test_driver_errors_map_to_statuses(app, driver, error, status, reason, code):
    driver.fail_with = error
    answer = get(app, "/api/realms")
    assert (answer.status, answer.reason) == (status, reason)
    assert answer.error == {"status": status, "code": code, "message": str(error)}


def test_unexpected_exception_is_500_naming_only_its_type(app, driver, caplog):
    driver.fail_with = KeyError("s3cret is in here")
    with caplog.at_level(logging.ERROR, logger="dctck.rest"):
        answer = get(app, "/api/realms")
    assert (answer.status, answer.reason) == (500, "Internal Server Error")
    assert answer.error == {
        "status": 500,
        "code": "driver_failure",
        "message": "the driver failed: realms() raised KeyError",
    }
    assert b"s3cret" not in answer.body
    assert b"Traceback" not in answer.body
    assert caplog.records[0].getMessage() == "realms() raised KeyError"
    assert caplog.records[0].exc_info is not None


def test_driver_error_messages_lose_the_password(app, driver):
    driver.fail_with = ProviderError("the provider rejected s3cret")
    assert get(app, "/api/realms").error["message"] == "the provider rejected ***"


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        (("r",), "realms() returned a tuple, not a list of Realm"),
        (["r"], "realms() returned a str among its Realm models"),
        (None, "realms() returned a NoneType, not a list of Realm"),
    ],
)
def test_a_listing_the_api_cannot_represent_is_500(driver, returned, message):
    driver.realms = lambda credentials, opts=None: returned
    answer = get(RestApp(driver), "/api/realms")
    assert answer.status == 500
    assert answer.error == {
        "status": 500,
        "code": "driver_failure",
        "message": f"the driver failed: {message}",
    }


def test_a_value_json_cannot_carry_is_500(driver):
    from dctck import HardwareProfile

    driver.hardware_profiles = lambda c, o=None: [HardwareProfile(id="h", memory=float("nan"))]
    answer = get(RestApp(driver), "/api/hardware_profiles")
    assert answer.status == 500
    assert answer.error["message"].startswith("the driver failed: it returned a value the API")


# -- routes and methods ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/api/flavors", "no such resource: /api/flavors"),
        ("/api/images/img-1/extra", "no such resource: /api/images/img-1/extra"),
        ("/api/instances//reboot", "no such resource: /api/instances//reboot"),
        ("/", "no such resource: / (the API is at /api)"),
        ("/etc/passwd", "no such resource: /etc/passwd (the API is at /api)"),
    ],
)
def test_unknown_resources_are_404(app, driver, target, message):
    answer = get(app, target)
    assert answer.status == 404
    assert answer.error == {"status": 404, "code": "not_found", "message": message}
    assert driver.calls == []


@pytest.mark.parametrize(
    ("method", "target", "allow"),
    [
        ("PUT", "/api/images", "GET, HEAD"),
        ("POST", "/api", "GET, HEAD"),
        ("DELETE", "/api/images/img-1", "GET, HEAD"),
        ("PATCH", "/api/instances", "GET, HEAD, POST"),
        ("GET", "/api/instances/i-1/reboot", "POST"),
        ("OPTIONS", "/api/instances/i-1", "DELETE, GET, HEAD"),
    ],
)
def test_wrong_methods_are_405_with_allow(app, driver, method, target, allow):
    answer = request(app, method, target, auth=ALICE_AUTH)
    assert (answer.status, answer.reason) == (405, "Method Not Allowed")
    assert answer.header("Allow") == allow
    assert answer.error == {
        "status": 405,
        "code": "method_not_allowed",
        "message": f"{method} is not allowed on {target} (allowed: {allow})",
    }
    assert driver.calls == []


def test_an_undecodable_path_is_400(app):
    answer = get(app, "/api/images/%FF")
    assert answer.status == 400
    assert answer.error == {
        "status": 400,
        "code": "bad_request",
        "message": "the path is not percent-encoded UTF-8",
    }


def test_a_huge_id_is_400_before_the_driver(app, driver):
    answer = get(app, "/api/images/" + "x" * 1025)
    assert answer.status == 400
    assert answer.error["parameter"] == "id"
    assert driver.calls == []


def test_a_huge_filter_is_400_naming_it(app, driver):
    answer = get(app, "/api/images?architecture=" + "x" * 1025)
    assert answer.status == 400
    assert answer.error == {
        "status": 400,
        "code": "invalid_parameter",
        "message": "parameter 'architecture' is longer than 1024 characters",
        "parameter": "architecture",
    }
    assert driver.calls == []


def test_too_many_parameters_are_400(app, driver):
    answer = get(app, "/api/images?" + "&".join(f"p{i}=1" for i in range(MAX_PARAMETERS + 1)))
    assert answer.status == 400
    assert answer.error["message"] == f"the query has more than {MAX_PARAMETERS} parameters"
    assert driver.calls == []


# -- creating --------------------------------------------------------------------------------------


def test_create_answers_201_with_location_and_the_instance(app, driver):
    answer = post(app, "/api/instances", **form(image_id="img-1", name="web"))
    assert (answer.status, answer.reason) == (201, "Created")
    assert answer.header("Location") == f"{BASE}/instances/i-2"
    assert answer.json()["instance"]["href"] == f"{BASE}/instances/i-2"
    assert answer.json()["instance"]["name"] == "web"
    assert driver.driver_calls("create_instance") == [(ALICE, "img-1", {"name": "web"})]


def test_create_takes_a_json_body_and_gives_none_opts_without_options(app, driver):
    answer = post(
        app,
        "/api/instances",
        body=b'{"image_id": "img-1", "realm_id": null}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert answer.status == 201
    assert driver.driver_calls("create_instance") == [(ALICE, "img-1", None)]


def test_create_takes_parameters_from_the_query_too(app, driver):
    assert post(app, "/api/instances?image_id=img-1&hwp_id=hwp-1").status == 201
    assert driver.driver_calls("create_instance") == [(ALICE, "img-1", {"hwp_id": "hwp-1"})]


@pytest.mark.parametrize(
    ("kwargs", "status", "error"),
    [
        (
            form(name="x"),
            400,
            {
                "code": "invalid_parameter",
                "message": "parameter 'image_id' is required",
                "parameter": "image_id",
            },
        ),
        (
            form(image_id=""),
            400,
            {
                "code": "invalid_parameter",
                "message": "parameter 'image_id' is required",
                "parameter": "image_id",
            },
        ),
        (
            {
                "body": b"image_id=img-1&image_id=img-2",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            400,
            {
                "code": "invalid_parameter",
                "message": "parameter 'image_id' is given more than once",
                "parameter": "image_id",
            },
        ),
        (
            {
                "body": b'{"image_id": "img-1", "hwp_id": 5}',
                "headers": {"Content-Type": "application/json"},
            },
            400,
            {
                "code": "invalid_parameter",
                "message": "parameter 'hwp_id' must be a string, got int",
                "parameter": "hwp_id",
            },
        ),
        (
            {"body": b'{"image_id": ', "headers": {"Content-Type": "application/json"}},
            400,
            {"code": "bad_request", "message": "the body is not valid JSON"},
        ),
        (
            {"body": b'["img-1"]', "headers": {"Content-Type": "application/json"}},
            400,
            {"code": "bad_request", "message": "the JSON body must be an object of parameters"},
        ),
        (
            {"body": b"image_id=img-1", "headers": {"Content-Type": "text/plain"}},
            415,
            {
                "code": "unsupported_media_type",
                "message": "the body must be application/x-www-form-urlencoded or"
                " application/json, got 'text/plain'",
            },
        ),
        (
            {"body": b"image_id=img-1"},
            415,
            {
                "code": "unsupported_media_type",
                "message": "the body must be application/x-www-form-urlencoded or"
                " application/json, got no Content-Type",
            },
        ),
        (
            {
                "body": b"image_id=%FF",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            400,
            {"code": "bad_request", "message": "the body is not percent-encoded UTF-8"},
        ),
        (
            {
                "body": b"image_id=" + b"x" * 70000,
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            413,
            {"code": "too_large", "message": "the body is larger than 65536 bytes"},
        ),
        (
            form(image_id="img-1", name="n" * 1025),
            400,
            {
                "code": "invalid_parameter",
                "message": "parameter 'name' is longer than 1024 characters",
                "parameter": "name",
            },
        ),
    ],
)
def test_a_malformed_create_is_refused_before_the_driver(app, driver, kwargs, status, error):
    answer = post(app, "/api/instances", **kwargs)
    assert answer.status == status
    assert answer.error == {"status": status, **error}
    assert driver.calls == []
    assert list(driver.store) == ["i-1"]


def test_create_of_an_unknown_image_is_the_drivers_404(app):
    answer = post(app, "/api/instances", **form(image_id="img-9"))
    assert answer.status == 404
    assert answer.error == {"status": 404, "code": "not_found", "message": "no image 'img-9'"}


# -- actions ---------------------------------------------------------------------------------------


def test_an_action_answers_202_with_the_instance(app, driver):
    answer = post(app, "/api/instances/i-1/stop")
    assert (answer.status, answer.reason) == (202, "Accepted")
    assert answer.json()["instance"]["state"] == "STOPPED"
    assert driver.driver_calls("stop_instance") == [(ALICE, "i-1")]


def test_an_action_the_machine_forbids_is_405_and_never_reaches_the_driver(app, driver):
    driver.store["i-1"] = driver._make("i-1", "STOPPED")
    answer = post(app, "/api/instances/i-1/reboot")
    assert (answer.status, answer.reason) == (405, "Method Not Allowed")
    assert answer.header("Allow") == ""
    assert answer.error == {
        "status": 405,
        "code": "action_not_allowed",
        "message": "reboot is not allowed on instance 'i-1' in state STOPPED"
        " (the driver's state machine allows: start, destroy)",
    }
    assert driver.driver_calls("reboot_instance") == []
    assert driver.store["i-1"].state == "STOPPED"


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("STOPPED", "stop"),  # already satisfied
        ("RUNNING", "start"),  # already satisfied
        ("RUNNING", "destroy"),  # destroy passes through the stop edge
        ("PENDING", "reboot"),  # after the automatic boot
    ],
)
def test_actions_the_machine_can_lead_to_reach_the_driver(app, driver, state, action):
    driver.store["i-1"] = driver._make("i-1", state)
    answer = post(app, f"/api/instances/i-1/{action}")
    assert answer.status == (204 if action == "destroy" else 202)
    assert driver.driver_calls(f"{action}_instance") == [(ALICE, "i-1")]


def test_without_a_well_formed_machine_the_driver_decides(app, driver):
    driver.states = [("begin", {"pending": "create"})]  # pending is a dead end
    driver.store["i-1"] = driver._make("i-1", "STOPPED")
    assert post(app, "/api/instances/i-1/reboot").status == 202


def test_an_instance_not_listed_yet_goes_to_the_driver(app, driver):
    answer = post(app, "/api/instances/i-9/reboot")
    assert answer.status == 404
    assert answer.error["message"] == "no instance 'i-9'"
    assert driver.driver_calls("reboot_instance") == [(ALICE, "i-9")]


def test_an_action_without_credentials_is_challenged(app, driver):
    answer = post(app, "/api/instances/i-1/reboot", auth=None)
    assert answer.status == 401
    assert answer.header("WWW-Authenticate") == CHALLENGE
    assert driver.driver_calls("reboot_instance") == []


def test_an_action_with_a_body_that_is_not_form_or_json_is_refused(app, driver):
    answer = post(
        app, "/api/instances/i-1/stop", body=b"now", headers={"Content-Type": "text/plain"}
    )
    assert answer.status == 415
    assert driver.driver_calls("stop_instance") == []


@pytest.mark.parametrize(
    ("method", "target"), [("POST", "/api/instances/i-1/destroy"), ("DELETE", "/api/instances/i-1")]
)
def test_destroy_answers_204_with_no_body(app, driver, method, target):
    answer = request(app, method, target, auth=ALICE_AUTH)
    assert (answer.status, answer.reason) == (204, "No Content")
    assert answer.body == b""
    assert answer.headers == []
    assert "i-1" not in driver.store


def test_an_action_returning_no_instance_is_500(driver):
    driver.reboot_instance = lambda credentials, id: None
    answer = post(RestApp(driver), "/api/instances/i-1/reboot")
    assert answer.status == 500
    assert (
        answer.error["message"]
        == "the driver failed: reboot_instance() returned a NoneType, not a Instance"
    )


# -- the state machine -----------------------------------------------------------------------------


def test_instance_states_as_json_marks_automatic_transitions(app):
    answer = get(app, "/api/instance_states", auth=None)
    assert answer.status == 200
    assert answer.json() == {
        "instance_states": [
            {"name": "begin", "transitions": [{"to": "pending", "action": "create"}]},
            {"name": "pending", "transitions": [{"to": "running", "auto": True}]},
            {
                "name": "running",
                "transitions": [
                    {"to": "running", "action": "reboot"},
                    {"to": "stopped", "action": "stop"},
                ],
            },
            {
                "name": "stopped",
                "transitions": [
                    {"to": "running", "action": "start"},
                    {"to": "end", "action": "destroy"},
                ],
            },
        ]
    }


def test_instance_states_as_xml(app):
    answer = get(app, "/api/instance_states?format=xml")
    assert (
        answer.body.decode()
        .splitlines()[1]
        .startswith(
            '<instance_states><state name="begin"><transitions>'
            '<transition to="pending" action="create" /></transitions></state>'
            '<state name="pending"><transitions><transition to="running" auto="true" />'
        )
    )


def test_instance_states_as_mermaid(app):
    answer = get(app, "/api/instance_states?format=mermaid")
    assert answer.header("Content-Type") == "text/plain; charset=utf-8"
    assert answer.body.decode() == (
        "stateDiagram-v2\n"
        "    direction LR\n"
        "    [*] --> pending: create\n"
        "    pending --> running: automatic\n"
        "    running --> running: reboot\n"
        "    running --> stopped: stop\n"
        "    stopped --> running: start\n"
        "    stopped --> [*]: destroy\n"
    )


@pytest.mark.parametrize("how", [{"target": "?format=svg"}, {"accept": "image/svg+xml"}])
def test_instance_states_as_svg(app, how):
    headers = {"Accept": how["accept"]} if "accept" in how else None
    answer = get(app, "/api/instance_states" + how.get("target", ""), headers=headers)
    assert answer.status == 200
    assert answer.header("Content-Type") == "image/svg+xml; charset=utf-8"
    svg = answer.xml()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert sorted(texts) == sorted(
        [
            *("reboot", "stop", "start", "destroy", "create", "automatic"),
            *("begin", "pending", "running", "stopped", "end"),
        ]
    )
    dashed = [p for p in svg.iter("{http://www.w3.org/2000/svg}path") if p.get("stroke-dasharray")]
    assert len(dashed) == 1


def test_an_unreadable_machine_is_500(driver):
    driver.instance_states = lambda: {"begin": "pending"}
    answer = get(RestApp(driver), "/api/instance_states")
    assert answer.status == 500
    assert answer.error["message"] == (
        "the driver failed: instance_states() did not return a list of"
        " (state, {destination: action}) pairs"
    )


# -- negotiation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/xml", "application/xml; charset=utf-8"),
        ("application/xml, */*", "application/xml; charset=utf-8"),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "application/xml; charset=utf-8",
        ),
        ("application/xml;q=0.5, application/json", "application/json"),
        ("application/*", "application/json"),
    ],
)
def test_accept_chooses_the_format(app, accept, content_type):
    answer = get(app, "/api/realms", headers={"Accept": accept} if accept else None)
    assert answer.status == 200
    assert answer.header("Content-Type") == content_type


@pytest.mark.parametrize(
    ("target", "accept", "message"),
    [
        (
            "/api/realms",
            "text/csv",
            "cannot produce Accept: text/csv; available: application/json, application/xml"
            " (or ?format=json|xml)",
        ),
        (
            "/api/realms?format=svg",
            None,
            "cannot produce format 'svg'; available: application/json, application/xml"
            " (or ?format=json|xml)",
        ),
        (
            "/api/instance_states",
            "application/json;q=0, text/csv",
            "cannot produce Accept: application/json;q=0, text/csv; available: application/json,"
            " application/xml, image/svg+xml, text/plain (or ?format=json|xml|svg|mermaid)",
        ),
    ],
)
def test_a_type_the_front_cannot_produce_is_406_before_the_driver(
    app, driver, target, accept, message
):
    answer = get(app, target, headers={"Accept": accept} if accept else None)
    assert (answer.status, answer.reason) == (406, "Not Acceptable")
    assert answer.header("Content-Type") == "application/json"
    assert answer.error == {"status": 406, "code": "not_acceptable", "message": message}
    assert driver.calls == []


def test_errors_follow_the_negotiated_format(app):
    answer = get(app, "/api/images/img-9", headers={"Accept": "application/xml"})
    assert answer.status == 404
    assert answer.body.decode() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<error status="404" code="not_found"><message>no image \'img-9\'</message></error>\n'
    )


def test_a_failing_front_answers_500_without_details(driver, caplog):
    class Broken(RestApp):
        def listing(self, request, collection):
            raise RuntimeError("s3cret internals")

    with caplog.at_level(logging.ERROR, logger="dctck.rest"):
        answer = get(Broken(driver), "/api/realms")
    assert answer.status == 500
    assert answer.error == {
        "status": 500,
        "code": "internal_error",
        "message": "the REST front failed",
    }
    assert b"s3cret" not in answer.body


def test_a_target_that_is_not_a_wsgi_string_is_400(app, driver):
    answer = request(app, "GET", "/api/realms/\u20ac", raw_uri=False)
    assert answer.status == 400
    assert answer.error == {
        "status": 400,
        "code": "bad_request",
        "message": "the request target cannot be read",
    }
    assert driver.calls == []
