"""The instance state machine a driver declares (SPEC 5), and the rules observations must follow.

A declaration is a list of ``(origin, {destination: action})`` pairs. :class:`StateMachine` reads
one without ever raising: every way it is malformed is collected in :attr:`StateMachine.problems`.
The path rules answer whether an observed change is legal after an action:

- with no action taken, only ``_auto_`` edges;
- after an accepted action ``X``: any ``_auto_`` edges, one ``X`` edge, any ``_auto_`` edges
  (``destroy`` may first pass through ``stop`` edges);
- an action whose request is already satisfied (stopping a stopped instance) may change nothing.

:class:`TransitionTracker` follows a sequence of observations (poll results) through those rules.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = [
    "ACTIONS",
    "AUTO",
    "STATE_NAMES",
    "StateMachine",
    "Transition",
    "TransitionTracker",
]

STATE_NAMES = ("begin", "pending", "running", "shutting_down", "stopped", "end")
AUTO = "_auto_"
ACTIONS = ("create", "start", "stop", "reboot", "destroy")
BEGIN, END = "begin", "end"

_PRE_ACTION_EDGES = {"destroy": frozenset({AUTO, "stop"})}
_AUTO_ONLY = frozenset({AUTO})


@dataclass(frozen=True)
class Transition:
    """One declared edge: ``origin --action--> destination``."""

    origin: str
    destination: str
    action: str

    def __str__(self) -> str:
        return f"{self.origin} --{self.action}--> {self.destination}"


def normalize_state(state: object) -> str:
    """``"RUNNING"`` and ``"running"`` name the same state; anything else is kept as text."""
    return str(state).lower()


class StateMachine:
    """A declared instance state machine, its problems, and the legality of observed changes."""

    def __init__(self, declaration: object) -> None:
        self._problems: list[str] = []
        self.transitions: list[Transition] = list(self._read(declaration))
        self._outgoing: dict[str, list[Transition]] = {}
        states: dict[str, None] = {}
        for edge in self.transitions:
            self._outgoing.setdefault(edge.origin, []).append(edge)
            states.setdefault(edge.origin)
            states.setdefault(edge.destination)
        self.states: list[str] = list(states)
        self._stable = [
            state
            for state in self.states
            if state not in (BEGIN, END) and all(e.action != AUTO for e in self.outgoing(state))
        ]
        self._problems.extend(self._graph_problems())

    # -- reading -------------------------------------------------------------------------------

    def _read(self, declaration: object) -> Iterator[Transition]:
        if not isinstance(declaration, list | tuple):
            self._problems.append(
                "instance_states() must return a list of (state, {destination: action}) pairs,"
                f" got {type(declaration).__name__}"
            )
            return
        first_entry: dict[str, int] = {}
        for index, entry in enumerate(declaration):
            if not (isinstance(entry, list | tuple) and len(entry) == 2):
                self._problems.append(
                    f"entry {index} must be a (state, {{destination: action}}) pair, got {entry!r}"
                )
                continue
            origin, edges = entry
            if not isinstance(edges, dict):
                self._problems.append(
                    f"entry {index} ({origin!r}): transitions must be a dict"
                    f" {{destination: action}}, got {type(edges).__name__}"
                )
                continue
            if not self._check_state(origin, f"entry {index}"):
                continue
            if origin in first_entry:
                self._problems.append(
                    f"state {origin!r} is declared twice (entries {first_entry[origin]}"
                    f" and {index}); their transitions are merged"
                )
            first_entry.setdefault(origin, index)
            for destination, action in edges.items():
                where = f"transition {origin} -> {destination!r}"
                if not self._check_state(destination, where):
                    continue
                if action != AUTO and action not in ACTIONS:
                    self._problems.append(
                        f"unknown action {action!r} on {origin} -> {destination}"
                        f" (valid: {', '.join((*ACTIONS, AUTO))})"
                    )
                    continue
                yield Transition(origin, destination, action)

    def _check_state(self, state: object, where: str) -> bool:
        if isinstance(state, str) and state in STATE_NAMES:
            return True
        self._problems.append(
            f"unknown state {state!r} in {where} (valid: {', '.join(STATE_NAMES)})"
        )
        return False

    def _graph_problems(self) -> Iterator[str]:
        if not self.transitions and self._problems:
            return
        if not any(e.origin == BEGIN and e.action == "create" for e in self.transitions):
            yield "begin has no outgoing 'create' transition"
        from_begin = self._reachable({BEGIN}, None)
        for state in self.states:
            if state != BEGIN and state not in from_begin:
                yield f"state {state!r} is not reachable from begin"
        for state in self.states:
            if state == END:
                continue
            if not self._outgoing.get(state):
                yield f"state {state!r} is a dead end (no outgoing transition); only end may be one"
            elif END not in self._reachable({state}, None):
                yield f"end is not reachable from state {state!r}"
        if END not in self.states:
            yield "end is not declared: no transition leads to it"
        for edge in (e for e in self.transitions if e.action == "destroy"):
            if END not in self._reachable({edge.destination}, _AUTO_ONLY):
                yield (
                    f"destroy edge {edge} leads to {edge.destination!r}, from which _auto_ edges"
                    " alone do not reach end (destroy takes exactly one destroy edge)"
                )

    # -- questions -------------------------------------------------------------------------------

    @property
    def problems(self) -> list[str]:
        """Every way the declaration is malformed; empty when it is well-formed."""
        return list(self._problems)

    @property
    def is_well_formed(self) -> bool:
        return not self._problems

    def declares(self, action: str) -> bool:
        """Some declared edge takes ``action`` (a provider without restart has no ``start``)."""
        return any(edge.action == action for edge in self.transitions)

    def outgoing(self, state: str) -> list[Transition]:
        """The declared edges leaving ``state`` (either case), in declaration order."""
        return list(self._outgoing.get(normalize_state(state), ()))

    def actions_from(self, state: str) -> list[str]:
        """The non-automatic actions leaving ``state``, in declaration order, without repeats."""
        actions = (e.action for e in self.outgoing(state) if e.action != AUTO)
        return list(dict.fromkeys(actions))

    def stable_states(self) -> list[str]:
        """The declared instance states without an outgoing ``_auto_`` edge (not begin, end)."""
        return list(self._stable)

    def auto_closure(self, states: Iterable[str]) -> set[str]:
        """The states reachable from ``states`` by ``_auto_`` edges alone (themselves included)."""
        return self._reachable({normalize_state(s) for s in states}, _AUTO_ONLY)

    def directly_allows(self, state: str, action: str) -> bool:
        """``action`` leaves ``state`` at once (``destroy`` possibly after ``stop`` edges only)."""
        before = frozenset({"stop"}) if action == "destroy" else frozenset()
        return self._takes(state, action, before)

    def can_lead_to(self, state: str, action: str) -> bool:
        """Some legal path takes ``action`` from ``state``, perhaps after automatic transitions."""
        return self._takes(state, action, _PRE_ACTION_EDGES.get(action, _AUTO_ONLY))

    def satisfied_by(self, action: str) -> set[str]:
        """The states where ``action`` has nothing left to do: where its edges lead, and on."""
        return self.auto_closure({e.destination for e in self.transitions if e.action == action})

    def already_satisfied(self, state: str, action: str) -> bool:
        """An instance in ``state`` is already where ``action`` would take it (stop on stopped)."""
        return normalize_state(state) in self.satisfied_by(action)

    def forbids(self, state: str, action: str) -> bool:
        """No legal path takes ``action`` from ``state``, and it is not already satisfied there."""
        return not self.can_lead_to(state, action) and not self.already_satisfied(state, action)

    def is_legal(self, origin: str, destination: str, action: str | None = None) -> bool:
        """Whether the observed change ``origin -> destination`` is legal after ``action``."""
        tracker = TransitionTracker(self, origin, action)
        return tracker.observe(destination) is None and tracker.completed

    def _takes(self, state: str, action: str, before: frozenset[str]) -> bool:
        """An ``action`` edge leaves ``state`` or a state reached from it over ``before`` edges."""
        origins = self._reachable({normalize_state(state)}, before)
        return any(e.action == action for o in origins for e in self.outgoing(o))

    def _reachable(self, start: set[str], via: frozenset[str] | None) -> set[str]:
        """States reachable from ``start`` over edges whose action is in ``via`` (None: any)."""
        seen = set(start)
        queue = deque(start)
        while queue:
            for edge in self._outgoing.get(queue.popleft(), ()):
                if (via is None or edge.action in via) and edge.destination not in seen:
                    seen.add(edge.destination)
                    queue.append(edge.destination)
        return seen


_BEFORE, _AFTER = 0, 1


class TransitionTracker:
    """Follows the states observed after ``action`` (``None``: no action) from ``origin``.

    Internally a set of possible (state, phase) pairs, phase telling whether the action's edge has
    been taken yet, so observations that skip intermediate states are still judged exactly.
    """

    def __init__(
        self, machine: StateMachine, origin: str, action: str | None, *, take_edge: bool = False
    ) -> None:
        """``take_edge``: the action must take one of its own edges; an instance already where
        it would lead does not count as satisfied (for an action the instance offered)."""
        self.machine = machine
        self.action = action
        self.origin = normalize_state(origin)
        self.observed: list[str] = [self.origin]
        start = _BEFORE if action is not None else _AFTER
        self._pre_action_edges = _PRE_ACTION_EDGES.get(action or "", _AUTO_ONLY)
        satisfied = machine.satisfied_by(action) if action is not None else set()
        self._satisfied = set() if take_edge else satisfied
        self._configs: set[tuple[str, int]] = self._closure({(self.origin, start)})

    def observe(self, state: str) -> str | None:
        """Record the next observed state; return why it is illegal, or ``None`` if it is legal.

        After an illegal observation the tracker restarts from the observed state, so one defect
        is reported once, not on every later poll.
        """
        state = normalize_state(state)
        reachable = {config for config in self._configs if config[0] == state}
        previous = self.observed[-1]
        self.observed.append(state)
        if reachable:
            self._configs = self._closure(reachable)
            return None
        self._configs = self._closure({(state, _AFTER)})
        if self.action is None:
            rule = "only _auto_ transitions may happen without an action"
        elif self.action == "destroy":
            rule = "after destroy: _auto_ or stop transitions, one destroy, then _auto_ transitions"
        else:
            rule = f"after {self.action}: _auto_ transitions, one {self.action}, _auto_ transitions"
        return (
            f"observed {previous.upper()} -> {state.upper()}"
            f" (path so far: {' -> '.join(s.upper() for s in self.observed)}), which no declared"
            f" path allows; {rule}"
        )

    @property
    def completed(self) -> bool:
        """The action has taken effect (or was already satisfied) in the state observed last."""
        return (self.current, _AFTER) in self._configs

    @property
    def current(self) -> str:
        return self.observed[-1]

    def _closure(self, configs: set[tuple[str, int]]) -> set[tuple[str, int]]:
        """Every (state, phase) reachable from ``configs`` without another observation."""
        action = self.action
        seen = set(configs)
        queue = deque(configs)
        while queue:
            state, phase = queue.popleft()
            following: list[tuple[str, int]] = []
            if phase == _BEFORE and state in self._satisfied:
                following.append((state, _AFTER))
            for edge in self.machine.outgoing(state):
                if phase == _BEFORE and edge.action == action:
                    following.append((edge.destination, _AFTER))
                elif edge.action in (self._pre_action_edges if phase == _BEFORE else _AUTO_ONLY):
                    following.append((edge.destination, phase))
            for config in following:
                if config not in seen:
                    seen.add(config)
                    queue.append(config)
        return seen
