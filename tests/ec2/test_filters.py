"""EC2 filter values with wildcards, and paging tokens."""

from __future__ import annotations

import pytest

from simulator.ec2 import RequestError
from simulator.ec2._filters import page, parse_filters, value_matcher
from simulator.ec2._query import Params


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("t3.micro", ["t3.micro"], ["t3.microx", "T3.micro", "t3"]),
        ("t3.*", ["t3.micro", "t3."], ["t4.micro", "xt3.micro"]),
        ("m?.large", ["m5.large", "m6.large"], ["m5g.large"]),
        (r"a\*b", ["a*b"], ["aXb", "a\\*b"]),
        (r"a\?", ["a?"], ["ab"]),
        ("*", ["", "anything"], []),
        ("a*b*c", ["abc", "aXbYc", "abbc", "acbc"], ["ab", "acb", "abcd"]),
        ("**", ["", "x"], []),
    ],
)
def test_filter_values_match_whole_strings_with_star_and_question_mark(pattern, matches, misses):
    matcher = value_matcher(pattern)
    assert [matcher(text) for text in matches + misses] == [True] * len(matches) + [False] * len(
        misses
    )


def test_a_pattern_of_many_stars_fails_fast_instead_of_backtracking():
    matcher = value_matcher("*a" * 40 + "b")
    assert matcher("a" * 300) is False
    assert matcher("a" * 300 + "b") is True


def filters_of(count, values=("x",)):
    params = {}
    for n in range(1, count + 1):
        params[f"Filter.{n}.Name"] = "image-id"
        params |= {f"Filter.{n}.Value.{m}": value for m, value in enumerate(values, 1)}
    return Params(params)


def test_fifty_filters_are_accepted_and_fifty_one_refused():
    assert parse_filters(filters_of(50), {"image-id": lambda item: (item,)}) is not None
    with pytest.raises(RequestError) as excinfo:
        parse_filters(filters_of(51), {"image-id": lambda item: (item,)})
    assert excinfo.value.message == "51 filters given; at most 50"


def test_a_filter_value_over_1024_characters_is_refused():
    with pytest.raises(RequestError) as excinfo:
        parse_filters(filters_of(1, ["x" * 1025]), {"image-id": lambda item: (item,)})
    assert excinfo.value.code == "InvalidParameterValue"


ITEMS = [f"item-{n}" for n in range(12)]


def test_pages_cover_the_items_once_in_order():
    seen, token = [], None
    while True:
        chunk, token = page(ITEMS, str, 5, token, "Test")
        seen.append(chunk)
        if token is None:
            break
    assert seen == [ITEMS[:5], ITEMS[5:10], ITEMS[10:]]


def test_no_max_results_means_everything_and_no_token():
    assert page(ITEMS, str, None, None, "Test") == (ITEMS, None)


def test_a_page_ending_exactly_at_the_end_has_no_token():
    assert page(ITEMS[:10], str, 5, page(ITEMS[:10], str, 5, None, "Test")[1], "Test") == (
        ITEMS[5:10],
        None,
    )


def test_a_token_resumes_after_its_item_when_earlier_items_went_away():
    _, token = page(ITEMS, str, 5, None, "Test")
    assert page(ITEMS[3:], str, 5, token, "Test")[0] == ITEMS[5:10]


def test_a_token_of_another_scope_is_invalid_pagination_token():
    _, token = page(ITEMS, str, 5, None, "Test")
    with pytest.raises(RequestError) as excinfo:
        page(ITEMS, str, 5, token, "Other")
    assert excinfo.value.code == "InvalidPaginationToken"
