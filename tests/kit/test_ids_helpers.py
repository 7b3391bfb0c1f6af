"""The ids suite's plain helpers: unknown ids of a plausible shape, duplicates."""

import pytest

import suites.suite_ids as ids


@pytest.mark.parametrize(
    ("kind", "real", "wanted"),
    [
        ("suffixed", ["i-0abc", "i-0abd"], "i-0abc0"),
        ("suffixed", ["zone-a", "zone-a0"], "zone-a00"),
        ("altered", ["i-0abc"], "i-0aba"),
        ("altered", ["ami-1f2e3d4c"], "ami-1f2e3d4a"),
        ("altered", ["us-east-1a", "us-east-1b"], "us-east-1c"),
        ("altered", ["zone-7"], "zone-0"),
        ("altered", ["Zone-A"], "Zone-B"),
        ("altered", ["a/"], "aa"),
        ("foreign", [], ids.FOREIGN_ID),
        ("foreign", [ids.FOREIGN_ID], ids.FOREIGN_ID + "0"),
    ],
)
def test_unknown_id_is_plausible_and_not_taken(kind, real, wanted):
    assert ids.unknown_id(kind, real) == wanted


@pytest.mark.parametrize("kind", ["suffixed", "altered"])
def test_unknown_id_needs_a_real_id_to_derive_from(kind):
    assert ids.unknown_id(kind, [None, ""]) is None


def test_unknown_id_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown kind of unknown id: 'guessed'"):
        ids.unknown_id("guessed", ["a"])


def test_duplicate_ids_are_counted_in_first_appearance_order():
    assert ids.duplicate_ids(["b", "a", "b", "c", "a", "b"]) == [("b", 3), ("a", 2)]


def test_duplicate_ids_cope_with_unhashable_ids():
    assert ids.duplicate_ids([["x"], ["x"], "y"]) == [(["x"], 2)]
