"""The filters suite's plain helpers: its own reading of SPEC 6, near misses, judging a result."""

import pytest

import suites.suite_filters as filters
from dctck import Image, Instance, NotFound
from dctck.kit import Call, Outcome

IMAGES = [
    Image(id="a", architecture="x86_64", owner_id="dctck"),
    Image(id="b", architecture="arm64", owner_id="dctck"),
    Image(id="c", architecture="x86_64", owner_id="me"),
    Image(id="d", architecture="", owner_id=None),
]
CALL = "images(opts={'architecture': 'x86_64'})"


def ids(items):
    return [item.id for item in items]


def returned(value):
    return Outcome(Call("images", ()), value=value)


@pytest.mark.parametrize(
    ("opts", "wanted"),
    [
        (None, ["a", "b", "c", "d"]),
        ({}, ["a", "b", "c", "d"]),
        ({"architecture": None}, ["a", "b", "c", "d"]),
        ({"architecture": "x86_64"}, ["a", "c"]),
        ({"architecture": "X86_64"}, []),
        ({"architecture": "x86"}, []),
        ({"architecture": ""}, ["d"]),
        ({"architecture": ["arm64", "x86_64"]}, ["a", "b", "c"]),
        ({"architecture": ("arm64",)}, ["b"]),
        ({"architecture": {"arm64", "nope"}}, ["b"]),
        ({"architecture": []}, []),
        ({"architecture": "x86_64", "owner_id": "dctck"}, ["a"]),
        ({"architecture": "arm64", "owner_id": "me"}, []),
        ({"owner_id": [None]}, ["d"]),
    ],
)
def test_expected_reads_spec_6(opts, wanted):
    assert ids(filters.expected(IMAGES, opts)) == wanted


def test_acceptable_results_add_the_result_ignoring_an_optional_key():
    instances = [Instance(id="i-1", state="RUNNING"), Instance(id="i-2", state="PENDING")]
    results = filters.acceptable_results(instances, {"state": "running"}, ("state",))
    assert [ids(r) for r in results] == [[], ["i-1", "i-2"]]


def test_acceptable_results_are_one_when_ignoring_changes_nothing():
    instances = [Instance(id="i-1", state="RUNNING")]
    results = filters.acceptable_results(instances, {"state": "RUNNING"}, ("state",))
    assert [ids(r) for r in results] == [["i-1"]]


def test_distinct_values_keep_first_appearance_and_drop_none():
    assert filters.distinct_values(IMAGES, "owner_id") == ["dctck", "me"]


@pytest.mark.parametrize(
    ("value", "wanted"),
    [("x86_64", ["x86_6", "86_64", "x86_644"]), ("a", ["", "aa"]), ("", [])],
)
def test_substring_misses(value, wanted):
    assert filters.substring_misses(value) == wanted


@pytest.mark.parametrize(
    ("value", "wanted"),
    [("x86_64", ["X86_64"]), ("Zone-a", ["ZONE-A", "zone-a", "zONE-A", "Zone-A"]), ("123", [])],
)
def test_case_misses(value, wanted):
    assert filters.case_misses(value) == wanted


def test_absent_value_avoids_the_data():
    taken = [filters.ABSENT, f"{filters.ABSENT}-2"]
    assert filters.absent_value(taken) == f"{filters.ABSENT}-3"


def test_judge_accepts_the_expected_ids():
    assert filters.judge(CALL, returned(IMAGES[:1]), [IMAGES[:1]], filters.RULE_EXACT) is None


def test_judge_says_call_rule_happened_and_expected():
    violation = filters.judge(CALL, returned(IMAGES[:3]), [[IMAGES[0]]], filters.RULE_EXACT)
    assert str(violation) == (
        f"{CALL} [{filters.RULE_EXACT}] returned ['a', 'b', 'c'], expected ['a']"
    )


def test_judge_points_at_a_changed_order():
    violation = filters.judge(CALL, returned([IMAGES[2], IMAGES[0]]), [[IMAGES[0], IMAGES[2]]], "R")
    assert violation.happened == "returned ['c', 'a'] in another order (position 0 is 'c')"


def test_judge_reports_an_error_instead_of_a_list():
    outcome = Outcome(Call("images", ()), error=NotFound("no image 'x'"))
    violation = filters.judge(CALL, outcome, [[]], filters.RULE_NO_MATCH)
    assert str(violation) == (
        f"{CALL} [{filters.RULE_NO_MATCH}] raised NotFound: no image 'x', expected []"
    )


def test_judge_reports_a_tuple_without_crashing():
    violation = filters.judge(CALL, returned(tuple(IMAGES)), [IMAGES], "R")
    assert violation.happened == "returned a tuple"


def test_judge_names_the_ignored_optional_key():
    violation = filters.judge(CALL, returned([IMAGES[0]]), [[], IMAGES[:2]], "R", ["state"])
    assert violation.expected == "[] (or ['a', 'b'] from a driver ignoring state)"


def test_every_collection_and_key_of_spec_4_is_covered():
    pairs = {tuple(p.values) for p in filters.PAIRS}
    assert pairs == {
        ("hardware_profiles", "id"),
        ("hardware_profiles", "architecture"),
        ("realms", "id"),
        ("images", "id"),
        ("images", "owner_id"),
        ("images", "architecture"),
        ("instances", "id"),
        ("instances", "state"),
    }
    assert {tuple(p.values) for p in filters.COMBINABLE_PAIRS} == pairs - {("realms", "id")}
