"""The Deltacloud REST front: the framework that serves drivers over HTTP, and its kit adapter.

- :class:`RestApp`: the WSGI application: Deltacloud's API (XML, JSON, and HTML pages for a
  browser) over one driver or several, chosen per request (``DELTACLOUD_API.md``).
- :class:`LoopbackServer`: any WSGI application on a background waitress server.
- :class:`RestFront`: a driver behind a :class:`RestApp` on a loopback port, with the
  :class:`RestDriver` in front: the SPI over HTTP, which is how ``--dctck-via-rest`` certifies
  driver and framework together. Answers the SPI has no exception for raise
  :class:`UnexpectedResponse`.
- :class:`DeltacloudClient`: the same adapter as a foreign client of a Deltacloud server the kit
  did not start (``dctck certify --endpoint``), reading Deltacloud 1.1's names as the SPI's.
- :class:`ServeCommand`: ``dctck serve``.
"""

from __future__ import annotations

from dctck.rest._app import API_VERSION, SERVER, Context, RestApp
from dctck.rest._auth import CHALLENGE, basic_authorization
from dctck.rest._client import RestDriver, UnexpectedResponse
from dctck.rest._hosting import Hosted, driver_label, driver_name
from dctck.rest._http import MAX_BODY, MAX_PARAMETERS, MAX_VALUE, HttpError
from dctck.rest._remote import DeltacloudClient
from dctck.rest._render import Documents
from dctck.rest._serve import DEFAULT_PORT, ServeCommand
from dctck.rest._server import AppFactory, LoopbackServer, RestFront, load_app_factory

__all__ = [
    "API_VERSION",
    "AppFactory",
    "CHALLENGE",
    "Context",
    "DEFAULT_PORT",
    "DeltacloudClient",
    "Documents",
    "Hosted",
    "HttpError",
    "LoopbackServer",
    "MAX_BODY",
    "MAX_PARAMETERS",
    "MAX_VALUE",
    "RestApp",
    "RestDriver",
    "RestFront",
    "SERVER",
    "ServeCommand",
    "UnexpectedResponse",
    "basic_authorization",
    "driver_label",
    "driver_name",
    "load_app_factory",
]
