"""Area ``isolation``: an account neither sees nor acts on another account's instances (SPEC 2).

Needs a second account (``--dctck-other-credentials``); without one every check is skipped.
"""

from __future__ import annotations

import pytest

from dctck import NotFound
from dctck.kit import (
    INSTANCE_ACTIONS,
    CredentialSet,
    Harness,
    NotApplicable,
    Outcome,
    Violation,
    area,
    describe_value,
    require,
    rule,
)

pytestmark = area("isolation")

RULE_NOT_LISTED = "SPEC 2: another account's instance is not listed"
RULE_NOT_FOUND_BY_ID = "SPEC 2: another account's instance is not found by id"
RULE_ACTION_NOT_FOUND = "SPEC 2: an action on another account's instance raises NotFound"
RULE_ACTION_UNCHANGED = "SPEC 2: an action on another account's instance changes nothing"


def _other(harness: Harness) -> CredentialSet:
    other = harness.subject.other
    if other is None:
        raise NotApplicable("no --dctck-other-credentials")
    return other


def listed_problems(outcome: Outcome, hidden: str) -> list[Violation]:
    """A listing must not show the instance ``hidden`` of another account."""
    value = outcome.value
    if not outcome.returned or not isinstance(value, list):
        return [Violation.of(outcome, RULE_NOT_LISTED, "a list")]
    if any(getattr(item, "id", None) == hidden for item in value):
        return [
            Violation(
                str(outcome.call),
                RULE_NOT_LISTED,
                f"returned {describe_value(value)}, which holds {hidden!r} of another account",
                f"a list without {hidden!r}",
            )
        ]
    return []


@rule(RULE_NOT_LISTED)
def test_other_account_does_not_list_the_instance(dctck_harness: Harness) -> None:
    other = _other(dctck_harness)
    watch = dctck_harness.running_instance()
    watch.listed_state()
    require(listed_problems(dctck_harness.call("instances", other, None), watch.id))


@rule(RULE_NOT_LISTED)
def test_instance_of_other_account_is_not_listed(dctck_harness: Harness) -> None:
    other = _other(dctck_harness)
    outcome, watch = dctck_harness.create(credentials=other)
    if watch is None:
        raise NotApplicable(f"the other account could not create an instance: {outcome}")
    watch.settle()
    valid = dctck_harness.subject.valid
    require(listed_problems(dctck_harness.call("instances", valid, None), watch.id))


@rule(RULE_NOT_FOUND_BY_ID)
def test_other_account_does_not_find_the_instance_by_id(dctck_harness: Harness) -> None:
    other = _other(dctck_harness)
    watch = dctck_harness.running_instance()
    watch.listed_state()
    lookup = dctck_harness.call("instance", other, watch.id)
    listing = dctck_harness.call("instances", other, {"id": watch.id})
    problems = []
    if not (lookup.returned and lookup.value is None):
        problems.append(Violation.of(lookup, RULE_NOT_FOUND_BY_ID, "None"))
    if not (listing.returned and listing.value == []):
        problems.append(Violation.of(listing, RULE_NOT_FOUND_BY_ID, "[]"))
    require(problems)


@rule(RULE_ACTION_NOT_FOUND)
@pytest.mark.parametrize("action", INSTANCE_ACTIONS)
def test_other_account_cannot_act_on_the_instance(dctck_harness: Harness, action: str) -> None:
    other = _other(dctck_harness)
    watch = dctck_harness.instance_for(action)
    before = watch.listed_state()
    outcome = dctck_harness.call(f"{action}_instance", other, watch.id)
    problems = watch.unchanged_since(before, outcome, RULE_ACTION_UNCHANGED)
    if not outcome.raised(NotFound):
        problems.append(
            Violation.of(
                outcome, RULE_ACTION_NOT_FOUND, f"NotFound: {watch.id!r} belongs to another account"
            )
        )
    require(problems)
