"""A generated exploration of the declared machine, with Hypothesis' stateful testing (SPEC 5).

A :class:`~hypothesis.stateful.RuleBasedStateMachine` creates an instance through a harness, then
takes actions the declared machine allows or forbids where the instance rests, waits, and now and
then takes two actions at once (the second mid-transition). Each answer and each observed change
is judged as the fixed fsm checks judge them; Hypothesis shrinks a failing sequence to a minimal
one, which the violations' messages show.

The settings suit a kit run inside someone else's project: a fixed seed and no constants taken
from the project's modules (the same sequences in every run, every xdist worker, a checkout or an
install), no deadline, a budget, quiet. Hypothesis' storage directory is moved to a temporary one
meanwhile, so nothing lands in the user's project.

The budget (:func:`exploration_budget`): a number of sequences derived from the machine's size
(more usable CPUs, more sequences; a floor that still finds the bank's every-third-reboot defect),
and a time box in the driver's time (virtual seconds with a clock, wall seconds without) after
which no new sequence starts. Failing sequences are kept in an example database outside the
project (:func:`database_directory`), keyed by the driver's class, and replayed first on the
next run, so a defect once found is found again at once, whatever the budget.

Shrinking is bounded (in runs, and in wall time for slow drivers); a call that did not return
within the timeout, or any failure of a driver on real time, is reported unshrunk, since a replay
could not repeat it cheaply or exactly.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, seed, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir, storage_directory
from hypothesis.database import DirectoryBasedExampleDatabase, ExampleDatabase
from hypothesis.internal.conjecture import providers as _providers
from hypothesis.internal.constants_ast import Constants
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from dctck.kit._calls import Outcome
from dctck.kit._expectations import Expectation, expectation_for, judge_answer
from dctck.kit._frozen import wall_time
from dctck.kit._fsm import RULE_GENERATED, await_gone, fsm_violations
from dctck.kit._harness import (
    END,
    RULE_CREATE_RETURNS,
    RULE_LEDGER,
    Harness,
    InstanceWatch,
    shown_state,
)
from dctck.kit._spi import INSTANCE_ACTIONS
from dctck.kit._subject import Subject
from dctck.kit._violations import Violation

__all__ = ["ExplorationBudget", "database_directory", "exploration_budget", "run_exploration"]

#: Steps per sequence. Long sequences find more (the third reboot of an instance, say) at little
#: cost on virtual time; on real time every wait is spent, so few and short.
VIRTUAL_TIME_STEPS, REAL_TIME_STEPS = 30, 6
#: Sequences per usable CPU on virtual time, and the bounds. The fixed seed finds the bank's
#: every-third-reboot defect from 8 sequences on (at the 15th generated); the floor keeps a
#: margin. A larger machine explores more: the same first sequences, then more (a verdict can
#: only get stricter).
SEQUENCES_PER_CPU, MIN_SEQUENCES, MAX_SEQUENCES = 8, 16, 64
REAL_TIME_SEQUENCES = 3
#: The time box, in the driver's time: virtual seconds per sequence of the budget (a correct
#: EC2Driver spends about 350, MockDriver 150), or wall seconds on real time.
VIRTUAL_SECONDS_PER_SEQUENCE, REAL_TIME_BOX = 600.0, 30.0
#: Environment variables: the number of sequences (overriding the machine's size), and the
#: example database's directory (``none`` for no database).
EXAMPLES_VARIABLE, DATABASE_VARIABLE = "DCTCK_EXPLORATION_EXAMPLES", "DCTCK_EXPLORATION_DATABASE"
#: A fixed seed: the same sequences in every run, process and xdist worker, wherever the kit
#: is imported from (``derandomize`` alone seeds from a digest of the code).
SEED = 20261127
#: Shrinking stops after this many runs, or this many wall seconds, past the first failure.
SHRINK_RUNS, SHRINK_SECONDS = 600, 10.0
#: Leaked instances listed one by one when nothing else failed; more are counted.
_LEAKS_SHOWN = 3

_ACTION_METHODS = frozenset(f"{action}_instance" for action in INSTANCE_ACTIONS)


class _Found(Exception):
    """The violations of one generated sequence and its steps (a failure, to Hypothesis)."""

    def __init__(self, violations: list[Violation], steps: list[str]) -> None:
        super().__init__(f"{len(violations)} violation(s) after {len(steps)} steps")
        self.violations = violations
        self.steps = steps


@dataclass(frozen=True)
class ExplorationBudget:
    """How much exploring one run does: sequences, steps in each, and the time box."""

    sequences: int
    steps: int
    #: No new sequence starts once this much of the driver's time has passed.
    driver_seconds: float


def _usable_cpus() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def exploration_budget(
    virtual_time: bool, environ: Mapping[str, str] | None = None
) -> ExplorationBudget:
    """The budget on virtual time (a driver clock) or real time; ``DCTCK_EXPLORATION_EXAMPLES``
    overrides the number of sequences derived from the machine's size."""
    given = (os.environ if environ is None else environ).get(EXAMPLES_VARIABLE, "").strip()
    if not virtual_time:
        sequences = int(given) if given.isdigit() and int(given) > 0 else REAL_TIME_SEQUENCES
        return ExplorationBudget(sequences, REAL_TIME_STEPS, REAL_TIME_BOX)
    if given.isdigit() and int(given) > 0:
        sequences = int(given)
    else:
        sequences = min(max(SEQUENCES_PER_CPU * _usable_cpus(), MIN_SEQUENCES), MAX_SEQUENCES)
    return ExplorationBudget(
        sequences, VIRTUAL_TIME_STEPS, sequences * VIRTUAL_SECONDS_PER_SEQUENCE
    )


def database_directory(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where failing sequences are kept: ``DCTCK_EXPLORATION_DATABASE`` (``none``: nowhere),
    else ``dctck/exploration`` under the user's cache (``XDG_CACHE_HOME``, ``~/.cache``)."""
    env = os.environ if environ is None else environ
    given = env.get(DATABASE_VARIABLE, "").strip()
    if given.lower() == "none":
        return None
    if given:
        return Path(given).expanduser()
    cache = env.get("XDG_CACHE_HOME", "").strip()
    return (Path(cache) if cache else Path.home() / ".cache") / "dctck" / "exploration"


class _KeyedDatabase(ExampleDatabase):
    """An example database whose keys are prefixed with the driver's name, so that one driver's
    failing sequences are replayed on that driver only.

    It keeps Hypothesis' primary corpus only (the smallest failing sequences): the secondary
    one (sequences shrinking replaced) would be replayed after each shrink, and a driver whose
    defect depends on its history (every third reboot) answers such replays differently.
    """

    def __init__(self, inner: ExampleDatabase, prefix: str) -> None:
        super().__init__()
        self._inner = inner
        self._prefix = prefix.encode() + b":"

    @staticmethod
    def _kept(key: bytes) -> bool:
        return not key.endswith((b".secondary", b".pareto"))

    def save(self, key: bytes, value: bytes) -> None:
        if self._kept(key):
            self._inner.save(self._prefix + key, value)

    def fetch(self, key: bytes) -> Iterable[bytes]:
        return self._inner.fetch(self._prefix + key) if self._kept(key) else ()

    def delete(self, key: bytes, value: bytes) -> None:
        if self._kept(key):
            self._inner.delete(self._prefix + key, value)

    def move(self, src: bytes, dest: bytes, value: bytes) -> None:
        if self._kept(src) and self._kept(dest):
            self._inner.move(self._prefix + src, self._prefix + dest, value)
        else:
            self.delete(src, value)
            self.save(dest, value)


def _database_for(driver: object) -> ExampleDatabase | None:
    directory = database_directory()
    if directory is None:
        return None
    kind = type(driver)
    return _KeyedDatabase(
        DirectoryBasedExampleDatabase(directory), f"{kind.__module__}.{kind.__qualname__}"
    )


class _Stop(BaseException):
    """Ends the exploration at once: Hypothesis lets it through, so nothing is replayed."""

    def __init__(self, found: _Found, how: str) -> None:
        super().__init__(how)
        self.found = found
        self.how = how


class _BudgetSpent(BaseException):
    """The time box is spent: no new sequence starts (Hypothesis lets it through)."""


class _RecordingHarness(Harness):
    """A harness that remembers the calls that did not return within the timeout."""

    def __init__(self, subject: Subject) -> None:
        super().__init__(subject)
        self.timed_out: list[Outcome] = []

    def call(self, method: str, *args: Any, owned: bool = False) -> Outcome:
        outcome = super().call(method, *args, owned=owned)
        if outcome.timed_out:
            self.timed_out.append(outcome)
        return outcome


class _Run:
    """What outlives one sequence: the subject, the smallest failure so far, the leaks."""

    def __init__(self, subject: Subject, budget: ExplorationBudget) -> None:
        self.subject = subject
        self.budget = budget
        self.sequences = 0
        self.smallest: _Found | None = None
        self.first_failure = (0, 0.0)  # (sequence number, wall time)
        self.leaks: list[str] = []
        self.started = self._driver_time()
        self.spent = False  # the time box ended the run

    def _driver_time(self) -> float:
        clock = self.subject.clock
        return float(clock.now()) if clock is not None else wall_time()

    def begin(self) -> None:
        """A new sequence starts; end the run if the time box, or the shrinking's budget, is
        spent."""
        self.sequences += 1
        if self.smallest is None:
            if self.spent or self._driver_time() - self.started >= self.budget.driver_seconds:
                self.spent = True
                raise _BudgetSpent
            return
        runs, since = self.first_failure
        if self.sequences - runs > SHRINK_RUNS or wall_time() - since > SHRINK_SECONDS:
            raise _Stop(self.smallest, "the smallest sequence found before shrinking stopped")

    def failed(self, found: _Found) -> None:
        if self.smallest is None:
            self.first_failure = (self.sequences, wall_time())
        if self.smallest is None or len(found.steps) < len(self.smallest.steps):
            self.smallest = found


class _Explorer(RuleBasedStateMachine):
    """One generated sequence on one instance at a time (a new one after destroy).

    One rule per action, so that Hypothesis' swarm testing leaves some out of whole sequences
    (long runs of reboots when destroy and stop are off, say). An action is enabled where the
    declared machine allows or forbids it, and the instance settles after it; ``at_once`` takes
    any two actions without waiting between them.
    """

    def __init__(self, run: _Run) -> None:
        super().__init__()
        run.begin()
        self.run = run
        self.machine = run.subject.machine
        self.harness = _RecordingHarness(run.subject)
        self.watch: InstanceWatch | None = None
        self.steps: list[str] = []
        self.problems: list[Violation] = []

    @precondition(lambda self: not self.live())
    @rule()
    def create(self) -> None:
        outcome, self.watch = self.harness.create()
        if self.watch is None:
            self.steps.append(f"create: {outcome.describe()}")
            self.problems.append(
                Violation.of(
                    outcome, RULE_CREATE_RETURNS, "an Instance with a string id, to explore with"
                )
            )
            raise _Stop(self._found(), "the sequence")
        self.steps.append(f"create -> {self._shown()}")

    @precondition(lambda self: self.live())
    @rule()
    def await_automatic(self) -> None:
        self._settle()
        self.steps.append(f"wait -> {self._shown()}")

    @precondition(lambda self: self.decided("start"))
    @rule()
    def start(self) -> None:
        self._step("start")

    @precondition(lambda self: self.decided("stop"))
    @rule()
    def stop(self) -> None:
        self._step("stop")

    @precondition(lambda self: self.decided("reboot"))
    @rule()
    def reboot(self) -> None:
        self._step("reboot")

    @precondition(lambda self: self.decided("destroy"))
    @rule()
    def destroy(self) -> None:
        self._step("destroy")

    @precondition(lambda self: self.live())
    @rule(first=st.sampled_from(INSTANCE_ACTIONS), second=st.sampled_from(INSTANCE_ACTIONS))
    def at_once(self, first: str, second: str) -> None:
        self._step(first, second)

    @invariant()
    def follows_the_machine(self) -> None:
        hung = self.harness.timed_out
        self.problems.extend(
            Violation.of(o, RULE_GENERATED, "an answer within the timeout")
            for o in hung
            if o.call.method not in _ACTION_METHODS  # actions are judged with their own rule
        )
        found = self._found()
        if not found.violations:
            return
        self.run.failed(found)
        if hung:
            raise _Stop(found, "the sequence, not shrunk since a call did not return in time")
        if self.run.subject.clock is None:
            raise _Stop(found, "the sequence, not shrunk since on real time a replay may differ")
        raise found

    def teardown(self) -> None:
        self.run.leaks.extend(self.harness.cleanup())

    # -- helpers ---------------------------------------------------------------------------------

    def live(self) -> bool:
        return self.watch is not None and self.watch.state != END

    def decided(self, action: str) -> bool:
        """The declared machine allows or forbids ``action`` where the instance rests."""
        if not self.live():
            return False
        answer = expectation_for(self.machine, self._watch().state, action)
        return answer is not Expectation.EITHER

    def _step(self, *actions: str) -> None:
        answers = [self._act(action) for action in actions if self.live()]
        self._settle()
        done = f"{' and at once '.join(actions)}: {', '.join(answers)}"
        self.steps.append(f"{done} -> {self._shown()}")

    def _act(self, action: str) -> str:
        """Take ``action`` and judge the answer; say how it was answered."""
        watch = self._watch()
        if not watch.tracker.completed:
            watch.observe()  # judge this action alone, not with the last one's late effects
            if not watch.tracker.completed:
                watch.settle()
        state = watch.state
        if state == END:
            return "gone"
        expectation = expectation_for(self.machine, state, action)
        outcome = watch.act(action)
        self.problems.extend(judge_answer(self.machine, outcome, expectation, state, action))
        if action == "destroy" and outcome.returned:
            self.problems.extend(await_gone(watch, str(outcome.call)))
        if outcome.returned:
            return "accepted"
        return "no answer" if outcome.timed_out else type(outcome.error).__name__

    def _settle(self) -> None:
        if self.live():
            self._watch().settle()

    def _found(self) -> _Found:
        watched = (v for w in self.harness.watches for v in fsm_violations(w))
        return _Found(list(dict.fromkeys([*self.problems, *watched])), list(self.steps))

    def _watch(self) -> InstanceWatch:
        assert self.watch is not None  # the rules' preconditions
        return self.watch

    def _shown(self) -> str:
        return shown_state(self._watch().state)


def _settings(max_examples: int, steps: int, database: ExampleDatabase | None) -> settings:
    return settings(
        max_examples=max_examples,
        stateful_step_count=steps,
        database=database,
        deadline=None,
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        print_blob=False,
        backend="hypothesis",
    )


@contextmanager
def _no_constants_from_local_code() -> Iterator[None]:
    """Keep Hypothesis from mixing literals of "local" modules into its draws.

    Hypothesis biases generation with constants found in modules outside site-packages: the
    user's project, or dctck itself in a checkout. The same driver would then be explored
    differently depending on where the kit runs from, and a run recorded from a checkout could
    not be replayed from an installed package. This reaches into Hypothesis' internals, so it
    does nothing if they change.
    """
    original = getattr(_providers, "_get_local_constants", None)
    cache: Any = getattr(getattr(_providers, "CONSTANTS_CACHE", None), "cache", None)
    if original is None or not hasattr(cache, "clear"):
        yield
        return
    nothing = Constants()
    _providers._get_local_constants = lambda: nothing
    cache.clear()
    try:
        yield
    finally:
        _providers._get_local_constants = original
        cache.clear()


@contextmanager
def _storage_outside_the_project() -> Iterator[None]:
    """Point Hypothesis' storage directory at a temporary one, then back."""
    previous = storage_directory(intent_to_write=False).home_directory
    with tempfile.TemporaryDirectory(prefix="dctck-hypothesis-") as directory:
        set_hypothesis_home_dir(directory)
        try:
            yield
        finally:
            set_hypothesis_home_dir(previous)


def run_exploration(harness: Harness, max_examples: int | None = None) -> list[Violation | str]:
    """Explore the declared machine; return the violations of a minimal failing sequence and any
    leaked instances (both empty when the driver follows its machine)."""
    subject = harness.subject
    budget = exploration_budget(subject.clock is not None)
    if max_examples is not None:
        budget = ExplorationBudget(max_examples, budget.steps, budget.driver_seconds)
    run = _Run(subject, budget)

    @seed(SEED)
    class Exploration(_Explorer):
        def __init__(self) -> None:
            super().__init__(run)

    found: _Found | None = None
    try:
        with _storage_outside_the_project(), _no_constants_from_local_code():
            run_state_machine_as_test(
                Exploration,
                settings=_settings(budget.sequences, budget.steps, _database_for(subject.driver)),
            )
    except _BudgetSpent:
        pass  # the time box ended a clean run
    except _Stop as stop:
        found, how = stop.found, stop.how
    except _Found as failure:
        found, how = failure, "the minimal sequence Hypothesis found"
    except Exception:
        if run.smallest is None and run.spent:
            pass  # Hypothesis replayed a sequence the time box then refused to start: clean
        elif run.smallest is None:
            raise  # a defect of the kit, not of the driver
        else:
            found = run.smallest
            how = "the smallest sequence found, which Hypothesis could not replay"
    if found is None:
        shown = [f"{leak} [{RULE_LEDGER}]" for leak in run.leaks]
        if len(shown) > _LEAKS_SHOWN:
            shown[_LEAKS_SHOWN:] = [f"... {len(shown)} instances left behind in all"]
        return list(shown)
    sequence = "; ".join(found.steps)
    problems: list[Violation | str] = [
        Violation(v.call, v.rule, f"after {how} ({sequence}): {v.happened}", v.expected)
        for v in found.violations
    ]
    if run.leaks:
        problems.append(
            f"{len(run.leaks)} instances the exploration created were left behind [{RULE_LEDGER}]"
        )
    return problems
