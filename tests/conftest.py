"""Conftest of the project's tests: explorations keep no example database (each test starts from
the fixed seed alone); the tests of the database give their own directory."""

import os

os.environ.setdefault("DCTCK_EXPLORATION_DATABASE", "none")
