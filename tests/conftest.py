"""Conftest of the project's tests: explorations keep no example database (each test starts from
the fixed seed alone); the tests of the database give their own directory. ``-n auto`` runs
three workers for every two CPUs (:func:`pytest_xdist_auto_num_workers`).

The exploration (and Hypothesis with it) is imported here, once: ``pytester``'s in-process runs
drop every module a run imported, so each certification run in a test would otherwise import
Hypothesis again (and rewrite its asserts, as a pytest plugin's): most of a short run's time.
"""

import os

import dctck.kit._exploration  # noqa: F401  (see above)

os.environ.setdefault("DCTCK_EXPLORATION_DATABASE", "none")


def pytest_xdist_auto_num_workers(config):
    """Three workers per two usable CPUs: a third of this suite's time is spent waiting (live
    servers, subprocesses, drivers on real time), which a third worker fills (measured on two
    CPUs: 3 workers 200 s, 2 workers 223 s, 4 workers 208 s)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (3 * (cpus or 1) + 1) // 2)
