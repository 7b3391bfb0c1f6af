"""One check's workbench: driver calls, waiting in the driver's time, followed instances, leaks.

Everything a check creates goes into the harness' ledger; :meth:`Harness.cleanup` destroys what is
left and reports what could not be removed.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from dctck._errors import ActionNotAllowed, NotFound
from dctck._models import INSTANCE_STATES, Instance
from dctck._states import AUTO, END, StateMachine, TransitionTracker, normalize_state
from dctck.kit._calls import CredentialSet, Outcome
from dctck.kit._expectations import expectation_for, judge_answer
from dctck.kit._frozen import REAL_CLOCKS
from dctck.kit._interrupt import Interrupted, stop_requested
from dctck.kit._spi import INSTANCE_ACTIONS, RULE_LIST
from dctck.kit._subject import Subject, TimedOut
from dctck.kit._violations import NotApplicable, Unmet, Violation

__all__ = [
    "AWAIT_LISTED",
    "END",
    "Harness",
    "InstanceWatch",
    "shown_state",
]  # END: the state of a destroyed instance

_T = TypeVar("_T")

_VIRTUAL_FIRST_STEP, _VIRTUAL_MAX_STEP = 1.0, 8.0
_REAL_FIRST_STEP, _REAL_MAX_STEP = 0.05, 1.0

RULE_DECLARED_STATE = "SPEC 5: every state an instance is seen in is declared"
RULE_LEGAL_CHANGE = "SPEC 5: observed changes follow the declared transitions"
RULE_ACTIONS_SUBSET = "SPEC 5: Instance.actions is a subset of instance_actions_for(state)"
RULE_AUTOMATIC = "SPEC 5: automatic transitions complete within the timeout"
RULE_ACTION_TAKES_EFFECT = "SPEC 5: an accepted action takes its declared transition"
RULE_LISTED = "SPEC 4: instances() lists the caller's instances"
RULE_CREATE_RETURNS = "SPEC 4: create_instance returns the new Instance"
RULE_DESTROY = "SPEC 4: destroy_instance from every stable state ends with the instance gone"
RULE_LEDGER = "kit leak ledger: the kit destroys what it creates"
#: The reason of waits for a new instance to be listed (see :meth:`Harness.wait_for`).
AWAIT_LISTED = "a new instance to be listed"


class InstanceWatch:
    """An instance the kit follows: every observation is judged against the declared machine.

    Violations of SPEC 5 found on the way are collected in :attr:`violations`, for the fsm checks
    to require; checks of other areas may ignore them.
    """

    def __init__(
        self,
        harness: Harness,
        instance_id: str,
        credentials: CredentialSet,
        first: Instance | None,
        created_by: str = "create_instance",
    ) -> None:
        self.harness = harness
        self.id = instance_id
        self.credentials = credentials
        self.violations: list[Violation] = []
        self.last: Instance | None = first
        self.seen_listed = False
        self.gone_reason = ""
        self.tracker = TransitionTracker(harness.subject.machine, "begin", "create")
        self._observing = ("create", harness.subject.now())  # the action seen next, and since
        if first is not None:
            self._record(first, created_by)

    @property
    def state(self) -> str:
        """The state observed last: a machine state in lower case, or ``"end"``."""
        return self.tracker.current

    @property
    def listing(self) -> str:
        """The call that observes this instance, as messages show it."""
        return f"instances(opts={{'id': {self.id!r}}})"

    def observe(self) -> str | None:
        """Poll the instance once; return its state (``"end"`` once gone), ``None`` if unknown."""
        outcome = self.harness.call("instances", self.credentials, {"id": self.id})
        if not outcome.returned or not isinstance(outcome.value, list):
            return None
        found = [i for i in outcome.value if getattr(i, "id", None) == self.id]
        if not found:
            if not self.seen_listed:
                return None  # not listed yet: eventual consistency is legal
            return self._advance(END, str(outcome.call))
        self.seen_listed = True
        self.last = found[0]
        return self._record(found[0], str(outcome.call))

    def listed_state(self) -> str:
        """Its state as its owner lists it now, waiting until it is listed; or the check fails.

        A baseline for checks that must see an instance unchanged after a call.
        """
        state = self.harness.wait_for(AWAIT_LISTED, self.observe)
        if state is None:
            violation = Violation(
                self.listing,
                RULE_LISTED,
                f"did not list instance {self.id!r} within {self.harness.subject.timeout:g} s",
                "the caller's instance",
            )
            raise Unmet([self.harness.waited_in_vain(AWAIT_LISTED, violation)])
        return state

    def unchanged_since(self, before: str, outcome: Outcome, rule: str) -> list[Violation]:
        """Observe the instance after ``outcome``, a call that must change nothing: a violation
        of ``rule`` if it is no longer in ``before``."""
        after = self.observe()
        if after is None or after == before:
            return []
        return [
            Violation(
                str(outcome.call),
                rule,
                f"{outcome.describe()}, and then the owner saw instance {self.id!r}"
                f" {shown_state(after)} (it was {shown_state(before)})",
                f"it still {shown_state(before)}",
            )
        ]

    def act(self, action: str) -> Outcome:
        """Take ``action`` (``"stop"`` calls ``stop_instance``) and start judging what follows."""
        outcome = self.harness.settled_call(self, f"{action}_instance")
        machine = self.harness.subject.machine
        accepted = outcome.returned
        self.tracker = TransitionTracker(machine, self.state, action if accepted else None)
        if accepted and isinstance(outcome.value, Instance) and outcome.value.id == self.id:
            self._record(outcome.value, str(outcome.call))
        return outcome

    @property
    def settled(self) -> bool:
        """The last action took effect and the instance rests in a stable state (or is gone)."""
        machine = self.harness.subject.machine
        return self.tracker.completed and self.state in (*machine.stable_states(), END)

    def settle(self) -> bool:
        """Poll until settled, within the timeout; a timeout is recorded as a violation."""
        if self.settled:
            return True
        done = self.harness.wait_for(
            self._settling, lambda: True if self.observe() and self.settled else None
        )
        if done:
            return True
        action = self.tracker.action
        timeout = f"{self.harness.subject.timeout:g} s"
        if not self.seen_listed and self.state != END:
            violation = Violation(
                self.listing,
                RULE_LISTED,
                f"never listed the instance in {timeout}",
                f"the instance {self.id!r} that create_instance returned",
            )
        elif action is not None and not self.tracker.completed:
            violation = Violation(
                f"{action}_instance(id={self.id!r})",
                RULE_ACTION_TAKES_EFFECT,
                f"was accepted but the instance stayed {self.state.upper()} for {timeout}",
                f"a {action} transition of the declared machine",
            )
        else:
            stable = ", ".join(s.upper() for s in self.harness.subject.machine.stable_states())
            violation = Violation(
                self.listing,
                RULE_AUTOMATIC,
                f"showed the instance still {self.state.upper()} after {timeout}",
                f"a stable state: {stable}",
            )
        self.violations.append(self.harness.waited_in_vain(self._settling(), violation))
        return False

    def _settling(self) -> str:
        """What a wait for this instance to settle waits for, as shared timeouts name it."""
        action = self.tracker.action
        if not self.seen_listed and self.state != END:
            return AWAIT_LISTED
        if action is not None and not self.tracker.completed:
            return f"{action} from {self.tracker.origin.upper()} to take effect"
        return f"an instance {self.state.upper()} to settle"

    def reach(self, wanted: Callable[[str], bool]) -> bool:
        """Take declared actions until settled in a state ``wanted``; whether it got there."""
        return self.route_to(wanted) == []

    def route_to(self, wanted: Callable[[str], bool]) -> list[Violation] | None:
        """Take declared actions (never create or destroy) until settled in a state ``wanted``.

        The route is planned on the declared machine and replanned after every step, so a
        provider that takes another declared path still gets there; every answer is judged as
        the fsm checks judge it. Returns ``[]`` once there, the violations that stopped it, or
        ``None`` when the machine has no route from where the instance rests (or a legal
        refusal closes the only one).
        """
        machine = self.harness.subject.machine
        for _ in range(len(machine.states) + 2):
            if not self.settle():
                return list(self.violations)
            if wanted(self.state):
                return []
            action = _first_action_towards(machine, self.state, wanted)
            if action is None:
                return None
            state = self.state
            outcome = self.act(action)
            problems = judge_answer(
                machine, outcome, expectation_for(machine, state, action), state, action
            )
            if problems:
                return [*problems, *self.violations]
            if not outcome.returned:
                return None
        return [
            Violation(
                self.listing,
                RULE_LEGAL_CHANGE,
                f"showed the instance {self.state.upper()} after following the declared route",
                "the state the route leads to",
            )
        ]

    def wait_gone(self, refused: bool = False) -> bool:
        """Poll until the instance is no longer listed (it was destroyed), within the timeout;
        ``refused``: after a destroy refused with ActionNotAllowed (awaited apart)."""
        self.seen_listed = True  # from now on, not listed means gone
        how = ", refused with ActionNotAllowed," if refused else ""
        self.gone_reason = f"destroy from {self.state.upper()}{how} to remove the instance"
        poll = lambda: True if self.observe() == END else None  # noqa: E731
        return self.harness.wait_for(self.gone_reason, poll) is not None

    def _record(self, instance: Instance, call: str) -> str:
        state = instance.state
        machine = self.harness.subject.machine
        if not isinstance(state, str) or state not in INSTANCE_STATES:
            self.violations.append(
                Violation(
                    call,
                    "SPEC 3: Instance.state is PENDING, RUNNING, SHUTTING_DOWN or STOPPED",
                    f"gave state {state!r}",
                    "one of " + ", ".join(INSTANCE_STATES),
                )
            )
            if not isinstance(state, str):
                return self.state
        lower = normalize_state(state)
        if lower not in machine.states:
            self.violations.append(
                Violation(
                    call,
                    RULE_DECLARED_STATE,
                    f"gave state {state}",
                    "a state of instance_states(): " + ", ".join(machine.states),
                )
            )
        allowed = machine.actions_from(lower)
        extra = (
            [a for a in instance.actions if a not in allowed]
            if _is_str_list(instance.actions)
            else []
        )
        if extra:
            self.violations.append(
                Violation(
                    call,
                    RULE_ACTIONS_SUBSET,
                    f"gave {state} with actions {instance.actions!r}",
                    f"actions within {allowed!r}",
                )
            )
        return self._advance(lower, call)

    def _advance(self, state: str, call: str) -> str:
        self._note_transition(self.state, state)
        journal = self.harness.subject.journal
        if state == END and self.tracker.current != END and journal is not None:
            journal.gone(self.id)
        problem = self.tracker.observe(state)
        if problem is not None:
            self.violations.append(
                Violation(call, RULE_LEGAL_CHANGE, problem, "a change along declared transitions")
            )
        return state

    def _note_transition(self, origin: str, destination: str) -> None:
        """Keep an observed change (or the declared self-loop of an action) for the report."""
        subject = self.harness.subject
        action, since = subject.acted.get(self.id) or self._observing
        edges = subject.machine.outgoing(origin)
        loop = any(e.action == action and e.destination == origin for e in edges)
        if origin == destination and not (action != AUTO and loop):
            return
        declared = {(edge.action, edge.destination) for edge in edges}
        if (action, destination) not in declared and (AUTO, destination) in declared:
            action = AUTO  # an action accepted as already satisfied (stop while stopping)
        subject.acted.pop(self.id, None)
        now = subject.now()
        subject.observed.append((origin, action, destination, now - since))
        self._observing = (AUTO, now)


def shown_state(state: str) -> str:
    """A machine state as messages show it: ``RUNNING``, or ``gone`` for end."""
    return "gone" if state == END else state.upper()


def _first_action_towards(
    machine: StateMachine, start: str, wanted: Callable[[str], bool]
) -> str | None:
    """The first action of a shortest declared route from ``start`` to a stable wanted state."""
    stable = set(machine.stable_states())
    first: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        if state != start and state in stable and wanted(state):
            return first[state]
        for edge in machine.outgoing(state):
            if edge.action in ("create", "destroy") or edge.destination in first:
                continue
            first[edge.destination] = edge.action if state == start else first[state]
            queue.append(edge.destination)
    return None


def _steps(virtual: bool, learned: float | None) -> Iterator[float]:
    """How long to let pass between polls: first ``learned`` seconds if an earlier wait (under
    the same timeout) saw the same thing happen after that long, then doubling from a first
    step up to a maximum."""
    if learned:
        yield learned
    step, most = (
        (_VIRTUAL_FIRST_STEP, _VIRTUAL_MAX_STEP) if virtual else (_REAL_FIRST_STEP, _REAL_MAX_STEP)
    )
    while True:
        yield step
        step = min(step * 2, most)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


class Harness:
    """What one check works with: the subject, waiting, the instances it created.

    ``check`` names the check in messages: the first check of a session that waits out the
    timeout for something (see :meth:`wait_for`) is named as the evidence of later checks.
    """

    def __init__(self, subject: Subject, check: str = "an earlier check") -> None:
        self.subject = subject
        self.check = check
        self.watches: list[InstanceWatch] = []
        self._waited_out: set[str] = set()
        self._cleaning = False

    def wait_for(self, reason: str | Callable[[], str], poll: Callable[[], _T | None]) -> _T | None:
        """:meth:`wait_until` for ``reason`` (what is awaited: "a new instance to be listed"), or
        ``None`` as soon as a check of this session has already waited out the timeout for it.

        ``reason`` may be a function, asked after each poll: what a wait waits for may change
        (listed first, then settled). A wait that gives ``None`` is reported through
        :meth:`waited_in_vain`: a broken driver costs one timeout per reason, not one per check.
        """
        why = reason if callable(reason) else lambda: reason
        known = self.subject.timed_out
        given_up: list[bool] = []

        def until() -> _T | bool | None:
            result = None if why() in known else poll()
            if result is None and why() in known:
                given_up.append(True)
                return True
            return result

        result = self.wait_until(until, progress=why)
        if given_up or result is None:
            if not given_up:
                self._waited_out.add(why())
            return None
        return result  # type: ignore[return-value]

    def waited_in_vain(self, reason: str, violation: Violation) -> Violation:
        """The violation of a :meth:`wait_for` of ``reason`` that gave nothing: remembered for
        the session if this check waited; otherwise the earlier check's evidence, named."""
        earlier = self.subject.timed_out.get(reason)
        if reason in self._waited_out or earlier is None:
            evidence = f"{violation.call} {violation.happened}"
            self.subject.timed_out.setdefault(reason, TimedOut(self.check, evidence))
            return violation
        return Violation(
            violation.call,
            violation.rule,
            f"was not awaited again: {earlier.check} waited {self.subject.timeout:g} s for"
            f" {reason} in vain ({earlier.evidence})",
            violation.expected,
        )

    def call(self, method: str, *args: Any, owned: bool = False) -> Outcome:
        """See :meth:`Subject.call` (``owned``: a create carrying the run's id)."""
        outcome = self.subject.call(method, *args, check=self.check, owned=owned)
        action = method.removesuffix("_instance")
        if action in INSTANCE_ACTIONS and outcome.returned and len(args) > 1:
            self.subject.acted[str(args[1])] = (action, self.subject.now())  # for the report
        return outcome

    def settled_call(self, watch: InstanceWatch, method: str) -> Outcome:
        """``method(credentials, id)`` on a followed instance; while the instance was never
        listed, ``NotFound`` is tried again for up to the subject's ``settle`` seconds (the
        read-after-write window of eventually consistent providers, as EC2 documents)."""
        outcome = self.call(method, watch.credentials, watch.id)
        if not outcome.raised(NotFound) or watch.seen_listed or self.subject.settle <= 0:
            return outcome
        last = [outcome]

        def again() -> Outcome | None:
            last[0] = self.call(method, watch.credentials, watch.id)
            return None if last[0].raised(NotFound) else last[0]

        return self.wait_until(again, self.subject.settle) or last[0]

    def wait_until(
        self,
        poll: Callable[[], _T | None],
        timeout: float | None = None,
        progress: Callable[[], object] | None = None,
    ) -> _T | None:
        """Poll until ``poll()`` gives something other than ``None``, letting driver time pass.

        With a virtual clock the kit ticks it (1 s, then doubling up to 8 s); otherwise it
        sleeps (0.05 s, doubling up to 1 s). Gives ``None`` after ``timeout`` (default: the
        subject's) of the driver's time. With ``progress`` (what is awaited now), the timeout
        is per transition: when it changes, a new timeout starts (at most one per state of
        the declared machine, plus one).

        On a virtual clock, a wait for what an earlier wait of the session saw happen ticks
        first by the virtual time that took, then steps as above: ticking is free, each poll
        is a driver call. On real time every wait steps from the start (sleeping is not free,
        and a real provider's durations vary).
        """
        limit = self.subject.timeout if timeout is None else timeout
        clock = self.subject.clock
        virtual = clock is not None
        learned = self.subject.wait_lengths if virtual else {}
        monotonic = REAL_CLOCKS["monotonic"]  # real even under --dctck-freeze-time
        wall_start = monotonic()
        ticked = 0.0  # virtual time the kit let pass; reading a remote clock would cost a call
        awaited = progress() if progress is not None else None
        steps = _steps(virtual, learned.get(awaited))
        restarts = len(self.subject.machine.states) + 1 if progress is not None else 0
        while True:
            if stop_requested() and not self._cleaning:
                raise Interrupted
            result = poll()
            if result is not None:
                if awaited is not None and ticked > 0:
                    learned[awaited] = ticked
                return result
            now = progress() if progress is not None else None
            if now != awaited and restarts > 0:  # a transition happened: its own timeout
                if awaited is not None and ticked > 0:
                    learned[awaited] = ticked
                awaited, restarts = now, restarts - 1
                wall_start, ticked = monotonic(), 0.0
                steps = _steps(virtual, learned.get(awaited))
            wall = monotonic() - wall_start
            waited = ticked if virtual else wall
            if waited >= limit or wall >= limit:
                return None
            step = next(steps)
            if clock is not None:
                clock.tick(step)
                ticked += step
                self.subject.ticked += step
            else:
                time.sleep(min(step, max(limit - waited, 0.0)))

    # -- instances -------------------------------------------------------------------------------

    def default_image_id(self) -> str:
        """An image to create instances from: the first one listed with valid credentials.

        Found once per session (every check creating an instance needs it); a failure to find
        one is not remembered, so each check that needs an image reports it.
        """
        if self.subject.default_image_id is not None:
            return self.subject.default_image_id
        outcome = self.call("images", self.subject.valid, None)
        if outcome.returned and isinstance(outcome.value, list):
            for image in outcome.value:
                if isinstance(getattr(image, "id", None), str):
                    self.subject.default_image_id = str(image.id)
                    return self.subject.default_image_id
        raise Unmet(
            [
                Violation.of(
                    outcome,
                    "SPEC 4: images() lists the images the caller may see",
                    "at least one image to create instances from",
                )
            ]
        )

    def listing(self, collection: str) -> tuple[str, list[Any]]:
        """``collection`` listed with valid credentials: the call as shown, and the list; a
        listing that is not a list fails the check."""
        outcome = self.call(collection, self.subject.valid, None)
        if not outcome.returned or not isinstance(outcome.value, list):
            happened = (
                f"returned a {type(outcome.value).__name__}"
                if outcome.returned
                else outcome.describe()
            )
            raise Unmet([Violation(str(outcome.call), RULE_LIST, happened, "a list of models")])
        return str(outcome.call), list(outcome.value)

    def created_instance(self) -> InstanceWatch:
        """A new instance of the valid account, not waited for; or the check fails."""
        outcome, watch = self.create()
        if watch is None:
            raise Unmet([Violation.of(outcome, RULE_CREATE_RETURNS, "an Instance with an id")])
        return watch

    def create(
        self,
        image_id: str | None = None,
        opts: dict[str, Any] | None = None,
        credentials: CredentialSet | None = None,
    ) -> tuple[Outcome, InstanceWatch | None]:
        """Call ``create_instance``; a returned instance is followed and enters the ledger."""
        credentials = credentials or self.subject.valid
        chosen = image_id if image_id is not None else self.default_image_id()
        outcome = self.call("create_instance", credentials, chosen, opts, owned=True)
        value = outcome.value
        if not outcome.returned or not isinstance(getattr(value, "id", None), str):
            return outcome, None
        first = value if isinstance(value, Instance) else None
        watch = InstanceWatch(self, value.id, credentials, first, str(outcome.call))
        self.watches.append(watch)
        return outcome, watch

    @property
    def own_ids(self) -> frozenset[str]:
        """The ids of the instances this check created (or found it made): the only instances
        a check may count or judge, so that other tenants' and earlier runs' instances on the
        same account change no verdict."""
        return frozenset(watch.id for watch in self.watches)

    def mine(self, items: Any) -> list[Any]:
        """The listed objects whose id is one of :attr:`own_ids`, in listed order."""
        own = self.own_ids
        return [item for item in items if getattr(item, "id", None) in own]

    def new_instance_ids(self, before: list[str] | None) -> list[str]:
        """The ids the valid account lists now and did not list ``before`` (``[]`` if either
        listing failed). When the kit names the instances it creates (SPEC 8 ``user_name``),
        only those named by this process: another tenant's create on the same account is not
        this check's to count or destroy."""
        outcome = self.call("instances", self.subject.valid, None)
        if before is None or not outcome.returned or not isinstance(outcome.value, list):
            return []
        prefix = self.subject.own_name_prefix
        return [
            i.id
            for i in outcome.value
            if isinstance(getattr(i, "id", None), str)
            and i.id not in before
            and (prefix is None or str(getattr(i, "name", None) or "").startswith(prefix))
        ]

    def instance_ids(self) -> list[str] | None:
        """The ids of the instances the valid account lists now; ``None`` if it cannot list."""
        outcome = self.call("instances", self.subject.valid, None)
        if not outcome.returned or not isinstance(outcome.value, list):
            return None
        return [i.id for i in outcome.value if isinstance(getattr(i, "id", None), str)]

    def try_create(
        self, image_id: Any, opts: Any = None, credentials: CredentialSet | None = None
    ) -> tuple[Outcome, list[str]]:
        """Call ``create_instance`` with exactly these arguments, for checks expecting a refusal.

        Returns the outcome and the ids the valid account lists afterwards and did not before;
        those and a returned instance enter the ledger.
        """
        before = self.instance_ids()
        credentials = credentials or self.subject.valid
        outcome = self.call("create_instance", credentials, image_id, opts, owned=True)
        added = self.new_instance_ids(before)
        returned = getattr(outcome.value, "id", None) if outcome.returned else None
        made = [*added, returned] if isinstance(returned, str) and returned not in added else added
        for instance_id in made:
            self.follow(instance_id)
        return outcome, added

    def follow(
        self,
        instance_id: str,
        credentials: CredentialSet | None = None,
        first: Instance | None = None,
        created_by: str = "create_instance",
    ) -> InstanceWatch:
        """Follow an instance the check did not get from :meth:`create`, and ledger it.

        For instances made by calls that should have been refused; cleanup destroys them with
        ``credentials`` (default: the valid ones).
        """
        credentials = credentials or self.subject.valid
        if self.subject.journal is not None:
            self.subject.journal.created(None, instance_id, credentials.label)
        watch = InstanceWatch(self, instance_id, credentials, first, created_by)
        self.watches.append(watch)
        return watch

    def instance_ready_for(self, action: str) -> InstanceWatch:
        """A settled instance in a state that declares ``action``; :class:`NotApplicable` if none.

        Not applicable when the declared machine has no ``action`` at all, or when no state
        declaring it can be reached through declared actions.
        """
        machine = self.subject.machine
        if not machine.declares(action):
            raise NotApplicable(f"the declared machine has no {action} action")
        return self.instance_where(
            lambda state: machine.directly_allows(state, action), f"allowing {action}"
        )

    def instance_for(self, action: str) -> InstanceWatch:
        """An instance to take ``action`` on: a stopped one for ``start`` (see
        :meth:`instance_ready_for`), a new settled one for the others."""
        return self.instance_ready_for(action) if action == "start" else self.running_instance()

    def instance_where(self, wanted: Callable[[str], bool], described: str) -> InstanceWatch:
        """A new instance settled in a stable state ``wanted`` (``described`` for the reason it
        is not applicable: "allowing start"), reached through declared actions."""
        watch = self.running_instance()
        if not watch.reach(wanted):
            raise NotApplicable(f"no state {described} could be reached")
        return watch

    def running_instance(self, opts: dict[str, Any] | None = None) -> InstanceWatch:
        """A new instance of the valid account, settled in a stable state; or the check fails."""
        machine = self.subject.machine
        if not machine.stable_states():
            read = self.subject.machine_read
            happened = (
                read.describe()  # the call's own failure is the cause (NotImplementedError, ...)
                if read is not None and not read.returned
                else "declared no state without an automatic transition"
                + (f" ({'; '.join(machine.problems)})" if machine.problems else "")
            )
            raise Unmet(
                [
                    Violation(
                        "instance_states()",
                        "SPEC 5: the declared machine has states an instance can rest in",
                        happened,
                        "a well-formed machine, to follow instances with",
                    )
                ]
            )
        outcome, watch = self.create(opts=opts)
        if watch is None:
            raise Unmet(
                [Violation.of(outcome, RULE_CREATE_RETURNS, "an Instance with a string id")]
            )
        if not watch.settle():
            raise Unmet(watch.violations)
        return watch

    def cleanup(self) -> list[str]:
        """Destroy every instance this check created and did not see gone; describe the leaks.

        Its waits follow the checks' rule: once a wait for an instance to go has timed out in
        this session, later waits for the same thing fail at once, naming the first.
        """
        leaks: list[str] = []
        self._cleaning = True
        for watch in self.watches:
            if watch.state == END:
                continue
            outcome = self.settled_call(watch, "destroy_instance")
            if outcome.raised(ActionNotAllowed) and self._towards_destroy(watch):
                outcome = self.call("destroy_instance", watch.credentials, watch.id)
            refused = outcome.raised(ActionNotAllowed)
            if not outcome.returned and not outcome.raised(NotFound) and not refused:
                leaks.append(f"instance {watch.id!r} left behind: {outcome}")
                continue
            if watch.state == END or watch.wait_gone(refused):
                continue
            happened = f"still listed as {watch.state.upper()} {self.subject.timeout:g} s after" + (
                f" {outcome}" if refused else " destroy_instance"
            )
            leak = Violation(watch.listing, RULE_LEDGER, happened, "the instance gone")
            shown = self.waited_in_vain(watch.gone_reason, leak).happened
            leaks.append(f"instance {watch.id!r} left behind: {shown}")
        return leaks

    def _towards_destroy(self, watch: InstanceWatch) -> bool:
        """Bring a refused instance to where its machine allows destroy (e.g. stopped first)."""
        machine = self.subject.machine
        if watch.observe() == END or machine.directly_allows(watch.state, "destroy"):
            return False
        return watch.reach(lambda state: machine.directly_allows(state, "destroy"))
