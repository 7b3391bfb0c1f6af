"""Area ``models``: listings are lists of the right models, attributes have the SPEC types."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import pytest

from dctck import INSTANCE_STATES, HardwareProfile, Image, Instance, Realm
from dctck.kit import (
    CATALOGUE,
    INSTANCE_ACTIONS,
    RULE_CREATE_RETURNS,
    RULE_LIST,
    Harness,
    NotApplicable,
    Violation,
    area,
    require,
    rule,
)

pytestmark = area("models")

RULE_TYPES = "SPEC 3: model attributes have the types the SPEC gives"
RULE_ACTION_RETURNS = "SPEC 4: actions return the Instance after the request was accepted"
RULE_SIZES = "SPEC 3: memory and storage (decimal GB) and cpu (a count), where given, are positive"
RULE_FACTS = (
    "SPEC 3: a model's attributes are the provider's values:"
    " each fact declared in --dctck-facts is reported"
)

#: The hardware profile attributes that are sizes.
SIZES = ("memory", "storage", "cpu")

COLLECTIONS = {
    "hardware_profiles": HardwareProfile,
    "realms": Realm,
    "images": Image,
    "instances": Instance,
}

_TEXT = (str, type(None))
_NUMBER = (int, float, Decimal)

#: attribute -> (accepted types, how to say it)
ATTRIBUTE_TYPES: dict[type, dict[str, tuple[tuple[type, ...], str]]] = {
    HardwareProfile: {
        "id": ((str,), "a string"),
        "architecture": (_TEXT, "a string or None"),
        "memory": ((*_NUMBER, type(None)), "a number of decimal GB (int, float or Decimal)"),
        "storage": ((*_NUMBER, type(None)), "a number of decimal GB (int, float or Decimal)"),
        "cpu": ((int, type(None)), "an int count"),
    },
    Realm: {
        "id": ((str,), "a string"),
        "name": (_TEXT, "a string or None"),
        "state": (_TEXT, "a string or None"),
        "limit": ((int, type(None)), "an int or None"),
    },
    Image: {
        name: ((str,), "a string") if name == "id" else (_TEXT, "a string or None")
        for name in ("id", "name", "architecture", "owner_id", "description")
    },
    Instance: {
        **{
            name: ((str,), "a string") if name == "id" else (_TEXT, "a string or None")
            for name in ("id", "name", "owner_id", "image", "realm", "hardware_profile")
        },
        "state": ((str,), "one of " + ", ".join(INSTANCE_STATES)),
        "actions": ((list,), "a list of strings"),
        "public_addresses": ((list,), "a list of strings"),
        "private_addresses": ((list,), "a list of strings"),
    },
}

_LIST_ATTRIBUTES = {"actions", "public_addresses", "private_addresses"}


def _listing(harness: Harness, collection: str) -> tuple[str, Any]:
    if collection == "instances":
        harness.running_instance()
    outcome = harness.call(collection, harness.subject.valid, None)
    return str(outcome.call), outcome


def attribute_problems(model: Any, label: str) -> list[tuple[str, str]]:
    """Attributes of ``model`` the SPEC types do not allow, as (what it is, what it should be)."""
    problems = []
    for name, (types, wanted) in ATTRIBUTE_TYPES[type(model)].items():
        value: Any = getattr(model, name, None)
        bad = not isinstance(value, types) or isinstance(value, bool)
        if name in _LIST_ATTRIBUTES and not bad:
            bad = not all(isinstance(item, str) for item in value)
        if name == "state" and isinstance(model, Instance) and not bad:
            bad = value not in INSTANCE_STATES
        if bad:
            problems.append((f"gave {label}.{name} = {value!r}", wanted))
    return problems


def size_problems(model: Any, label: str) -> list[tuple[str, str]]:
    """Sizes of a hardware profile that are numbers but not positive."""
    if not isinstance(model, HardwareProfile):
        return []
    problems = []
    for name in SIZES:
        value: Any = getattr(model, name, None)
        if isinstance(value, _NUMBER) and not isinstance(value, bool) and not value > 0:
            problems.append((f"gave {label}.{name} = {value!r}", "a positive number, or None"))
    return problems


@rule(RULE_LIST)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_listing_returns_a_list_of_models(dctck_harness: Harness, collection: str) -> None:
    call, outcome = _listing(dctck_harness, collection)
    model = COLLECTIONS[collection]
    expected = f"a list of {model.__name__}"
    if not outcome.returned:
        require([Violation.of(outcome, RULE_LIST, expected)])
    value = outcome.value
    if not isinstance(value, list):
        require([Violation(call, RULE_LIST, f"returned a {type(value).__name__}", expected)])
    strangers = [item for item in value if not isinstance(item, model)] if value else []
    require(
        Violation(call, RULE_LIST, f"returned {type(item).__name__} {item!r:.80}", expected)
        for item in strangers
    )


@rule(RULE_TYPES)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_model_attributes_have_spec_types(dctck_harness: Harness, collection: str) -> None:
    call, outcome = _listing(dctck_harness, collection)
    models = outcome.value if outcome.returned and isinstance(outcome.value, list) else []
    if collection == "instances":
        models = dctck_harness.mine(models)  # another tenant's instance is not ours to judge
    model_type: Any = COLLECTIONS[collection]
    require(
        Violation(call, RULE_TYPES, happened, wanted)
        for item in models
        if isinstance(item, model_type)
        for happened, wanted in attribute_problems(item, f"{model_type.__name__} {item.id!r}")
    )


@rule(RULE_SIZES)
def test_hardware_profile_sizes_are_positive(dctck_harness: Harness) -> None:
    call, outcome = _listing(dctck_harness, "hardware_profiles")
    models = outcome.value if outcome.returned and isinstance(outcome.value, list) else []
    require(
        Violation(call, RULE_SIZES, happened, wanted)
        for item in models
        for happened, wanted in size_problems(item, f"HardwareProfile {item.id!r}")
    )


def same_fact(reported: Any, declared: Any) -> bool:
    """Whether a reported attribute is the declared fact: numbers by value (``1 == 1.0 ==
    Decimal("1")``, ``0.5 == Decimal("0.5")``), strings exactly."""
    if isinstance(declared, str):
        return isinstance(reported, str) and reported == declared
    if isinstance(reported, bool) or not isinstance(reported, _NUMBER):
        return False
    try:
        return Decimal(str(reported)) == Decimal(str(declared))
    except InvalidOperation:  # a signalling NaN
        return False


def fact_problems(
    models: list[Any], model_type: Any, declared: dict[str, dict[str, Any]]
) -> list[tuple[str, str]]:
    """How ``models`` (a listing) differ from the ``declared`` facts: (what it is, the fact)."""
    listed = {item.id: item for item in models if isinstance(item, model_type)}
    problems = []
    for ident, attributes in declared.items():
        label = f"{model_type.__name__} {ident!r}"
        item = listed.get(ident)
        if item is None:
            problems.append((f"listed no {label}", f"{label}, declared in --dctck-facts"))
            continue
        for name, fact in attributes.items():
            value = getattr(item, name, None)
            if not same_fact(value, fact):
                problems.append(
                    (f"gave {label}.{name} = {value!r}", f"{fact!r} as --dctck-facts declares")
                )
    return problems


@rule(RULE_FACTS)
@pytest.mark.parametrize("collection", CATALOGUE)
def test_declared_facts_are_reported(
    dctck_harness: Harness,
    dctck_facts: dict[str, dict[str, dict[str, Any]]] | None,
    collection: str,
) -> None:
    if dctck_facts is None:
        raise NotApplicable("no --dctck-facts given")
    declared = dctck_facts.get(collection)
    if not declared:
        raise NotApplicable(f"--dctck-facts declares no {collection}")
    call, outcome = _listing(dctck_harness, collection)
    model_type = COLLECTIONS[collection]
    if not outcome.returned or not isinstance(outcome.value, list):
        expected = f"a list of {model_type.__name__} holding the declared ids"
        require([Violation.of(outcome, RULE_FACTS, expected)])
    require(
        Violation(call, RULE_FACTS, happened, fact)
        for happened, fact in fact_problems(outcome.value, model_type, declared)
    )


@rule(RULE_CREATE_RETURNS)
def test_create_instance_returns_an_instance(dctck_harness: Harness) -> None:
    outcome, _ = dctck_harness.create()
    if not outcome.returned or not isinstance(outcome.value, Instance):
        require([Violation.of(outcome, RULE_CREATE_RETURNS, "an Instance")])
    require(
        Violation(str(outcome.call), RULE_TYPES, happened, wanted)
        for happened, wanted in attribute_problems(outcome.value, "Instance")
    )


@rule(RULE_ACTION_RETURNS)
@pytest.mark.parametrize("action", INSTANCE_ACTIONS)
def test_action_returns_an_instance(dctck_harness: Harness, action: str) -> None:
    machine = dctck_harness.subject.machine
    watch = dctck_harness.instance_for(action)
    if not machine.directly_allows(watch.state, action):
        pytest.skip(f"not applicable: {action} is not declared from {watch.state.upper()}")
    outcome = watch.act(action)
    value = outcome.value
    acceptable = isinstance(value, Instance) or (action == "destroy" and value is None)
    if not outcome.returned or not acceptable:
        expected = "an Instance or None" if action == "destroy" else "an Instance"
        require([Violation.of(outcome, RULE_ACTION_RETURNS, expected)])
    if isinstance(outcome.value, Instance) and outcome.value.id != watch.id:
        require(
            [
                Violation(
                    str(outcome.call),
                    RULE_ACTION_RETURNS,
                    f"returned instance {outcome.value.id!r}",
                    f"instance {watch.id!r}",
                )
            ]
        )
