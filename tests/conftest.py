"""Conftest of the project's tests: explorations keep no example database (each test starts from
the fixed seed alone); the tests of the database give their own directory.

The exploration (and Hypothesis with it) is imported here, once: ``pytester``'s in-process runs
drop every module a run imported, so each certification run in a test would otherwise import
Hypothesis again (and rewrite its asserts, as a pytest plugin's): most of a short run's time.
"""

import os

import dctck.kit._exploration  # noqa: F401  (see above)

os.environ.setdefault("DCTCK_EXPLORATION_DATABASE", "none")
