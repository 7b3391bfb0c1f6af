"""Area ``filters``: listing filters (SPEC 6) on every collection and filter key of SPEC 4.

Every kind of filter check runs on every (collection, key) pair, with filter values drawn from
the driver's own data. What a filter must give is computed by :func:`expected`, a reading of
SPEC 6 independent of the driver's code, from the unfiltered listing taken just before.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from dctck.kit import (
    FILTER_KEYS,
    OPTIONAL_FILTER_KEYS,
    Call,
    Harness,
    NotApplicable,
    Outcome,
    Violation,
    area,
    describe_value,
    require,
    rule,
    spread,
)

pytestmark = area("filters")


PAIRS = [
    pytest.param(collection, key, id=f"{collection}-{key}")
    for collection, keys in FILTER_KEYS.items()
    for key in keys
]
#: The pairs whose collection has another key to combine with.
COMBINABLE_PAIRS = [
    pytest.param(collection, key, id=f"{collection}-{key}")
    for collection, keys in FILTER_KEYS.items()
    if len(keys) > 1
    for key in keys
]

MEMBERSHIP_TYPES = (list, tuple, set, frozenset)
#: A filter value no driver's data is expected to hold (checked against the data anyway).
ABSENT = "dctck-no-such-value"
#: A filter value of another type than the attributes (SPEC 6: no type coercion).
NOT_A_STRING = 5
#: At most this many values of a key are tried one by one (spread over the data).
SAMPLE_SIZE = 6
_ATTEMPTS = 3

RULE_EXACT = "SPEC 6: a scalar value gives exactly the objects whose attribute equals it, in order"
RULE_ORDER = "SPEC 6: order of the unfiltered collection is kept"
RULE_SUBSTRING = "SPEC 6: exact match, no prefix or substring match"
RULE_CASE = "SPEC 6: exact, case-sensitive match"
RULE_MEMBERSHIP = "SPEC 6: a list, tuple or set value matches any of its members"
RULE_LONG_LIST = "SPEC 6: a list value of any length matches any of its members (no size limit)"
#: How many members the long list values have: one past the round limits APIs often set.
LONG_LISTS = (101, 201, 501, 1001)
RULE_AND = "SPEC 6: several keys must all match"
RULE_NO_MATCH = "SPEC 6: no match gives [], never an error"
RULE_NO_FILTER = "SPEC 6: opts None, a key absent or a None value keep the whole collection"
RULE_EMPTY_STRING = "SPEC 6: an empty string is a real filter, matching only an empty attribute"
RULE_OPTS_UNCHANGED = "SPEC 2: the driver never mutates the opts dict it is given"


# -- SPEC 6, read independently of the driver -----------------------------------------------------


def matches(attribute: Any, wanted: Any) -> bool:
    """Whether an attribute value passes one filter value (never ``None``: that is no filter)."""
    if isinstance(wanted, MEMBERSHIP_TYPES):
        return any(attribute == member for member in wanted)
    return bool(attribute == wanted)


def expected(items: Sequence[Any], opts: Mapping[str, Any] | None) -> list[Any]:
    """The items a listing filtered with ``opts`` must give: every active key matches, in order."""
    active = {key: value for key, value in (opts or {}).items() if value is not None}
    return [
        item
        for item in items
        if all(matches(getattr(item, key, None), value) for key, value in active.items())
    ]


def acceptable_results(
    items: Sequence[Any], opts: Mapping[str, Any], ignorable: Sequence[str] = ()
) -> list[list[Any]]:
    """What may be returned: the SPEC 6 result, and that result ignoring ``ignorable`` keys."""
    results = [expected(items, opts)]
    if ignorable:
        loose = expected(items, {k: v for k, v in opts.items() if k not in ignorable})
        if ids_of(loose) != ids_of(results[0]):
            results.append(loose)
    return results


def ids_of(items: Iterable[Any]) -> list[Any]:
    """The ids of listed objects (the object itself where it has none), in order."""
    return [getattr(item, "id", item) for item in items]


def distinct_values(items: Iterable[Any], key: str) -> list[Any]:
    """The values of ``key`` in the data, first appearance first, without ``None``."""
    values: list[Any] = []
    for item in items:
        value = getattr(item, key, None)
        if value is not None and value not in values:
            values.append(value)
    return values


def substring_misses(value: str) -> list[str]:
    """Near misses of ``value`` by prefix, substring or extension (all unequal to it)."""
    if not value:
        return []
    candidates = [value[:-1], value[1:], value + value[-1]]
    return [c for c in dict.fromkeys(candidates) if c != value]


def case_misses(value: str) -> list[str]:
    """``value`` in other cases (upper, lower, swapped, title), all unequal to it."""
    candidates = [value.upper(), value.lower(), value.swapcase(), value.title()]
    return [c for c in dict.fromkeys(candidates) if c != value]


def absent_value(values: Sequence[Any], base: str = ABSENT) -> str:
    """A string none of ``values`` equals."""
    candidate, n = base, 1
    while candidate in values:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def judge(
    call: str,
    outcome: Outcome,
    allowed: Sequence[Sequence[Any]],
    rule_text: str,
    ignored: Sequence[str] = (),
    own: frozenset[str] | None = None,
) -> Violation | None:
    """A violation if ``outcome`` is not a list with the ids of one of the ``allowed`` results.

    ``allowed[1]``, if given, is the result of a driver ignoring the optional keys ``ignored``.
    With ``own`` (instances), only the objects with those ids are compared: what the listing
    holds of other tenants or earlier runs is neither counted nor judged.
    """
    if own is not None:
        allowed = [[item for item in result if _id_in(item, own)] for result in allowed]
        if outcome.returned and isinstance(outcome.value, list):
            outcome = dataclasses.replace(
                outcome, value=[item for item in outcome.value if _id_in(item, own)]
            )
    wanted = describe_value(list(allowed[0]))
    if len(allowed) > 1:
        keys = " and ".join(ignored) or "an optional key"
        wanted += f" (or {describe_value(list(allowed[1]))} from a driver ignoring {keys})"
    if not outcome.returned:
        return Violation(call, rule_text, outcome.describe(), wanted)
    value = outcome.value
    if not isinstance(value, list):
        return Violation(call, rule_text, f"returned a {type(value).__name__}", f"a list {wanted}")
    got = ids_of(value)
    options = [ids_of(result) for result in allowed]
    if got in options:
        return None
    happened = outcome.describe()
    same_members = [o for o in options if sorted(map(repr, o)) == sorted(map(repr, got))]
    if same_members:
        position = next(
            i for i, (a, b) in enumerate(zip(got, same_members[0], strict=True)) if a != b
        )
        happened += f" in another order (position {position} is {got[position]!r})"
    return Violation(call, rule_text, happened, wanted)


def _id_in(item: Any, own: frozenset[str]) -> bool:
    return getattr(item, "id", None) in own


# -- running a kind of check on one (collection, key) pair -----------------------------------------


@dataclass
class FilterCase:
    """One collection as listed now, and how to list it again with filters."""

    harness: Harness
    collection: str
    key: str
    #: The unfiltered listing (for instances, every instance the account lists).
    listed: list[Any]
    #: For instances, the ids of the check's own: the only ones judged (``None``: all).
    own: frozenset[str] | None = None

    @property
    def optional(self) -> tuple[str, ...]:
        return OPTIONAL_FILTER_KEYS.get(self.collection, ())

    @functools.cached_property
    def items(self) -> list[Any]:
        """The listed objects the check draws filter values from and judges: for instances,
        only its own."""
        if self.own is None:
            return self.listed
        return [item for item in self.listed if _id_in(item, self.own)]

    @functools.cached_property
    def values(self) -> list[Any]:
        """The key's values in the data, first appearance first."""
        return distinct_values(self.items, self.key)

    @functools.cached_property
    def strings(self) -> list[str]:
        """The key's non-empty string values, spread over the data."""
        return spread([v for v in self.values if isinstance(v, str) and v], SAMPLE_SIZE)

    def query(self, opts: Any) -> tuple[str, Outcome]:
        """List with (a copy of) ``opts``; the call is rendered from the original."""
        call = str(Call(self.collection, (("opts", opts),)))
        given = copy.deepcopy(opts)
        return call, self.harness.call(self.collection, self.harness.subject.valid, given)

    def check(self, opts: Mapping[str, Any], rule_text: str) -> Violation | None:
        """List with ``opts`` and judge the result against SPEC 6."""
        call, outcome = self.query(opts)
        ignored = [key for key in self.optional if opts.get(key) is not None]
        allowed = acceptable_results(self.listed, opts, ignored)
        return judge(call, outcome, allowed, rule_text, ignored, self.own)

    def moved(self) -> bool:
        """Whether the objects listed now differ in ids or states from :attr:`items`."""
        _, outcome = self.query(None)
        if not outcome.returned or not isinstance(outcome.value, list):
            return True
        now = outcome.value if self.own is None else self.harness.mine(outcome.value)
        return _positions(now) != _positions(self.items)


def _positions(items: Iterable[Any]) -> list[tuple[Any, Any]]:
    return [(getattr(i, "id", i), getattr(i, "state", None)) for i in items]


def _load(harness: Harness, collection: str, key: str) -> FilterCase:
    own = harness.own_ids if collection == "instances" else None
    return FilterCase(harness, collection, key, harness.listing(collection)[1], own)


def _give_instances_data(harness: Harness) -> None:
    """Two instances of the valid account: one settled, one just created."""
    harness.running_instance()
    harness.create()


Kind = Callable[[FilterCase], Iterable[Violation | None]]


def run_kind(harness: Harness, collection: str, key: str, kind: Kind) -> None:
    """Run one kind of check on the pair; retried when instances moved while it ran."""
    if collection == "instances":
        _give_instances_data(harness)
    violations: list[Violation] = []
    for _ in range(_ATTEMPTS):
        case = _load(harness, collection, key)
        violations = [v for v in kind(case) if v is not None]
        if not violations or collection != "instances" or not case.moved():
            break
    require(violations)


def _need(values: Sequence[Any], what: str, case: FilterCase) -> None:
    if not values:
        raise NotApplicable(f"no {case.collection} with {what} {case.key}")


# -- the checks ----------------------------------------------------------------------------------


@rule(RULE_EXACT)
@pytest.mark.parametrize(("collection", "key"), PAIRS)
def test_scalar_value_gives_exactly_the_equal_objects(
    dctck_harness: Harness, collection: str, key: str
) -> None:
    def kind(case: FilterCase) -> Iterable[Violation | None]:
        _need(case.values, "a value for", case)
        return [case.check({key: value}, RULE_EXACT) for value in spread(case.values, SAMPLE_SIZE)]

    run_kind(dctck_harness, collection, key, kind)


@rule(RULE_ORDER)
@pytest.mark.parametrize(("collection", "key"), PAIRS)
def test_filtered_result_keeps_the_unfiltered_order(
    dctck_harness: Harness, collection: str, key: str
) -> None:
    def kind(case: FilterCase) -> Iterable[Violation | None]:
        _need(case.values, "a value for", case)
        return [case.check({key: list(reversed(case.values))}, RULE_ORDER)]

    run_kind(dctck_harness, collection, key, kind)


@rule(RULE_SUBSTRING)
@pytest.mark.parametrize(("collection", "key"), PAIRS)
def test_prefix_or_substring_matches_only_equal_objects(
    dctck_harness: Harness, collection: str, key: str
) -> None:
    def kind(case: FilterCase) -> Iterable[Violation | None]:
        _need(case.strings, "a string", case)
        return [
            case.check({key: miss}, RULE_SUBSTRING)
            for value in case.strings
            for miss in substring_misses(value)
        ]

    run_kind(dctck_harness, collection, key, kind)


@rule(RULE_CASE)
@pytest.mark.parametrize(("collection", "key"), PAIRS)
def test_other_case_matches_only_equal_objects(
    dctck_harness: Harness, collection: str, key: str
) -> None:
    def kind(case: FilterCase) -> Iterable[Violation | None]:
        misses = [miss for value in case.strings for miss in case_misses(value)]
        _need(misses, "a cased letter in", case)
        return [case.check({key: miss}, RULE_CASE) for miss in misses]

    run_kind(dctck_harness, collection, key, kind)


@rule(RULE_MEMBERSHIP)
@pytest.mark.parametrize(("collection", "key"), PAIRS)
def test_list_tuple_or_set_value_means_membership(
    dctck_harness: Harness, collection: str, key: str
) -> None:
    def kind(case: FilterCase) -> Iterable[Violation | None]:
        values = case.values
        _need(values, "a value for", case)
        absent = absent_value(values)
        first, middle, last = values[0], values[len(values) // 2], values[-1]
        candidates: list[Any] = [[first, absent], (last,), [], [absent], [first, last, first]]
        if all(isinstance(v, str) for v in (middle, absent)):
            candidates.append({middle, absent})
        return [case.check({key: value}, RULE_MEMBERSHIP) for value in candidates]

    run_kind(dctck_harness, collection, key, kind)


@rule(RULE_LONG_LIST)
@pytest.mark.parametrize(("collection", "key"), PAIRS)
def test_long_list_value_means_membership(
    dctck_harness: Harness, collection: str, key: str, request: pytest.FixtureRequest
) -> None:
    config = request.config
    if config.getoption("dctck_via_rest", False) or config.getini("dctck_via_rest"):
        raise NotApplicable(
            "through the REST front filters are query parameters, which it may bound; SPEC 6"
            " sets no limit on the driver, certified without --dctck-via-rest"
        )

    def kind(case: FilterCase) -> Iterable[Violation | None]:
        values = case.values
        _need(values, "a value for", case)
        absent = absent_value(values)
        padding = [f"{absent}-{n}" for n in range(max(LONG_LISTS))]
        candidates = [
            [values[0], *padding[: length - len(values)], *values[1:]]
            for length in LONG_LISTS
            if length > len(values)
        ]
        return [case.check({key: value}, RULE_LONG_LIST) for value in candidates]

    run_kind(dctck_harness, collection, key, kind)


@rule(RULE_AND)
@pytest.mark.parametrize(("collection", "key"), COMBINABLE_PAIRS)
def test_several_keys_must_all_match(dctck_harness: Harness, collection: str, key: str) -> None:
    def kind(case: FilterCase) -> Iterable[Violation | None]:
        others = [k for k in FILTER_KEYS[collection] if k != key]
        found: list[Violation | None] = []
        for other in others:
            other_values = distinct_values(case.items, other)
            for item in spread([i for i in case.items if getattr(i, key, None) is not None], 4):
                mine, theirs = getattr(item, key), getattr(item, other, None)
                if theirs is not None:
                    found.append(case.check({key: mine, other: theirs}, RULE_AND))
                crossed = next((v for v in other_values if v != theirs), None)
                if crossed is not None:
                    found.append(case.check({key: mine, other: crossed}, RULE_AND))
        _need(found, "a value for", case)
        return found

    run_kind(dctck_harness, collection, key, kind)


@rule(RULE_NO_MATCH)
@pytest.mark.parametrize(("collection", "key"), PAIRS)
def test_no_match_gives_an_empty_list(dctck_harness: Harness, collection: str, key: str) -> None:
    def kind(case: FilterCase) -> Iterable[Violation | None]:
        absent = absent_value(case.values)
        other = absent_value([*case.values, absent], f"{ABSENT}-other")
        found = [
            case.check({key: absent}, RULE_NO_MATCH),
            case.check({key: [absent, other]}, RULE_NO_MATCH),
        ]
        if NOT_A_STRING not in case.values:  # compared as given: it equals no string
            found.append(case.check({key: NOT_A_STRING}, RULE_NO_MATCH))
            found.append(case.check({key: [NOT_A_STRING, absent]}, RULE_NO_MATCH))
        return found

    run_kind(dctck_harness, collection, key, kind)


@rule(RULE_NO_FILTER)
@pytest.mark.parametrize(("collection", "key"), PAIRS)
def test_no_filter_keeps_the_whole_collection(
    dctck_harness: Harness, collection: str, key: str
) -> None:
    def kind(case: FilterCase) -> Iterable[Violation | None]:
        harness = case.harness
        found: list[Violation | None] = []
        omitted = harness.call(collection, harness.subject.valid)
        found.append(judge(str(omitted.call), omitted, [case.listed], RULE_NO_FILTER, (), case.own))
        candidates: list[dict[str, Any]] = [{}, {key: None}]
        if len(FILTER_KEYS[collection]) > 1:
            candidates.append(dict.fromkeys(FILTER_KEYS[collection]))
        for opts in candidates:
            call, outcome = case.query(opts)
            found.append(judge(call, outcome, [case.listed], RULE_NO_FILTER, (), case.own))
        return found

    run_kind(dctck_harness, collection, key, kind)


@rule(RULE_EMPTY_STRING)
@pytest.mark.parametrize(("collection", "key"), PAIRS)
def test_empty_string_matches_only_empty_attributes(
    dctck_harness: Harness, collection: str, key: str
) -> None:
    def kind(case: FilterCase) -> Iterable[Violation | None]:
        return [case.check({key: ""}, RULE_EMPTY_STRING)]

    run_kind(dctck_harness, collection, key, kind)


@rule(RULE_OPTS_UNCHANGED)
@pytest.mark.parametrize(("collection", "key"), PAIRS)
def test_opts_is_never_mutated(dctck_harness: Harness, collection: str, key: str) -> None:
    def kind(case: FilterCase) -> Iterable[Violation | None]:
        value = case.values[0] if case.values else ABSENT
        candidates: list[dict[str, Any]] = [
            {key: value},
            {key: [value, ABSENT]},
            {key: (value,)},
            {key: None},
            {key: ""},
        ]
        if case.items and len(FILTER_KEYS[collection]) > 1:
            first = case.items[0]
            candidates.append({k: getattr(first, k, None) for k in FILTER_KEYS[collection]})
        return [_mutation(case, opts) for opts in candidates]

    run_kind(dctck_harness, collection, key, kind)


def _mutation(case: FilterCase, opts: dict[str, Any]) -> Violation | None:
    """Pass ``opts`` itself (not a copy) and see whether it comes back changed."""
    pristine = copy.deepcopy(opts)
    call = str(Call(case.collection, (("opts", pristine),)))
    case.harness.call(case.collection, case.harness.subject.valid, opts)
    if opts == pristine:
        return None
    return Violation(call, RULE_OPTS_UNCHANGED, f"left opts as {opts!r}", f"{pristine!r} unchanged")
