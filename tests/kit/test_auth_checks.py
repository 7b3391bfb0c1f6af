"""The auth area's judgements as plain code, and the harness' refused-create helper."""

from dctck import AuthException, NotFound, Realm, ValidationError
from dctck.kit import Harness, Subject
from reference_drivers import MockDriver
from suites.suite_auth import (
    RULE_PUBLIC_ANY,
    RULE_PUBLIC_SAME,
    RULE_REFUSED,
    catalogue_problems,
    listing_difference,
    public_problems,
    refusal_problems,
    refusals_for,
)
from tests.kit.bank.broken_create import RefusedRealmLeavesInstance

VALID = {"name": "mockuser", "password": "mockpassword"}
OTHER = {"name": "otheruser", "password": "otherpassword"}
A, B = Realm(id="a"), Realm(id="b")


class Realms:
    """realms() answers per credential kind as configured: a list, or an exception to raise."""

    def __init__(self, valid=(A, B), **answers):
        self.answers = {"mockuser": list(valid), **answers}
        self.calls = 0

    def realms(self, credentials, opts=None):
        self.calls += 1
        name = credentials.get("name")
        if credentials.get("password") == "mockpassword-not-the-password":
            name = "wrong"
        answer = self.answers.get(name or "none", AuthException("who are you?"))
        if isinstance(answer, Exception):
            raise answer
        return list(answer) if not callable(answer) else answer(self.calls)


def _calls(driver, other=None):
    subject = Subject(driver, VALID, other)
    valid = subject.call("realms", subject.valid, None)
    bad = [subject.call("realms", c, None) for c in subject.bad_credentials]
    again = subject.call("realms", subject.valid, None)
    other = subject.call("realms", subject.other, None) if subject.other else None
    return valid, bad, other, again


def test_a_private_catalogue_refusing_bad_credentials_passes():
    valid, bad, other, again = _calls(Realms())
    assert [catalogue_problems(valid, b, again) for b in bad] == [[], [], []]
    assert public_problems(valid, bad, other, again) == []


def test_a_public_catalogue_serving_everyone_the_same_passes():
    driver = Realms(none=[A, B], wrong=[A, B], **{"dctck-nobody": [A, B], "otheruser": [A, B]})
    valid, bad, other, again = _calls(driver, OTHER)
    assert [catalogue_problems(valid, b, again) for b in bad] == [[], [], []]
    assert public_problems(valid, bad, other, again) == []


def test_another_error_than_auth_exception_is_refused_naming_the_rule():
    valid, bad, _, again = _calls(Realms(none=KeyError("name")))
    (problem,) = catalogue_problems(valid, bad[0], again)
    assert problem.rule == RULE_REFUSED
    assert str(problem) == (
        "realms(credentials=<no credentials>, opts=None) [SPEC 2: missing or rejected"
        " credentials raise AuthException] raised KeyError: 'name', expected AuthException,"
        " or (for a public catalogue) the list valid credentials get"
    )


def test_a_public_list_that_differs_from_the_valid_one_fails():
    valid, bad, _, again = _calls(Realms(none=[A]))
    (problem,) = catalogue_problems(valid, bad[0], again)
    assert str(problem) == (
        f"realms(credentials=<no credentials>, opts=None) [{RULE_PUBLIC_SAME}] returned ['a'],"
        " expected AuthException, or ['a', 'b'] as valid credentials get"
    )


def test_sameness_is_not_judged_when_valid_credentials_get_different_lists():
    driver = Realms(valid=(), none=[A])
    driver.answers["mockuser"] = lambda n: [Realm(id=f"a{n}")]
    valid, bad, _, again = _calls(driver)
    assert catalogue_problems(valid, bad[0], again) == []


def test_differing_attributes_are_named_when_the_ids_agree():
    assert listing_difference([Realm(id="a", name="x"), B], [A, B]) == (
        "returned ['a', 'b'], with other attributes for ['a']"
    )


def test_a_catalogue_serving_a_wrong_password_must_serve_every_caller():
    driver = Realms(wrong=[A, B], otheruser=[A])
    valid, bad, other, again = _calls(driver, OTHER)
    problems = public_problems(valid, bad, other, again)
    witness = "since realms(credentials=<wrong password>, opts=None) returned it"
    assert [str(p) for p in problems] == [
        f"realms(credentials=<no credentials>, opts=None) [{RULE_PUBLIC_ANY}] raised"
        f" AuthException: who are you?, expected ['a', 'b'] as valid credentials get, {witness}",
        f"realms(credentials=<unknown name>, opts=None) [{RULE_PUBLIC_ANY}] raised"
        f" AuthException: who are you?, expected ['a', 'b'] as valid credentials get, {witness}",
        f"realms(credentials=<other account>, opts=None) [{RULE_PUBLIC_SAME}] returned ['a'],"
        f" expected ['a', 'b'] as valid credentials get, {witness}",
    ]


def test_a_bad_caller_served_another_list_does_not_make_the_catalogue_public():
    valid, bad, other, again = _calls(Realms(none=[]))
    assert public_problems(valid, bad, other, again) == []


def test_an_empty_list_instead_of_auth_exception_is_refused():
    subject = Subject(Realms(none=[]), VALID)
    outcome = subject.call("realms", subject.no_credentials, None)
    assert [str(p) for p in refusal_problems(outcome, "they always need credentials")] == [
        f"realms(credentials=<no credentials>, opts=None) [{RULE_REFUSED}] returned [],"
        " expected AuthException: they always need credentials"
    ]


def test_a_password_of_the_wrong_type_may_be_refused_as_any_wrong_type():
    for error in (AuthException("no"), ValidationError("not a string"), NotFound("no user")):
        subject = Subject(Realms(none=error), VALID)
        outcome = subject.call("realms", {"password": 5}, None)
        assert refusal_problems(outcome, "always", refusals_for("password_not_a_string")) == []
        assert bool(refusal_problems(outcome, "always")) is not isinstance(error, AuthException)
    subject = Subject(Realms(none=TypeError("can only concatenate str")), VALID)
    outcome = subject.call("realms", {"password": 5}, None)
    (problem,) = refusal_problems(outcome, "always", refusals_for("password_not_a_string"))
    assert str(problem).endswith("expected AuthException, ValidationError or NotFound: always")


def test_try_create_reports_and_ledgers_what_a_refused_create_left_behind():
    subject = Subject(RefusedRealmLeavesInstance(), VALID)
    harness = Harness(subject)
    image_id = harness.default_image_id()
    outcome, added = harness.try_create(image_id, {"realm_id": "nowhere"})
    assert outcome.describe() == "raised ValidationError: no realm 'nowhere'"
    assert len(added) == 1
    assert [w.id for w in harness.watches] == added
    assert harness.cleanup() == []
    assert harness.instance_ids() == []


def test_try_create_passes_image_id_none_through_and_ledgers_a_returned_instance():
    class CreatesAnyway(MockDriver):
        def create_instance(self, credentials, image_id, opts=None):
            return super().create_instance(credentials, image_id or "ami-1f2e3d4c", opts)

    harness = Harness(Subject(CreatesAnyway(), VALID))
    outcome, added = harness.try_create(None)
    assert str(outcome.call) == "create_instance(image_id=None, opts=None)"
    assert added == [outcome.value.id]
    assert [w.id for w in harness.watches] == added
    assert harness.cleanup() == []
