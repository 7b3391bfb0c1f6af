"""How the simulator scales: creation rate, memory, describe-by-id latency, to 100,000 instances.

Compares, on the same lifecycle table, three ways of giving instances a `transitions` lifecycle:

- records:     `__slots__` records driven through one shared Machine's events, never registered
               (what the simulator does); also measured as the whole `Simulator`
- add_model:   one shared Machine, each instance registered with `add_model`
- per-machine: a `Machine` per instance

Each measurement runs in a fresh subprocess so RSS figures do not inherit freed memory.
Run: `.venv/bin/python benchmarks/simulator_scale.py [--count 100000] [--baseline-count 5000]`.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from itertools import count
from pathlib import Path
from typing import Any, Protocol

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transitions import Machine

from simulator import Simulator
from simulator import _lifecycle as lifecycle
from simulator._catalogue import InstanceType
from simulator._instances import IdMaker, Record

Result = dict[str, Any]


class Store(Protocol):
    def create(self) -> str: ...
    def describe(self, instance_id: str) -> object: ...
    def advance(self) -> None: ...


ACCOUNT = "mockuser"
IMAGE = "ami-0a1b2c3d4e5f60718"
KIND = InstanceType("t3.micro", "x86_64", 1.0, 8.0, 2)
ZONE = "us-east-1a"
CHECKPOINTS = (100, 1_000, 10_000, 100_000)
LOOKUPS = 2_000


class SimulatorStore:
    """The whole simulator: one run_instances call per instance."""

    def __init__(self) -> None:
        self.sim = Simulator(seed=1)

    def create(self) -> str:
        return self.sim.run_instances(ACCOUNT, IMAGE)[0].id

    def describe(self, instance_id: str) -> object:
        return self.sim.describe_instances(ACCOUNT, [instance_id])

    def advance(self) -> None:
        self.sim.clock.tick(40)
        self.sim.regions()  # any call settles every due boot


class RecordStore:
    """Slot records driven through the shared machine's events (the simulator's lifecycle layer)."""

    def __init__(self) -> None:
        self.ids = IdMaker(1)
        self.serials = count(1)
        self.by_id: dict[str, Any] = {}

    def create(self) -> str:
        record = Record(self.ids.make(), ACCOUNT, IMAGE, KIND, ZONE, 0.0, next(self.serials))
        lifecycle.enter_initial(record)
        self.by_id[record.id] = record
        return record.id

    def describe(self, instance_id: str) -> object:
        return self.by_id[instance_id].view()

    def advance(self) -> None:
        for record in self.by_id.values():
            lifecycle.fire(record, lifecycle.AUTO)


class Model:
    """What a model registered with transitions looks like: the same fields, but a __dict__."""

    view = Record.view
    machine: Machine

    def __init__(self, instance_id: str, serial: int) -> None:
        self.id = instance_id
        self.account = ACCOUNT
        self.image_id = IMAGE
        self.kind = KIND
        self.zone = ZONE
        self.launched_at = self.state_since = 0.0
        self.serial = serial
        self.tags = None
        self.ticket = 0


class AddModelStore(RecordStore):
    """One shared Machine, every instance registered with add_model."""

    def __init__(self) -> None:
        super().__init__()
        self.machine = Machine(
            model=None,
            states=list(lifecycle.STATES),
            transitions=list(lifecycle.TRANSITIONS),
            initial=None,
            auto_transitions=False,
        )

    def create(self) -> str:
        model = Model(self.ids.make(), next(self.serials))
        self.machine.add_model(model, initial=lifecycle.INITIAL)
        self.by_id[model.id] = model
        return model.id

    def advance(self) -> None:
        for model in self.by_id.values():
            model.auto()


class MachinePerInstanceStore(AddModelStore):
    """A Machine per instance."""

    def create(self) -> str:
        model = Model(self.ids.make(), next(self.serials))
        model.machine = Machine(
            model=model,
            states=list(lifecycle.STATES),
            transitions=list(lifecycle.TRANSITIONS),
            initial=lifecycle.INITIAL,
            auto_transitions=False,
        )
        self.by_id[model.id] = model
        return model.id


STORES: dict[str, type[Store]] = {
    "simulator": SimulatorStore,
    "records": RecordStore,
    "add_model": AddModelStore,
    "per-machine": MachinePerInstanceStore,
}


def rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def describe_latency(store: Store, ids: list[str]) -> float:
    """Median microseconds per describe of one id, over LOOKUPS random ids."""
    rng = random.Random(0)
    sample = [rng.choice(ids) for _ in range(LOOKUPS)]
    timings = []
    for instance_id in sample:
        started = time.perf_counter_ns()
        store.describe(instance_id)
        timings.append(time.perf_counter_ns() - started)
    return statistics.median(timings) / 1000


def measure_speed(kind: str, number: int) -> Result:
    """Creation rate, RSS growth, describe latency at checkpoints, time to boot everything."""
    gc.collect()
    rss_before = rss_bytes()
    store = STORES[kind]()
    ids: list[str] = []
    creating = 0.0
    latency: dict[int, float] = {}
    for checkpoint in [c for c in CHECKPOINTS if c < number] + [number]:
        started = time.perf_counter()
        while len(ids) < checkpoint:
            ids.append(store.create())
        creating += time.perf_counter() - started
        latency[checkpoint] = describe_latency(store, ids)
    gc.collect()
    rss_total = rss_bytes()
    started = time.perf_counter()
    store.advance()
    advancing = time.perf_counter() - started
    return {
        "rate": number / creating,
        "create_us": creating / number * 1e6,
        "rss": rss_total - rss_before,
        "rss_total": rss_total,
        "latency_us": latency,
        "advance_us": advancing / number * 1e6,
    }


def measure_memory(kind: str, number: int) -> Result:
    """Bytes allocated (tracemalloc) and kept for `number` instances."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    store = STORES[kind]()
    for _ in range(number):
        store.create()
    gc.collect()
    traced = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return {"traced": traced}


def run_phase(kind: str, number: int) -> Result:
    """Both measurements of one store, each in a fresh interpreter."""
    results: Result = {}
    for mode in ("speed", "memory"):
        command = [sys.executable, __file__, "--phase", mode, kind, str(number)]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        results.update(json.loads(output))
    return results


def mib(value: float) -> str:
    return f"{value / 2**20:8.1f} MiB"


def report(kind: str, number: int, result: Result) -> None:
    rate, each = result["rate"], result["create_us"]
    rss, traced = result["rss"], result["traced"]
    print(f"\n{kind}, {number:,} instances")
    print(f"  creation        {rate:>10,.0f} instances/s  ({each:.1f} us each)")
    print(f"  RSS growth      {mib(rss)}  ({rss / number:,.0f} B/instance)")
    print(f"  RSS of process  {mib(result['rss_total'])}  (interpreter and imports included)")
    print(f"  tracemalloc     {mib(traced)}  ({traced / number:,.0f} B/instance)")
    print(f"  boot all (auto) {result['advance_us']:.1f} us/instance")
    for checkpoint, value in result["latency_us"].items():
        print(f"  describe 1 id   {value:8.1f} us median at {int(checkpoint):>7,} instances")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--baseline-count", type=int, default=5_000)
    parser.add_argument("--phase", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.phase:
        mode, kind, number = options.phase
        measure = measure_speed if mode == "speed" else measure_memory
        print(json.dumps(measure(kind, int(number))))
        return

    big, small = options.count, options.baseline_count
    print(f"Python {sys.version.split()[0]}, transitions {__import__('transitions').__version__}")
    results = {("simulator", big): run_phase("simulator", big)}
    report("simulator", big, results["simulator", big])
    for kind in STORES:
        results[kind, small] = run_phase(kind, small)
        report(kind, small, results[kind, small])

    print(f"\nRatios at {small:,} instances (baseline / ours; > 1 means ours is better)")
    print(f"  {'':28}{'create time':>12}{'tracemalloc':>12}{'RSS':>8}{'boot':>8}")
    for ours in ("records", "simulator"):
        for baseline in ("add_model", "per-machine"):
            mine, theirs = results[ours, small], results[baseline, small]
            cells = [
                theirs[key] / mine[key] for key in ("create_us", "traced", "rss", "advance_us")
            ]
            print(
                f"  {baseline + ' / ' + ours:28}{cells[0]:>11.1f}x{cells[1]:>11.1f}x"
                f"{cells[2]:>7.1f}x{cells[3]:>7.1f}x"
            )


if __name__ == "__main__":
    main()
