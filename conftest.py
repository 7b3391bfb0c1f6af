"""Root conftest: enables pytester, with which the kit is tested as users run it."""

pytest_plugins = ["pytester"]
