"""The api area's judgements as plain code: exchanges in, violations out."""

import json

import pytest

from dctck import (
    ActionNotAllowed,
    AuthException,
    NotFound,
    ProviderError,
    StateMachine,
    ValidationError,
)
from dctck.kit import (
    RULE_CHALLENGE,
    RULE_ERRORS,
    RULE_LISTING,
    STATE_FORMATS,
    Call,
    Exchange,
    Harness,
    Outcome,
    Subject,
    challenge_problems,
    declaration_of,
    declaration_of_xml,
    declared_pairs,
    driver_error_status,
    entry_links,
    error_answer_problems,
    error_document_problems,
    error_kind,
    etag_problems,
    feature_problems,
    following_new_instances,
    format_problems,
    header_problems,
    listing_problems,
    shape_problems,
    shows_machine,
    status_problems,
)
from dctck.rest import RestApp
from reference_drivers import MockDriver
from tests.rest._drivers import STATES, TinyDriver
from tests.rest._wsgi import request

JSON = {"Content-Type": "application/json"}
MOCK = {"name": "mockuser", "password": "mockpassword"}


def exchange(status, document=None, headers=None, request="GET /api/images"):
    body = json.dumps(document).encode() if document is not None else b""
    return Exchange(request, status, {**JSON, **(headers or {})}, body)


def error(status, kind="x", message="m"):
    return {"code": status, "message": message, "error": kind}


def test_an_exchange_describes_its_answer():
    assert exchange(200, {"images": []}).describe() == (
        "answered 200 application/json '{\"images\": []}'"
    )
    assert Exchange("GET /api", 204).describe() == "answered 204 no body"
    assert Exchange("GET /api", error="ConnectionError").describe() == (
        "got no answer (ConnectionError)"
    )


def test_status_problems_name_the_request_rule_and_both_statuses():
    assert status_problems(exchange(404, error(404)), RULE_ERRORS, 404) == []
    (problem,) = status_problems(exchange(500, error(500)), RULE_ERRORS, 400, 404)
    assert str(problem) == (
        "GET /api/images [REST: errors answer their documented status with an error document]"
        ' answered 500 application/json \'{"code": 500, "message": "m", "error": "x"}\','
        " expected status 400 or 404"
    )


@pytest.mark.parametrize(
    ("answer", "problems"),
    [
        (exchange(404, error(404)), []),
        (exchange(404, error(400)), ["error document"]),
        (exchange(404, {"error": "no"}), ["error document"]),
        (exchange(404, {"code": 404, "message": "m"}), ["error document"]),
        (
            Exchange(
                "GET /x",
                404,
                {"Content-Type": "application/xml"},
                b'<error status="404"><code>404</code><message>m</message></error>',
            ),
            [],
        ),
        (
            Exchange(
                "GET /x",
                404,
                {"Content-Type": "application/xml"},
                b'<error status="400"><code>400</code><message>m</message></error>',
            ),
            ["error document"],
        ),
        (
            Exchange("GET /x", 404, {"Content-Type": "text/html"}, b"<h1>404</h1>"),
            ["error document"],
        ),
        (exchange(500, error(500, message="Traceback (most recent call last)")), ["traceback"]),
        (exchange(401, error(401, message="bad s3cret")), ["password"]),
    ],
)
def test_error_documents_carry_status_code_and_message_and_no_secret(answer, problems):
    found = error_document_problems(answer, RULE_ERRORS, ["s3cret"])
    kinds = [
        "traceback"
        if "traceback" in v.happened
        else "password"
        if "password" in v.happened
        else "error document"
        for v in found
    ]
    assert kinds == problems


def test_a_leaked_traceback_and_password_are_one_violation_naming_both():
    answer = exchange(500, error(500, message="Traceback: s3cret"))
    (leak,) = error_document_problems(answer, RULE_ERRORS, ["s3cret"])
    assert str(leak) == (
        "GET /api/images [REST: errors answer their documented status with an error document]"
        " answered a body with a traceback and a password, expected a body without tracebacks"
        " or passwords"
    )


def test_an_error_answer_is_judged_on_its_document_only_once_the_status_is_right():
    assert error_answer_problems(exchange(404, error(404)), RULE_ERRORS, 404) == []
    (wrong_status,) = error_answer_problems(exchange(500, error(500)), RULE_ERRORS, 404)
    assert wrong_status.expected == "status 404"
    (no_document,) = error_answer_problems(exchange(404, {"x": 1}), RULE_ERRORS, 404)
    assert no_document.expected.startswith('a JSON error document {"code": 404,')


@pytest.mark.parametrize(
    ("document", "found"),
    [(error(405, kind="action_not_allowed"), "action_not_allowed"), ([1], None), ({}, None)],
)
def test_error_kind_reads_the_documents_kind(document, found):
    assert error_kind(exchange(405, document)) == found


def test_a_challenge_needs_401_and_basic_realm():
    good = exchange(401, error(401), {"WWW-Authenticate": 'Basic realm="x"'})
    assert challenge_problems(good) == []
    (missing,) = challenge_problems(exchange(401, error(401)))
    assert missing.rule == RULE_CHALLENGE
    assert missing.happened.endswith(", WWW-Authenticate: none")
    (wrong_status,) = challenge_problems(
        exchange(403, error(403), {"WWW-Authenticate": 'Basic realm="x"'})
    )
    assert wrong_status.expected == '401 with WWW-Authenticate: Basic realm="..."'


def test_listing_problems_compare_ids_in_order():
    answer = exchange(200, {"images": [{"id": "a"}, {"id": "b"}]})
    assert listing_problems(answer, "images", ["a", "b"], RULE_LISTING, "as listed") == []
    (problem,) = listing_problems(answer, "images", ["b", "a"], RULE_LISTING, "as listed")
    assert (problem.happened, problem.expected) == ("answered ['a', 'b']", "['b', 'a'], as listed")
    (not_a_listing,) = listing_problems(exchange(200, {"x": 1}), "images", [], RULE_LISTING, "h")
    assert not_a_listing.happened.startswith("answered 200 application/json")


def test_declarations_read_back_from_json_and_xml():
    import xml.etree.ElementTree as ET

    document = [
        {"name": "begin", "transitions": [{"to": "pending", "action": "create"}]},
        {"name": "pending", "transitions": [{"to": "running", "auto": True}]},
    ]
    expected = [("begin", {"pending": "create"}), ("pending", {"running": "_auto_"})]
    assert declaration_of(document) == expected
    assert declaration_of([{"name": "x"}]) is None
    assert declaration_of({"instance_states": document}) is None
    root = ET.fromstring(
        '<states><state name="begin"><transition to="pending" action="create"/></state>'
        '<state name="pending"><transition to="running" auto="true"/></state></states>'
    )
    assert declaration_of_xml(root) == expected


def test_declared_pairs_read_a_list_of_pairs_or_nothing():
    assert declared_pairs([("begin", {"pending": "create"})]) == [("begin", {"pending": "create"})]
    assert declared_pairs({"begin": {"pending": "create"}}) is None
    assert declared_pairs([("begin", {"pending": "create"}, "extra")]) is None
    assert declared_pairs([("begin", "pending")]) is None


def picture(states, shape):
    """The front's answer to ?format=shape for a driver declaring ``states``."""
    driver = TinyDriver()
    driver.states = states
    answer = request(RestApp(driver), "GET", f"/api/instance_states?format={shape}")
    return Exchange("GET /api/instance_states", answer.status, dict(answer.headers), answer.body)


@pytest.mark.parametrize("shape", list(STATE_FORMATS))
def test_the_fronts_answer_in_each_shape_shows_the_machine(shape):
    declared = declared_pairs(STATES)
    assert shows_machine(picture(STATES, shape), shape, declared, StateMachine(declared))


@pytest.mark.parametrize("shape", list(STATE_FORMATS))
def test_an_answer_missing_a_transition_does_not_show_the_machine(shape):
    declared = declared_pairs(STATES)
    fewer = [*STATES[:-1], ("stopped", {"running": "start"})]
    assert not shows_machine(picture(fewer, shape), shape, declared, StateMachine(declared))


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (AuthException("a"), 401),
        (NotFound("n"), 404),
        (ValidationError("v"), 400),
        (ActionNotAllowed("x"), 409),
        (ProviderError("p"), 502),
        (KeyError("k"), None),
        (None, None),
    ],
)
def test_driver_error_status_is_the_documented_table(error, status):
    outcome = Outcome(Call("images", ()), value=[] if error is None else None, error=error)
    assert driver_error_status(outcome) == status


def test_only_instances_listed_new_after_the_block_enter_the_ledger():
    driver = MockDriver()
    subject = Subject(driver, MOCK)
    harness = Harness(subject)
    image_id = driver.images(MOCK)[0].id
    driver.create_instance(MOCK, image_id, None)
    with following_new_instances(harness):
        new = driver.create_instance(MOCK, image_id, None)
    assert [watch.id for watch in harness.watches] == [new.id]
    assert harness.cleanup() == []
    subject.close()


def test_nothing_enters_the_ledger_when_the_account_could_not_list_before():
    class ListsOnlyOnce(MockDriver):
        listed = 0

        def instances(self, credentials, opts=None):
            self.listed += 1
            if self.listed == 1:
                raise RuntimeError("not now")
            return super().instances(credentials, opts)

    driver = ListsOnlyOnce()
    subject = Subject(driver, MOCK)
    harness = Harness(subject)
    driver.create_instance(MOCK, driver.images(MOCK)[0].id, None)
    with following_new_instances(harness):
        pass
    assert harness.watches == []
    subject.close()


def xml_exchange(body, status=200, content_type="application/xml", request="GET /api"):
    return Exchange(request, status, {"Content-Type": content_type}, body.encode())


def test_entry_links_are_the_link_children_of_api_only():
    flat = xml_exchange('<api driver="x"><link rel="images" href="h"/></api>')
    assert list(entry_links(flat)) == ["images"]
    nested = xml_exchange('<api driver="x"><links><link rel="images" href="h"/></links></api>')
    assert entry_links(nested) == {}
    assert entry_links(xml_exchange("<drivers/>")) is None


def test_features_must_be_advertised_exactly_in_both_formats():
    as_xml = xml_exchange(
        '<api><link rel="instances" href="h"><feature name="user_name" rel="create"/></link>'
        '<link rel="images" href="h"/></api>'
    )
    links = [{"rel": "instances", "features": ["user_name"]}, {"rel": "images", "features": []}]
    as_json = exchange(200, {"api": {"links": links}}, request="GET /api")
    assert feature_problems(as_xml, as_json, {"instances": {"user_name"}}) == []
    xml_problem, json_problem = feature_problems(as_xml, as_json, {})
    assert str(xml_problem) == (
        "GET /api [REST: the entry point advertises exactly the driver's features (SPEC 8)]"
        " advertised {'instances': ['user_name']} in XML, expected {}"
    )
    assert json_problem.happened == "advertised {'instances': ['user_name']} in JSON"


def test_headers_name_the_server_version_and_the_driver():
    good = Exchange(
        "GET /api", 404, {"Server": "Apache-Deltacloud/1.1", "X-Deltacloud-Driver": "m"}
    )
    assert header_problems(good, "1.1", "m") == []
    (problem,) = header_problems(Exchange("GET /api", 200, {"Server": "waitress"}), "1.1", "m")
    assert str(problem) == (
        "GET /api [REST: every answer carries Server: Apache-Deltacloud/<version> and the driver]"
        " answered 200 with Server: waitress, X-Deltacloud-Driver: None, expected Server:"
        " Apache-Deltacloud/1.1, X-Deltacloud-Driver: m"
    )


def test_an_etag_is_needed_and_must_give_304():
    tagged = Exchange("GET /api", 200, {"ETag": '"a"'})
    assert etag_problems(tagged, Exchange("GET /api If-None-Match", 304)) == []
    (no_tag,) = etag_problems(Exchange("GET /api", 200), Exchange("GET /api", 200))
    assert no_tag.happened == "answered 200 without an ETag"
    (no_304,) = etag_problems(tagged, Exchange("GET /api If-None-Match", 200))
    assert no_304.expected == "status 304"


def test_json_with_a_charset_is_not_the_json_type():
    document = {"images": [{"id": "a"}]}
    exact = exchange(200, document)
    assert format_problems(exact, "application/json", "images", ["a"]) == []
    charset = Exchange(
        "GET /api/images", 200, {"Content-Type": "application/json; charset=utf-8"}, exact.body
    )
    (problem,) = format_problems(charset, "application/json", "images", ["a"])
    assert problem.expected == "200 Content-Type: application/json with the images ['a']"


def test_shapes_need_names_references_actions_and_addresses_once():
    good = (
        '<instances><instance id="i"><name>i</name><image id="m"/><realm id="r"/>'
        '<state>RUNNING</state><actions><link rel="stop" method="post" href="h"/></actions>'
        "<public_addresses/><private_addresses/><storage_volumes/></instance></instances>"
    )
    assert shape_problems(xml_exchange(good, request="GET /api/instances"), "instances") == []
    bad = good.replace("<name>i</name>", "").replace("<storage_volumes/>", "")
    bad = bad.replace(' method="post"', "")
    (problem,) = shape_problems(xml_exchange(bad, request="GET /api/instances"), "instances")
    assert problem.happened == (
        "gave <instance id='i'> with no non-empty <name>, 0 <storage_volumes>,"
        " an action link {'rel': 'stop', 'href': 'h'}"
    )
