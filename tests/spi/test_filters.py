"""filter_on (SPEC 6)."""

import pytest

from dctck import BaseDriver, Image, filter_on

IMAGES = [
    Image(id="img1", architecture="x86_64", owner_id="fedora"),
    Image(id="img2", architecture="i386", owner_id="fedora"),
    Image(id="img3", architecture="x86_64", owner_id="mockuser"),
    Image(id="img4", architecture="", owner_id=None),
]


def ids(models):
    return [m.id for m in models]


@pytest.mark.parametrize("opts", [None, {}, {"architecture": None}, {"owner_id": "x"}])
def test_no_filter_on_the_attribute_keeps_the_whole_collection(opts):
    assert ids(filter_on(IMAGES, "architecture", opts)) == ["img1", "img2", "img3", "img4"]


def test_scalar_value_matches_exactly_keeping_order():
    assert ids(filter_on(IMAGES, "architecture", {"architecture": "x86_64"})) == ["img1", "img3"]


@pytest.mark.parametrize("near_miss", ["X86_64", "x86", "x86_64 ", "86_64"])
def test_prefix_case_and_substring_do_not_match(near_miss):
    assert filter_on(IMAGES, "architecture", {"architecture": near_miss}) == []


def test_empty_string_is_a_real_filter_matching_only_empty_attributes():
    assert ids(filter_on(IMAGES, "architecture", {"architecture": ""})) == ["img4"]


@pytest.mark.parametrize("members", [["i386", "x86_64"], ("i386", "x86_64"), {"i386", "x86_64"}])
def test_list_tuple_or_set_value_means_membership(members):
    found = filter_on(IMAGES, "architecture", {"architecture": members})
    assert ids(found) == ["img1", "img2", "img3"]


def test_empty_list_matches_nothing():
    assert filter_on(IMAGES, "architecture", {"architecture": []}) == []


def test_no_match_gives_an_empty_list():
    assert filter_on(IMAGES, "id", {"id": "img9"}) == []


def test_no_type_coercion():
    profiles = [Image(id="1"), Image(id="2")]
    assert filter_on(profiles, "id", {"id": 1}) == []


def test_several_keys_combine_with_and():
    found = filter_on(IMAGES, "architecture", {"architecture": "x86_64", "owner_id": "fedora"})
    found = filter_on(found, "owner_id", {"architecture": "x86_64", "owner_id": "fedora"})
    assert ids(found) == ["img1"]


def test_neither_collection_nor_opts_is_mutated():
    collection = list(IMAGES)
    opts = {"architecture": ["x86_64"], "id": None}
    result = filter_on(collection, "architecture", opts)
    assert collection == IMAGES
    assert opts == {"architecture": ["x86_64"], "id": None}
    assert result is not collection


def test_unfiltered_result_is_a_new_list():
    assert filter_on(IMAGES, "id", None) is not IMAGES


def test_accepts_any_iterable_and_returns_a_list():
    result = filter_on(iter(IMAGES), "id", {"id": "img2"})
    assert type(result) is list
    assert ids(result) == ["img2"]


def test_base_driver_exposes_filter_on():
    assert ids(BaseDriver().filter_on(IMAGES, "id", {"id": "img3"})) == ["img3"]
    assert ids(BaseDriver.filter_on(IMAGES, "id", {"id": "img3"})) == ["img3"]
