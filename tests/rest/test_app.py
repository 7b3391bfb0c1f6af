"""RestApp through a WSGI client: Deltacloud's routes, statuses, headers and exact documents.

XML answers are read as a foreign client reads them, with ElementTree paths (``link`` children of
the ``<api>`` root is XPath ``//api/link``), or compared byte for byte.
"""

import logging

import pytest

from dctck import ActionNotAllowed, HardwareProfile, ProviderError, ValidationError
from dctck.rest import CHALLENGE, MAX_PARAMETERS, SERVER, RestApp
from tests.rest._drivers import ALICE, ALICE_AUTH, CatalogueOnly, Regional, TinyDriver
from tests.rest._wsgi import request

BASE = "http://front.test:8080/api"
JSON = {"Accept": "application/json"}
XML = {"Accept": "application/xml"}
HTML = {"Accept": "text/html"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

INSTANCE_1 = {
    "id": "i-1",
    "href": f"{BASE}/instances/i-1",
    "name": "i-1",
    "state": "RUNNING",
    "owner": "alice",
    "image": {"id": "img-1", "href": f"{BASE}/images/img-1", "rel": "image"},
    "realm": {"id": "r-1", "href": f"{BASE}/realms/r-1", "rel": "realm"},
    "hardware_profile": {
        "id": "hwp-1",
        "href": f"{BASE}/hardware_profiles/hwp-1",
        "rel": "hardware_profile",
    },
    "actions": [
        {"rel": "reboot", "method": "post", "href": f"{BASE}/instances/i-1/reboot"},
        {"rel": "stop", "method": "post", "href": f"{BASE}/instances/i-1/stop"},
    ],
    "public_addresses": [{"address": "203.0.113.1", "type": "ipv4"}],
    "private_addresses": [{"address": "10.0.0.1", "type": "ipv4"}],
}
INSTANCE_1_XML = (
    f'<instance id="i-1" href="{BASE}/instances/i-1"><name>i-1</name><owner_id>alice</owner_id>'
    f'<image id="img-1" href="{BASE}/images/img-1" /><realm id="r-1" href="{BASE}/realms/r-1" />'
    f'<hardware_profile id="hwp-1" href="{BASE}/hardware_profiles/hwp-1" /><state>RUNNING</state>'
    f'<actions><link rel="reboot" method="post" href="{BASE}/instances/i-1/reboot" />'
    f'<link rel="stop" method="post" href="{BASE}/instances/i-1/stop" /></actions>'
    '<public_addresses><address type="ipv4">203.0.113.1</address></public_addresses>'
    '<private_addresses><address type="ipv4">10.0.0.1</address></private_addresses>'
    "<storage_volumes /></instance>"
)


@pytest.fixture
def driver():
    return TinyDriver()


@pytest.fixture
def app(driver):
    return RestApp(driver)


def get(app, target, accept=JSON, **kwargs):
    kwargs.setdefault("auth", ALICE_AUTH)
    return request(app, "GET", target, headers={**accept, **kwargs.pop("headers", {})}, **kwargs)


def post(app, target, accept=JSON, **kwargs):
    kwargs.setdefault("auth", ALICE_AUTH)
    return request(app, "POST", target, headers={**accept, **kwargs.pop("headers", {})}, **kwargs)


def form(**fields):
    body = "&".join(f"{key}={value}" for key, value in fields.items()).encode()
    return {"body": body, "headers": FORM}


# -- the entry point -------------------------------------------------------------------------------


def test_entry_point_in_xml_is_the_default_with_links_as_children_of_api(app):
    answer = get(app, "/api", accept={})
    assert answer.status == 200
    assert answer.body.decode() == (
        f'{DECLARATION}<api version="1.1" driver="tiny">'
        f'<link rel="hardware_profiles" href="{BASE}/hardware_profiles" />'
        f'<link rel="realms" href="{BASE}/realms" />'
        f'<link rel="images" href="{BASE}/images" />'
        f'<link rel="instances" href="{BASE}/instances" />'
        f'<link rel="instance_states" href="{BASE}/instance_states" />'
        f'<link rel="drivers" href="{BASE}/drivers" /></api>\n'
    )
    assert [link.get("rel") for link in answer.xml().findall("link")] == [
        "hardware_profiles",
        "realms",
        "images",
        "instances",
        "instance_states",
        "drivers",
    ]


def test_every_answer_names_server_and_driver_and_a_200_has_an_etag(app):
    answer = get(app, "/api", accept={})
    assert [name for name, _ in answer.headers] == [
        "Content-Type",
        "Content-Length",
        "Server",
        "X-Deltacloud-Driver",
        "Vary",
        "ETag",
        "Date",
    ]
    assert answer.header("Content-Type") == "application/xml"
    assert answer.header("Server") == SERVER == "Apache-Deltacloud/1.1"
    assert answer.header("X-Deltacloud-Driver") == "tiny"
    assert answer.header("Vary") == "Accept, X-Deltacloud-Driver, X-Deltacloud-Provider"
    missing = get(app, "/api/images/none")
    assert (missing.status, missing.header("Server")) == (404, SERVER)
    assert missing.header("X-Deltacloud-Driver") == "tiny"
    assert missing.header("ETag") is None


def test_if_none_match_with_the_etag_answers_304_with_no_body(app):
    etag = get(app, "/api/realms").header("ETag")
    assert etag.startswith('"')
    answer = get(app, "/api/realms", headers={"If-None-Match": etag})
    assert (answer.status, answer.body) == (304, b"")
    assert get(app, "/api/realms", headers={"If-None-Match": '"other"'}).status == 200


def test_entry_point_in_json(app):
    links = ["hardware_profiles", "realms", "images", "instances", "instance_states", "drivers"]
    assert get(app, "/api").json() == {
        "api": {
            "version": "1.1",
            "driver": "tiny",
            "provider": None,
            "links": [{"rel": r, "href": f"{BASE}/{r}", "features": []} for r in links],
        }
    }


def test_entry_point_advertises_the_drivers_features(driver):
    driver.features = lambda: {"instances": {"user_name"}}
    answer = get(RestApp(driver), "/api", accept=XML)
    (feature,) = answer.xml().findall("link/feature")  # XPath //api/link/feature
    assert feature.attrib == {"name": "user_name", "rel": "create"}
    assert [p.get("name") for p in feature.findall("param")] == ["name"]
    assert answer.xml().find("link[@rel='instances']/feature").attrib == feature.attrib
    links = get(RestApp(driver), "/api").json()["api"]["links"]
    assert {link["rel"]: link["features"] for link in links}["instances"] == ["user_name"]


def test_entry_point_lists_only_what_the_driver_has():
    app = RestApp(CatalogueOnly())
    assert [link["rel"] for link in get(app, "/api").json()["api"]["links"]] == [
        "hardware_profiles",
        "instance_states",
        "drivers",
    ]
    answer = get(app, "/api/realms")
    assert answer.status == 404
    assert answer.error == {
        "code": 404,
        "message": "the catalogue driver has no realms",
        "error": "not_found",
    }


def test_force_auth_checks_credentials_through_the_driver(app, driver):
    assert get(app, "/api?force_auth=1", auth=None).status == 401
    assert driver.calls == []
    wrong = get(app, "/api?force_auth=1", auth="Basic YWxpY2U6d3Jvbmc=")  # alice:wrong
    assert (wrong.status, wrong.header("WWW-Authenticate")) == (401, CHALLENGE)
    assert get(app, "/api?force_auth=1").status == 200
    assert get(app, "/api", auth=None).status == 200
    assert [call[0] for call in driver.calls] == ["instances", "instances"]


# -- negotiation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, "application/xml"),
        ("application/xml", "application/xml"),
        ("text/xml", "application/xml"),
        ("application/json", "application/json"),
        ("*/*", "text/html"),
        ("application/*", "application/xml"),
        ("*/*; q=0.5, application/xml", "application/xml"),
        ("application/json;q=0.4, application/xml;q=0.6", "application/xml"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("application/xhtml+xml", "text/html"),
    ],
)
def test_accept_chooses_the_format_honouring_q_values(app, accept, content_type):
    answer = get(app, "/api/realms", accept={"Accept": accept} if accept else {})
    assert (answer.status, answer.header("Content-Type")) == (200, content_type)


@pytest.mark.parametrize(
    ("name", "content_type"), [("json", "application/json"), ("html", "text/html")]
)
def test_format_parameter_overrides_accept_and_never_reaches_the_driver(
    app, driver, name, content_type
):
    answer = get(app, f"/api/realms?format={name}", accept=XML)
    assert answer.header("Content-Type") == content_type
    assert driver.driver_calls("realms") == [(ALICE, None)]


@pytest.mark.parametrize(
    ("target", "accept", "message"),
    [
        (
            "/api/realms",
            "text/csv",
            "cannot produce Accept: text/csv; available: text/html, application/xml,"
            " application/json (or ?format=xml|json|html)",
        ),
        (
            "/api/realms?format=svg",
            None,
            "cannot produce format 'svg'; available: text/html, application/xml,"
            " application/json (or ?format=xml|json|html)",
        ),
    ],
)
def test_a_type_the_front_cannot_produce_is_406_before_the_driver(
    app, driver, target, accept, message
):
    answer = get(app, target, accept={"Accept": accept} if accept else {})
    assert answer.status == 406
    assert answer.header("Content-Type") == "application/xml"
    root = answer.xml()
    assert (root.tag, root.get("status"), root.findtext("code")) == ("error", "406", "406")
    assert root.findtext("message") == message
    assert driver.calls == []


def test_errors_follow_the_negotiated_format(app):
    assert get(app, "/api/images/none", accept={}).body.decode() == (
        f'{DECLARATION}<error status="404" url="/api/images/none"><code>404</code>'
        "<message>no image 'none'</message></error>\n"
    )
    assert get(app, "/api/images/none").error == {
        "code": 404,
        "message": "no image 'none'",
        "error": "not_found",
    }
    page = get(app, "/api/images/none", accept=HTML)
    assert page.header("Content-Type") == "text/html"
    assert "no image &#39;none&#39;" in page.body.decode()


# -- collections and members -----------------------------------------------------------------------


def test_hardware_profiles_show_fixed_properties_with_memory_in_mb(app):
    assert get(app, "/api/hardware_profiles").json() == {
        "hardware_profiles": [
            {
                "id": "hwp-1",
                "href": f"{BASE}/hardware_profiles/hwp-1",
                "name": "hwp-1",
                "properties": [
                    {"kind": "fixed", "name": "cpu", "unit": "count", "value": 2},
                    {"kind": "fixed", "name": "memory", "unit": "MB", "value": 1536},
                    {"kind": "fixed", "name": "storage", "unit": "GB", "value": 20},
                    {"kind": "fixed", "name": "architecture", "unit": "label", "value": "x86_64"},
                ],
            }
        ]
    }
    profile = get(app, "/api/hardware_profiles", accept=XML).xml().find("hardware_profile")
    assert profile.findtext("name") == "hwp-1"
    assert [p.attrib for p in profile.findall("property")][1] == {
        "kind": "fixed",
        "name": "memory",
        "unit": "MB",
        "value": "1536",
    }


def test_realms_have_a_name_a_state_and_a_limit_only_when_there_is_one(app, driver):
    assert get(app, "/api/realms").json() == {
        "realms": [{"id": "r-1", "href": f"{BASE}/realms/r-1", "name": "one", "state": "AVAILABLE"}]
    }
    assert get(app, "/api/realms/r-1", accept=XML).body.decode() == (
        f'{DECLARATION}<realm id="r-1" href="{BASE}/realms/r-1"><name>one</name>'
        "<state>AVAILABLE</state></realm>\n"
    )


def test_images_have_every_key_their_profiles_and_a_create_action(app):
    assert get(app, "/api/images").json() == {
        "images": [
            {
                "id": "img-1",
                "href": f"{BASE}/images/img-1",
                "name": "linux",
                "owner": "alice",
                "architecture": "x86_64",
                "state": "AVAILABLE",
                "description": "a <linux> & more",
                "hardware_profiles": [
                    {
                        "id": "hwp-1",
                        "href": f"{BASE}/hardware_profiles/hwp-1",
                        "rel": "hardware_profile",
                    }
                ],
                "actions": [
                    {
                        "rel": "create_instance",
                        "method": "post",
                        "href": f"{BASE}/instances;image_id=img-1",
                    }
                ],
            }
        ]
    }
    assert get(app, "/api/images", accept=XML).body.decode() == (
        f'{DECLARATION}<images><image id="img-1" href="{BASE}/images/img-1"><name>linux</name>'
        "<owner_id>alice</owner_id><architecture>x86_64</architecture><state>AVAILABLE</state>"
        "<description>a &lt;linux&gt; &amp; more</description><hardware_profiles>"
        f'<hardware_profile id="hwp-1" href="{BASE}/hardware_profiles/hwp-1"'
        ' rel="hardware_profile" /></hardware_profiles><actions><link rel="create_instance"'
        f' method="post" href="{BASE}/instances;image_id=img-1" /></actions></image></images>\n'
    )


def test_instances_in_json_and_xml(app):
    assert get(app, "/api/instances").json() == {"instances": [INSTANCE_1]}
    assert get(app, "/api/instances/i-1").json() == {"instance": INSTANCE_1}
    assert get(app, "/api/instances/i-1", accept=XML).body.decode() == (
        f"{DECLARATION}{INSTANCE_1_XML}\n"
    )
    listed = get(app, "/api/instances", accept=XML).xml()
    assert [link.get("rel") for link in listed.findall("instance/actions/link")] == [
        "reboot",
        "stop",
    ]


def test_an_instance_without_addresses_still_has_their_elements(driver):
    driver.store["i-1"] = driver._make("i-1", "STOPPED")
    driver.store["i-1"].public_addresses.clear()
    instance = get(RestApp(driver), "/api/instances/i-1", accept=XML).xml()
    assert [len(instance.findall(tag)) for tag in ("public_addresses", "storage_volumes")] == [1, 1]
    assert instance.find("public_addresses").findall("address") == []
    assert [a.get("rel") for a in instance.findall("actions/link")] == ["start", "destroy"]
    assert instance.find("actions/link[@rel='destroy']").attrib == {
        "rel": "destroy",
        "method": "delete",
        "href": f"{BASE}/instances/i-1",
    }


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
    assert driver.driver_calls("hardware_profiles") == [(ALICE, opts)]


def test_unknown_member_is_404(app):
    answer = get(app, "/api/images/img-9")
    assert answer.status == 404
    assert answer.error == {"code": 404, "message": "no image 'img-9'", "error": "not_found"}


def test_ids_are_percent_decoded_from_the_raw_path(app, driver):
    assert get(app, "/api/realms/a%2Fb%20c").status == 404
    assert get(app, "/api/realms/x;y=z").status == 404  # an id's ; is part of it
    assert [call[1] for call in driver.driver_calls("realms")] == [{"id": "a/b c"}, {"id": "x;y=z"}]


def test_a_trailing_slash_names_the_same_resource(app):
    assert get(app, "/api/realms/").json() == get(app, "/api/realms").json()


def test_without_a_raw_uri_the_path_info_is_used(app):
    assert get(app, "/api/realms/r-1", raw_uri=False).json()["realm"]["id"] == "r-1"


def test_head_answers_the_headers_of_get(app):
    full = get(app, "/api/realms")
    answer = request(app, "HEAD", "/api/realms", auth=ALICE_AUTH, headers=JSON)
    assert (answer.status, answer.body) == (200, b"")
    assert answer.header("Content-Length") == str(len(full.body))
    assert answer.header("ETag") == full.header("ETag")


# -- credentials -----------------------------------------------------------------------------------


def test_basic_credentials_reach_the_driver_and_none_give_empty_dict(app, driver):
    get(app, "/api/realms")
    get(app, "/api/realms", auth=None)
    assert [call[0] for call in driver.driver_calls("realms")] == [ALICE, {}]


def test_auth_exception_without_credentials_is_a_basic_challenge(app):
    answer = get(app, "/api/images", auth=None)
    assert (answer.status, answer.reason) == (401, "UNAUTHORIZED")
    assert (
        answer.header("WWW-Authenticate")
        == CHALLENGE
        == 'Basic realm="Deltacloud API", charset="UTF-8"'
    )
    assert answer.error == {
        "code": 401,
        "message": "credentials required",
        "error": "authentication_required",
    }


def test_rejected_credentials_are_401_and_the_password_is_redacted(app):
    answer = get(app, "/api/images", auth="Basic YWxpY2U6d3Jvbmc=")  # alice:wrong
    assert (answer.status, answer.header("WWW-Authenticate")) == (401, CHALLENGE)
    assert answer.error == {
        "code": 401,
        "message": "rejected 'alice' with password ***",
        "error": "authentication_failed",
    }
    assert b"wrong" not in answer.body


@pytest.mark.parametrize("authorization", ["Bearer abc", "Basic !!!", "Basic //79"])
def test_malformed_authorization_is_refused_before_the_driver(app, driver, authorization):
    answer = get(app, "/api/realms", auth=authorization)
    assert (answer.status, answer.header("WWW-Authenticate")) == (401, CHALLENGE)
    assert answer.error == {
        "code": 401,
        "message": "only valid HTTP Basic credentials are accepted",
        "error": "authentication_failed",
    }
    assert driver.calls == []


def test_utf8_credentials_are_decoded(app, driver):
    get(app, "/api/realms", auth="Basic w6lsw6g6cMOkc3M=")  # élè:päss
    assert driver.driver_calls("realms")[0][0] == {"name": "élè", "password": "päss"}


# -- driver errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status", "kind"),
    [
        (ValidationError("bad opts"), 400, "validation_error"),
        (ActionNotAllowed("not now"), 409, "conflict"),
        (ProviderError("throttled"), 502, "provider_error"),
    ],
)
def test_driver_errors_map_to_statuses(app, driver, error, status, kind):
    driver.fail_with = error
    answer = get(app, "/api/realms")
    assert answer.status == status
    assert answer.error == {"code": status, "message": str(error), "error": kind}


def test_unexpected_exception_is_500_naming_only_its_type(app, driver, caplog):
    driver.fail_with = KeyError("s3cret is in here")
    with caplog.at_level(logging.ERROR, logger="dctck.rest"):
        answer = get(app, "/api/realms")
    assert answer.status == 500
    assert answer.error == {
        "code": 500,
        "message": "the driver failed: realms() raised KeyError",
        "error": "driver_failure",
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
        "code": 500,
        "message": f"the driver failed: {message}",
        "error": "driver_failure",
    }


@pytest.mark.parametrize(
    ("memory", "message"),
    [
        (float("nan"), "a hardware profile's memory is nan, not a finite number"),
        ("1 GB", "a hardware profile's memory is a str"),
    ],
)
def test_a_number_the_api_cannot_carry_is_500(driver, memory, message):
    driver.hardware_profiles = lambda c, o=None: [HardwareProfile(id="h", memory=memory)]
    answer = get(RestApp(driver), "/api/hardware_profiles")
    assert (answer.status, answer.error["message"]) == (500, f"the driver failed: {message}")


# -- routes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/api/flavors", "no such resource: /api/flavors"),
        ("/api/images/img-1/extra", "no such resource: /api/images/img-1/extra"),
        ("/api/instances//reboot", "no such resource: /api/instances//reboot"),
        ("/api/instances/i-1/explode", "no such resource: /api/instances/i-1/explode"),
        ("/", "no such resource: / (the API is at /api)"),
        ("/etc/passwd", "no such resource: /etc/passwd (the API is at /api)"),
    ],
)
def test_unknown_resources_are_404(app, driver, target, message):
    answer = get(app, target)
    assert answer.status == 404
    assert answer.error == {"code": 404, "message": message, "error": "not_found"}
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
    answer = request(app, method, target, auth=ALICE_AUTH, headers=JSON)
    assert (answer.status, answer.header("Allow")) == (405, allow)
    assert answer.error == {
        "code": 405,
        "message": f"{method} is not allowed on {target} (allowed: {allow})",
        "error": "method_not_allowed",
    }
    assert driver.calls == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/api/images/%FF", "the path is not percent-encoded UTF-8"),
        ("/api/images/" + "x" * 1025, "a path segment is longer than 1024 characters"),
        (
            "/api/images?architecture=" + "x" * 1025,
            "parameter 'architecture' is longer than 1024 characters",
        ),
        (
            "/api/images?" + "&".join(f"k{i}=v" for i in range(MAX_PARAMETERS + 1)),
            f"the query has more than {MAX_PARAMETERS} parameters",
        ),
        ("/api/images?id=%FF", "the query is not percent-encoded UTF-8"),
        ("/api;driver/images", "matrix parameter 'driver' is not NAME=VALUE"),
    ],
)
def test_malformed_targets_are_400_before_the_driver(app, driver, target, message):
    answer = get(app, target)
    assert (answer.status, answer.error["message"]) == (400, message)
    assert driver.calls == []


def test_a_target_that_is_not_a_wsgi_string_is_400(app, driver):
    answer = get(app, "/api/realms/\u20ac", raw_uri=False)
    assert (answer.status, answer.header("Server")) == (400, SERVER)
    assert answer.xml().findtext("message") == "the request target cannot be read"
    assert driver.calls == []


# -- creating instances ----------------------------------------------------------------------------


def test_create_answers_201_with_location_and_the_instance(app, driver):
    answer = post(app, "/api/instances", **form(image_id="img-1", name="web"))
    assert answer.status == 201
    assert answer.header("Location") == f"{BASE}/instances/i-2"
    assert answer.json()["instance"]["name"] == "web"
    assert driver.driver_calls("create_instance") == [(ALICE, "img-1", {"name": "web"})]


def test_create_in_xml_answers_the_instance_element(app):
    answer = post(app, "/api/instances", accept=XML, **form(image_id="img-1"))
    assert answer.status == 201
    assert answer.xml().tag == "instance"
    assert answer.xml().get("href") == answer.header("Location")


@pytest.mark.parametrize(
    "how",
    [
        {"target": "/api/instances?image_id=img-1&hwp_id=hwp-1&realm_id=r-1"},
        {"target": "/api/instances;image_id=img-1?hwp_id=hwp-1&realm_id=r-1"},
        {
            "target": "/api/instances",
            "body": b'{"image_id": "img-1", "hwp_id": "hwp-1", "realm_id": "r-1"}',
            "headers": {"Content-Type": "application/json"},
        },
    ],
    ids=["query", "matrix", "json"],
)
def test_create_takes_the_query_the_images_matrix_href_or_json(app, driver, how):
    target = how.pop("target")
    assert post(app, target, **how).status == 201
    assert driver.driver_calls("create_instance") == [
        (ALICE, "img-1", {"hwp_id": "hwp-1", "realm_id": "r-1"})
    ]


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({}, 400, "parameter 'image_id' is required"),
        (form(name="x"), 400, "parameter 'image_id' is required"),
        (form(image_id=""), 400, "parameter 'image_id' is required"),
        (
            {"target": "/api/instances?image_id=img-1", **form(image_id="img-1")},
            400,
            "parameter 'image_id' is given more than once",
        ),
        (
            {
                "body": b'{"image_id": "img-1", "hwp_id": 5}',
                "headers": {"Content-Type": "application/json"},
            },
            400,
            "parameter 'hwp_id' must be a string, got int",
        ),
        (
            {"body": b"[1]", "headers": {"Content-Type": "application/json"}},
            400,
            "the JSON body must be an object of parameters",
        ),
        (
            {"body": b"{", "headers": {"Content-Type": "application/json"}},
            400,
            "the body is not valid JSON",
        ),
        (
            {"body": b"image_id=img-1", "headers": {"Content-Type": "text/plain"}},
            415,
            "the body must be application/x-www-form-urlencoded or application/json, got"
            " 'text/plain'",
        ),
        ({"body": b"x" * 70_000, "headers": FORM}, 413, "the body is larger than 65536 bytes"),
    ],
)
def test_a_malformed_create_is_refused_before_the_driver(app, driver, kwargs, status, message):
    target = kwargs.pop("target", "/api/instances")
    answer = post(app, target, **kwargs)
    assert (answer.status, answer.error["message"]) == (status, message)
    assert driver.driver_calls("create_instance") == []


def test_create_of_an_unknown_image_is_the_drivers_404(app):
    answer = post(app, "/api/instances", **form(image_id="img-9"))
    assert answer.error == {"code": 404, "message": "no image 'img-9'", "error": "not_found"}


# -- actions ---------------------------------------------------------------------------------------


def test_an_action_answers_202_with_the_instance_object_itself(app, driver):
    answer = post(app, "/api/instances/i-1/stop")
    assert answer.status == 202
    document = answer.json()
    assert (document["id"], document["state"]) == ("i-1", "STOPPED")
    assert "instance" not in document
    assert post(app, "/api/instances/i-1/start", accept=XML).xml().get("id") == "i-1"


def test_an_action_not_among_the_instances_actions_is_405_before_the_driver(app, driver):
    answer = post(app, "/api/instances/i-1/start")  # i-1 is RUNNING: reboot, stop
    assert (answer.status, answer.header("Allow")) == (405, "")
    assert answer.error == {
        "code": 405,
        "message": "start is not allowed on instance 'i-1' in state RUNNING"
        " (its actions: reboot, stop)",
        "error": "action_not_allowed",
    }
    assert driver.driver_calls("start_instance") == []


def test_the_instances_actions_decide_not_the_state_machine(driver):
    driver.store["i-1"] = driver._make("i-1", "RUNNING")
    object.__setattr__(driver.store["i-1"], "actions", ["reboot"])
    app = RestApp(driver)
    assert post(app, "/api/instances/i-1/stop").status == 405
    assert post(app, "/api/instances/i-1/reboot").status == 202


def test_an_instance_the_driver_does_not_show_is_the_drivers_to_answer(app, driver):
    answer = post(app, "/api/instances/i-9/reboot")
    assert answer.error == {"code": 404, "message": "no instance 'i-9'", "error": "not_found"}
    assert driver.driver_calls("reboot_instance") == [(ALICE, "i-9")]


def test_an_action_without_credentials_is_challenged(app, driver):
    answer = post(app, "/api/instances/i-1/reboot", auth=None)
    assert (answer.status, answer.header("WWW-Authenticate")) == (401, CHALLENGE)
    assert driver.driver_calls("reboot_instance") == []


def test_an_action_with_a_body_that_is_not_form_or_json_is_refused(app, driver):
    answer = post(
        app, "/api/instances/i-1/reboot", body=b"now", headers={"Content-Type": "text/plain"}
    )
    assert answer.status == 415
    assert driver.driver_calls("reboot_instance") == []


@pytest.mark.parametrize(
    ("method", "target", "kwargs"),
    [
        ("POST", "/api/instances/i-1/destroy", {}),
        ("DELETE", "/api/instances/i-1", {}),
        ("POST", "/api/instances/i-1", form(_method="delete")),
    ],
)
def test_destroy_answers_204_with_no_body(driver, method, target, kwargs):
    driver.store["i-1"] = driver._make("i-1", "STOPPED")
    answer = request(RestApp(driver), method, target, auth=ALICE_AUTH, **kwargs)
    assert (answer.status, answer.body) == (204, b"")
    assert driver.driver_calls("destroy_instance") == [(ALICE, "i-1")]


def test_a_post_on_an_instance_without_method_override_is_405(app, driver):
    assert post(app, "/api/instances/i-1", **form(_method="put")).status == 405


def test_an_action_returning_no_instance_is_500(driver):
    driver.reboot_instance = lambda credentials, id: None
    answer = post(RestApp(driver), "/api/instances/i-1/reboot")
    assert (
        answer.error["message"]
        == "the driver failed: reboot_instance() returned a NoneType, not a Instance"
    )


# -- the console's forms ---------------------------------------------------------------------------


def test_a_browser_form_creates_then_sees_the_new_instance(app, driver):
    answer = post(app, "/api/instances", accept=HTML, **form(image_id="img-1", hwp_id="", name=""))
    assert (answer.status, answer.header("Location")) == (303, f"{BASE}/instances/i-2")
    assert driver.driver_calls("create_instance") == [(ALICE, "img-1", None)]


def test_a_browser_action_and_destroy_lead_back_to_pages(app, driver):
    stopped = post(app, "/api/instances/i-1/stop", accept=HTML)
    assert (stopped.status, stopped.header("Location")) == (303, f"{BASE}/instances/i-1")
    gone = post(app, "/api/instances/i-1", accept=HTML, **form(_method="delete"))
    assert (gone.status, gone.header("Location")) == (303, f"{BASE}/instances")


def test_an_instance_page_has_its_actions_as_buttons_and_no_script(app):
    page = get(app, "/api/instances/i-1", accept=HTML).body.decode()
    assert f'<form method="post" action="{BASE}/instances/i-1/stop">' in page
    assert '<button type="submit" id="action-reboot">reboot</button>' in page
    assert "<script" not in page


def test_the_instances_page_has_a_create_form(app):
    page = get(app, "/api/instances", accept=HTML).body.decode()
    assert f'<form class="create" id="create-form" method="post" action="{BASE}/instances">' in page
    assert '<option value="img-1">img-1 · linux · x86_64</option>' in page


# -- the state machine -----------------------------------------------------------------------------


def test_instance_states_as_json_is_an_array_marking_automatic_transitions(app):
    assert get(app, "/api/instance_states").json() == [
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


def test_instance_states_as_xml(app):
    root = get(app, "/api/instance_states", accept=XML).xml()
    assert root.tag == "states"
    assert [s.get("name") for s in root.findall("state")] == [
        "begin",
        "pending",
        "running",
        "stopped",
    ]
    assert root.find("state[@name='pending']/transition").attrib == {
        "to": "running",
        "auto": "true",
    }


def test_instance_states_as_mermaid(app):
    answer = get(app, "/api/instance_states?format=mermaid")
    assert answer.header("Content-Type") == "text/plain; charset=utf-8"
    assert answer.body.decode().splitlines()[:3] == [
        "stateDiagram-v2",
        "    direction LR",
        "    [*] --> pending: create",
    ]


@pytest.mark.parametrize("how", [{"target": "?format=svg"}, {"accept": "image/svg+xml"}])
def test_instance_states_as_svg(app, how):
    accept = {"Accept": how["accept"]} if "accept" in how else {}
    answer = get(app, "/api/instance_states" + how.get("target", ""), accept=accept)
    assert answer.header("Content-Type") == "image/svg+xml"
    assert answer.xml().tag == "{http://www.w3.org/2000/svg}svg"


def test_the_states_page_embeds_the_picture(app):
    page = get(app, "/api/instance_states", accept=HTML).body.decode()
    assert '<figure id="picture"><svg xmlns="http://www.w3.org/2000/svg"' in page


def test_an_unreadable_machine_is_500(driver):
    driver.instance_states = lambda: "nope"
    answer = get(RestApp(driver), "/api/instance_states")
    assert answer.error["message"] == (
        "the driver failed: instance_states() did not return a list of (state,"
        " {destination: action}) pairs"
    )


# -- several drivers, providers --------------------------------------------------------------------


@pytest.fixture
def hosting():
    return RestApp(drivers={"tiny": TinyDriver(), "regional": Regional()}, default="tiny")


def test_the_driver_is_chosen_by_header_or_matrix_parameter(hosting):
    assert get(hosting, "/api").json()["api"]["driver"] == "tiny"
    by_header = get(hosting, "/api", headers={"X-Deltacloud-Driver": "REGIONAL"})
    assert by_header.json()["api"]["driver"] == "regional"
    assert by_header.header("X-Deltacloud-Driver") == "regional"
    by_matrix = get(hosting, "/api;driver=regional/realms")
    assert by_matrix.header("X-Deltacloud-Driver") == "regional"
    assert by_matrix.json()["realms"][0]["href"] == (
        "http://front.test:8080/api;driver=regional/realms/r-1"
    )


def test_each_driver_keeps_its_own_state(hosting):
    post(hosting, "/api;driver=regional/instances", **form(image_id="img-1"))
    regional = get(hosting, "/api/instances", headers={"X-Deltacloud-Driver": "regional"})
    assert [i["id"] for i in regional.json()["instances"]] == ["i-1", "i-2"]
    assert [i["id"] for i in get(hosting, "/api/instances").json()["instances"]] == ["i-1"]


def test_an_unknown_driver_is_a_clear_400(hosting):
    answer = get(hosting, "/api", headers={"X-Deltacloud-Driver": "nimbus"})
    assert answer.error == {
        "code": 400,
        "message": "this server hosts no driver 'nimbus' (it hosts: tiny, regional)",
        "error": "unknown_driver",
    }


def test_drivers_are_listed_and_shown_with_their_providers(hosting):
    assert get(hosting, "/api/drivers").json() == {
        "drivers": [
            {"id": "tiny", "href": f"{BASE}/drivers/tiny", "name": "Tiny"},
            {"id": "regional", "href": f"{BASE}/drivers/regional", "name": "Regional"},
        ]
    }
    shown = get(hosting, "/api/drivers/regional", accept=XML).xml()
    assert [p.get("id") for p in shown.findall("provider")] == ["north", "south"]
    assert get(hosting, "/api/drivers/nimbus").status == 404


def test_the_provider_is_chosen_per_request_and_kept(hosting):
    south = {"X-Deltacloud-Driver": "regional", "X-Deltacloud-Provider": "South"}
    answer = get(hosting, "/api", headers=south)
    assert answer.json()["api"]["provider"] == "south"
    assert answer.header("X-Deltacloud-Provider") == "south"
    post(hosting, "/api;driver=regional;provider=south/instances", **form(image_id="img-1"))
    ids = [i["id"] for i in get(hosting, "/api/instances", headers=south).json()["instances"]]
    assert ids == ["i-1", "i-2"]
    north = get(hosting, "/api;driver=regional/instances").json()["instances"]
    assert [i["id"] for i in north] == ["i-1"]


def test_an_unknown_provider_is_a_clear_400(hosting):
    answer = get(hosting, "/api;driver=regional;provider=east")
    assert answer.error == {
        "code": 400,
        "message": "the regional driver: no provider 'east'",
        "error": "unknown_provider",
    }


def test_a_driver_that_lists_no_providers_echoes_any_provider_named(hosting):
    """As Deltacloud's mock: ``/api;driver=mock;provider=test1`` is served with test1."""
    answer = get(hosting, "/api;provider=Test1")
    assert answer.status == 200
    assert answer.json()["api"]["provider"] == "test1"
    assert answer.header("X-Deltacloud-Provider") == "test1"
    assert get(hosting, "/api/realms", headers={"X-Deltacloud-Provider": "east"}).status == 200


def test_a_failing_front_answers_500_without_details(driver, caplog):
    class Broken(RestApp):
        def entry_point(self, request, ctx):
            raise RuntimeError("s3cret detail")

    with caplog.at_level(logging.ERROR, logger="dctck.rest"):
        answer = get(Broken(driver), "/api")
    assert answer.error == {
        "code": 500,
        "message": "the REST front failed",
        "error": "internal_error",
    }
    assert b"s3cret" not in answer.body
