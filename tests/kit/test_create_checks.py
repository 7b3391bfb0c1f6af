"""The create area's judgements as plain code."""

import pytest

from dctck import HardwareProfile, Instance, NotFound, ProviderError, Realm, ValidationError
from dctck.kit import Subject
from suites.suite_create import (
    RULE_DEFAULT_HWP,
    RULE_NOTHING,
    RULE_REFLECTS,
    RULE_REFUSED,
    Catalogue,
    default_profile_problems,
    reflection_problems,
    refused_problems,
)

CATALOGUE = Catalogue(
    images=[],
    profiles={
        "small": HardwareProfile(id="small", architecture="x86_64"),
        "large": HardwareProfile(id="large", architecture="x86_64"),
        "arm": HardwareProfile(id="arm", architecture="arm64"),
    },
    realms={
        "a": Realm(id="a", state="AVAILABLE"),
        "b": Realm(id="b", state="UNAVAILABLE"),
        "c": Realm(id="c", limit=0),
        "d": Realm(id="d", state="available", limit=3),
    },
)
CALL = "create_instance(...)"


def _instance(**attributes):
    return Instance(
        **{"id": "i-1", "image": "img", "realm": "a", "hardware_profile": "small", **attributes}
    )


def test_profiles_for_an_architecture_and_usable_realms():
    assert CATALOGUE.profiles_for("x86_64") == ["small", "large"]
    assert CATALOGUE.profiles_for(None) == ["small", "large", "arm"]
    assert CATALOGUE.usable_realms() == ["a", "d"]


@pytest.mark.parametrize(
    ("asked", "instance"),
    [
        ({}, _instance()),
        ({"hwp_id": "large", "realm_id": "d"}, _instance(hardware_profile="large", realm="d")),
        ({"hwp_id": "large"}, _instance(hardware_profile=None)),
    ],
)
def test_an_instance_that_is_what_was_asked_passes(asked, instance):
    assert reflection_problems(CALL, instance, "img", asked, CATALOGUE) == []


def test_every_attribute_unlike_the_request_is_listed():
    instance = _instance(image="other", realm="a", hardware_profile="small")
    problems = reflection_problems(
        CALL, instance, "img", {"hwp_id": "large", "realm_id": "d"}, CATALOGUE
    )
    assert [str(p) for p in problems] == [
        f"{CALL} [{RULE_REFLECTS}] gave image 'other', expected 'img'",
        f"{CALL} [{RULE_REFLECTS}] gave realm 'a', expected 'd'",
        f"{CALL} [{RULE_REFLECTS}] gave hardware_profile 'small',"
        " expected 'large' (or None if unknown)",
    ]


def test_defaults_must_name_entries_of_the_catalogue():
    problems = reflection_problems(
        CALL, _instance(realm=None, hardware_profile="huge"), "img", {}, CATALOGUE
    )
    assert [str(p) for p in problems] == [
        f"{CALL} [{RULE_REFLECTS}] gave realm None,"
        " expected a realm of realms(): ['a', 'b', 'c', 'd']",
        f"{CALL} [{RULE_REFLECTS}] gave hardware_profile 'huge', expected None or a profile of"
        " hardware_profiles(): ['small', 'large', 'arm']",
    ]


def test_a_default_profile_of_another_architecture_fails():
    assert (
        default_profile_problems(CALL, _instance(hardware_profile="small"), "x86_64", CATALOGUE)
        == []
    )
    assert (
        default_profile_problems(CALL, _instance(hardware_profile=None), "arm64", CATALOGUE) == []
    )
    assert [str(p) for p in default_profile_problems(CALL, _instance(), "arm64", CATALOGUE)] == [
        f"{CALL} [{RULE_DEFAULT_HWP}] gave hardware_profile 'small', whose architecture is"
        " 'x86_64', expected one of ['arm'] (arm64)"
    ]


class Creates:
    def __init__(self, answer):
        self.answer = answer

    def create_instance(self, credentials, image_id, opts=None):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def _create(answer, image_id="img"):
    subject = Subject(Creates(answer), {"name": "u", "password": "p"})
    return subject.call("create_instance", subject.valid, image_id, None)


@pytest.mark.parametrize(
    ("refusal", "error"),
    [
        ("image_id_none", ValidationError("no image")),
        ("unknown_image", NotFound("no image")),
        ("unknown_image", ValidationError("no image")),
        ("unknown_hwp_id", NotFound("no profile")),
        ("image_id_not_a_string", NotFound("no image 5")),
        ("image_id_not_a_string", ValidationError("image ids are strings")),
        ("hwp_id_not_a_string", NotFound("no profile 5")),
        ("realm_id_not_a_string", NotFound("no realm 5")),
    ],
)
def test_a_refusal_with_an_allowed_error_passes(refusal, error):
    assert refused_problems(_create(error), refusal, []) == []


def test_image_id_none_must_be_a_validation_error():
    outcome = _create(NotFound("no image None"), image_id=None)
    assert [str(p) for p in refused_problems(outcome, "image_id_none", [])] == [
        f"create_instance(image_id=None, opts=None) [{RULE_REFUSED}] raised NotFound:"
        " no image None, expected ValidationError"
    ]


@pytest.mark.parametrize("error", [TypeError("can only concatenate str"), ProviderError("5xx")])
def test_image_id_of_the_wrong_type_refused_with_another_error_fails(error):
    outcome = _create(error, image_id=5)
    (problem,) = refused_problems(outcome, "image_id_not_a_string", [])
    assert str(problem).endswith(
        f"raised {type(error).__name__}: {error}, expected ValidationError or NotFound"
    )


def test_a_refused_create_that_added_an_instance_fails():
    outcome = _create(ValidationError("no realm"))
    assert [str(p) for p in refused_problems(outcome, "unknown_realm_id", ["i-9"])] == [
        f"create_instance(image_id='img', opts=None) [{RULE_NOTHING}] raised ValidationError:"
        " no realm, and then instances() listed new ['i-9'], expected no new instance"
    ]


def test_an_accepted_malformed_create_fails():
    outcome = _create(Instance(id="i-9", state="PENDING"))
    assert [str(p) for p in refused_problems(outcome, "unknown_hwp_id", ["i-9"])] == [
        f"create_instance(image_id='img', opts=None) [{RULE_REFUSED}] returned"
        " <Instance 'i-9' PENDING>, expected ValidationError or NotFound"
    ]
