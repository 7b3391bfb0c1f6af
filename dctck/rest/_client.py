"""``RestDriver``: a driver that is an HTTP client of a REST front, so the kit can certify both.

Each SPI call becomes one request (credentials as HTTP Basic, opts as query parameters or a JSON
body) and each answer becomes what the driver would have returned or raised:

======  ==============================================================
status  becomes
======  ==============================================================
2xx     the models of the document (destroy: ``None``); memory back from MB to GB
400     ValidationError
401     AuthException
404     NotFound (a singular lookup returns ``None``)
405     ActionNotAllowed (the front's state-machine refusal)
409     ActionNotAllowed (the driver's refusal)
502     ProviderError
other   UnexpectedResponse, as for a body that is not the expected document
======  ==============================================================

A filter whose value is an empty list cannot be said in a query: the request is made without it
(so credentials are still checked) and the answer is ``[]``, as SPEC 6 reads it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

import requests

from dctck._clock import VirtualClock
from dctck._driver import BaseDriver, Credentials, Opts, StateDeclaration
from dctck._errors import (
    ActionNotAllowed,
    AuthException,
    DriverError,
    NotFound,
    ProviderError,
    ValidationError,
)
from dctck._models import HardwareProfile, Image, Instance, Realm
from dctck._states import AUTO
from dctck.rest._auth import basic_authorization
from dctck.rest._render import COLLECTIONS, MEMBER_NAMES, PROPERTY_UNITS, href
from dctck.rest._xml_reading import XmlUnreadable, is_xml, read_xml

__all__ = ["RestDriver", "UnexpectedResponse"]

_M = TypeVar("_M", HardwareProfile, Realm, Image, Instance)
_COLLECTION_OF: dict[type, str] = {model: name for name, model in COLLECTIONS.items()}
_MEMBERSHIP = (list, tuple, set, frozenset)
_REFERENCES = ("image", "realm", "hardware_profile")
_MB_PER_GB = 1024
_ERRORS: dict[int, type[DriverError]] = {
    400: ValidationError,
    401: AuthException,
    404: NotFound,
    405: ActionNotAllowed,
    409: ActionNotAllowed,
    502: ProviderError,
}


class UnexpectedResponse(Exception):
    """The REST front answered what the SPI has no exception for: a 500, a status or a body it
    should not give, or nothing at all. Not a :class:`~dctck.DriverError`: the kit reports it as
    it would report a driver raising ``KeyError``."""


class RestDriver(BaseDriver):
    """The Driver SPI spoken over HTTP to a REST front at ``url`` (``http://host:port``).

    ``clock`` is the served driver's virtual clock (SPEC 7), exposed as :attr:`clock` so waiting
    still ticks it; without one the adapter runs on real time. ``timeout`` bounds each request.
    """

    clock: VirtualClock

    def __init__(
        self, url: str, *, clock: VirtualClock | None = None, timeout: float = 60.0
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        if clock is not None:
            self.clock = clock
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    # -- listings and lookups ------------------------------------------------------------------

    def hardware_profiles(
        self, credentials: Credentials, opts: Opts = None
    ) -> list[HardwareProfile]:
        return self._list(HardwareProfile, credentials, opts)

    def realms(self, credentials: Credentials, opts: Opts = None) -> list[Realm]:
        return self._list(Realm, credentials, opts)

    def images(self, credentials: Credentials, opts: Opts = None) -> list[Image]:
        return self._list(Image, credentials, opts)

    def instances(self, credentials: Credentials, opts: Opts = None) -> list[Instance]:
        return self._list(Instance, credentials, opts)

    def hardware_profile(self, credentials: Credentials, id: str) -> HardwareProfile | None:
        return self._one(HardwareProfile, credentials, id)

    def realm(self, credentials: Credentials, id: str) -> Realm | None:
        return self._one(Realm, credentials, id)

    def image(self, credentials: Credentials, id: str) -> Image | None:
        return self._one(Image, credentials, id)

    def instance(self, credentials: Credentials, id: str) -> Instance | None:
        return self._one(Instance, credentials, id)

    # -- actions ---------------------------------------------------------------------------------

    def create_instance(
        self, credentials: Credentials, image_id: str, opts: Opts = None
    ) -> Instance:
        body = dict(opts) if isinstance(opts, Mapping) else {}
        body["image_id"] = image_id
        payload = json.dumps(body, default=str).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        response = self._request(
            "POST", "/api/instances", credentials, data=payload, headers=headers
        )
        return self._member(Instance, self._document(response, 201))

    def reboot_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, "reboot")

    def stop_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, "stop")

    def start_instance(self, credentials: Credentials, id: str) -> Instance:
        return self._act(credentials, id, "start")

    def destroy_instance(self, credentials: Credentials, id: str) -> Instance | None:
        response = self._request("POST", _path("instances", id, "destroy"), credentials)
        _expect(response, 204)
        return None

    def instance_states(self) -> StateDeclaration:
        response = self._request("GET", "/api/instance_states", {})
        _expect(response, 200)
        states = _json(response)
        if not isinstance(states, list):
            raise _unexpected(response, "no list of states")
        declaration: StateDeclaration = []
        for state in states:
            transitions = state.get("transitions") if isinstance(state, dict) else None
            if not isinstance(transitions, list):
                raise _unexpected(response, f"a state without transitions: {state!r:.80}")
            edges: dict[str, str] = {
                edge["to"]: AUTO if edge.get("auto") is True else edge["action"]
                for edge in transitions
                if isinstance(edge, dict) and "to" in edge and ("action" in edge or "auto" in edge)
            }
            name: str = state.get("name")
            declaration.append((name, edges))
        return declaration

    def features(self) -> dict[str, set[str]]:
        """The features the front advertises for the driver it serves (SPEC 8)."""
        response = self._request("GET", "/api", {})
        api = self._document(response, 200).get("api")
        links = api.get("links") if isinstance(api, dict) else None
        if not isinstance(links, list):
            raise _unexpected(response, "an entry point without links")
        declared: dict[str, set[str]] = {}
        for link in links:
            names = link.get("features") if isinstance(link, dict) else None
            if isinstance(names, list) and names:
                declared[str(link.get("rel"))] = {str(name) for name in names}
        return declared

    def close(self) -> None:
        """Close the HTTP sessions of every thread."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    # -- plumbing --------------------------------------------------------------------------------

    def _list(self, model_type: type[_M], credentials: Credentials, opts: Opts) -> list[_M]:
        collection = _COLLECTION_OF[model_type]
        params, impossible = _query(opts)
        response = self._request("GET", f"/api/{collection}", credentials, params=params)
        items = self._document(response, 200).get(collection)
        if not isinstance(items, list):
            raise _unexpected(response, f"no {collection} list")
        models = [_model(model_type, item, response) for item in items]
        return [] if impossible else models

    def _one(self, model_type: type[_M], credentials: Credentials, id: str) -> _M | None:
        try:
            response = self._request("GET", _path(_COLLECTION_OF[model_type], id), credentials)
        except NotFound:
            return None
        return self._member(model_type, self._document(response, 200))

    def _act(self, credentials: Credentials, id: str, action: str) -> Instance:
        response = self._request("POST", _path("instances", id, action), credentials)
        return _model(Instance, self._document(response, 202), response)

    def _member(self, model_type: type[_M], document: _Document) -> _M:
        name = MEMBER_NAMES[_COLLECTION_OF[model_type]]
        return _model(model_type, document.get(name), document.response)

    def _document(self, response: requests.Response, status: int) -> _Document:
        _expect(response, status)
        value = _json(response)
        if not isinstance(value, dict):
            raise _unexpected(response, "a body that is not a JSON object or XML document")
        return _Document(value, response)

    def _request(
        self, method: str, path: str, credentials: Credentials, **kwargs: Any
    ) -> requests.Response:
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        authorization = (
            basic_authorization(credentials) if isinstance(credentials, Mapping) else None
        )
        if authorization is not None:
            headers["Authorization"] = authorization
        try:
            response = self._session().request(
                method,
                self.url + path,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
                **kwargs,
            )
        except requests.RequestException as exc:
            raise UnexpectedResponse(
                f"{method} {path} got no answer ({type(exc).__name__})"
            ) from None
        if response.status_code >= 400:
            raise self._refusal(response)
        return response

    def _refusal(self, response: requests.Response) -> Exception:
        """What an answer of status >= 400 becomes (the table of the module docstring)."""
        return _error(response)

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # loopback: never through a proxy from the environment
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session


class _Document(dict[str, Any]):
    """A JSON object answered by the front, remembering the response for error messages."""

    def __init__(self, value: dict[str, Any], response: requests.Response) -> None:
        super().__init__(value)
        self.response = response


def _path(collection: str, *segments: str) -> str:
    return href("", collection, *(str(s) for s in segments))


def _query(opts: Opts) -> tuple[list[tuple[str, str]], bool]:
    """Query pairs for ``opts``, and whether a filter can match nothing (an empty list)."""
    if not isinstance(opts, Mapping):
        return [], False
    pairs: list[tuple[str, str]] = []
    impossible = False
    for key, value in opts.items():
        if value is None:
            continue
        if isinstance(value, _MEMBERSHIP):
            impossible = impossible or not value
            pairs.extend((str(key), str(member)) for member in value)
        else:
            pairs.append((str(key), str(value)))
    return pairs, impossible


def _model(model_type: type[_M], item: object, response: requests.Response) -> _M:
    name = MEMBER_NAMES[_COLLECTION_OF[model_type]]
    if not isinstance(item, dict):
        raise _unexpected(response, f"a {name} that is not an object")
    try:
        values = _READERS[model_type](item)
        return model_type(**values)
    except (TypeError, ValueError, KeyError, ArithmeticError, ValidationError) as exc:
        raise _unexpected(response, f"a {name} it cannot read: {exc!r:.200}") from None


def _profile_values(item: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"id": item["id"]}
    for prop in item.get("properties", []):
        name, value = prop["name"], prop.get("value")
        if value is None:  # a range or enum property without a default says nothing fixed
            continue
        if name == "memory":
            value = _number(Decimal(str(value)) / _MB_PER_GB)
        if name in PROPERTY_UNITS:
            values[name] = value
    return values


def _realm_values(item: dict[str, Any]) -> dict[str, Any]:
    return {key: item.get(key) for key in ("id", "name", "state", "limit")}


def _image_values(item: dict[str, Any]) -> dict[str, Any]:
    values = {key: item.get(key) for key in ("id", "name", "architecture", "description")}
    values["owner_id"] = item.get("owner")
    return values


def _instance_values(item: dict[str, Any]) -> dict[str, Any]:
    values = {key: item.get(key) for key in ("id", "name", "state")}
    values["owner_id"] = item.get("owner")
    for key in _REFERENCES:
        reference = item.get(key)
        values[key] = reference.get("id") if isinstance(reference, dict) else reference
    values["actions"] = [a.get("rel") if isinstance(a, dict) else a for a in item["actions"]]
    for key in ("public_addresses", "private_addresses"):
        values[key] = [a.get("address") if isinstance(a, dict) else a for a in item[key]]
    return values


_READERS: dict[type, Any] = {
    HardwareProfile: _profile_values,
    Realm: _realm_values,
    Image: _image_values,
    Instance: _instance_values,
}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _json(response: requests.Response) -> Any:
    """The body as JSON; an XML body (by its ``Content-Type``) read into the same shapes.

    A body that cannot be read, JSON or XML, is an :class:`UnexpectedResponse` naming what was
    wrong: a defect of the server, never the SPI's ``ProviderError`` (which a check under a
    fault accepts)."""
    if is_xml(response.headers.get("Content-Type")):
        try:
            return read_xml(response.content)
        except XmlUnreadable as exc:
            raise _unexpected(response, str(exc)) from None
    try:
        return response.json()
    except ValueError:
        raise _unexpected(response, "a body that is not JSON") from None


def _expect(response: requests.Response, status: int) -> None:
    if response.status_code != status:
        raise _unexpected(response, f"status {response.status_code}, expected {status}")


def _error(response: requests.Response) -> Exception:
    message = _message(response)
    error_type = _ERRORS.get(response.status_code)
    if error_type is not None:
        return error_type(message)
    line = _request_line(response)
    return UnexpectedResponse(f"{line} answered {response.status_code}: {message}")


def _message(response: requests.Response) -> str:
    try:
        document = _json(response)
        message = document.get("message") if isinstance(document, dict) else None
    except (ProviderError, UnexpectedResponse):
        message = None
    return message if isinstance(message, str) else f"{response.status_code} {response.reason}"


def _unexpected(response: requests.Response, what: str) -> UnexpectedResponse:
    return UnexpectedResponse(f"{_request_line(response)} answered {what}")


def _request_line(response: requests.Response) -> str:
    request = response.request
    url = str(request.url or "")
    path = url.split("/", 3)[3] if url.count("/") >= 3 else url
    return f"{request.method} /{path}"
