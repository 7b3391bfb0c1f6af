"""How long certifying MockDriver takes, and how many checks run: a script, not a test.

    python benchmarks/certify_speed.py [--repeat N]

Each configuration runs in a fresh ``python -m pytest`` process, as a user would run it, several
times; the best wall time is kept. The configurations:

- ``realistic``: the simulator's default durations (boot 40 s, stop 20 s of simulated time),
  which the kit gets through by advancing MockDriver's virtual clock;
- ``instant``: durations of 0 (a baseline: what the lifecycle would cost if waiting were free);
- ``realistic -n 2``: the realistic run spread over two pytest-xdist workers.

Target (issue 3): at least 150 checks in under 5 seconds on a 2-core machine, realistic durations.

Then, on real time (drivers without a virtual clock, ``--dctck-timeout=5``), what broken drivers
cost against the correct one, and what ``--dctck-freeze-time`` saves (issue 11):

- ``real time, correct``: ``SlowBootOnRealTime`` of the bank (boot 0.15 s, stop 0.1 s);
- ``never boots``: the same, whose instances stay PENDING;
- ``never lists created``: the same, whose create_instance returns an id it never lists;
- ``real time, --dctck-freeze-time``: the correct one with frozen, ticked clocks.

Goal: a broken driver costs at most the correct run plus four timeouts (4 x 5 s).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CREDENTIALS = ["--dctck-credentials=mockuser:mockpassword"]
OTHER = ["--dctck-other-credentials=otheruser:otherpassword"]

INSTANT_DRIVER = textwrap.dedent(
    """
    import simulator
    from reference_drivers import MockDriver

    def instant():
        sim = simulator.Simulator()
        sim.set_durations(boot_seconds=0, stop_seconds=0)
        return MockDriver(simulator=sim)
    """
)


def certify(driver: str, workdir: Path, extra: list[str]) -> tuple[float, dict[str, object]]:
    report = workdir / "report.json"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--dctck-driver={driver}",
        *CREDENTIALS,
        *OTHER,
        f"--dctck-report={report}",
        *extra,
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)])}
    started = time.perf_counter()
    subprocess.run(command, cwd=workdir, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    return elapsed, json.loads(report.read_text())


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
REAL_TIMEOUT = 5.0


def real_time_rows(workdir: Path) -> list[tuple[str, float, dict[str, object]]]:
    (workdir / "real_time_drivers.py").write_text(REAL_TIME_DRIVERS)
    timeout = [f"--dctck-timeout={REAL_TIMEOUT:g}"]
    configurations = [
        ("real time, correct", "tests.kit.bank.legal_machines:SlowBootOnRealTime", timeout),
        ("never boots", "real_time_drivers:NeverBoots", timeout),
        ("never lists created", "real_time_drivers:NeverListsCreated", timeout),
        (
            "real time, --dctck-freeze-time",
            "tests.kit.bank.legal_machines:SlowBootOnRealTime",
            [*timeout, "--dctck-freeze-time"],
        ),
    ]
    return [(label, *certify(driver, workdir, extra)) for label, driver, extra in configurations]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration (best kept)")
    parser.add_argument(
        "--skip-real-time", action="store_true", help="leave out the real-time table (about 1 min)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        (workdir / "instant_driver.py").write_text(INSTANT_DRIVER)
        configurations = [
            ("realistic", "reference_drivers.mock:MockDriver", []),
            ("instant (baseline)", "instant_driver:instant", []),
            ("realistic -n 2", "reference_drivers.mock:MockDriver", ["-n", "2"]),
        ]
        rows = []
        for label, driver, extra in configurations:
            runs = [certify(driver, workdir, extra) for _ in range(args.repeat)]
            best, report = min(runs, key=lambda run: run[0])
            checks = report["checks"]
            assert isinstance(checks, list)
            ran = sum(1 for check in checks if check["outcome"] != "skipped")
            rows.append((label, best, len(checks), ran, report["certified"]))
        real_time = [] if args.skip_real_time else real_time_rows(workdir)
    baseline = rows[1][1]
    header = ("configuration", "wall s", "checks", "ran", "certified", "vs baseline")
    print("{:<22}{:>8}{:>8}{:>6}{:>11}{:>13}".format(*header))
    for label, best, total, ran, certified in rows:
        print(
            f"{label:<22}{best:>8.2f}{total:>8}{ran:>6}{certified!s:>11}{best / baseline:>12.2f}x"
        )
    print("(wall time includes starting Python and pytest; best of", args.repeat, "runs)")
    if not real_time:
        return
    correct = real_time[0][1]
    print(f"\nreal time, --dctck-timeout={REAL_TIMEOUT:g} (one run each)")
    columns = ("configuration", "wall s", "failed", "vs correct", "timeouts over correct")
    print("{:<32}{:>8}{:>8}{:>12}{:>23}".format(*columns))
    for name, elapsed, report in real_time:
        checks = report["checks"]
        assert isinstance(checks, list)
        failed = sum(1 for check in checks if check["outcome"] == "failed")
        over = (elapsed - correct) / REAL_TIMEOUT
        print(f"{name:<32}{elapsed:>8.2f}{failed:>8}{elapsed / correct:>11.2f}x{over:>23.1f}")


if __name__ == "__main__":
    main()
