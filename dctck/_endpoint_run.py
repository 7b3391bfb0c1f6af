"""An endpoint run's set-up: protocol, driver, exchange log, and discovery before any check.

Kept apart from the plugin's glue: the plugin calls :func:`open_endpoint_run` once the options
are read, and everything an endpoint run adds (the discovery screen, the report's identity and
discovery, each failure's reproduction) hangs off what it sets.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from dctck._discovery import Discovery, discover
from dctck._endpoint import answers, detect_protocol, open_endpoint
from dctck._exchanges import ExchangeLog
from dctck.kit import fault_injection_of

__all__ = ["open_endpoint_run"]


def open_endpoint_run(config: pytest.Config, settings: Any) -> None:
    """Open ``settings.endpoint``: its driver into ``settings.driver``, its discovery into the
    report, the discovery screen before the first check. ``ValueError`` or ``DriverLoadError``
    when the endpoint cannot be certified at all."""
    endpoint = settings.endpoint
    if endpoint.protocol is None:
        protocol = detect_protocol(endpoint.url, endpoint.verify, min(settings.timeout, 30.0))
        endpoint = settings.endpoint = dataclasses.replace(endpoint, protocol=protocol)
    else:
        answers(endpoint.url, endpoint.verify, min(settings.timeout, 30.0))
    secrets = [
        creds["password"]
        for creds in (settings.credentials, settings.other_credentials)
        if creds and creds.get("password")
    ]
    settings.exchanges = ExchangeLog(secrets)
    settings.exchanges.install()
    settings.driver = open_endpoint(endpoint, settings.timeout)
    found = discover(
        settings.driver,
        endpoint,
        other_account=settings.other_credentials is not None,
        faults=fault_injection_of(settings.driver) is not None,
    )
    report = settings.report
    report.driver = f"{endpoint.url} ({endpoint.protocol})"
    report.endpoint = found.identity
    report.discovery = found.to_dict()
    settings.exchanges.take()
    config.pluginmanager.register(_DiscoveryScreen(found, settings), "dctck-endpoint")


class _DiscoveryScreen:
    """Shows the discovery once the checks are collected, before the first runs."""

    def __init__(self, found: Discovery, settings: Any) -> None:
        self.found = found
        self.settings = settings

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if hasattr(session.config, "workerinput"):
            return
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        reporter.ensure_newline()
        reporter.section("dctck discovery", sep="-")
        for line in self.found.lines():
            reporter.write_line(line)
        reporter.write_line("")

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.settings.exchanges is not None:
            self.settings.exchanges.uninstall()
        close = getattr(self.settings.driver, "close", None)
        if callable(close):
            close()
