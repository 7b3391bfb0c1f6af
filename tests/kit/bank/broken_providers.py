"""Broken drivers, area ``api``: a driver whose REST front lists providers it cannot serve.

``dctck serve`` hosts a driver's providers (regions) through its ``provider``, ``providers()`` and
``for_provider(name)`` (``dctck.rest``); a client picks one with ``X-Deltacloud-Provider``.
"""

from dctck import ProviderError
from reference_drivers import MockDriver
from suites.suite_api import RULE_PROVIDERS
from tests.kit.bank import broken


class _Unreachable(MockDriver):
    """A region's driver built on an endpoint that does not answer."""

    def realms(self, credentials, opts=None):
        raise ProviderError("ConnectionError: no endpoint for this region")


@broken("api", RULE_PROVIDERS, "--dctck-via-rest")
class ListedRegionNotServed(MockDriver):
    """Lists the regions north and south, but builds south's driver on an endpoint that never
    answers (as EC2Driver.for_provider would, building an endpoint driver in-process)."""

    provider = "north"

    def providers(self):
        return ["north", "south"]

    def for_provider(self, name):
        return _Unreachable()
