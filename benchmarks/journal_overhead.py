"""What the run journal costs a certification: a script, not a test.

    python benchmarks/journal_overhead.py [--repeat N]

Certifies the bundled ``EC2Driver`` (in-process simulator, virtual clock) in a fresh pytest
process, with and without ``--dctck-journal`` (every create written and fsynced before it is
sent), several times each; prints the best wall time of each, the number of journal lines and
the cost per line. Goal: the journal costs under 5% of a certification.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--dctck-driver=reference_drivers.ec2:EC2Driver",
    "--dctck-credentials=mockuser:mockpassword",
    "--dctck-other-credentials=otheruser:otherpassword",
    "-q",
    "-p",
    "no:cacheprovider",
]


def _run(extra: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", *ARGS, *extra],
        cwd=cwd,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        plain = min(_run([], where) for _ in range(repeat))
        journaled = min(_run(["--dctck-journal=runs"], where) for _ in range(repeat))
        lines = sum(len(p.read_text().splitlines()) for p in where.glob("runs/*/journal.jsonl"))
    lines //= repeat
    print(f"without journal: {plain:.2f} s (best of {repeat})")
    print(f"with journal:    {journaled:.2f} s ({lines} lines per run)")
    extra = journaled - plain
    print(
        f"cost: {extra:+.2f} s ({100 * extra / plain:+.1f}%), {1000 * extra / lines:+.2f} ms a line"
    )


if __name__ == "__main__":
    main()
