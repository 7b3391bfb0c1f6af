"""Certification of ``dctck serve`` through ``--endpoint`` against the same driver in-process.

    python benchmarks/endpoint_speed.py [--clock-rate R] [--driver mock|ec2] [--timeout S]

One run of each, in a fresh process as a user runs it:

- in-process: ``dctck certify reference_drivers.mock:MockDriver`` (no socket; the kit ticks the
  simulator's virtual clock, so a boot costs no wall time);
- endpoint: ``dctck serve --clock-rate R`` in another process, certified by its URL with
  ``dctck certify --endpoint URL`` (HTTP on loopback; no clock to tick: the kit polls with real
  sleeps while the served clock runs R times as fast as real time).

Each row gives the wall time, the checks passed, failed and skipped, and the ratio to in-process.
The faults area is skipped over an endpoint (it offers no fault injection), so it is left out of
both runs (``-m "not faults"``) to compare the same checks.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = ["--credentials", "mockuser:mockpassword"]
ACCOUNTS += ["--other-credentials", "otheruser:otherpassword"]
TARGETS = {"mock": "reference_drivers.mock:MockDriver", "ec2": "reference_drivers.ec2:EC2Driver"}


def certify(args: list[str], report: Path) -> tuple[float, dict[str, dict[str, int]]]:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dctck", "certify", *args, *ACCOUNTS, "--report", str(report),
         "--", "-m", "not faults"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    return elapsed, json.loads(report.read_text())["areas"]


def totals(areas: dict[str, dict[str, int]]) -> str:
    outcomes = ("passed", "failed", "skipped")
    counts = [sum(area[outcome] for area in areas.values()) for outcome in outcomes]
    return "{:>7} {:>7} {:>8}".format(*counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clock-rate", default="50", help="the served clocks' rate (default 50)")
    parser.add_argument("--driver", choices=TARGETS, default="mock")
    parser.add_argument("--timeout", default="60", help="--timeout of both runs (default 60)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        local = certify([TARGETS[args.driver], "--timeout", args.timeout], Path(tmp, "local.json"))
        serve = ["serve", "--port", "0", "--clock-rate", args.clock_rate]
        server = subprocess.Popen(
            [sys.executable, "-m", "dctck", *serve], stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        try:
            assert server.stdout is not None
            url = server.stdout.readline().split(" at ")[1].split(" ")[0]
            remote = certify(
                ["--endpoint", url, "--driver", args.driver, "--timeout", args.timeout],
                Path(tmp, "remote.json"),
            )
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(
        f"{args.driver}, served clock x{args.clock_rate}, --timeout {args.timeout}, -m 'not faults'"
    )
    print(f"{'run':<34}{'wall s':>8} {'passed':>7} {'failed':>7} {'skipped':>8} {'ratio':>6}")
    runs = (("in-process", local), ("--endpoint (dctck serve, HTTP)", remote))
    for name, (seconds, areas) in runs:
        print(f"{name:<34}{seconds:>8.1f} {totals(areas)} {seconds / local[0]:>6.1f}")


if __name__ == "__main__":
    main()
