"""``DeltacloudClient``: the kit's HTTP client adapter pointed at a Deltacloud server it did not
start, in whatever language it is written (``dctck certify --endpoint URL``).

It is :class:`RestDriver` as a foreign client: the server's driver and provider are chosen with
the ``X-Deltacloud-Driver`` and ``X-Deltacloud-Provider`` headers, TLS is verified as asked, and
what Deltacloud 1.1 servers legitimately vary in is read as the SPI's (``DELTACLOUD_API.md``
section 8):

- the states ``start``, ``finish`` and ``stopping`` are the SPI's ``begin``, ``end`` and
  ``shutting_down`` (an instance in ``STOPPING`` is ``SHUTTING_DOWN``);
- an automatic edge out of ``start`` is the ``create`` edge (the driver's create is implicit);
- ``"auto": "true"`` (a string) is an automatic edge, as ``"auto": true`` is;
- an action on an unknown id answered 403 is ``NotFound``;
- a charset on the content type, extra members, any member order; an action answered with the
  instance wrapped (``{"instance": {...}}``) or bare.

A create is sent as form parameters (what every Deltacloud server reads); an ``image_id`` that
is not a string cannot be said in a form, so the adapter refuses it itself (``ValidationError``).

A name with no SPI meaning (an ``error`` state, say) is passed on unchanged: the checks report it
as a finding (an undeclared or unknown state), never as a crash of the kit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import requests

from dctck._driver import Credentials, Opts, StateDeclaration
from dctck._errors import NotFound, ValidationError
from dctck._models import Instance
from dctck._states import AUTO
from dctck.rest._client import (
    RestDriver,
    UnexpectedResponse,
    _error,
    _expect,
    _json,
    _model,
    _path,
)

__all__ = ["DRIVER_HEADER", "PROVIDER_HEADER", "DeltacloudClient"]

DRIVER_HEADER = "X-Deltacloud-Driver"
PROVIDER_HEADER = "X-Deltacloud-Provider"

#: Deltacloud 1.1's state names that mean a SPEC state under another name.
STATE_ALIASES = {"start": "begin", "finish": "end", "stopping": "shutting_down"}
_INSTANCE_STATE_ALIASES = {"STOPPING": "SHUTTING_DOWN"}
_ACTIONS = ("reboot", "stop", "start", "destroy")


class DeltacloudClient(RestDriver):
    """The Driver SPI over a Deltacloud server's API at ``url`` (its entry point, ``.../api``).

    ``driver`` and ``provider`` choose among what the server hosts (``None``: its default);
    ``verify`` is requests' TLS verification (``True``, ``False`` or a CA bundle's path).
    """

    def __init__(
        self,
        url: str,
        *,
        driver: str | None = None,
        provider: str | None = None,
        verify: bool | str = True,
        timeout: float = 60.0,
    ) -> None:
        base = url.rstrip("/")
        super().__init__(base.removesuffix("/api"), timeout=timeout)
        self.entry_url = base if base.endswith("/api") else base + "/api"
        self.verify = verify
        self.choice: dict[str, str] = {}
        if driver:
            self.choice[DRIVER_HEADER] = driver
        if provider:
            self.choice[PROVIDER_HEADER] = provider

    def __repr__(self) -> str:
        return f"<DeltacloudClient {self.entry_url}>"

    # -- what the server says of itself ------------------------------------------------------------

    def entry_point(self) -> dict[str, Any]:
        """The entry point's ``api`` object (version, driver, provider, links), plus the
        ``Server`` header as ``server``."""
        response = self._request("GET", "/api", {})
        api = self._document(response, 200).get("api")
        if not isinstance(api, dict):
            raise UnexpectedResponse("GET /api answered no api object")
        return {**api, "server": response.headers.get("Server")}

    def instance_states(self) -> StateDeclaration:
        response = self._request("GET", "/api/instance_states", {})
        _expect(response, 200)
        states = _json(response)
        if not isinstance(states, list):
            raise UnexpectedResponse("GET /api/instance_states answered no list of states")
        declaration: StateDeclaration = []
        for state in states:
            transitions = state.get("transitions") if isinstance(state, dict) else None
            if not isinstance(transitions, list):
                raise UnexpectedResponse(
                    f"GET /api/instance_states answered a state without transitions: {state!r:.80}"
                )
            name = _state_name(state.get("name"))
            edges: dict[str, str] = {}
            for edge in transitions:
                if not isinstance(edge, dict) or "to" not in edge:
                    continue
                automatic = edge.get("auto") in (True, "true")
                action = AUTO if automatic else edge.get("action")
                if not isinstance(action, str):
                    continue
                if automatic and name == "begin":
                    action = "create"  # Deltacloud 1.1: the driver's create is implicit
                edges[_state_name(edge["to"])] = action
            declaration.append((name, edges))
        return declaration

    # -- tolerance ---------------------------------------------------------------------------------

    def create_instance(
        self, credentials: Credentials, image_id: str, opts: Opts = None
    ) -> Instance:
        if image_id is not None and not isinstance(image_id, str):
            # a form parameter is text: the wire cannot carry the wrong type to the server
            raise ValidationError(f"image_id must be a string, got {type(image_id).__name__}")
        form = {
            str(key): str(value)
            for key, value in (opts.items() if isinstance(opts, Mapping) else ())
            if value is not None
        }
        form["image_id"] = image_id
        response = self._request("POST", "/api/instances", credentials, data=form)
        return _instance(self._document(response, 201))

    def _act(self, credentials: Credentials, id: str, action: str) -> Instance:
        response = self._request("POST", _path("instances", id, action), credentials)
        return _instance(self._document(response, 202))

    def _list(self, model_type: Any, credentials: Credentials, opts: Opts) -> Any:
        models = super()._list(model_type, credentials, opts)
        return [_spi_instance(m) for m in models] if model_type is Instance else models

    def _one(self, model_type: Any, credentials: Credentials, id: str) -> Any:
        model = super()._one(model_type, credentials, id)
        return _spi_instance(model) if isinstance(model, Instance) else model

    def _request(
        self, method: str, path: str, credentials: Credentials, **kwargs: Any
    ) -> requests.Response:
        headers = {**self.choice, **kwargs.pop("headers", {})}
        return super()._request(
            method, path, credentials, headers=headers, verify=self.verify, **kwargs
        )

    def _refusal(self, response: requests.Response) -> Exception:
        request = response.request
        parts = str(request.url or "").split("?")[0].rstrip("/").split("/")
        on_instance = len(parts) >= 3 and parts[-3] == "instances" and parts[-1] in _ACTIONS
        if response.status_code == 403 and (on_instance or request.method == "DELETE"):
            return NotFound(f"403 on {request.method} {parts[-1]} (Deltacloud 1.1's unknown id)")
        return _error(response)


def _state_name(name: object) -> Any:
    return STATE_ALIASES.get(name, name) if isinstance(name, str) else name


def _instance(document: dict[str, Any]) -> Instance:
    item = document.get("instance", document)
    return _spi_instance(_model(Instance, item, document.response))  # type: ignore[attr-defined]


def _spi_instance(instance: Instance) -> Instance:
    state = _INSTANCE_STATE_ALIASES.get(str(instance.state), instance.state)
    if state == instance.state:
        return instance
    return dataclasses.replace(instance, state=state)
