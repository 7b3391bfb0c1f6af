"""Thread safety: concurrent callers and a ticking clock lose nothing and tear nothing."""

from __future__ import annotations

import random
import sys
import threading
import time
from collections import Counter, defaultdict
from itertools import pairwise

import pytest

from simulator import IncorrectState, Simulator, SimulatorConfig
from tests.simulator._support import LEGAL_AUDIT, ME, X86_IMAGE

WORKERS = 8
OPERATIONS_EACH = 600


@pytest.fixture
def fast_switching():
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def hammer(sim, seed, barrier, created, changes):
    rng = random.Random(seed)
    barrier.wait()
    mine = []
    for _ in range(OPERATIONS_EACH):
        if not mine or rng.random() < 0.2:
            views = sim.run_instances(ME, X86_IMAGE, max_count=rng.randint(1, 3))
            mine.extend(view.id for view in views)
            created.extend(view.id for view in views)
            continue
        action = rng.choice(["start", "stop", "reboot", "terminate", "describe"])
        ids = rng.sample(mine, min(len(mine), rng.randint(1, 2)))
        if action == "describe":
            assert [view.id for view in sim.describe_instances(ME, ids)] == ids
            continue
        try:
            result = getattr(sim, f"{action}_instances")(ME, ids)
        except IncorrectState:
            continue
        changes.extend(
            f"{action}_instances"
            for change in result
            if change.previous_state != change.current_state or action == "reboot"
        )


def tick(sim, barrier, done, ticks):
    barrier.wait()
    while not done.is_set():
        sim.clock.tick(1)
        ticks.append(1)
        time.sleep(0.0002)


def test_concurrent_actions_and_ticks_keep_every_instance_and_a_legal_consecutive_log(
    fast_switching,
):
    sim = Simulator(SimulatorConfig(boot_seconds=3, stop_seconds=2))
    start = sim.clock.now()
    barrier = threading.Barrier(WORKERS + 1)
    created: list[str] = []
    changes: list[str] = []
    threads = [
        threading.Thread(target=hammer, args=(sim, seed, barrier, created, changes))
        for seed in range(WORKERS)
    ]
    done = threading.Event()
    ticks: list[int] = []
    ticker = threading.Thread(target=tick, args=(sim, barrier, done, ticks))
    for thread in [*threads, ticker]:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    ticker.join()

    assert sim.clock.now() == start + len(ticks)
    listed = sim.describe_instances(ME)
    assert len(created) == len(set(created))
    assert sorted(view.id for view in listed) == sorted(created)

    log = sim.audit_log()
    history = defaultdict(list)
    for entry in log:
        history[entry.instance_id].append(entry)
    assert [view.id for view in listed] == list(history)  # creation order
    for view in listed:
        entries = history[view.id]
        creation, *steps = entries
        assert (creation.from_state, creation.to_state, creation.cause) == (
            None, "pending", "run_instances",
        )  # fmt: skip
        for before, after in pairwise(entries):
            assert after.from_state == before.to_state, entries
            assert after.at >= before.at, entries
        assert all((step.from_state, step.to_state, step.cause) in LEGAL_AUDIT for step in steps)
        assert entries[-1].to_state == view.state
    causes = Counter(entry.cause for entry in log)
    assert causes["run_instances"] == len(created)
    assert {cause: count for cause, count in causes.items() if cause.endswith("_instances")} == {
        "run_instances": len(created),
        **Counter(changes),
    }
    assert causes["auto"] > 0
