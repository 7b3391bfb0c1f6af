"""The driver under test, as the checks see it: labelled credentials, bounded calls, its clock."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dctck._clock import VirtualClock
from dctck._journal import Journal, instance_name
from dctck._states import StateMachine
from dctck.kit._calls import Call, CallRunner, CredentialSet, Outcome
from dctck.kit._frozen import REAL_CLOCKS
from dctck.kit._violations import NotRun

__all__ = [
    "DEFAULT_TIMEOUT",
    "SPI_PARAMETERS",
    "Subject",
    "TimedOut",
    "fault_injection_of",
    "virtual_clock_of",
]

DEFAULT_TIMEOUT = 60.0

#: Parameter names of the SPI methods (SPEC 4), for rendering calls.
SPI_PARAMETERS: dict[str, tuple[str, ...]] = {
    "hardware_profiles": ("credentials", "opts"),
    "realms": ("credentials", "opts"),
    "images": ("credentials", "opts"),
    "instances": ("credentials", "opts"),
    "hardware_profile": ("credentials", "id"),
    "realm": ("credentials", "id"),
    "image": ("credentials", "id"),
    "instance": ("credentials", "id"),
    "create_instance": ("credentials", "image_id", "opts"),
    "reboot_instance": ("credentials", "id"),
    "stop_instance": ("credentials", "id"),
    "start_instance": ("credentials", "id"),
    "destroy_instance": ("credentials", "id"),
    "instance_states": (),
    "features": (),
    "instance_actions_for": ("state",),
}

_UNKNOWN_NAME = "dctck-nobody"
_CREATES = ("create_instance",)


def virtual_clock_of(driver: object) -> VirtualClock | None:
    """The driver's virtual clock (SPEC 7), or ``None`` when it runs on real time."""
    clock = getattr(driver, "clock", None)
    if callable(getattr(clock, "now", None)) and callable(getattr(clock, "tick", None)):
        return clock
    return None


@dataclass(frozen=True)
class TimedOut:
    """The first check of a session that waited out the timeout for a reason, and what it saw."""

    check: str
    evidence: str


def fault_injection_of(driver: object) -> Any | None:
    """The driver's fault injection (SPEC 9: ``fail_next`` and ``clear``), or ``None``."""
    faults = getattr(driver, "faults", None)
    if callable(getattr(faults, "fail_next", None)) and callable(getattr(faults, "clear", None)):
        return faults
    return None


HUNG_GRACE = 1.0
"""Seconds a call gets once the same method with the same credentials did not return."""


class Subject:
    """A driver with the credentials and timeout it is certified with.

    ``credentials`` must be valid; ``other_credentials`` (optional) name a second account, for the
    isolation checks. Derived sets (no credentials, a wrong password, an unknown name) are built
    from them. ``timeout`` bounds every call and every wait, in the driver's time.
    """

    def __init__(
        self,
        driver: Any,
        credentials: Mapping[str, str],
        other_credentials: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.driver = driver
        self.timeout = timeout
        name = str(credentials.get("name", ""))
        password = str(credentials.get("password", ""))
        self.valid = CredentialSet("valid credentials", dict(credentials))
        self.other = (
            CredentialSet("other account", dict(other_credentials))
            if other_credentials is not None
            else None
        )
        self.no_credentials = CredentialSet("no credentials", {})
        self.wrong_password = CredentialSet(
            "wrong password", {"name": name, "password": password + "-not-the-password"}
        )
        self.unknown_name = CredentialSet(
            "unknown name", {"name": _UNKNOWN_NAME, "password": password}
        )
        #: Create nothing: a call to ``create_instance`` makes the check "not run" (NotRun).
        self.read_only = False
        self.clock = virtual_clock_of(driver)
        self.faults = fault_injection_of(driver)
        self._runner = CallRunner()
        self._machine: StateMachine | None = None
        #: The ``instance_states()`` call that gave :attr:`machine` (None until it is read).
        self.machine_read: Outcome | None = None
        #: The image checks create instances from (found by the first check that needs one).
        self.default_image_id: str | None = None
        #: What checks waited out the timeout for, by reason (see ``Harness.wait_for``).
        self.timed_out: dict[str, TimedOut] = {}
        #: Calls that did not return, by method and credentials: where each hung first.
        self.hung: dict[tuple[str, str], str] = {}
        #: Virtual seconds the kit let pass on ``clock`` (reading a remote clock costs a call).
        self.ticked = 0.0
        #: Virtual seconds the last wait for each reason took (see ``Harness.wait_until``).
        self.wait_lengths: dict[object, float] = {}
        #: Observed transitions ``(origin, action, destination, latency)`` not yet reported.
        self.observed: list[tuple[str, str, str, float]] = []
        #: The last action accepted on each instance id, and when (for the observed transitions).
        self.acted: dict[str, tuple[str, float]] = {}
        #: Seconds in which ``NotFound`` for an instance just created (never listed yet) is
        #: tried again rather than judged: the provider's read-after-write window.
        self.settle = 0.0
        #: The run's id, put on every instance the kit creates where the driver allows it (the
        #: name with SPEC 8 ``user_name``, ``opts["run_tag"]`` with ``run_tag``); ``None``: off.
        self.run_id: str | None = None
        #: Where creates are written before they are sent (see ``dctck._journal``).
        self.journal: Journal | None = None
        self._named = 0
        self._instance_features: frozenset[str] | None = None
        passwords = {c.get("password") for c in (credentials, other_credentials or {})}
        self._secrets = sorted((p for p in passwords if isinstance(p, str) and p), key=len)[::-1]

    @property
    def bad_credentials(self) -> list[CredentialSet]:
        """The credential sets a method needing credentials must refuse."""
        return [self.no_credentials, self.wrong_password, self.unknown_name]

    def call(
        self, method: str, *args: Any, check: str = "an earlier check", owned: bool = False
    ) -> Outcome:
        """Call ``driver.method(*args)`` within the timeout; never raises what the driver raised.

        :class:`CredentialSet` arguments are passed as a fresh dict each time and shown by label;
        valid credentials are left out of the rendering, as the usual case. Once a method did not
        return with some credentials (in ``check``), it gets only :data:`HUNG_GRACE` seconds with
        them for the rest of the session: a hung driver costs one timeout, not one per check,
        and calls that do return (an unknown id, say) are still judged on what they do.

        Every ``create_instance`` is written to the journal (if any) before it is sent, and its
        id once it returned; with ``owned`` the run's id goes into its ``opts`` where the driver
        declares a way to carry it (:meth:`owned_opts`), unseen in the rendered call.
        """
        names = SPI_PARAMETERS.get(method, tuple(f"arg{i}" for i in range(len(args))))
        shown = tuple(
            (name, value)
            for name, value in zip(names, args, strict=False)
            if value is not self.valid
        )
        call = Call(method, shown)
        if self.read_only and method in _CREATES:
            raise NotRun(f"--read-only: this check calls {call}")
        function = getattr(self.driver, method, None)
        if not callable(function):
            missing = AttributeError(f"{type(self.driver).__name__} has no method {method}()")
            return Outcome(call, error=missing)
        credentials = next((a.label for a in args if isinstance(a, CredentialSet)), "")
        hung_before = self.hung.get((method, credentials))
        limit = self.timeout if hung_before is None else min(self.timeout, HUNG_GRACE)
        real_args = [dict(a.value) if isinstance(a, CredentialSet) else a for a in args]
        seq = None
        if method == "create_instance":
            name = None
            if owned and len(real_args) == 3:
                real_args[2], name = self.owned_opts(real_args[2])
            if self.journal is not None:
                seq = self.journal.intent(name, credentials)
        finished, value, error = self._runner.run(lambda: function(*real_args), limit)
        created = getattr(value, "id", None) if finished and error is None else None
        if method == "create_instance" and self.journal is not None and seq is not None:
            if isinstance(created, str):
                self.journal.created(seq, created)
            elif finished:  # answered without an instance: nothing was lost
                self.journal.note("answered", seq=seq)
        if not finished and hung_before is None:
            where = f"{call} did not return within {limit:g} s in {check}"
            self.hung[(method, credentials)] = where
        return Outcome(
            call,
            value=value,
            error=error,
            timed_out=not finished,
            timeout=limit,
            hung_before=hung_before if not finished else None,
        )

    def now(self) -> float:
        """The driver's time as the kit knows it: the virtual seconds it ticked, or real
        monotonic seconds for a driver on real time."""
        return self.ticked if self.clock is not None else REAL_CLOCKS["monotonic"]()

    def instance_features(self) -> frozenset[str]:
        """The features the driver declares on ``instances`` (SPEC 8), read once; none if
        ``features()`` fails or gives something else than a mapping."""
        if self._instance_features is None:
            outcome = self.call("features")
            declared = outcome.value if outcome.returned else None
            names = declared.get("instances") if isinstance(declared, Mapping) else None
            self._instance_features = frozenset(
                n
                for n in (names if isinstance(names, list | set | frozenset | tuple) else ())
                if isinstance(n, str)
            )
        return self._instance_features

    @property
    def own_name_prefix(self) -> str | None:
        """What the names this process gives instances start with (a run may have several
        processes: pytest-xdist workers); ``None`` when the run's id is not put on names."""
        if self.run_id is None or "user_name" not in self.instance_features():
            return None
        return instance_name(self.run_id, f"{os.environ.get('PYTEST_XDIST_WORKER', 'w')}.")

    def owned_opts(self, opts: Any) -> tuple[Any, str | None]:
        """``opts`` for a create of this run: a copy with the run's id as the instance's name
        (SPEC 8 ``user_name``, when no name is given) and as ``run_tag`` (when declared);
        ``opts`` itself when nothing applies. Also gives the name chosen, if any."""
        if self.run_id is None or not (opts is None or isinstance(opts, dict)):
            return opts, None
        features = self.instance_features()
        added: dict[str, Any] = {}
        if "user_name" in features and "name" not in (opts or {}):
            self._named += 1
            added["name"] = f"{self.own_name_prefix}{self._named}"
        if "run_tag" in features and "run_tag" not in (opts or {}):
            added["run_tag"] = self.run_id
        if not added:
            return opts, None
        return {**(opts or {}), **added}, added.get("name")

    @property
    def machine(self) -> StateMachine:
        """The declared state machine (read once); malformed or unreadable gives an empty one."""
        if self._machine is None:
            self.machine_read, self._machine = self.read_machine()
        return self._machine

    def read_machine(self) -> tuple[Outcome, StateMachine]:
        """Call ``instance_states()`` now: the outcome and the machine it declares (an empty
        machine, with its problems, when the call failed)."""
        outcome = self.call("instance_states")
        return outcome, StateMachine(outcome.value if outcome.returned else [])

    def redact(self, text: str) -> str:
        """``text`` with every secret of the credentials replaced by ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def close(self) -> None:
        self._runner.close()
