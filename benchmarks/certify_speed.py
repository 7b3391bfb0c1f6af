"""How long certifying MockDriver takes, and how many checks run: a script, not a test.

    python benchmarks/certify_speed.py [--repeat N]

Each configuration runs in a fresh ``python -m pytest`` process, as a user would run it, several
times; the best wall time is kept. The configurations:

- ``realistic``: the simulator's default durations (boot 40 s, stop 20 s of simulated time),
  which the kit gets through by advancing MockDriver's virtual clock;
- ``instant``: durations of 0 (a baseline: what the lifecycle would cost if waiting were free);
- ``realistic -n 2``: the realistic run spread over two pytest-xdist workers.

Target (issue 3): at least 150 checks in under 5 seconds on a 2-core machine, realistic durations.
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
    env = {**os.environ, "PYTHONPATH": str(workdir)}
    started = time.perf_counter()
    subprocess.run(command, cwd=workdir, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    return elapsed, json.loads(report.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration (best kept)")
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
    baseline = rows[1][1]
    header = ("configuration", "wall s", "checks", "ran", "certified", "vs baseline")
    print("{:<22}{:>8}{:>8}{:>6}{:>11}{:>13}".format(*header))
    for label, best, total, ran, certified in rows:
        print(
            f"{label:<22}{best:>8.2f}{total:>8}{ran:>6}{certified!s:>11}{best / baseline:>12.2f}x"
        )
    print("(wall time includes starting Python and pytest; best of", args.repeat, "runs)")


if __name__ == "__main__":
    main()
