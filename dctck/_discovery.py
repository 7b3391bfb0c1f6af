"""Discovery: what an endpoint says it is, and what the run will and will not check, and why.

Read before any check and shown on one screen (and in the report), so a reader knows what the
verdict is about: the protocol, the server-reported driver, version and provider, its
collections and features, and the state machine it declares.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from dctck._endpoint import Endpoint
from dctck._states import StateMachine

__all__ = ["Discovery", "discover"]

_SPI_COLLECTIONS = ["hardware_profiles", "realms", "images", "instances"]
_PER_AREA = {
    "models": "the catalogue's and instances' models",
    "ids": "lookups and unknown ids",
    "filters": "listing filters (SPEC 6)",
    "auth": "credentials refused and accepted",
}


@dataclass(frozen=True)
class Discovery:
    """An endpoint's identity and the plan of the run (``plan``: area, checked, why)."""

    url: str
    protocol: str
    driver: str | None
    version: str | None
    provider: str | None
    server: str | None
    collections: list[str]
    features: dict[str, list[str]]
    machine: list[str]
    machine_problems: list[str]
    plan: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def identity(self) -> dict[str, Any]:
        """What the report records as the endpoint's identity."""
        keys = ("url", "protocol", "driver", "version", "provider", "server")
        return {key: getattr(self, key) for key in keys}

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["plan"] = [{"area": a, "checked": c, "why": w} for a, c, w in self.plan]
        return values

    def lines(self) -> list[str]:
        """The discovery screen."""
        unknown = "(not said)"
        lines = [
            f"endpoint   {self.url}",
            f"protocol   {self.protocol}",
            f"driver     {self.driver or unknown}   version {self.version or unknown}"
            f"   provider {self.provider or unknown}",
        ]
        if self.server:
            lines.append(f"server     {self.server}")
        lines.append(f"collections {', '.join(self.collections) or '(none)'}")
        shown = [f"{c}: {', '.join(names)}" for c, names in self.features.items()]
        lines.append(f"features   {'; '.join(shown) or '(none)'}")
        lines.append(f"states     {' '.join(self.machine) or '(none declared)'}")
        lines += [f"  machine problem: {problem}" for problem in self.machine_problems]
        lines.append("checked:")
        lines += [f"  {area:<10} {why}" for area, checked, why in self.plan if checked]
        lines.append("not checked:")
        lines += [f"  {area:<10} {why}" for area, checked, why in self.plan if not checked]
        return lines


def discover(driver: Any, endpoint: Endpoint, *, other_account: bool, faults: bool) -> Discovery:
    """Ask ``driver`` (speaking ``endpoint.protocol``) what the endpoint is; ``ValueError`` when
    it cannot even say that."""
    try:
        declaration = driver.instance_states()
        features = {c: sorted(names) for c, names in dict(driver.features()).items()}
        entry: dict[str, Any] = {}
        if callable(getattr(driver, "entry_point", None)):
            entry = driver.entry_point()
    except Exception as exc:
        raise ValueError(
            f"--endpoint {endpoint.url}: discovery failed: {' '.join(str(exc).split())[:300]}"
        ) from None
    machine = StateMachine(declaration)
    edges = [
        f"{origin}->{to}:{action}"
        for origin, targets in (declaration if isinstance(declaration, list) else [])
        for to, action in dict(targets).items()
    ]
    links = entry.get("links") if isinstance(entry.get("links"), list) else None
    collections = (
        [str(link.get("rel")) for link in links if isinstance(link, dict)]
        if links is not None
        else list(_SPI_COLLECTIONS)
    )
    return Discovery(
        url=endpoint.url,
        protocol=str(endpoint.protocol),
        driver=_text(entry.get("driver")) or (None if entry else endpoint.protocol),
        version=_text(entry.get("version")),
        provider=_text(entry.get("provider"))
        or endpoint.provider
        or _text(getattr(driver, "region", None)),
        server=_text(entry.get("server")),
        collections=collections,
        features=features,
        machine=edges,
        machine_problems=list(machine.problems),
        plan=_plan(endpoint.read_only, other_account, faults, machine),
    )


def _plan(
    read_only: bool, other_account: bool, faults: bool, machine: StateMachine
) -> list[tuple[str, bool, str]]:
    creates = "not run: --read-only (its checks create instances)"
    plan = [(area, True, why) for area, why in _PER_AREA.items()]
    if other_account:
        plan.append(("isolation", True, "a second account sees none of the first's"))
    else:
        plan.append(("isolation", False, "no second account (--other-credentials)"))
    if read_only:
        plan += [("fsm", False, creates), ("create", False, creates)]
        plan.append(("(all)", False, "every check that creates an instance: --read-only"))
    else:
        state = "" if machine.is_well_formed else " (the declared machine is malformed)"
        plan.append(("fsm", True, f"the declared state machine, as instances move{state}"))
        plan.append(("create", True, "create_instance honours image, profile, realm, name"))
    if faults:
        plan.append(("faults", True, "the endpoint's fault injection (SPEC 9)"))
    else:
        plan.append(("faults", False, "not applicable: the endpoint injects no faults (SPEC 9)"))
    plan.append(("api", False, "the wire-format area needs the driver in-process (--via-rest)"))
    return plan


def _text(value: object) -> str | None:
    return str(value) if isinstance(value, str | int | float) and str(value) else None
