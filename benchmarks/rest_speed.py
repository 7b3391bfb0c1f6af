"""Requests per second of the REST front, before and after issue 10, in one run: a script.

    python benchmarks/rest_speed.py [--base COMMIT] [--rounds 3] [--listings 30] [--cycles 100]

"Before" is ``dctck/rest`` as it is on ``--base`` (default: where this branch left ``main``,
``git merge-base main HEAD``), extracted with ``git archive`` into a temporary directory with the
``dctck``, ``simulator`` and ``reference_drivers`` of that commit; "after" is this checkout.
Each side runs in its own process: MockDriver (boot and stop of 0 s, so a created instance is
RUNNING at once) behind the side's ``RestApp`` on a loopback waitress server, driven over
keep-alive HTTP by one ``requests`` session:

- ``GET /api/instances`` with 1,000 instances, ``Accept: application/xml`` and then JSON;
- the create-stop-destroy cycle: ``POST /api/instances``, ``POST .../stop``, ``DELETE``.

Each workload runs ``--rounds`` times per side, alternating sides so the machine's load hits
both alike; the best round counts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUTH = ("mockuser", "mockpassword")
INSTANCES = 1000


def measure(listings: int, cycles: int) -> dict[str, float]:
    """In this process (whatever ``dctck`` is on the path): requests per second of each workload."""
    import requests

    import simulator
    from dctck.rest import LoopbackServer, RestApp
    from reference_drivers import MockDriver

    sim = simulator.Simulator()
    sim.set_durations(boot_seconds=0, stop_seconds=0)
    driver = MockDriver(simulator=sim)
    credentials = {"name": AUTH[0], "password": AUTH[1]}
    image_id = driver.images(credentials)[0].id
    for _ in range(INSTANCES):
        driver.create_instance(credentials, image_id, None)
    figures: dict[str, float] = {}
    with LoopbackServer(RestApp(driver)) as server, requests.Session() as http:
        http.trust_env = False
        http.auth = AUTH
        url = server.url + "/api"
        for name, accept in (("list_xml", "application/xml"), ("list_json", "application/json")):
            headers = {"Accept": accept}
            assert http.get(url + "/instances", headers=headers).status_code == 200
            start = time.perf_counter()
            for _ in range(listings):
                answer = http.get(url + "/instances", headers=headers)
                assert answer.status_code == 200
                assert len(answer.content) > 100_000
            figures[name] = listings / (time.perf_counter() - start)
        json_answers = {"Accept": "application/json"}
        start = time.perf_counter()
        for _ in range(cycles):
            created = http.post(
                url + "/instances", data={"image_id": image_id}, headers=json_answers
            )
            href = created.headers["Location"]
            assert http.post(href + "/stop", headers=json_answers).status_code == 202
            assert http.delete(href, headers=json_answers).status_code == 204
        figures["cycle"] = 3 * cycles / (time.perf_counter() - start)
    return figures


def _extract(base: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", base, "dctck", "simulator", "reference_drivers"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    tar_path = into / "base.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(into / "base", filter="data")
    return into / "base"


def _run_side(path: Path, listings: int, cycles: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(path)}
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(1, sys.argv[2]);"
        "import rest_speed;"
        "print(json.dumps(rest_speed.measure(int(sys.argv[3]), int(sys.argv[4]))))"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            str(path),
            str(Path(__file__).parent),
            str(listings),
            str(cycles),
        ],
        env=env,
        cwd=path,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"the run in {path} failed:\n{result.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="the commit of 'before' (default: merge-base main HEAD)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--listings", type=int, default=30)
    parser.add_argument("--cycles", type=int, default=100)
    args = parser.parse_args()
    if args.base is None:
        args.base = subprocess.run(
            ["git", "merge-base", "main", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()[:12]
    with tempfile.TemporaryDirectory() as temp:
        before_path = _extract(args.base, Path(temp))
        best: dict[str, dict[str, float]] = {"before": {}, "after": {}}
        for _ in range(args.rounds):
            for side, path in (("before", before_path), ("after", ROOT)):
                for name, value in _run_side(path, args.listings, args.cycles).items():
                    best[side][name] = max(best[side].get(name, 0.0), value)
    print(f"REST front, MockDriver, best of {args.rounds} rounds (before: {args.base})")
    print(f"{'workload':<36} {'before req/s':>13} {'after req/s':>12} {'after/before':>13}")
    labels = {
        "list_xml": f"GET /api/instances XML @{INSTANCES:,}",
        "list_json": f"GET /api/instances JSON @{INSTANCES:,}",
        "cycle": "create-stop-destroy (per request)",
    }
    for name, label in labels.items():
        before, after = best["before"][name], best["after"][name]
        print(f"{label:<36} {before:>13.1f} {after:>12.1f} {after / before:>12.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
