"""Area ``ids``: every object has a non-empty unique string id, stable across calls, that names it.

Singular lookups give the object with that id and ``None`` for an unknown one; a created instance
is listed under the id ``create_instance`` returned; actions on an unknown id raise ``NotFound``.
Unknown ids are made from real ones (:func:`unknown_id`), so they have a plausible shape.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import pytest

from dctck import NotFound, ValidationError
from dctck.kit import (
    AWAIT_LISTED,
    COLLECTIONS,
    INSTANCE_ACTIONS,
    LOOKUPS,
    Harness,
    NotApplicable,
    Outcome,
    Unmet,
    Violation,
    area,
    describe_value,
    require,
    rule,
    spread,
)

pytestmark = area("ids")

#: How an unknown id is made: a real id with a suffix, a real id with its last character changed,
#: and an id of no provider at all.
UNKNOWN_KINDS = ("suffixed", "altered", "foreign")
FOREIGN_ID = "dctck-no-such-id"
#: At most this many objects are looked up one by one.
SAMPLE_SIZE = 8

RULE_NON_EMPTY = "SPEC 3: every object has a non-empty string id"
RULE_UNIQUE = "SPEC 4: an id names one object: no two listed objects share it"
RULE_STABLE = "SPEC 4: ids are stable: the same objects keep the same ids across calls"
RULE_LOOKUP = "SPEC 4: singular lookups return the one object with that id"
RULE_LOOKUP_UNKNOWN = "SPEC 4: singular lookups return None for an unknown id"
RULE_CREATED_LISTED = "SPEC 4: a created instance is listed under the id create_instance returned"
RULE_ACTION_UNKNOWN = "SPEC 4: an unknown id in an action raises NotFound"
RULE_ACTION_WRONG_TYPE = (
    "SPEC 1, 4: an id of the wrong type in an action raises ValidationError or NotFound"
)
#: Ids that are not strings.
WRONG_TYPE_IDS = {"int": 5, "none": None}

_ALPHABETS = (string.digits, "abcdef", string.ascii_lowercase, string.ascii_uppercase)


# -- plain helpers -------------------------------------------------------------------------------


def unknown_id(kind: str, real_ids: Sequence[Any]) -> str | None:
    """An id of plausible shape that names nothing in ``real_ids``; ``None`` if none to derive from.

    ``suffixed``: the first real id with ``0`` appended (as often as needed); ``altered``: the
    first real id with its last character replaced by another of its kind (a digit by a digit, a
    hex letter by a hex letter); ``foreign``: an id of no provider.
    """
    taken = {i for i in real_ids if isinstance(i, str)}
    base = next((i for i in real_ids if isinstance(i, str) and i), None)
    if kind == "foreign":
        candidates: Iterable[str] = (FOREIGN_ID + "0" * n for n in range(len(taken) + 1))
    elif base is None:
        return None
    elif kind == "suffixed":
        candidates = (base + "0" * n for n in range(1, len(taken) + 2))
    elif kind == "altered":
        last = base[-1]
        alphabet = next((a for a in _ALPHABETS if last in a), string.ascii_lowercase)
        candidates = (base[:-1] + c for c in alphabet + string.ascii_lowercase if c != last)
    else:
        raise ValueError(f"unknown kind of unknown id: {kind!r}")
    return next((c for c in candidates if c not in taken), None)


def duplicate_ids(ids: Iterable[Any]) -> list[tuple[Any, int]]:
    """Ids given more than once, with their counts, first appearance first."""
    given = list(ids)
    counts = Counter(repr(i) for i in given)
    first = {repr(i): i for i in reversed(given)}
    return [(first[key], count) for key, count in counts.items() if count > 1]


def _id(item: Any) -> Any:
    return getattr(item, "id", None)


# -- driver access -------------------------------------------------------------------------------


def _listed_instance(harness: Harness, before: list[Any]) -> tuple[str, list[Any]]:
    """Create an instance and wait until ``instances()`` lists it under its id: that listing.

    ``before`` is the listing just before the create; if the id never shows, the check fails
    naming the ids that appeared instead.
    """
    watch = harness.created_instance()
    last: list[Outcome] = []

    def listed() -> list[Any] | None:
        outcome = harness.call("instances", harness.subject.valid, None)
        last[:] = [outcome]
        items = outcome.value if outcome.returned and isinstance(outcome.value, list) else []
        return items if watch.id in [_id(i) for i in items] else None

    items = harness.wait_for(AWAIT_LISTED, listed)
    if items is not None:
        return str(last[-1].call), list(items)
    if not last:  # not awaited: an earlier check waited out the timeout for this
        last.append(harness.call("instances", harness.subject.valid, None))
    outcome = last[-1]
    known = [repr(_id(i)) for i in before]
    new = (
        [_id(i) for i in outcome.value if repr(_id(i)) not in known]
        if outcome.returned and isinstance(outcome.value, list)
        else []
    )
    happened = f"did not list {watch.id!r} within {harness.subject.timeout:g} s"
    if new:
        happened += f"; it lists new ids {describe_value(new)}"
    violation = Violation(str(outcome.call), RULE_CREATED_LISTED, happened, f"{watch.id!r} listed")
    raise Unmet([harness.waited_in_vain(AWAIT_LISTED, violation)])


def _data(harness: Harness, collection: str, instances: int = 1) -> tuple[str, list[Any]]:
    """The listing; for instances, the check's own in the first one listing ``instances`` new
    instances.

    Each new instance is awaited in the listing that follows its create, so the listing that
    shows the last one is the data: no further call.
    """
    listing = harness.listing(collection)
    if collection == "instances":
        for _ in range(instances):
            listing = _listed_instance(harness, listing[1])
        return listing[0], harness.mine(listing[1])  # never judge another's instances
    return listing


def _unknown(harness: Harness, collection: str, kind: str) -> str:
    """An id of ``kind`` (see :func:`unknown_id`) that ``collection()`` does not list.

    Derived from the ids it lists; for instances, a new instance's id is among them, so there is
    one to derive from.
    """
    real = (
        [harness.created_instance().id] if collection == "instances" and kind != "foreign" else []
    )
    _, items = harness.listing(collection)
    unknown = unknown_id(kind, [*real, *(_id(item) for item in items)])
    if unknown is None:
        raise NotApplicable(f"{collection}() lists no id to derive an unknown one from")
    return unknown


# -- the checks ----------------------------------------------------------------------------------


@rule(RULE_NON_EMPTY)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_every_object_has_a_non_empty_string_id(dctck_harness: Harness, collection: str) -> None:
    call, items = _data(dctck_harness, collection)
    require(
        Violation(
            call,
            RULE_NON_EMPTY,
            f"listed a {type(item).__name__} with id {_id(item)!r}",
            "a non-empty string id",
        )
        for item in items
        if not isinstance(_id(item), str) or not _id(item)
    )


@rule(RULE_UNIQUE)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_ids_are_unique(dctck_harness: Harness, collection: str) -> None:
    call, items = _data(dctck_harness, collection, instances=2)
    require(
        Violation(call, RULE_UNIQUE, f"listed {count} objects with id {value!r}", "each id once")
        for value, count in duplicate_ids(_id(item) for item in items)
    )


@rule(RULE_STABLE)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_ids_are_stable_across_calls(dctck_harness: Harness, collection: str) -> None:
    call, first = _data(dctck_harness, collection)
    _, second = dctck_harness.listing(collection)
    if collection == "instances":
        second = dctck_harness.mine(second)
    before, after = [_id(i) for i in first], [_id(i) for i in second]
    expected = "the same ids in consecutive calls"
    require(
        [
            *(
                Violation(call, RULE_STABLE, f"listed {i!r} in one call, not in the next", expected)
                for i in before
                if i not in after
            ),
            *(
                Violation(
                    call, RULE_STABLE, f"listed {i!r} only in the second of two calls", expected
                )
                for i in after
                if i not in before
            ),
        ]
    )


@rule(RULE_LOOKUP)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_lookup_returns_the_object_with_that_id(dctck_harness: Harness, collection: str) -> None:
    if collection == "instances":
        dctck_harness.running_instance()  # a settled one, compared attribute by attribute
    _, items = _data(dctck_harness, collection)
    ids = [i for i in dict.fromkeys(map(_id, items)) if isinstance(i, str) and i]
    if not ids:
        raise NotApplicable(f"{collection}() lists nothing to look up")
    listed = {_id(item): item for item in reversed(items)}
    violations = []
    for wanted in spread(ids, SAMPLE_SIZE):
        outcome = dctck_harness.call(LOOKUPS[collection], dctck_harness.subject.valid, wanted)
        if not outcome.returned or _id(outcome.value) != wanted:
            violations.append(
                Violation.of(
                    outcome, RULE_LOOKUP, f"the object with id {wanted!r} that {collection}() lists"
                )
            )
        elif _differs(outcome.value, listed[wanted]):
            violations.append(
                Violation(
                    str(outcome.call),
                    RULE_LOOKUP,
                    f"returned {outcome.value!r:.300}",
                    f"the object {collection}() lists: {listed[wanted]!r:.300}",
                )
            )
    require(violations)


def _differs(found: Any, listed: Any) -> bool:
    """The looked-up object is not the listed one (an instance compared only when its state has
    not moved on since it was listed, as addresses may change with the state)."""
    if getattr(found, "state", None) != getattr(listed, "state", None):
        return False
    return bool(found != listed)


@rule(RULE_LOOKUP_UNKNOWN)
@pytest.mark.parametrize("kind", UNKNOWN_KINDS)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_lookup_of_an_unknown_id_returns_none(
    dctck_harness: Harness, collection: str, kind: str
) -> None:
    unknown = _unknown(dctck_harness, collection, kind)
    outcome = dctck_harness.call(LOOKUPS[collection], dctck_harness.subject.valid, unknown)
    if not outcome.returned or outcome.value is not None:
        require([Violation.of(outcome, RULE_LOOKUP_UNKNOWN, "None")])


@rule(RULE_CREATED_LISTED)
def test_created_instance_is_listed_under_its_id(dctck_harness: Harness) -> None:
    _listed_instance(dctck_harness, dctck_harness.listing("instances")[1])


@rule(RULE_ACTION_UNKNOWN)
@pytest.mark.parametrize("kind", UNKNOWN_KINDS)
@pytest.mark.parametrize("action", INSTANCE_ACTIONS)
def test_action_on_an_unknown_id_raises_not_found(
    dctck_harness: Harness, action: str, kind: str
) -> None:
    if action == "start" and not dctck_harness.subject.machine.declares("start"):
        raise NotApplicable("the declared machine has no start action")
    unknown = _unknown(dctck_harness, "instances", kind)
    outcome = dctck_harness.call(f"{action}_instance", dctck_harness.subject.valid, unknown)
    if not outcome.raised(NotFound):
        require([Violation.of(outcome, RULE_ACTION_UNKNOWN, "NotFound")])


@rule(RULE_ACTION_WRONG_TYPE)
@pytest.mark.parametrize("given", WRONG_TYPE_IDS)
@pytest.mark.parametrize("action", INSTANCE_ACTIONS)
def test_action_on_an_id_of_the_wrong_type_is_refused(
    dctck_harness: Harness, action: str, given: str
) -> None:
    if action == "start" and not dctck_harness.subject.machine.declares("start"):
        raise NotApplicable("the declared machine has no start action")
    dctck_harness.created_instance()  # so an action on "any instance" would have one to take
    wrong = WRONG_TYPE_IDS[given]
    outcome = dctck_harness.call(f"{action}_instance", dctck_harness.subject.valid, wrong)
    if not outcome.raised((ValidationError, NotFound)):
        require([Violation.of(outcome, RULE_ACTION_WRONG_TYPE, "ValidationError or NotFound")])
