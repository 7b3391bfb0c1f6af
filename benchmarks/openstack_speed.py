"""openstacksdk against `simulator.openstack`, beside boto3 against `simulator.ec2`.

Both servers run in this process (waitress threads, 127.0.0.1), on manual clocks with zero
durations, so every figure is the cost of the HTTP round trips and of the simulators:

- lifecycle: one server at a time, 6 calls per cycle (create, show, stop, start, reboot,
  delete) with openstacksdk's proxy layer; the same 6 with boto3 (run, describe, stop, start,
  reboot, terminate). Also openstacksdk's cloud layer (`create_server(wait=True)` +
  `delete_server(wait=True)`), per cycle.
- listing @N: the whole list of N servers (`conn.compute.servers()`: detail, paging at 1,000)
  beside `describe_instances` (boto3's paginator) of N instances.
- memory @100,000: RSS growth and traced allocations of a `NovaCloud` (and an EC2
  `Simulator`) holding 100,000 servers, each in a fresh subprocess.

Run: `.venv/bin/python benchmarks/openstack_speed.py [--cycles 100] [--memory-count 100000]`
(`--skip-http` for the memory figures alone).
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator import ManualClock, Simulator, SimulatorConfig
from simulator.ec2 import Ec2App, Ec2Server
from simulator.openstack import NovaCloud, OpenStackApp, OpenStackConfig, OpenStackServer

CIRROS = "5f4b9a3e-0c1d-4e2f-8a3b-6c7d8e9f0a1b"
X86_IMAGE = "ami-0a1b2c3d4e5f60718"
SIZES = (100, 1_000)


def timed(function: Callable[[], object], repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat


def sdk_connection(url: str) -> Any:
    import openstack

    warnings.simplefilter("ignore")  # openstacksdk's own deprecation notices
    return openstack.connect(
        auth_url=f"{url}/identity",
        username="mockuser",
        password="mockpassword",
        project_name="mockuser",
        user_domain_name="Default",
        project_domain_name="Default",
        region_name="RegionOne",
    )


def boto3_client(url: str) -> Any:
    import boto3

    return boto3.client(
        "ec2",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="mockuser",
        aws_secret_access_key="mockpassword",
    )


def openstack_figures(cycles: int) -> dict[str, float]:
    cloud = NovaCloud(OpenStackConfig(boot_seconds=0, stop_seconds=0), ManualClock())
    with OpenStackServer(OpenStackApp(cloud), port=0, threads=4) as server:
        conn = sdk_connection(server.url)
        compute = conn.compute

        def cycle() -> None:
            made = compute.create_server(name="bench", image_id=CIRROS, flavor_id="1")
            compute.get_server(made.id)
            compute.stop_server(made)
            compute.start_server(made)
            compute.reboot_server(made, "SOFT")
            compute.delete_server(made)

        cycle()  # warm up: token, discovery
        figures = {"lifecycle": 6 / timed(cycle, cycles)}

        def cloud_cycle() -> None:
            conn.create_server("bench", image=CIRROS, flavor="1", wait=True, timeout=30)
            conn.delete_server("bench", wait=True, timeout=30)

        figures["cloud layer cycle s"] = timed(cloud_cycle, max(cycles // 20, 3))
        for size in SIZES:
            while len(cloud.servers("mockuser")) < size:
                cloud.create_server("mockuser", "bench", "1", CIRROS)
            count = 0

            def listing() -> None:
                nonlocal count
                count = len(list(compute.servers()))

            figures[f"listing @{size}"] = timed(listing, 3)
            assert count == size, count
            figures[f"raw listing @{size}"] = timed(lambda: raw_listing(server.url, conn), 3)
    return figures


def raw_listing(url: str, conn: Any) -> None:
    """`GET /servers/detail` with `requests`, pages followed: the simulator's share."""
    import requests

    token = conn.session.get_token()
    href: str | None = f"{url}/compute/v2.1/servers/detail"
    while href:
        page = requests.get(href, headers={"X-Auth-Token": token}, timeout=60).json()
        links = page.get("servers_links", [])
        href = links[0]["href"] if links else None


def ec2_figures(cycles: int) -> dict[str, float]:
    sim = Simulator(SimulatorConfig(boot_seconds=0, stop_seconds=0), ManualClock())
    with Ec2Server(Ec2App(sim), port=0, threads=4) as server:
        ec2 = boto3_client(server.url)

        def cycle() -> None:
            (made,) = ec2.run_instances(ImageId=X86_IMAGE, MinCount=1, MaxCount=1)["Instances"]
            ids = [made["InstanceId"]]
            ec2.describe_instances(InstanceIds=ids)
            ec2.stop_instances(InstanceIds=ids)
            ec2.start_instances(InstanceIds=ids)
            ec2.reboot_instances(InstanceIds=ids)
            ec2.terminate_instances(InstanceIds=ids)

        cycle()
        figures = {"lifecycle": 6 / timed(cycle, cycles)}
        sim.set_durations(boot_seconds=0)
        sim.reset()
        for size in SIZES:
            while len(sim.describe_instances("mockuser")) < size:
                sim.run_instances("mockuser", X86_IMAGE, max_count=min(size, 100))
            count = 0

            def listing() -> None:
                nonlocal count
                pages = ec2.get_paginator("describe_instances").paginate()
                count = sum(len(r["Instances"]) for page in pages for r in page["Reservations"])

            figures[f"listing @{size}"] = timed(listing, 3)
            assert count == size, count
    return figures


def rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def memory(kind: str, number: int, traced: bool) -> dict[str, float]:
    """In a fresh process: RSS growth (or, when `traced`, tracemalloc's count) and creation
    time of `number` servers (instances); tracemalloc slows and inflates, so never both."""
    gc.collect()
    before = rss_bytes()
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    if kind == "openstack":
        cloud = NovaCloud(OpenStackConfig(boot_seconds=0))
        for _ in range(number):
            cloud.create_server("mockuser", "bench", "1", CIRROS)
        listed = len(cloud.servers("mockuser"))
    else:
        sim = Simulator(SimulatorConfig(zones=SimulatorConfig().zones[:1], boot_seconds=0))
        for _ in range(number):
            sim.run_instances("mockuser", X86_IMAGE)
        listed = len(sim.describe_instances("mockuser"))
    elapsed = time.perf_counter() - start
    assert listed == number
    if traced:
        size = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        return {"traced": size}
    gc.collect()
    return {"rss": rss_bytes() - before, "seconds": elapsed}


def measure_memory(kind: str, number: int, traced: bool) -> dict[str, float]:
    code = (
        "import json, sys; sys.path.insert(0, 'benchmarks'); import openstack_speed as b; "
        f"print(json.dumps(b.memory({kind!r}, {number}, {traced})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout
    result: dict[str, float] = json.loads(out.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--memory-count", type=int, default=100_000)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    if not args.skip_http:
        http_report(args.cycles)
    memory_report(args.memory_count)


def http_report(cycles: int) -> None:
    stack = openstack_figures(cycles)
    ec2 = ec2_figures(cycles)
    print(f"{'phase':<28} {'openstacksdk':>14} {'boto3 (EC2)':>14}")
    print(f"{'lifecycle (calls/s)':<28} {stack['lifecycle']:>14,.0f} {ec2['lifecycle']:>14,.0f}")
    for size in SIZES:
        key = f"listing @{size}"
        print(f"{key + ' (ms per list)':<28} {stack[key] * 1e3:>14,.1f} {ec2[key] * 1e3:>14,.1f}")
        raw = stack[f"raw {key}"] * 1e3
        print(f"{'  of which the HTTP answer':<28} {raw:>14,.1f}   (requests, no SDK objects)")
    print(f"{'cloud-layer create+delete':<28} {stack['cloud layer cycle s'] * 1e3:>11,.0f} ms")


def memory_report(number: int) -> None:
    print(f"\nmemory @{number:,} servers (fresh subprocesses; one create call per server)")
    for kind in ("openstack", "ec2"):
        result = measure_memory(kind, number, traced=False)
        rss, traced = result["rss"], measure_memory(kind, number, traced=True)["traced"]
        print(
            f"  {kind:<10} RSS +{rss / 2**20:,.1f} MiB ({rss / number:,.0f} B/server), "
            f"traced {traced / 2**20:,.1f} MiB, created in {result['seconds']:.1f} s"
        )


if __name__ == "__main__":
    main()
