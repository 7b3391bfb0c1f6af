"""`dctck simulate`: usage errors in one line, and a real server that stops on a signal."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from dctck._cli import main
from tests.ec2._support import X86_IMAGE, client

FAST_WAIT = {"Delay": 0, "MaxAttempts": 30}
LAUNCH = [sys.executable, "-c", "import sys; from dctck._cli import main; sys.exit(main())"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clock", "sundial"], "--clock must be real or manual, got 'sundial'"),
        (["--boot-seconds", "soon"], "--boot-seconds must be a number of seconds >= 0, got 'soon'"),
        (["--stop-seconds", "-1"], "--stop-seconds must be a number of seconds >= 0, got '-1'"),
        (["--retention-seconds", "nan"],
         "--retention-seconds must be a number of seconds >= 0, got 'nan'"),
        (["--port", "70000"], "--port must be a whole number from 0 to 65535, got '70000'"),
        (["--threads", "0"], "--threads must be a whole number from 1 to 512, got '0'"),
        (["--config", "/nonexistent/cloud.toml"],
         "/nonexistent/cloud.toml: cannot read: [Errno 2] No such file or directory: "
         "'/nonexistent/cloud.toml'"),
    ],
)  # fmt: skip
def test_a_usage_error_is_one_line_on_stderr_and_exit_2(capsys, args, message):
    assert main(["simulate", *args]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"dctck simulate: error: {message}\n")


def test_a_malformed_config_file_is_a_usage_error(capsys, tmp_path):
    path = tmp_path / "cloud.toml"
    path.write_text("boot_seconds = 'slow'\n")
    assert main(["simulate", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dctck simulate: error: {path}: ")
    assert err.count("\n") == 1


@pytest.mark.live
def test_a_port_in_use_is_a_usage_error(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["simulate", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dctck simulate: error: cannot listen on 127.0.0.1:{port}: ")
    assert err.count("\n") == 1


@contextmanager
def simulating(*options: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`dctck simulate --port 0 OPTIONS` in a subprocess, and its URL; killed if still running."""
    process = subprocess.Popen(
        [*LAUNCH, "simulate", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.fullmatch(r"Serving the EC2 API \(2016-11-15\) at (http://127\.0\.0\.1:\d+)/\n",
                             first)  # fmt: skip
        assert match, first
        yield process, match.group(1)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`dctck simulate --port 0 --clock manual --boot-seconds 30` in a subprocess, and its URL."""
    with simulating("--clock", "manual", "--boot-seconds", "30") as running:
        yield running


def control(url, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    method = "POST" if data else "GET"
    request = urllib.request.Request(f"{url}/_sim/{path}", data=data, method=method)
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


@pytest.mark.live
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_simulate_serves_a_boto3_lifecycle_and_stops_cleanly_on_a_signal(served, stop_signal):
    process, url = served
    control(url, "faults/add_latency", {"operation": "DescribeInstances", "seconds": 10})
    ec2 = client(url)
    (instance,) = ec2.run_instances(ImageId=X86_IMAGE, MinCount=1, MaxCount=1)["Instances"]
    ids = [instance["InstanceId"]]
    ec2.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig=FAST_WAIT)
    ec2.stop_instances(InstanceIds=ids)
    ec2.get_waiter("instance_stopped").wait(InstanceIds=ids, WaiterConfig=FAST_WAIT)
    ec2.terminate_instances(InstanceIds=ids)
    ec2.get_waiter("instance_terminated").wait(InstanceIds=ids, WaiterConfig=FAST_WAIT)
    ec2.close()
    audit = control(url, "audit")["entries"]
    assert [(entry["from_state"], entry["to_state"]) for entry in audit] == [
        (None, "pending"),
        ("pending", "running"),
        ("running", "stopping"),
        ("stopping", "stopped"),
        ("stopped", "shutting_down"),
        ("shutting_down", "terminated"),
    ]
    assert audit[1]["at"] - audit[0]["at"] == 30.0
    process.send_signal(stop_signal)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert out.endswith("Stopped.\n")
    assert err == ""


@pytest.mark.live
def test_simulate_with_a_real_clock_boots_in_real_time():
    with simulating("--boot-seconds", "0.2", "--stop-seconds", "0") as (process, url):
        ec2 = client(url)
        ids = [ec2.run_instances(ImageId=X86_IMAGE, MinCount=1, MaxCount=1)["Instances"][0][
            "InstanceId"]]  # fmt: skip
        ec2.get_waiter("instance_running").wait(
            InstanceIds=ids, WaiterConfig={"Delay": 0.05, "MaxAttempts": 100}
        )
        assert ec2.stop_instances(InstanceIds=ids)["StoppingInstances"][0]["CurrentState"] == {
            "Code": 80,
            "Name": "stopped",
        }
        ec2.close()
        assert control(url, "clock")["kind"] == "real"
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
    assert process.returncode == 0
