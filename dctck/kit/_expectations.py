"""What a driver may answer to an action on an instance, by its declared machine (SPEC 4, 5).

For an instance last seen in a state, the machine says the action must be accepted, must be
refused with ``ActionNotAllowed``, or that either is legal (:class:`Expectation`);
:func:`judge_answer` turns the driver's answer into violations.
"""

from __future__ import annotations

from enum import Enum

from dctck._errors import ActionNotAllowed, NotFound
from dctck._states import END, StateMachine
from dctck.kit._calls import Outcome
from dctck.kit._violations import Violation

__all__ = ["Expectation", "expectation_for", "judge_answer"]


class Expectation(Enum):
    """What a driver may answer to an action, by the declared machine."""

    ACCEPT = "accept"
    REFUSE = "refuse"
    EITHER = "either"

    @property
    def rule(self) -> str:
        """The SPEC rule an answer breaks when it does not fit this expectation."""
        return _RULES[self]


_RULES = {
    Expectation.ACCEPT: "SPEC 4: an action the machine allows in the current state is accepted",
    Expectation.REFUSE: "SPEC 4: an action the machine does not allow raises ActionNotAllowed",
    Expectation.EITHER: (
        "SPEC 4: an action allowed only later, or already satisfied, is accepted or raises"
        " ActionNotAllowed"
    ),
}


def expectation_for(machine: StateMachine, state: str, action: str) -> Expectation:
    """What an instance last seen in ``state`` may answer to ``action``.

    The instance may have taken ``_auto_`` transitions since it was seen, so an answer is required
    only when every state it may be in requires it.
    """
    possible = machine.auto_closure({state})
    if END in possible:
        return Expectation.EITHER
    if all(machine.directly_allows(s, action) for s in possible):
        return Expectation.ACCEPT
    if all(machine.forbids(s, action) for s in possible):
        return Expectation.REFUSE
    return Expectation.EITHER


def judge_answer(
    machine: StateMachine, outcome: Outcome, expectation: Expectation, state: str, action: str
) -> list[Violation]:
    """Violations in the answer to ``action`` on an instance last seen in ``state``.

    ``NotFound`` is legal too where ``_auto_`` transitions may have ended the instance.
    """
    shown = state.upper()
    if expectation is Expectation.ACCEPT:
        if outcome.returned:
            return []
        expected = f"acceptance: instance_states() declares {action} from {shown}"
    elif expectation is Expectation.REFUSE:
        if outcome.raised(ActionNotAllowed):
            return []
        expected = f"ActionNotAllowed: instance_states() declares no {action} from {shown}"
    else:
        gone_possible = outcome.raised(NotFound) and END in machine.auto_closure({state})
        if outcome.returned or outcome.raised(ActionNotAllowed) or gone_possible:
            return []
        expected = f"acceptance or ActionNotAllowed for {action} from {shown}"
    happened = outcome.describe()
    if outcome.returned:
        happened = f"accepted it: {happened}"
    return [Violation(str(outcome.call), expectation.rule, happened, expected)]
