"""The same boto3 workload against `dctck simulate` and against moto's server, side by side.

    python benchmarks/ec2_vs_moto.py [--moto-python PATH] [--lifecycles N] [--reads N]
        [--filtered-reads N] [--resource-cycles N] [--sizes 100,1000,10000] [--scale 100000]
        [--repeat 3] [--skip-moto]

Both servers are started here, each in its own process on a free port of 127.0.0.1, and
driven by one boto3 client (retries off, so any error stops the run) from this process; each
phase runs --repeat times and the best run counts (the machine may be shared):

- lifecycle: run, describe, stop, start, reboot, terminate, one instance at a time;
- describe-by-id with 100, 1,000 and 10,000 instances in the account (mean latency too);
- filtered describe at 1,000 instances (tag:Name and instance-state-name, 10 matches);
- catalogue reads: zones, regions, one instance type, one image by id;
- key pairs and security groups: create an ed25519 key pair, describe it, create a group,
  authorize a rule, describe the group, delete both (7 calls a cycle).

Then, on the simulator alone, scale: 100,000 instances, describe-by-id latency and the
server's memory. moto is not a dependency of the project: install `moto[server]` in a
throwaway virtualenv and pass its interpreter with --moto-python (default: this one).
Durations are 0 on the simulator (transitions at once, like moto's) and its clock is manual.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

import boto3
from botocore.config import Config

LAUNCH = "import sys; from dctck._cli import main; sys.exit(main())"
SIM_IMAGE = "ami-0a1b2c3d4e5f60718"
REGION = "us-east-1"


@dataclass
class Target:
    """A running server and the boto3 client that drives it."""

    name: str
    process: subprocess.Popen[str]
    url: str
    credentials: tuple[str, str]
    reset_path: str
    image: str = ""
    client: Any = None
    results: dict[str, tuple[float, list[float]]] = field(default_factory=dict)

    def connect(self) -> None:
        self.client = boto3.session.Session().client(
            "ec2",
            region_name=REGION,
            endpoint_url=self.url,
            aws_access_key_id=self.credentials[0],
            aws_secret_access_key=self.credentials[1],
            config=Config(retries={"total_max_attempts": 1}, max_pool_connections=4),
        )

    def reset(self) -> None:
        request = urllib.request.Request(self.url + self.reset_path, data=b"{}", method="POST")
        with urllib.request.urlopen(request, timeout=60):
            pass

    def rss_mib(self) -> tuple[float, float]:
        """The server process's resident memory now and at its peak, in MiB."""
        status = open(f"/proc/{self.process.pid}/status").read()  # noqa: SIM115
        now = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return now / 1024, peak / 1024

    def stop(self) -> None:
        if self.client is not None:
            self.client.close()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_listening(port: int, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port} after {timeout:g}s")


def start_simulator() -> Target:
    command = [sys.executable, "-c", LAUNCH, "simulate", "--port", "0", "--clock", "manual",
               "--boot-seconds", "0", "--stop-seconds", "0"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    match = re.search(r"http://[\d.]+:\d+", process.stdout.readline())
    if match is None:
        raise SystemExit("dctck simulate did not print its URL")
    target = Target("simulator", process, match.group(0), ("mockuser", "mockpassword"),
                    "/_sim/reset", image=SIM_IMAGE)  # fmt: skip
    target.connect()
    return target


def start_moto(python: str) -> Target:
    port = free_port()
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "PATH": "/usr/bin"}
    command = [python, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True, env=env
    )
    wait_until_listening(port, process)
    target = Target("moto", process, f"http://127.0.0.1:{port}", ("testing", "testing"),
                    "/moto-api/reset")  # fmt: skip
    target.connect()
    images = target.client.describe_images(
        Owners=["amazon"], Filters=[{"Name": "architecture", "Values": ["x86_64"]}]
    )["Images"]
    target.image = sorted(image["ImageId"] for image in images)[0]
    return target


def timed(calls: Callable[[], int]) -> tuple[float, list[float]]:
    """Run `calls` (which returns how many operations it made): ops/s, and no latencies."""
    start = time.perf_counter()
    count = calls()
    elapsed = time.perf_counter() - start
    return count / elapsed, []


def each_timed(operation: Callable[[Any], Any], arguments: list[Any]) -> tuple[float, list[float]]:
    """`operation(argument)` for each argument: ops/s and each call's latency."""
    latencies = []
    start = time.perf_counter()
    for argument in arguments:
        began = time.perf_counter()
        operation(argument)
        latencies.append(time.perf_counter() - began)
    return len(arguments) / (time.perf_counter() - start), latencies


def lifecycle(target: Target, cycles: int) -> tuple[float, list[float]]:
    ec2, image = target.client, target.image

    def run() -> int:
        for _ in range(cycles):
            (instance,) = ec2.run_instances(
                ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro"
            )["Instances"]
            ids = [instance["InstanceId"]]
            ec2.describe_instances(InstanceIds=ids)
            ec2.stop_instances(InstanceIds=ids)
            ec2.start_instances(InstanceIds=ids)
            ec2.reboot_instances(InstanceIds=ids)
            ec2.terminate_instances(InstanceIds=ids)
        return cycles * 6

    return timed(run)


def key_pairs_and_groups(target: Target, cycles: int) -> tuple[float, list[float]]:
    ec2 = target.client
    ssh = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
           "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}  # fmt: skip

    def run() -> int:
        for number in range(cycles):
            name = f"bench-{number}"
            ec2.create_key_pair(KeyName=name, KeyType="ed25519")
            ec2.describe_key_pairs(KeyNames=[name])
            group_id = ec2.create_security_group(GroupName=name, Description="bench")["GroupId"]
            ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[ssh])
            ec2.describe_security_groups(GroupIds=[group_id])
            ec2.delete_security_group(GroupId=group_id)
            ec2.delete_key_pair(KeyName=name)
        return cycles * 7

    return timed(run)


def populate(target: Target, ids: list[str], size: int) -> None:
    """Launch instances until the account has `size`; groups of 10 share a Name tag."""
    while len(ids) < size:
        batch = 10 if len(ids) < 1000 else min(1000, size - len(ids))
        answer = target.client.run_instances(
            ImageId=target.image,
            MinCount=batch,
            MaxCount=batch,
            InstanceType="t3.micro",
            TagSpecifications=[{"ResourceType": "instance",
                                "Tags": [{"Key": "Name", "Value": f"group-{len(ids) // 10}"}]}],
        )  # fmt: skip
        ids.extend(instance["InstanceId"] for instance in answer["Instances"])


def by_id(target: Target, ids: list[str], reads: int, seed: int) -> tuple[float, list[float]]:
    rng = random.Random(seed)
    ec2 = target.client
    picks = [rng.choice(ids) for _ in range(reads)]
    return each_timed(lambda pick: ec2.describe_instances(InstanceIds=[pick]), picks)


def filtered(target: Target, reads: int, seed: int) -> tuple[float, list[float]]:
    rng = random.Random(seed)
    ec2 = target.client
    groups = [f"group-{rng.randrange(100)}" for _ in range(reads)]
    states = {"Name": "instance-state-name", "Values": ["running", "pending"]}
    return each_timed(
        lambda group: ec2.describe_instances(
            Filters=[{"Name": "tag:Name", "Values": [group]}, states]
        ),
        groups,
    )


def catalogue(target: Target, reads: int) -> tuple[float, list[float]]:
    ec2 = target.client

    def run() -> int:
        for _ in range(reads):
            ec2.describe_availability_zones()
            ec2.describe_regions()
            ec2.describe_instance_types(InstanceTypes=["t3.micro"])
            ec2.describe_images(ImageIds=[target.image])
        return reads * 4

    return timed(run)


def measure(
    targets: list[Target],
    phase: str,
    repeat: int,
    run: Callable[[Target], tuple[float, list[float]]],
) -> None:
    """Run a phase `repeat` times on each target, alternating targets so that a change in
    the machine's load hits both alike; the best run of each (highest ops/s) counts."""
    print(f"  {phase}", flush=True)
    for _ in range(repeat):
        for target in targets:
            result = run(target)
            if phase not in target.results or result[0] > target.results[phase][0]:
                target.results[phase] = result


def run_phases(targets: list[Target], args: argparse.Namespace) -> None:
    repeat = args.repeat
    measure(targets, "lifecycle", repeat, lambda t: lifecycle(t, args.lifecycles))
    measure(targets, "catalogue reads", repeat, lambda t: catalogue(t, args.reads))
    measure(
        targets,
        "key pairs and security groups",
        repeat,
        lambda t: key_pairs_and_groups(t, args.resource_cycles),
    )
    ids: dict[str, list[str]] = {target.name: [] for target in targets}
    for target in targets:
        target.reset()
    for size in args.sizes:
        for target in targets:
            populate(target, ids[target.name], size)
        measure(
            targets,
            f"describe-by-id @{size:,}",
            repeat,
            lambda t, size=size: by_id(t, ids[t.name], args.reads, seed=size),  # type: ignore[misc]
        )
        if size == 1000:
            measure(
                targets,
                "filtered describe @1,000",
                repeat,
                lambda t: filtered(t, args.filtered_reads, seed=7),
            )
    for target in targets:
        target.results["_rss"] = (target.rss_mib()[0], [])


def scale(target: Target, size: int, reads: int) -> dict[str, float]:
    target.reset()
    ids: list[str] = []
    start = time.perf_counter()
    populate(target, ids, size)
    populated = time.perf_counter() - start
    _, latencies = by_id(target, ids, reads, seed=size)
    now, peak = target.rss_mib()
    return {
        "instances": len(ids),
        "populate_seconds": populated,
        "by_id_mean_ms": statistics.fmean(latencies) * 1000,
        "by_id_p95_ms": sorted(latencies)[int(0.95 * len(latencies))] * 1000,
        "rss_mib": now,
        "peak_rss_mib": peak,
    }


def table(targets: list[Target]) -> str:
    sim = targets[0]
    moto = targets[1] if len(targets) > 1 else None
    phases = [name for name in sim.results if not name.startswith("_")]
    lines = [f"{'phase':30} {'simulator ops/s':>16} {'moto ops/s':>11} {'ratio':>7}"]
    for phase in phases:
        ours = sim.results[phase][0]
        theirs = moto.results[phase][0] if moto is not None else float("nan")
        lines.append(f"{phase:30} {ours:16.0f} {theirs:11.1f} {ours / theirs:6.1f}x")
    lines.append("")
    lines.append(f"{'describe-by-id latency':28} {'simulator ms':>16} {'moto ms':>11}")
    for phase in phases:
        if phase.startswith("describe-by-id"):
            ours = statistics.fmean(sim.results[phase][1]) * 1000
            theirs = float("nan")
            if moto is not None:
                theirs = statistics.fmean(moto.results[phase][1]) * 1000
            lines.append(f"{phase[len('describe-by-id ') :]:28} {ours:16.2f} {theirs:11.2f}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moto-python", default=sys.executable, help="interpreter with moto")
    parser.add_argument("--lifecycles", type=int, default=200)
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--filtered-reads", type=int, default=50)
    parser.add_argument("--resource-cycles", type=int, default=100)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--scale", type=int, default=100_000, help="0 skips the scale run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per phase; the best counts")
    parser.add_argument("--skip-moto", action="store_true")
    args = parser.parse_args()
    args.sizes = [int(size) for size in args.sizes.split(",")]

    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"python {platform.python_version()}, boto3 {version('boto3')}", flush=True)  # fmt: skip
    targets = [start_simulator()]
    try:
        if not args.skip_moto:
            targets.append(start_moto(args.moto_python))
        for target in targets:
            target.client.describe_regions()  # warm up: connection and service model
        run_phases(targets, args)
        print()
        print(table(targets))
        rss = ", ".join(f"{t.name} {t.results['_rss'][0]:.0f} MiB" for t in targets)
        print(f"\nserver memory after {max(args.sizes):,} instances: {rss}")
        if args.scale:
            print(f"\nscale: {args.scale:,} instances in the simulator ...", flush=True)
            print(json.dumps(scale(targets[0], args.scale, args.reads), indent=2))
    finally:
        for target in targets:
            target.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
