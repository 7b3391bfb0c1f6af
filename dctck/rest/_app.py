"""``RestApp``: the Deltacloud REST API over one driver, as a WSGI application.

Routes (``{c}`` is hardware_profiles, realms, images or instances):

====================================  ======  ===========================================
route                                 method  answer
====================================  ======  ===========================================
/api                                  GET     200 the driver, the API version, collections
/api/{c}                              GET     200 the listing; query parameters are opts
/api/{c}/{id}                         GET     200 the object, 404 if none
/api/instance_states                  GET     200 the state machine (JSON, XML, SVG, Mermaid)
/api/instances                        POST    201 + Location: a new instance
/api/instances/{id}/{action}          POST    202 (reboot, stop, start), 204 (destroy)
/api/instances/{id}                   DELETE  204
====================================  ======  ===========================================

Errors: 400 bad request or parameter, 401 with a Basic challenge, 404, 405 (a method the route
does not take, with ``Allow``; or an action the driver's state machine forbids), 406, 409 (the
driver refused the action), 413, 415, 500 (the driver failed), 502 (its provider failed).
Every error has a document ``{"error": {"status", "code", "message"[, "parameter"]}}``.
"""

from __future__ import annotations

import contextlib
import http
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from dctck._driver import BaseDriver
from dctck._models import Instance
from dctck._states import StateMachine
from dctck.rest._auth import credentials_from
from dctck.rest._diagram import mermaid, svg
from dctck.rest._errors import http_error_for
from dctck.rest._formats import to_json, to_xml
from dctck.rest._http import HttpError, Request, Response
from dctck.rest._negotiation import CONTENT_TYPES, JSON, MERMAID, SVG, XML, negotiate
from dctck.rest._render import (
    ACTION_ROUTES,
    COLLECTIONS,
    MEMBER_NAMES,
    collection_document,
    entry_document,
    error_document,
    member_document,
    states_document,
)

__all__ = ["API_VERSION", "RestApp", "driver_name"]

#: The version of the REST API this front speaks.
API_VERSION = "1.0"
#: The query parameter choosing a representation; never passed to the driver.
FORMAT = "format"

_LOG = logging.getLogger("dctck.rest")
_DOCUMENT_TYPES = (JSON, XML)
_STATE_TYPES = (JSON, XML, SVG, MERMAID)
_STATES = "instance_states"

Handler = Callable[[Request], Response]
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def driver_name(driver: object) -> str:
    """``driver.name`` if it is a string, else the class name without ``Driver``, lower-cased."""
    name = getattr(driver, "name", None)
    if isinstance(name, str) and name:
        return name
    cls = type(driver).__name__
    return (cls.removesuffix("Driver") or cls).lower()


class RestApp:
    """The REST front of ``driver``: routes, content negotiation, Basic auth, error mapping.

    Each behaviour is one method (a handler or a hook: :meth:`filter_opts`,
    :meth:`check_action`, :meth:`negotiate`, :meth:`driver_error`, :meth:`error_response`), so a
    subclass changes exactly one.
    """

    api_version = API_VERSION

    def __init__(self, driver: Any, *, name: str | None = None) -> None:
        self.driver = driver
        self.name = name or driver_name(driver)
        self._machine: StateMachine | None = None

    # -- WSGI --------------------------------------------------------------------------------------

    def __call__(
        self, environ: Mapping[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        response = self.respond(environ)
        headers = list(response.headers)
        if response.status not in (204, 304):
            headers.append(("Content-Length", str(len(response.body))))
        start_response(f"{response.status} {_reason(response.status)}", headers)
        head = str(environ.get("REQUEST_METHOD", "")).upper() == "HEAD"
        return [b"" if head else response.body]

    def respond(self, environ: Mapping[str, Any]) -> Response:
        """The response to one request; never raises."""
        request: Request | None = None
        try:
            request = Request.from_environ(environ)
            return self.route(request)(request)
        except HttpError as error:
            return self.error_response(request, error)
        except Exception:
            _LOG.exception("the REST front failed on %s", environ.get("PATH_INFO"))
            failure = HttpError(500, "internal_error", "the REST front failed")
            return self.error_response(request, failure)

    # -- routing -----------------------------------------------------------------------------------

    def route(self, request: Request) -> Handler:
        """The handler for the request's path and method; 404 or 405 (with ``Allow``) if none."""
        methods = self.methods(request.segments)
        method = "GET" if request.method == "HEAD" else request.method
        handler = methods.get(method)
        if handler is None:
            allowed = sorted({*methods, *(["HEAD"] if "GET" in methods else [])})
            raise HttpError(
                405,
                "method_not_allowed",
                f"{request.method[:20]} is not allowed on {request.path[:200]}"
                f" (allowed: {', '.join(allowed)})",
                headers=[("Allow", ", ".join(allowed))],
            )
        return handler

    def methods(self, segments: tuple[str, ...]) -> dict[str, Handler]:
        """``{method: handler}`` of the resource at ``segments``; 404 if there is none."""
        match segments:
            case ("api",):
                return {"GET": self.entry_point}
            case ("api", "instance_states"):
                self._require(_STATES)
                return {"GET": self.instance_states}
            case ("api", collection) if collection in COLLECTIONS:
                self._require(collection)
                methods: dict[str, Handler] = {"GET": lambda r: self.listing(r, collection)}
                if collection == "instances":
                    methods["POST"] = self.create_instance
                return methods
            case ("api", collection, id) if collection in COLLECTIONS and id:
                self._require(collection)
                methods = {"GET": lambda r: self.member(r, collection, id)}
                if collection == "instances":
                    methods["DELETE"] = lambda r: self.action(r, id, "destroy")
                return methods
            case ("api", "instances", id, action) if action in ACTION_ROUTES and id:
                self._require("instances")
                return {"POST": lambda r: self.action(r, id, action)}
        path = "/" + "/".join(segments)
        hint = "" if segments[:1] == ("api",) else " (the API is at /api)"
        raise HttpError(404, "not_found", f"no such resource: {path[:200]}{hint}")

    def collections(self) -> list[str]:
        """The collections this driver supports, in the API's order."""
        return [name for name in (*COLLECTIONS, _STATES) if self._supports(name)]

    def _supports(self, method: str) -> bool:
        function = getattr(self.driver, method, None)
        if not callable(function):
            return False
        if isinstance(self.driver, BaseDriver):
            return getattr(type(self.driver), method, None) is not getattr(BaseDriver, method)
        return True

    def _require(self, collection: str) -> None:
        if not self._supports(collection):
            raise HttpError(404, "not_found", f"the {self.name} driver has no {collection}")

    # -- handlers ----------------------------------------------------------------------------------

    def entry_point(self, request: Request) -> Response:
        """``GET /api``."""
        media_type = self.negotiate(request, _DOCUMENT_TYPES)
        document = entry_document(
            self.name, self.api_version, self.collections(), self.base(request)
        )
        return self.document(media_type, 200, document)

    def listing(self, request: Request, collection: str) -> Response:
        """``GET /api/{collection}``: the driver's listing with the query as opts."""
        media_type = self.negotiate(request, _DOCUMENT_TYPES)
        credentials = self.credentials(request)
        opts = self.filter_opts(request)
        models = self.call(credentials, collection, credentials, opts)
        document = collection_document(collection, models, f"{collection}()", self.base(request))
        return self.document(media_type, 200, document)

    def member(self, request: Request, collection: str, id: str) -> Response:
        """``GET /api/{collection}/{id}``."""
        media_type = self.negotiate(request, _DOCUMENT_TYPES)
        credentials = self.credentials(request)
        model = self.lookup(credentials, collection, id)
        if model is None:
            what = MEMBER_NAMES[collection].replace("_", " ")
            raise HttpError(404, "not_found", f"no {what} {id!r}")
        document = member_document(collection, model, f"{collection}()", self.base(request))
        return self.document(media_type, 200, document)

    def instance_states(self, request: Request) -> Response:
        """``GET /api/instance_states``: as a document, or a picture (SVG, Mermaid)."""
        media_type = self.negotiate(request, _STATE_TYPES)
        declaration = self.call({}, _STATES)
        document = states_document(declaration)
        if media_type == SVG:
            return _text_response(media_type, svg(declaration))
        if media_type == MERMAID:
            return _text_response(media_type, mermaid(declaration))
        return self.document(media_type, 200, document)

    def create_instance(self, request: Request) -> Response:
        """``POST /api/instances``: 201 with the instance and its ``Location``."""
        media_type = self.negotiate(request, _DOCUMENT_TYPES)
        credentials = self.credentials(request)
        image_id, opts = _create_parameters(request)
        instance = self.call(credentials, "create_instance", credentials, image_id, opts)
        document = member_document("instances", instance, "create_instance()", self.base(request))
        location = document["instance"]["href"]
        return self.document(media_type, 201, document, [("Location", location)])

    def action(self, request: Request, id: str, action: str) -> Response:
        """``POST /api/instances/{id}/{action}`` (202), destroy (204)."""
        media_type = self.negotiate(request, _DOCUMENT_TYPES)
        credentials = self.credentials(request)
        request.body_parameters()  # none are used, but a malformed body is refused
        self.check_action(credentials, id, action)
        method = f"{action}_instance"
        result = self.call(credentials, method, credentials, id)
        if action == "destroy":
            if result is not None and not isinstance(result, Instance):
                member_document("instances", result, f"{method}()", "")  # raises the 500
            return Response(204)
        document = member_document("instances", result, f"{method}()", self.base(request))
        return self.document(media_type, 202, document)

    # -- hooks -------------------------------------------------------------------------------------

    def negotiate(self, request: Request, available: tuple[str, ...]) -> str:
        """The media type to answer with (406 if none of ``available`` is acceptable)."""
        return negotiate(request.header("Accept"), request.query_value(FORMAT), available)

    def credentials(self, request: Request) -> dict[str, str]:
        """The driver's credentials from HTTP Basic auth; ``{}`` without ``Authorization``."""
        return credentials_from(request.header("Authorization"))

    def filter_opts(self, request: Request) -> dict[str, Any] | None:
        """The listing's opts: each query parameter, a list when repeated; ``None`` if none."""
        opts: dict[str, Any] = {}
        for key, value in request.query:
            if key == FORMAT:
                continue
            if key in opts:
                previous = opts[key]
                opts[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                opts[key] = value
        return opts or None

    def check_action(self, credentials: dict[str, str], id: str, action: str) -> None:
        """Refuse with 405, before calling the driver, what its state machine forbids.

        Destroy may pass through stop edges, and an already satisfied request (stop on a stopped
        instance) reaches the driver. Without a well-formed machine, or an instance the listing
        does not show yet, the driver decides.
        """
        machine = self.machine()
        if machine is None:
            return
        instance = self.lookup(credentials, "instances", id)
        state = getattr(instance, "state", None)
        if not isinstance(state, str) or state.lower() not in machine.states:
            return
        if machine.forbids(state, action):
            allowed = ", ".join(machine.actions_from(state)) or "none"
            raise HttpError(
                405,
                "action_not_allowed",
                f"{action} is not allowed on instance {id!r} in state {state}"
                f" (the driver's state machine allows: {allowed})",
                headers=[("Allow", "")],
            )

    def driver_error(
        self, error: Exception, call: str, credentials: Mapping[str, str]
    ) -> HttpError:
        """The answer to an exception the driver raised (see :mod:`dctck.rest._errors`)."""
        return http_error_for(error, call, credentials)

    def base(self, request: Request) -> str:
        """The absolute URL hrefs start with (``scheme://host[:port]``)."""
        return request.base_url

    def error_response(self, request: Request | None, error: HttpError) -> Response:
        """The error document, in JSON or XML as the request prefers (JSON if unsure)."""
        media_type = JSON
        if request is not None:
            with contextlib.suppress(HttpError):
                media_type = self.negotiate(request, _DOCUMENT_TYPES)
        response = self.document(media_type, error.status, error_document(error))
        response.headers[:0] = error.headers
        return response

    # -- helpers -----------------------------------------------------------------------------------

    def call(self, credentials: Mapping[str, str], method: str, *args: Any) -> Any:
        """``driver.method(*args)``, its exceptions turned into HTTP errors."""
        try:
            return getattr(self.driver, method)(*args)
        except Exception as exc:
            raise self.driver_error(exc, f"{method}()", credentials) from None

    def lookup(self, credentials: dict[str, str], collection: str, id: str) -> Any:
        """The object ``id`` of ``collection``: the driver's singular lookup, else its listing."""
        singular = MEMBER_NAMES[collection]
        if callable(getattr(self.driver, singular, None)):
            return self.call(credentials, singular, credentials, id)
        found = self.call(credentials, collection, credentials, {"id": id})
        listed = found if isinstance(found, list) else []
        return next((m for m in listed if getattr(m, "id", None) == id), None)

    def machine(self) -> StateMachine | None:
        """The driver's state machine, read once; ``None`` while unreadable or malformed."""
        if self._machine is None:
            try:
                machine = StateMachine(self.driver.instance_states())
            except Exception:
                return None
            if machine.problems:
                return None
            self._machine = machine
        return self._machine

    def document(
        self,
        media_type: str,
        status: int,
        document: dict[str, Any],
        headers: Iterable[tuple[str, str]] = (),
    ) -> Response:
        """A response carrying ``document`` as JSON or XML."""
        body = to_xml(document) if media_type == XML else to_json(document)
        content_type = CONTENT_TYPES[XML if media_type == XML else JSON]
        return Response(
            status, [("Content-Type", content_type), ("Vary", "Accept"), *headers], body
        )


def _create_parameters(request: Request) -> tuple[str, dict[str, str] | None]:
    """``image_id`` and the opts of a create: from the query and the body, each given once."""
    seen: dict[str, Any] = {}
    for key, value in [*request.query, *request.body_parameters()]:
        if key == FORMAT:
            continue
        if key in seen:
            raise HttpError(
                400,
                "invalid_parameter",
                f"parameter {key!r} is given more than once",
                parameter=key,
            )
        seen[key] = value
    for key, value in seen.items():
        if value is not None and not isinstance(value, str):
            raise HttpError(
                400,
                "invalid_parameter",
                f"parameter {key!r} must be a string, got {type(value).__name__}",
                parameter=key,
            )
    image_id = seen.pop("image_id", None)
    if not image_id:
        raise HttpError(
            400, "invalid_parameter", "parameter 'image_id' is required", parameter="image_id"
        )
    opts = {key: value for key, value in seen.items() if value is not None}
    return image_id, opts or None


def _text_response(media_type: str, text: str) -> Response:
    headers = [("Content-Type", CONTENT_TYPES[media_type]), ("Vary", "Accept")]
    return Response(200, headers, text.encode("utf-8"))


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
