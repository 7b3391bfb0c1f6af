"""Area ``auth``: missing or rejected credentials raise AuthException; valid ones never do (SPEC 2).

The catalogue methods may be public: then every caller, with any credentials or none, gets the list
valid credentials get. ``instances`` and the instance actions always need credentials, and an
action refused for bad credentials changes nothing. A password of the wrong type may also be
refused as any argument of the wrong type is, with ValidationError or NotFound (SPEC 4).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

import pytest

from dctck import AuthException, NotFound, ValidationError
from dctck.kit import (
    CATALOGUE,
    INSTANCE_ACTIONS,
    CredentialSet,
    Harness,
    Outcome,
    Violation,
    area,
    describe_value,
    require,
    rule,
)

pytestmark = area("auth")

LISTINGS = (*CATALOGUE, "instances")
METHODS = (*LISTINGS, "create_instance", *(f"{a}_instance" for a in INSTANCE_ACTIONS))
BAD_KINDS = ("no_credentials", "wrong_password", "unknown_name", "password_not_a_string")
#: A password of the wrong type: rejected credentials, never a TypeError (SPEC 2).
NON_STRING_PASSWORD: Any = 5
#: What may refuse credentials of the wrong type: AuthException, or what refuses any argument of
#: the wrong type (SPEC 4: "ValidationError or NotFound (or AuthException for credentials)").
WRONG_TYPE_REFUSALS: tuple[type[Exception], ...] = (AuthException, ValidationError, NotFound)

RULE_REFUSED = "SPEC 2: missing or rejected credentials raise AuthException"
RULE_PUBLIC_SAME = "SPEC 2: a public catalogue method returns the same list for every caller"
RULE_PUBLIC_ANY = "SPEC 2: a public method works with {} and with any credentials"
RULE_UNCHANGED = "SPEC 2: an action refused for bad credentials changes nothing"
RULE_ACCEPTED = "SPEC 2: valid credentials are never refused with AuthException"

_AUTH = "AuthException"
_WRONG_TYPE = "AuthException, ValidationError or NotFound"
_AUTH_OR_PUBLIC = "AuthException, or (for a public catalogue) the list valid credentials get"


def bad_credentials(harness: Harness, kind: str) -> CredentialSet:
    """The bad credential set named ``kind`` (one of :data:`BAD_KINDS`)."""
    subject = harness.subject
    name = subject.valid.value.get("name", "")
    kinds = {
        "no_credentials": subject.no_credentials,
        "wrong_password": subject.wrong_password,
        "unknown_name": subject.unknown_name,
        "password_not_a_string": CredentialSet(
            "password not a string", {"name": name, "password": NON_STRING_PASSWORD}
        ),
    }
    return kinds[kind]


def refusals_for(kind: str) -> tuple[type[Exception], ...]:
    """The errors that may refuse the bad credential set ``kind``."""
    return WRONG_TYPE_REFUSALS if kind == "password_not_a_string" else (AuthException,)


def as_items(value: Any) -> Any:
    """A listing as a list, so a tuple or generator compares by content; anything else as is."""
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, Iterator):
        return list(islice(value, 100_000))
    return value


def listing_difference(got: Any, wanted: Any) -> str:
    """How the listing ``got`` differs from ``wanted`` (``""`` when equal)."""
    if got == wanted:
        return ""
    shown, expected = describe_value(got), describe_value(wanted)
    if shown != expected or not isinstance(got, list) or not isinstance(wanted, list):
        return f"returned {shown}"
    differing = [getattr(a, "id", a) for a, b in zip(got, wanted, strict=True) if a != b]
    return f"returned {shown}, with other attributes for {differing!r}"


def _unstable(wanted: Any, again: Outcome | None) -> bool:
    """Valid credentials got something else the second time: sameness cannot be judged (the ids
    area reports unstable listings)."""
    if again is None:
        return False
    return not again.returned or bool(listing_difference(as_items(again.value), wanted))


def catalogue_problems(
    valid: Outcome,
    bad: Outcome,
    again: Outcome | None = None,
    refusals: tuple[type[Exception], ...] = (AuthException,),
) -> list[Violation]:
    """Judge a catalogue call with bad credentials against the same call with valid ones, made
    before it (``valid``) and after it (``again``); ``refusals``: the errors that may refuse."""
    if bad.raised(refusals):
        return []
    call = str(bad.call)
    if not bad.returned:
        refused = _AUTH if refusals == (AuthException,) else _WRONG_TYPE
        expected = _AUTH_OR_PUBLIC.replace(_AUTH, refused, 1)
        return [Violation(call, RULE_REFUSED, bad.describe(), expected)]
    if not valid.returned:
        expected = f"{_AUTH} (valid credentials got no list: they {valid.describe()})"
        return [Violation(call, RULE_PUBLIC_SAME, bad.describe(), expected)]
    wanted = as_items(valid.value)
    if _unstable(wanted, again):
        return []
    difference = listing_difference(as_items(bad.value), wanted)
    if difference:
        expected = f"{_AUTH}, or {describe_value(wanted)} as valid credentials get"
        return [Violation(call, RULE_PUBLIC_SAME, difference, expected)]
    return []


def public_problems(
    valid: Outcome, bad: list[Outcome], other: Outcome | None, again: Outcome | None = None
) -> list[Violation]:
    """A catalogue method that serves some bad credentials what valid ones get is public: then
    every caller gets it (``bad``: the calls with each bad set; ``other``: as another account;
    ``valid`` and ``again``: with valid credentials, before and after).
    """
    if not valid.returned:
        return []  # nothing to compare with: the valid-credentials check reports it
    wanted = as_items(valid.value)
    if _unstable(wanted, again):
        return []
    served = [o for o in bad if o.returned and not listing_difference(as_items(o.value), wanted)]
    if not served:
        return []
    witness = f"{served[0].call} returned it"
    expected = f"{describe_value(wanted)} as valid credentials get, since {witness}"
    problems = [
        Violation.of(outcome, RULE_PUBLIC_ANY, expected) for outcome in bad if not outcome.returned
    ]
    if other is not None:
        difference = (
            listing_difference(as_items(other.value), wanted)
            if other.returned
            else other.describe()
        )
        if difference:
            problems.append(Violation(str(other.call), RULE_PUBLIC_SAME, difference, expected))
    return problems


def refusal_problems(
    outcome: Outcome, what: str, refusals: tuple[type[Exception], ...] = (AuthException,)
) -> list[Violation]:
    """A call with bad credentials to a method that always needs credentials; ``refusals``: the
    errors that may refuse it."""
    if outcome.raised(refusals):
        return []
    refused = _AUTH if refusals == (AuthException,) else _WRONG_TYPE
    return [Violation.of(outcome, RULE_REFUSED, f"{refused}: {what}")]


# -- the catalogue ---------------------------------------------------------------------------------


@rule(RULE_REFUSED)
@pytest.mark.parametrize("kind", BAD_KINDS)
@pytest.mark.parametrize("method", CATALOGUE)
def test_catalogue_refuses_bad_credentials_unless_public(
    dctck_harness: Harness, method: str, kind: str
) -> None:
    valid = dctck_harness.call(method, dctck_harness.subject.valid, None)
    bad = dctck_harness.call(method, bad_credentials(dctck_harness, kind), None)
    again = dctck_harness.call(method, dctck_harness.subject.valid, None)
    require(catalogue_problems(valid, bad, again, refusals_for(kind)))


@rule(RULE_PUBLIC_ANY)
@pytest.mark.parametrize("method", CATALOGUE)
def test_public_catalogue_serves_every_caller(dctck_harness: Harness, method: str) -> None:
    subject = dctck_harness.subject
    valid = dctck_harness.call(method, subject.valid, None)
    bad = [dctck_harness.call(method, credentials, None) for credentials in subject.bad_credentials]
    other = dctck_harness.call(method, subject.other, None) if subject.other else None
    again = dctck_harness.call(method, subject.valid, None)
    require(public_problems(valid, bad, other, again))


# -- instances and actions -------------------------------------------------------------------------


@rule(RULE_REFUSED)
@pytest.mark.parametrize("kind", BAD_KINDS)
def test_instances_refuses_bad_credentials(dctck_harness: Harness, kind: str) -> None:
    outcome = dctck_harness.call("instances", bad_credentials(dctck_harness, kind), None)
    require(refusal_problems(outcome, "instances always need credentials", refusals_for(kind)))


@rule(RULE_REFUSED)
@pytest.mark.parametrize("kind", BAD_KINDS)
def test_create_instance_refuses_bad_credentials(dctck_harness: Harness, kind: str) -> None:
    image_id = dctck_harness.default_image_id()
    credentials = bad_credentials(dctck_harness, kind)
    outcome, added = dctck_harness.try_create(image_id, None, credentials)
    problems = refusal_problems(
        outcome, "instance actions always need credentials", refusals_for(kind)
    )
    if added:
        problems.append(
            Violation(
                str(outcome.call),
                RULE_UNCHANGED,
                f"{outcome.describe()}, and then instances() listed new {added!r}",
                "no new instance",
            )
        )
    require(problems)


@rule(RULE_REFUSED)
@pytest.mark.parametrize("kind", BAD_KINDS)
@pytest.mark.parametrize("action", INSTANCE_ACTIONS)
def test_instance_action_refuses_bad_credentials(
    dctck_harness: Harness, action: str, kind: str
) -> None:
    watch = dctck_harness.instance_for(action)
    before = watch.listed_state()
    credentials = bad_credentials(dctck_harness, kind)
    outcome = dctck_harness.call(f"{action}_instance", credentials, watch.id)
    require(
        [
            *refusal_problems(
                outcome, "instance actions always need credentials", refusals_for(kind)
            ),
            *watch.unchanged_since(before, outcome, RULE_UNCHANGED),
        ]
    )


# -- valid credentials -----------------------------------------------------------------------------


@rule(RULE_ACCEPTED)
@pytest.mark.parametrize("method", METHODS)
def test_valid_credentials_are_accepted(dctck_harness: Harness, method: str) -> None:
    if method in LISTINGS:
        outcome = dctck_harness.call(method, dctck_harness.subject.valid, None)
    elif method == "create_instance":
        outcome, _ = dctck_harness.create()
    else:
        action = method.removesuffix("_instance")
        outcome = dctck_harness.instance_for(action).act(action)
    if outcome.raised(AuthException):
        require(
            [
                Violation(
                    str(outcome.call),
                    RULE_ACCEPTED,
                    f"with valid credentials {outcome.describe()}",
                    "anything but AuthException",
                )
            ]
        )
