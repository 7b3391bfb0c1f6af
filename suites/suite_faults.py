"""Area ``faults``: provider faults injected into every SPI operation (SPEC 9).

Only for a driver exposing ``faults`` (``fail_next(operation, kind, count)`` and ``clear()``);
without it every check is not applicable. Each kind of fault is injected once (a retry may cure
it) and persistently (more often than a driver retries). Under a fault a call raises
``ProviderError`` or returns the correct answer; retries wait on the driver's clock when it has
one; a failed ``create_instance`` leaves no instance behind, or one that is listed and can be
destroyed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dctck import Instance, ProviderError, TransitionTracker
from dctck.kit import (
    COLLECTIONS,
    INSTANCE_ACTIONS,
    Harness,
    NotApplicable,
    Outcome,
    Unmet,
    Violation,
    area,
    await_gone,
    describe_value,
    fsm_violations,
    measuring_blocked_time,
    require,
    rule,
    wall_time,
)

pytestmark = area("faults")

KINDS = ("throttle", "server_error", "timeout")
#: How many calls fail: one (a retry may cure it), or more than any driver retries.
COUNTS = {"once": 1, "persistently": 12}
#: Seconds a call under a fault may spend blocked (asleep: neither running nor waiting for a
#: CPU, so a loaded machine does not count) while the driver's virtual clock stands still.
SLEPT_SECONDS = 0.5

RULE_ANSWER = (
    "SPEC 9: under a provider fault a call raises ProviderError or returns the correct answer"
)
RULE_VIRTUAL = "SPEC 9: retries wait on the driver's clock, not on the wall clock"
RULE_HALF_DONE = (
    "SPEC 9: a failed create_instance leaves no instance behind, or one that is listed and can"
    " be destroyed"
)
RULE_INJECTION = "SPEC 9: faults.fail_next(operation, kind, count) and faults.clear() work"


def _faults(harness: Harness) -> Any:
    faults = harness.subject.faults
    if faults is None:
        raise NotApplicable("the driver exposes no faults (SPEC 9 is optional)")
    return faults


def under_fault(
    harness: Harness, operation: str, kind: str, count: int, call: Callable[[], Outcome]
) -> tuple[Outcome, list[Violation]]:
    """``call()`` with the next ``count`` calls of ``operation`` failing with ``kind``; the
    outcome, and a violation if the driver slept in wall time while its clock stood still."""
    faults = _faults(harness)
    shown = f"faults.fail_next({operation!r}, {kind!r}, {count})"
    try:
        faults.fail_next(operation, kind, count)
    except Exception as exc:
        raise Unmet(
            [Violation(shown, RULE_INJECTION, f"raised {exc!r:.160}", "the fault injected")]
        ) from None
    clock = harness.subject.clock
    try:
        virtual = clock.now() if clock is not None else 0.0
        started = wall_time()
        with measuring_blocked_time() as blocked:
            outcome = call()
            slept = blocked()
        wall = wall_time() - started
        advanced = clock.now() - virtual if clock is not None else 0.0
    finally:
        faults.clear()
    if clock is None or advanced > 0 or slept <= SLEPT_SECONDS or outcome.timed_out:
        return outcome, []  # a call that did not return is judged as such, not as a sleeper
    happened = (
        f"slept {slept:.2f} s of its {wall:.2f} s of wall time under {shown}"
        " while driver.clock stood still"
    )
    return outcome, [Violation(str(outcome.call), RULE_VIRTUAL, happened, "waits on driver.clock")]


def answer_problems(outcome: Outcome, correct: str, fits: bool) -> list[Violation]:
    """``outcome`` under a fault: ProviderError, or an answer that ``fits`` (``correct``)."""
    if outcome.raised(ProviderError) or (outcome.returned and fits):
        return []
    happened = outcome.describe()
    return [Violation(str(outcome.call), RULE_ANSWER, happened, f"ProviderError or {correct}")]


@rule(RULE_ANSWER)
@pytest.mark.parametrize("count", COUNTS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_listing_under_a_fault(
    dctck_harness: Harness, collection: str, kind: str, count: str
) -> None:
    _faults(dctck_harness)
    if collection == "instances":
        dctck_harness.running_instance()
    _, correct = dctck_harness.listing(collection)
    valid = dctck_harness.subject.valid
    outcome, problems = under_fault(
        dctck_harness,
        collection,
        kind,
        COUNTS[count],
        lambda: dctck_harness.call(collection, valid, None),
    )
    fits = isinstance(outcome.value, list) and _judged(
        dctck_harness, collection, outcome.value
    ) == (_judged(dctck_harness, collection, correct))
    problems += answer_problems(
        outcome, f"the listing without a fault, {describe_value(correct)}", fits
    )
    require(problems)


def _judged(harness: Harness, collection: str, listing: list[Any]) -> list[Any]:
    """What of a listing is compared: for instances, only the check's own (other tenants'
    instances may come and go between two listings)."""
    return harness.mine(listing) if collection == "instances" else listing


@rule(RULE_HALF_DONE)
@pytest.mark.parametrize("count", COUNTS)
@pytest.mark.parametrize("kind", KINDS)
def test_create_instance_under_a_fault(dctck_harness: Harness, kind: str, count: str) -> None:
    _faults(dctck_harness)
    image_id = dctck_harness.default_image_id()
    before = dctck_harness.instance_ids()
    valid = dctck_harness.subject.valid
    outcome, problems = under_fault(
        dctck_harness,
        "create_instance",
        kind,
        COUNTS[count],
        lambda: dctck_harness.call("create_instance", valid, image_id, None, owned=True),
    )
    added = dctck_harness.new_instance_ids(before)
    returned = getattr(outcome.value, "id", None) if outcome.returned else None
    fits = isinstance(outcome.value, Instance) and isinstance(returned, str)
    problems += answer_problems(outcome, "the new Instance", fits)
    if isinstance(returned, str):
        dctck_harness.follow(returned)
    left = [i for i in added if i != returned]
    if left and outcome.returned:
        happened = f"returned {describe_value(outcome.value)}, and instances() listed {added!r}"
        problems.append(Violation(str(outcome.call), RULE_HALF_DONE, happened, "one new instance"))
    for instance_id in left:
        problems += _destroyed(dctck_harness, instance_id, str(outcome.call))
    require(problems)


def _destroyed(harness: Harness, instance_id: str, call: str) -> list[Violation]:
    """Destroy an instance a faulted create left behind: violations if that fails."""
    watch = harness.follow(instance_id)
    outcome = harness.call("destroy_instance", harness.subject.valid, instance_id)
    if not outcome.returned:
        happened = f"left {instance_id!r} behind, and then {outcome}"
        return [Violation(call, RULE_HALF_DONE, happened, "an instance that can be destroyed")]
    return await_gone(watch, str(outcome.call))


@rule(RULE_ANSWER)
@pytest.mark.parametrize("count", COUNTS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", INSTANCE_ACTIONS)
def test_action_under_a_fault(dctck_harness: Harness, action: str, kind: str, count: str) -> None:
    _faults(dctck_harness)
    watch = dctck_harness.instance_ready_for(action)
    before = watch.state
    outcome, problems = under_fault(
        dctck_harness,
        f"{action}_instance",
        kind,
        COUNTS[count],
        lambda: dctck_harness.call(f"{action}_instance", watch.credentials, watch.id),
    )
    value = outcome.value
    fits = (isinstance(value, Instance) and value.id == watch.id) or (
        action == "destroy" and value is None
    )
    problems += answer_problems(outcome, f"the Instance {watch.id!r}", fits)
    # whether or not the provider acted before failing, what follows is legal after the action
    watch.tracker = TransitionTracker(dctck_harness.subject.machine, before, action)
    if outcome.returned and action == "destroy":
        problems += await_gone(watch, str(outcome.call))
    elif outcome.returned:
        watch.settle()
    else:
        watch.observe()
        if not watch.tracker.completed:  # not taken: from now on only _auto_ changes
            watch.tracker = TransitionTracker(watch.tracker.machine, watch.state, None)
    require([*problems, *fsm_violations(watch)])
