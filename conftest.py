"""Root conftest of dctck's own tests.

It stays free of hooks and ``pytest_plugins``: in an editable install the bundled suites live
below this directory, so certification runs started elsewhere load this file too. ``pytester``
is enabled with ``-p pytester`` in pyproject.toml instead.
"""
