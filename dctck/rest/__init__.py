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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dctck.rest._app import API_VERSION, SERVER, Context, RestApp
    from dctck.rest._auth import CHALLENGE, basic_authorization
    from dctck.rest._client import RestDriver, UnexpectedResponse
    from dctck.rest._hosting import Hosted, driver_label, driver_name
    from dctck.rest._http import MAX_BODY, MAX_PARAMETERS, MAX_VALUE, HttpError
    from dctck.rest._remote import DeltacloudClient
    from dctck.rest._render import Documents
    from dctck.rest._serve import DEFAULT_PORT, ServeCommand
    from dctck.rest._server import AppFactory, LoopbackServer, RestFront, load_app_factory

#: Where each public name lives: imported on first use, so that a command which serves nothing
#: (``dctck certify``, ``dctck --help``) does not load werkzeug, Jinja2 and waitress.
_HOMES = {
    "_app": ("API_VERSION", "SERVER", "Context", "RestApp"),
    "_auth": ("CHALLENGE", "basic_authorization"),
    "_client": ("RestDriver", "UnexpectedResponse"),
    "_hosting": ("Hosted", "driver_label", "driver_name"),
    "_http": ("MAX_BODY", "MAX_PARAMETERS", "MAX_VALUE", "HttpError"),
    "_remote": ("DeltacloudClient",),
    "_render": ("Documents",),
    "_serve": ("DEFAULT_PORT", "ServeCommand"),
    "_server": ("AppFactory", "LoopbackServer", "RestFront", "load_app_factory"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

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


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULE_OF])
