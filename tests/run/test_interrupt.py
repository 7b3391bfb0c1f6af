"""A certification stopped by Ctrl-C or killed leaves nothing once ``dctck sweep`` ran.

``dctck certify`` runs in a subprocess against a live ``dctck simulate`` (manual clock), so the
cloud outlives the run; the simulator's audit log is the witness of what was created and
destroyed. An instance the account had before the run must come out untouched.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from reference_drivers.ec2 import EC2Driver
from tests.reference._support import VALID, SimulateServer, dctck
from tests.simulator._support import X86_IMAGE

ROOT = Path(__file__).resolve().parents[2]
DRIVER = "tests.run._drivers:pausing"


@pytest.fixture
def cloud():
    server = SimulateServer("--clock", "manual")
    yield server
    server.stop()


def _driver(cloud: SimulateServer) -> EC2Driver:
    return EC2Driver(cloud.url + "/", "us-east-1")


def _tick(cloud: SimulateServer, seconds: float) -> None:
    requests.post(f"{cloud.url}/_sim/clock/tick", json={"seconds": seconds}, timeout=10)


def _audit(cloud: SimulateServer) -> list[dict]:
    return requests.get(f"{cloud.url}/_sim/audit", timeout=10).json()["entries"]


def _existing_instance(cloud: SimulateServer) -> str:
    """An instance of the account from before the run, settled RUNNING."""
    instance = _driver(cloud).create_instance(VALID, X86_IMAGE, {"name": "not-the-kit's"})
    _tick(cloud, 120)
    assert _states(cloud) == {instance.id: "RUNNING"}
    return instance.id


def _states(cloud: SimulateServer) -> dict[str, str]:
    return {i.id: i.state for i in _driver(cloud).instances(VALID)}


def _certify(
    cloud: SimulateServer, tmp: Path, pause: float, skip: int = 0
) -> subprocess.Popen[str]:
    env = {
        "RUN_TEST_SKIP": str(skip),
        **os.environ,
        **cloud.env,
        "DCTCK_EC2_CONTROL": cloud.url + "/_sim",
        "RUN_TEST_MARKER": str(tmp / "created"),
        "RUN_TEST_PAUSE": str(pause),
    }
    command = [
        *(sys.executable, "-m", "dctck", "certify", DRIVER),
        *("--credentials", "mockuser:mockpassword", "--timeout", "30"),
        *("--runs-dir", str(tmp / "runs"), "--report", str(tmp / "report.json")),
        *("--", "-m", "fsm or create"),
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _await_marker(tmp: Path, process: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + 60
    while not (tmp / "created").exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never created an instance"
        time.sleep(0.05)
    time.sleep(0.2)  # the marker is written before the driver sleeps
    return (tmp / "created").read_text()


def _run_id(tmp: Path) -> str:
    (run,) = [p.name for p in (tmp / "runs").iterdir()]
    return run


def _sweep(cloud: SimulateServer, tmp: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {**cloud.env, "DCTCK_CREDENTIALS": "mockuser:mockpassword"}
    return dctck("sweep", "--runs-dir", str(tmp / "runs"), *options, env=env, cwd=ROOT)


def _created_by_run(cloud: SimulateServer, before: str) -> dict[str, str]:
    """The last audited state of every instance created after ``before`` was."""
    last: dict[str, str] = {}
    for entry in _audit(cloud):
        if entry["resource_type"] == "instance" and entry["instance_id"] != before:
            last[entry["instance_id"]] = entry["to_state"]
    return last


def test_sigint_stops_the_run_cleans_up_and_exits_3(cloud, tmp_path):
    existing = _existing_instance(cloud)
    process = _certify(cloud, tmp_path, pause=1.0)
    _await_marker(tmp_path, process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 3, out + err
    assert "interrupted, not certified" in err
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["interrupted"] is True
    assert report["certified"] is False
    assert "NOT CERTIFIED" in out
    assert "interrupted" in out
    # the run cleaned up what it created before exiting; the sweep finds nothing more
    result = _sweep(cloud, tmp_path, "--run", _run_id(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "destroyed 0, left 0" in result.stdout
    created = _created_by_run(cloud, existing)
    assert created
    assert set(created.values()) == {"terminated"}
    assert _states(cloud) == {existing: "RUNNING"}


def test_second_sigint_exits_at_once_and_sweep_destroys_what_was_left(cloud, tmp_path):
    existing = _existing_instance(cloud)
    process = _certify(cloud, tmp_path, pause=30.0)
    made = _await_marker(tmp_path, process)
    process.send_signal(signal.SIGINT)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 3, out + err
    assert "dctck sweep --run" in err
    assert made in _states(cloud)  # left behind: the create's answer never reached the kit
    dry = _sweep(cloud, tmp_path, "--dry-run")
    assert f"would destroy {made}" in dry.stdout
    assert made in _states(cloud)
    result = _sweep(cloud, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _states(cloud) == {existing: "RUNNING"}
    assert set(_created_by_run(cloud, existing).values()) == {"terminated"}


def test_sigkill_after_a_create_was_sent_then_sweep_finds_it_by_the_run_id(cloud, tmp_path):
    existing = _existing_instance(cloud)
    process = _certify(cloud, tmp_path, pause=60.0, skip=4)
    made = _await_marker(tmp_path, process)
    process.kill()
    process.communicate(timeout=20)
    # the report, rewritten as checks finish, tells what the run found before it was killed
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["checks"]
    assert report["finished"] is False
    assert report["certified"] is False
    journal = (tmp_path / "runs" / _run_id(tmp_path) / "journal.jsonl").read_text()
    assert made not in journal  # the answer was lost: only the run's id can find it
    assert "mockpassword" not in journal
    named = {i.id: i.name for i in _driver(cloud).instances(VALID)}
    assert named[made].startswith(f"dctck-{_run_id(tmp_path).lower()}-")
    result = _sweep(cloud, tmp_path, "--run", _run_id(tmp_path), "--timeout", "30")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"destroyed {made}" in result.stdout
    assert _states(cloud) == {existing: "RUNNING"}
    again = _sweep(cloud, tmp_path)
    assert again.returncode == 0
    assert "destroyed" not in again.stdout
