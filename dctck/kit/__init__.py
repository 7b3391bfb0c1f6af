"""The conformance kit's public building blocks, as the bundled suites (and yours) use them.

A check gets a :class:`Harness` (pytest fixture ``dctck_harness``), calls the driver through it
(every call bounded by the timeout, every outcome describable), follows instances with
:class:`InstanceWatch`, and reports broken rules as :class:`Violation` objects with :func:`require`.
"""

from __future__ import annotations

from dctck.kit._calls import Call, CallRunner, CredentialSet, Outcome
from dctck.kit._collection import (
    declared_machine,
    instance_states_at_collection,
    remember_driver,
)
from dctck.kit._describe import describe_error, describe_value
from dctck.kit._expectations import Expectation, expectation_for, judge_answer
from dctck.kit._frozen import FrozenTime, wall_time
from dctck.kit._fsm import (
    RULE_GENERATED,
    FsmCases,
    await_gone,
    entering_transition,
    explore,
    fsm_cases,
    fsm_violations,
    leave_alone,
    quiet_period,
)
from dctck.kit._harness import (
    AWAIT_LISTED,
    END,
    RULE_ACTIONS_SUBSET,
    RULE_AUTOMATIC,
    RULE_CREATE_RETURNS,
    RULE_DECLARED_STATE,
    RULE_DESTROY,
    RULE_LEDGER,
    RULE_LEGAL_CHANGE,
    RULE_LISTED,
    Harness,
    InstanceWatch,
    shown_state,
)
from dctck.kit._marks import RULE_MARKER, area, rule
from dctck.kit._report import API_AREA, AREAS, CheckRecord, Report
from dctck.kit._sampling import spread
from dctck.kit._spi import (
    CATALOGUE,
    COLLECTIONS,
    FILTER_KEYS,
    INSTANCE_ACTIONS,
    LOOKUPS,
    OPTIONAL_FILTER_KEYS,
    RULE_LIST,
)
from dctck.kit._subject import (
    DEFAULT_TIMEOUT,
    SPI_PARAMETERS,
    Subject,
    TimedOut,
    fault_injection_of,
    virtual_clock_of,
)
from dctck.kit._violations import NotApplicable, Unmet, Violation, format_violations, require

__all__ = [
    "API_AREA",
    "AWAIT_LISTED",
    "AREAS",
    "CATALOGUE",
    "COLLECTIONS",
    "Call",
    "CallRunner",
    "CheckRecord",
    "CredentialSet",
    "DEFAULT_TIMEOUT",
    "END",
    "Expectation",
    "FILTER_KEYS",
    "FrozenTime",
    "FsmCases",
    "Harness",
    "INSTANCE_ACTIONS",
    "InstanceWatch",
    "LOOKUPS",
    "NotApplicable",
    "OPTIONAL_FILTER_KEYS",
    "Outcome",
    "RULE_ACTIONS_SUBSET",
    "RULE_AUTOMATIC",
    "RULE_CREATE_RETURNS",
    "RULE_DECLARED_STATE",
    "RULE_DESTROY",
    "RULE_GENERATED",
    "RULE_LEDGER",
    "RULE_LEGAL_CHANGE",
    "RULE_LIST",
    "RULE_LISTED",
    "RULE_MARKER",
    "Report",
    "SPI_PARAMETERS",
    "Subject",
    "TimedOut",
    "Unmet",
    "Violation",
    "area",
    "await_gone",
    "declared_machine",
    "describe_error",
    "describe_value",
    "entering_transition",
    "expectation_for",
    "explore",
    "fault_injection_of",
    "format_violations",
    "fsm_cases",
    "fsm_violations",
    "instance_states_at_collection",
    "judge_answer",
    "leave_alone",
    "quiet_period",
    "remember_driver",
    "require",
    "rule",
    "shown_state",
    "spread",
    "virtual_clock_of",
    "wall_time",
]
