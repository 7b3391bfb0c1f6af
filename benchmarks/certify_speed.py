"""What a certification costs, before and after, and where the time goes: a script, not a test.

    python benchmarks/certify_speed.py [--baseline REV] [--repeat N] [--skip-real-time]

Everything runs as a user runs it, ``python -m dctck ...`` in a fresh process, in a scratch
directory, with a fresh exploration database each time (a first run: nothing replayed). The
baseline is the tree of ``REV`` (default: the commit issue 14 started from), extracted with
``git archive`` and put first on ``PYTHONPATH``, so both sides run on this interpreter and these
dependencies. Sides alternate, ``--repeat`` runs each, the best wall time kept (with the CPU
time, user + sys, of that run, and the load average when it started: the machine may be shared).

1. Start-up and the main job, before and after: ``dctck --help``; ``dctck certify`` (the
   bundled EC2Driver over the in-process EC2 simulator, with ``ec2_facts.toml``); the same for
   MockDriver. Goal (issue 14): the main job within 5x the command's own start-up.
2. Where the time goes: each run's check time per area (from its JUnit XML), the generated
   exploration apart, and the rest of the wall time (start-up, collection, summary).
3. On real time (``--dctck-timeout=5``, drivers without a virtual clock): what broken drivers
   cost against the correct one (``SlowBootOnRealTime`` of the bank), as a ratio and as a
   number of timeouts over it. Goal: at most the correct run plus four timeouts.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The commit issue 14 started from.
DEFAULT_BASELINE = "da0c59b"
MOCK = [
    "reference_drivers.mock:MockDriver",
    "--credentials",
    "mockuser:mockpassword",
    "--other-credentials",
    "otheruser:otherpassword",
]
EXPLORATION = "test_generated_action_sequences_follow_the_machine"
REAL_TIMEOUT = 5.0
REAL_TIME_DRIVERS = textwrap.dedent(
    """
    from dctck import Instance
    from tests.kit.bank.legal_machines import SlowBootOnRealTime

    class NeverBoots(SlowBootOnRealTime):
        def __init__(self):
            super().__init__()
            self.simulator.set_durations(boot_seconds=1e9)

    class NeverListsCreated(SlowBootOnRealTime):
        def create_instance(self, credentials, image_id, opts=None):
            instance = super().create_instance(credentials, image_id, opts)
            return Instance(**{**vars(instance), "id": "r-" + instance.id[2:]})
    """
)
BROKEN_TEARDOWN = "tests.kit.bank.broken_teardown"


@dataclass
class Run:
    """One command's cost: wall and CPU seconds, the load average when it started, its exit
    code, and (for a certification) the seconds of its checks per area."""

    wall: float
    cpu: float
    load: float
    code: int
    areas: dict[str, float] = field(default_factory=dict)
    failed: int = 0


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(tree: Path, workdir: Path, arguments: list[str], certify: bool = True) -> Run:
    """``python -m dctck ARGUMENTS`` with ``tree`` first on the path, timed."""
    junit = workdir / "junit.xml"
    junit.unlink(missing_ok=True)
    command = [sys.executable, "-m", "dctck", *arguments]
    if certify:
        command += ["--junitxml", str(junit)]
    database = tempfile.mkdtemp(prefix="db-", dir=workdir)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tree), str(workdir)]),
        "DCTCK_EXPLORATION_DATABASE": database,
    }
    load = os.getloadavg()[0]
    cpu = _cpu_of_children()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, check=False)
    result = Run(time.perf_counter() - started, _cpu_of_children() - cpu, load, done.returncode)
    if certify and junit.exists():
        result.areas, result.failed = _areas(junit)
    return result


def _areas(junit: Path) -> tuple[dict[str, float], int]:
    """Seconds per area (the exploration apart) and the failed checks of a JUnit XML report."""
    areas: dict[str, float] = defaultdict(float)
    failed = 0
    for case in ET.parse(junit).getroot().iter("testcase"):
        module = case.get("classname", "").rpartition(".")[2]
        area = module.removeprefix("suite_")
        if case.get("name", "").startswith(EXPLORATION):
            area = "exploration"
        areas[area] += float(case.get("time", "0"))
        failed += any(child.tag in ("failure", "error") for child in case)
    return dict(areas), failed


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.wall)


def extract(revision: str, directory: Path) -> Path:
    tree = directory / "baseline"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def main_job_rows(trees: dict[str, Path], workdir: Path, repeat: int) -> dict[str, dict[str, Run]]:
    """Best runs of each job on each side, sides alternated."""
    jobs = {
        "dctck --help": (["--help"], False),
        "dctck certify (EC2Driver)": (["certify"], True),
        "dctck certify MockDriver": (["certify", *MOCK], True),
    }
    runs: dict[str, dict[str, list[Run]]] = {job: defaultdict(list) for job in jobs}
    for _ in range(repeat):
        for job, (arguments, certify) in jobs.items():
            for side, tree in trees.items():
                runs[job][side].append(run(tree, workdir, arguments, certify))
    return {job: {side: best(r) for side, r in sides.items()} for job, sides in runs.items()}


def print_main_job(rows: dict[str, dict[str, Run]], sides: list[str]) -> None:
    print("1. start-up and the main job (best wall of the runs; CPU = user + sys of that run)")
    print(
        f"{'job':<28}{'side':<10}{'wall s':>8}{'cpu s':>8}{'load':>6}{'exit':>6}{'x start-up':>12}"
    )
    for job, by_side in rows.items():
        for side in sides:
            r = by_side[side]
            startup = rows["dctck --help"][side].wall
            ratio = f"{r.wall / startup:>11.1f}x" if job != "dctck --help" else f"{'':>12}"
            print(f"{job:<28}{side:<10}{r.wall:>8.2f}{r.cpu:>8.2f}{r.load:>6.1f}{r.code:>6}{ratio}")
    if len(sides) == 2:
        for job, by_side in rows.items():
            before, after = (by_side[s] for s in sides)
            print(
                f"{job}: wall {before.wall / after.wall:.2f}x, CPU {before.cpu / after.cpu:.2f}x"
                " faster"
            )


def print_split(rows: dict[str, dict[str, Run]], sides: list[str]) -> None:
    print("\n2. where the time goes: check seconds per area (JUnit XML), exploration apart")
    for job in ("dctck certify (EC2Driver)", "dctck certify MockDriver"):
        areas = sorted({a for side in sides for a in rows[job][side].areas})
        print(f"{job:<28}" + "".join(f"{side:>12}" for side in sides))
        for area in areas:
            print(
                f"  {area:<26}"
                + "".join(f"{rows[job][s].areas.get(area, 0.0):>12.2f}" for s in sides)
            )
        print(
            f"  {'(checks in all)':<26}"
            + "".join(f"{sum(rows[job][s].areas.values()):>12.2f}" for s in sides)
        )
        print(
            f"  {'(outside the checks)':<26}"
            + "".join(
                f"{rows[job][s].wall - sum(rows[job][s].areas.values()):>12.2f}" for s in sides
            )
        )


def real_time_rows(workdir: Path) -> list[tuple[str, Run]]:
    (workdir / "real_time_drivers.py").write_text(REAL_TIME_DRIVERS)
    credentials = [
        "--credentials",
        "mockuser:mockpassword",
        "--other-credentials",
        "otheruser:otherpassword",
    ]
    timeout = ["--timeout", f"{REAL_TIMEOUT:g}", *credentials]
    correct = "tests.kit.bank.legal_machines:SlowBootOnRealTime"
    configurations = [
        ("real time, correct", [correct, *timeout]),
        ("never boots", ["real_time_drivers:NeverBoots", *timeout]),
        ("never lists created", ["real_time_drivers:NeverListsCreated", *timeout]),
    ]
    sys.path.insert(0, str(ROOT))
    if importlib.util.find_spec(BROKEN_TEARDOWN) is not None:
        configurations.append(
            (
                "refuses destroy while running",
                [f"{BROKEN_TEARDOWN}:DestroyRefusedWhileRunning", *timeout],
            )
        )
    else:
        print(f"({BROKEN_TEARDOWN} is not in this tree: its row is left out)")
    configurations.append(("real time, --freeze-time", [correct, *timeout, "--freeze-time"]))
    return [
        (label, run(ROOT, workdir, ["certify", *arguments])) for label, arguments in configurations
    ]


def print_real_time(rows: list[tuple[str, Run]]) -> None:
    correct = rows[0][1]
    print(f"\n3. real time, --timeout {REAL_TIMEOUT:g} (this tree, one run each)")
    columns = ("configuration", "wall s", "cpu s", "load", "failed", "vs correct", "timeouts over")
    print("{:<32}{:>8}{:>8}{:>6}{:>8}{:>12}{:>15}".format(*columns))
    for name, r in rows:
        over = (r.wall - correct.wall) / REAL_TIMEOUT
        print(
            f"{name:<32}{r.wall:>8.2f}{r.cpu:>8.2f}{r.load:>6.1f}{r.failed:>8}"
            f"{r.wall / correct.wall:>11.2f}x{over:>15.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="the revision to compare with")
    parser.add_argument("--skip-baseline", action="store_true", help="time this tree only")
    parser.add_argument("--repeat", type=int, default=3, help="runs per job and side (best kept)")
    parser.add_argument(
        "--skip-real-time", action="store_true", help="leave out the real-time table (about 1 min)"
    )
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory(prefix="dctck-speed-") as directory:
        workdir = Path(directory)
        trees = {} if args.skip_baseline else {"before": extract(args.baseline, workdir)}
        trees["after"] = ROOT
        rows = main_job_rows(trees, workdir, args.repeat)
        print_main_job(rows, list(trees))
        print_split(rows, list(trees))
        if not args.skip_real_time:
            print_real_time(real_time_rows(workdir))
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
