"""Certification wall time of drivers on other stacks, against the EC2 reference driver.

    python benchmarks/certify_stacks.py [--repeat N]

Three drivers of the same simulated EC2, each certified in-process (no socket) by
``dctck certify`` in a fresh process, as a user runs it; the best of ``--repeat`` runs is kept:

- ``reference_drivers.ec2:EC2Driver``: the reference, SigV4-signed ``requests`` (the baseline);
- ``boto3_ec2:in_process``: ``examples/boto3_ec2.py``, boto3 answered by ``route_botocore``;
- ``reference_drivers.libcloud:ec2_on_simulator``: Libcloud's ``EC2NodeDriver`` behind
  ``LibcloudDriver`` (needs ``pip install 'dctck[libcloud]'``).

Each row gives the wall time, the checks run and failed, and the ratio to the baseline.
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
ACCOUNTS = [
    "--credentials",
    "mockuser:mockpassword",
    "--other-credentials",
    "otheruser:otherpassword",
]
DRIVERS = [
    ("EC2Driver (reference, requests)", "reference_drivers.ec2:EC2Driver", ROOT),
    ("boto3 example", "boto3_ec2:in_process", ROOT / "examples"),
    ("Libcloud EC2NodeDriver", "reference_drivers.libcloud:ec2_on_simulator", ROOT),
]


def certify(driver: str, cwd: Path, report: Path) -> tuple[float, dict[str, object]]:
    command = [sys.executable, "-m", "dctck", "certify", driver, *ACCOUNTS, "--report", str(report)]
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    return elapsed, json.loads(report.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per driver (best kept)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        report = Path(directory) / "report.json"
        for label, driver, cwd in DRIVERS:
            best, data = min(
                (certify(driver, cwd, report) for _ in range(args.repeat)), key=lambda run: run[0]
            )
            checks = data["checks"]
            assert isinstance(checks, list)
            ran = sum(1 for check in checks if check["outcome"] != "skipped")
            failed = sum(1 for check in checks if check["outcome"] == "failed")
            rows.append((label, best, ran, failed))
    baseline = rows[0][1]
    print("{:<34}{:>8}{:>6}{:>8}{:>13}".format("driver", "wall s", "ran", "failed", "vs EC2Driver"))
    for label, best, ran, failed in rows:
        print(f"{label:<34}{best:>8.2f}{ran:>6}{failed:>8}{best / baseline:>12.2f}x")
    print(f"(in-process, one fresh process per run, best of {args.repeat}; wall time includes")
    print(" starting Python and pytest)")


if __name__ == "__main__":
    main()
