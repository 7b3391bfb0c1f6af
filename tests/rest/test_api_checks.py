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
from dctck.kit import Call, Harness, Outcome, Subject
from dctck.rest import RestApp
from reference_drivers import MockDriver
from suites.suite_api import (
    RULE_CHALLENGE,
    RULE_ERRORS,
    RULE_LISTING,
    STATE_FORMATS,
    Exchange,
    challenge_problems,
    declaration_of,
    declaration_of_xml,
    declared_pairs,
    driver_error_status,
    error_answer_problems,
    error_document_problems,
    error_of,
    following_new_instances,
    listing_problems,
    shows_machine,
    status_problems,
)
from tests.rest._drivers import STATES, TinyDriver
from tests.rest._wsgi import request

JSON = {"Content-Type": "application/json"}
MOCK = {"name": "mockuser", "password": "mockpassword"}


def exchange(status, document=None, headers=None, request="GET /api/images"):
    body = json.dumps(document).encode() if document is not None else b""
    return Exchange(request, status, {**JSON, **(headers or {})}, body)


def error(status, code="x", message="m"):
    return {"error": {"status": status, "code": code, "message": message}}


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
        ' answered 500 application/json \'{"error": {"status": 500, "code": "x", "message":'
        ' "m"}}\', expected status 400 or 404'
    )


@pytest.mark.parametrize(
    ("answer", "problems"),
    [
        (exchange(404, error(404)), []),
        (exchange(404, error(400)), ["error document"]),
        (exchange(404, {"error": "no"}), ["error document"]),
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
    assert no_document.expected.startswith('a JSON error document {"error": {"status": 404,')


@pytest.mark.parametrize(
    ("document", "found"),
    [
        (error(405, code="c"), {"status": 405, "code": "c", "message": "m"}),
        ([1], {}),
        ({"error": "x"}, {}),
    ],
)
def test_error_of_reads_the_error_object_or_gives_an_empty_one(document, found):
    assert error_of(exchange(405, document)) == found


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

    document = {
        "instance_states": [
            {"name": "begin", "transitions": [{"to": "pending", "action": "create"}]},
            {"name": "pending", "transitions": [{"to": "running", "auto": True}]},
        ]
    }
    expected = [("begin", {"pending": "create"}), ("pending", {"running": "_auto_"})]
    assert declaration_of(document) == expected
    assert declaration_of({"instance_states": [{"name": "x"}]}) is None
    root = ET.fromstring(
        '<instance_states><state name="begin"><transitions><transition to="pending"'
        ' action="create"/></transitions></state><state name="pending"><transitions>'
        '<transition to="running" auto="true"/></transitions></state></instance_states>'
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
