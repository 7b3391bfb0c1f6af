"""``RestApp``: the Deltacloud REST API over one or several drivers, as a WSGI application.

Routes (``{c}`` is hardware_profiles, realms, images or instances; ``/api;driver=D;provider=P``
or the ``X-Deltacloud-Driver`` and ``X-Deltacloud-Provider`` headers choose the driver):

====================================  ======  ===========================================
route                                 method  answer
====================================  ======  ===========================================
/api                                  GET     200 version, driver, provider, collections
/api/drivers, /api/drivers/{id}       GET     200 the hosted drivers
/api/{c}                              GET     200 the listing; query parameters are opts
/api/{c}/{id}                         GET     200 the object, 404 if none
/api/instance_states                  GET     200 the state machine (also SVG, Mermaid)
/api/instances                        POST    201 + Location: a new instance
/api/instances/{id}/{action}          POST    202 (reboot, stop, start), 204 (destroy)
/api/instances/{id}                   DELETE  204 (a form may POST ``_method=delete``)
====================================  ======  ===========================================

XML unless ``Accept`` or ``?format=`` asks for JSON or HTML (the web console). Every answer
carries ``Server`` and ``X-Deltacloud-Driver``; every 200 an ``ETag`` (``If-None-Match`` gives
304). Errors: 400, 401 with a Basic challenge, 404, 405 (a method the route does not take, or an
action not among the instance's ``actions``, refused before the driver is called), 406, 409 (the
driver refused), 413, 415, 500 (the driver failed), 502 (its provider failed), each with an
error document. ``DELTACLOUD_API.md`` is the contract.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from dctck._driver import BaseDriver
from dctck._models import Instance
from dctck.rest._auth import challenge_error, credentials_from
from dctck.rest._console import Console
from dctck.rest._diagram import mermaid, svg
from dctck.rest._errors import driver_failure, http_error_for
from dctck.rest._formats import to_json, to_xml
from dctck.rest._hosting import Hosted, driver_name
from dctck.rest._http import (
    FORM,
    MAX_BODY,
    HttpError,
    Target,
    body_pairs,
    decode_segment,
    query_pairs,
    read_target,
)
from dctck.rest._negotiation import (
    CONTENT_TYPES,
    DOCUMENTS,
    HTML,
    JSON,
    PICTURES,
    SVG,
    XML,
    negotiate,
)
from dctck.rest._render import (
    COLLECTIONS,
    MEMBER_NAMES,
    Documents,
    checked_list,
    checked_model,
    states_of,
)

__all__ = ["API_VERSION", "Context", "RestApp", "SERVER"]

#: The version of the Deltacloud API this front speaks.
API_VERSION = "1.1"
#: The ``Server`` header of every answer.
SERVER = f"Apache-Deltacloud/{API_VERSION}"
#: Query parameters the front reads itself; never passed to the driver.
FORMAT, FORCE_AUTH, METHOD = "format", "force_auth", "_method"
DRIVER_HEADER, PROVIDER_HEADER = "X-Deltacloud-Driver", "X-Deltacloud-Provider"

_LOG = logging.getLogger("dctck.rest")
_STATES = "instance_states"
_CATALOGUE = "<any(hardware_profiles,realms,images):collection>"
_TRANSITIONAL = ("PENDING", "SHUTTING_DOWN")
#: The collection each handler needs the driver to have (besides ``listing`` and ``member``).
_ENDPOINT_COLLECTIONS = {
    "create_instance": "instances",
    "destroy": "instances",
    "action": "instances",
    "instance_states": _STATES,
}

StartResponse = Callable[..., Any]


class _Request(Request):
    max_content_length = MAX_BODY


@dataclass
class Context:
    """What one request chose: the hosted driver, the driver of the provider asked for, where
    hrefs point, and the query (with the collection segment's matrix parameters)."""

    hosted: Hosted
    driver: Any
    provider: str | None
    target: Target
    documents: Documents
    query: list[tuple[str, str]] = field(default_factory=list)

    def value(self, name: str) -> str | None:
        """The one value of query parameter ``name``; given twice is a 400."""
        values = [value for key, value in self.query if key == name]
        if len(values) > 1:
            raise HttpError(400, "invalid_parameter", f"parameter {name!r} is given more than once")
        return values[0] if values else None


class RestApp:
    """The REST front of ``driver``, or of several ``drivers`` by name with a ``default``.

    Each behaviour is one method (a handler, or a hook: :meth:`filter_opts`, :meth:`check_action`,
    :meth:`check_force_auth`, :meth:`negotiate`, :meth:`driver_error`, :meth:`base`,
    :meth:`conditional`, :meth:`error_response`, :meth:`finish`), so a subclass changes one.
    """

    api_version = API_VERSION

    def __init__(
        self,
        driver: Any = None,
        *,
        name: str | None = None,
        drivers: Mapping[str, Any] | None = None,
        default: str | None = None,
    ) -> None:
        if drivers is None:
            hosted = Hosted(name or driver_name(driver), driver)
            self.hosts = {hosted.name: hosted}
        elif driver is not None or not drivers:
            raise ValueError("give one driver, or a non-empty mapping of drivers by name")
        else:
            self.hosts = {key.lower(): Hosted(key, value) for key, value in drivers.items()}
        self.default = (default or next(iter(self.hosts))).lower()
        if self.default not in self.hosts:
            raise ValueError(f"the default driver {default!r} is not among {list(self.hosts)}")
        self.console = Console()
        self.url_map = Map(_rules(), strict_slashes=False, merge_slashes=False)

    @property
    def driver(self) -> Any:
        """The default driver."""
        return self.hosts[self.default].driver

    @property
    def name(self) -> str:
        """The name of the default driver."""
        return self.default

    # -- WSGI --------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            request = _Request(environ)
        except UnicodeError:  # not a WSGI string: the server broke PEP 3333
            error = HttpError(400, "bad_request", "the request target cannot be read")
            body = to_xml(Documents.error_xml(error, ""))
            response = Response(body, 400, [("Server", SERVER)], content_type=CONTENT_TYPES[XML])
            return response(environ, start_response)
        return self.respond(request)(environ, start_response)

    def respond(self, request: Request) -> Response:
        """The response to one request; never raises."""
        ctx: Context | None = None
        try:
            ctx = self.context(request)
            endpoint, arguments = self.route(request, ctx)
            response: Response = getattr(self, endpoint)(request, ctx, **arguments)
        except HTTPException as exc:
            response = self.error_response(request, ctx, _as_http_error(exc))
        except Exception:
            _LOG.exception("the REST front failed on %s", request.environ.get("PATH_INFO"))
            failure = HttpError(500, "internal_error", "the REST front failed")
            response = self.error_response(request, ctx, failure)
        return self.finish(request, ctx, response)

    # -- choosing the driver and the route ---------------------------------------------------------

    def context(self, request: Request) -> Context:
        """The driver and provider the request chose (400 for one the server does not host)."""
        target = read_target(request.environ)
        name = (request.headers.get(DRIVER_HEADER) or target.matrix.get("driver") or "").lower()
        hosted = self.hosts.get(name or self.default)
        if hosted is None:
            raise HttpError(
                400,
                "unknown_driver",
                f"this server hosts no driver {name[:100]!r} (it hosts: {', '.join(self.hosts)})",
            )
        asked = request.headers.get(PROVIDER_HEADER) or target.matrix.get("provider")
        provider = asked.lower() if asked else None
        driver = hosted.for_provider(provider)
        matrix = [(k, v) for k, v in target.matrix.items() if k not in ("driver", "provider")]
        documents = Documents(self.base(request), target.api_matrix)
        return Context(
            hosted, driver, provider, target, documents, [*query_pairs(request), *matrix]
        )

    def route(self, request: Request, ctx: Context) -> tuple[str, dict[str, Any]]:
        """The handler's name and its arguments; 404, or 405 with ``Allow``, if none."""
        method = request.method
        if method == "POST" and request.mimetype == FORM:
            override = dict(body_pairs(request)).get(METHOD)
            if isinstance(override, str) and override.lower() == "delete":
                method = "DELETE"
        adapter = self.url_map.bind("dctck")
        path = ctx.target.path
        try:
            endpoint, matched = adapter.match(path, method=method)
        except NotFound:
            hint = "" if path.startswith("/api") else " (the API is at /api)"
            raise HttpError(404, "not_found", f"no such resource: {path[:200]}{hint}") from None
        except MethodNotAllowed as exc:
            allowed = sorted(exc.valid_methods or ())
            raise HttpError(
                405,
                "method_not_allowed",
                f"{request.method[:20]} is not allowed on {path[:200]}"
                f" (allowed: {', '.join(allowed)})",
                headers=[("Allow", ", ".join(allowed))],
            ) from None
        arguments = dict(matched)
        if "id" in arguments:
            arguments["id"] = decode_segment(arguments["id"])
        collection = arguments.get("collection", _ENDPOINT_COLLECTIONS.get(endpoint))
        if collection is not None and not _supports(ctx.driver, collection):
            raise HttpError(404, "not_found", f"the {ctx.hosted.name} driver has no {collection}")
        return str(endpoint), arguments

    # -- the entry point and the drivers -----------------------------------------------------------

    def entry_point(self, request: Request, ctx: Context) -> Response:
        """``GET /api``: the driver, the version, a link per collection with its features."""
        media = self.negotiate(request, ctx, DOCUMENTS)
        self.check_force_auth(request, ctx)
        api = {
            "version": self.api_version,
            "driver": ctx.hosted.name,
            "provider": ctx.provider or ctx.hosted.provider,
        }
        features = self.features(ctx)
        links = [(rel, sorted(features.get(rel, ()))) for rel in self.collections(ctx.driver)]
        docs = ctx.documents
        return self.represent(
            media,
            200,
            lambda: docs.entry_json(api, links),
            lambda: docs.entry_xml(api, links),
            lambda: self.console.entry(ctx, api, docs.entry_json(api, links)["api"]["links"]),
        )

    def driver_listing(self, request: Request, ctx: Context) -> Response:
        """``GET /api/drivers``: every hosted driver."""
        media = self.negotiate(request, ctx, DOCUMENTS)
        docs = ctx.documents
        listed = [docs.driver_json(h.name, h.label, None) for h in self.hosts.values()]

        def as_xml() -> ET.Element:
            root = _root("drivers")
            for hosted in self.hosts.values():
                root.append(docs.driver_xml(hosted.name, hosted.label, None))
            return root

        return self.represent(
            media,
            200,
            lambda: {"drivers": listed},
            as_xml,
            lambda: self.console.drivers(ctx, listed),
        )

    def driver_member(self, request: Request, ctx: Context, id: str) -> Response:
        """``GET /api/drivers/{id}``: one hosted driver and its providers."""
        media = self.negotiate(request, ctx, DOCUMENTS)
        hosted = self.hosts.get(id.lower())
        if hosted is None:
            raise HttpError(404, "not_found", f"no driver {id[:100]!r}")
        docs = ctx.documents
        providers = hosted.providers()
        document = docs.driver_json(hosted.name, hosted.label, providers)
        return self.represent(
            media,
            200,
            lambda: {"driver": document},
            lambda: docs.driver_xml(hosted.name, hosted.label, providers),
            lambda: self.console.driver(ctx, document),
        )

    # -- collections -------------------------------------------------------------------------------

    def listing(self, request: Request, ctx: Context, collection: str) -> Response:
        """``GET /api/{collection}``: the driver's listing with the query as opts."""
        media = self.negotiate(request, ctx, DOCUMENTS)
        credentials = self.credentials(request)
        call = f"{collection}()"
        models = checked_list(
            collection,
            self.call(ctx, credentials, collection, credentials, self.filter_opts(ctx)),
            call,
        )
        profiles = self.profiles(ctx, credentials) if collection == "images" else []
        docs = ctx.documents

        def documents() -> list[dict[str, Any]]:
            return [docs.json(collection, model, profiles) for model in models]

        def as_xml() -> ET.Element:
            root = _root(collection)
            for model in models:
                root.append(docs.xml(collection, model, profiles))
            return root

        def as_html() -> str:
            catalogue = self.catalogue(ctx, credentials) if collection == "instances" else None
            return self.console.listing(ctx, collection, documents(), catalogue)

        return self.represent(media, 200, lambda: {collection: documents()}, as_xml, as_html)

    def member(self, request: Request, ctx: Context, collection: str, id: str) -> Response:
        """``GET /api/{collection}/{id}``."""
        media = self.negotiate(request, ctx, DOCUMENTS)
        credentials = self.credentials(request)
        model = self.lookup(ctx, credentials, collection, id)
        if model is None:
            what = MEMBER_NAMES[collection].replace("_", " ")
            raise HttpError(404, "not_found", f"no {what} {id!r}")
        model = checked_model(collection, model, f"{MEMBER_NAMES[collection]}()")
        profiles = self.profiles(ctx, credentials) if collection == "images" else []
        docs = ctx.documents
        document = docs.json(collection, model, profiles)

        def as_html() -> str:
            catalogue = self.catalogue(ctx, credentials) if collection == "images" else None
            refresh = collection == "instances" and model.state in _TRANSITIONAL
            return self.console.member(ctx, collection, document, catalogue, refresh)

        return self.represent(
            media,
            200,
            lambda: {MEMBER_NAMES[collection]: document},
            lambda: docs.xml(collection, model, profiles),
            as_html,
        )

    def instance_states(self, request: Request, ctx: Context) -> Response:
        """``GET /api/instance_states``: as a document, or a picture (SVG, Mermaid)."""
        media = self.negotiate(request, ctx, (*DOCUMENTS, *PICTURES))
        declaration = self.call(ctx, {}, _STATES)
        states = states_of(declaration)
        if media in PICTURES:
            text = svg(declaration) if media == SVG else mermaid(declaration)
            return Response(text.encode("utf-8"), 200, content_type=CONTENT_TYPES[media])
        return self.represent(
            media,
            200,
            lambda: Documents.states_json(states),
            lambda: Documents.states_xml(states),
            lambda: self.console.states(ctx, states, svg(declaration)),
        )

    # -- instances ---------------------------------------------------------------------------------

    def create_instance(self, request: Request, ctx: Context) -> Response:
        """``POST /api/instances``: 201 with the instance and its ``Location``."""
        media = self.negotiate(request, ctx, DOCUMENTS)
        credentials = self.credentials(request)
        image_id, opts = _create_parameters(ctx, request, drop_empty=media == HTML)
        created = self.call(ctx, credentials, "create_instance", credentials, image_id, opts)
        instance = checked_model("instances", created, "create_instance()")
        docs = ctx.documents
        location = docs.href("instances", instance.id)
        if media == HTML:
            return _see_other(location)
        return self.represent(
            media,
            201,
            lambda: {"instance": docs.json("instances", instance)},
            lambda: docs.xml("instances", instance),
            None,
            [("Location", location)],
        )

    def destroy(self, request: Request, ctx: Context, id: str) -> Response:
        """``DELETE /api/instances/{id}``."""
        return self.action(request, ctx, id, "destroy")

    def action(self, request: Request, ctx: Context, id: str, action: str) -> Response:
        """``POST /api/instances/{id}/{action}`` (202), destroy (204)."""
        media = self.negotiate(request, ctx, DOCUMENTS)
        credentials = self.credentials(request)
        body_pairs(request)  # none are used, but a malformed body is refused
        self.check_action(ctx, credentials, id, action)
        method = f"{action}_instance"
        result = self.call(ctx, credentials, method, credentials, id)
        docs = ctx.documents
        if action == "destroy":
            if result is not None and not isinstance(result, Instance):
                raise driver_failure(f"{method}() returned a {type(result).__name__}")
            if media == HTML:
                return _see_other(docs.href("instances"))
            return Response(status=204)
        instance = checked_model("instances", result, f"{method}()")
        if media == HTML:
            return _see_other(docs.href("instances", instance.id))
        return self.represent(
            media,
            202,
            lambda: docs.json("instances", instance),
            lambda: docs.xml("instances", instance),
            None,
        )

    # -- hooks -------------------------------------------------------------------------------------

    def negotiate(self, request: Request, ctx: Context, available: tuple[str, ...]) -> str:
        """The media type to answer with (406 if none of ``available`` is acceptable)."""
        return negotiate(request, ctx.value(FORMAT), available)

    def credentials(self, request: Request) -> dict[str, str]:
        """The driver's credentials from HTTP Basic auth; ``{}`` without ``Authorization``."""
        return credentials_from(request)

    def check_force_auth(self, request: Request, ctx: Context) -> None:
        """``GET /api?force_auth=1``: 401 unless the credentials are valid, which the driver
        decides by listing the caller's instances (which always need credentials)."""
        if ctx.value(FORCE_AUTH) in (None, "", "0", "false"):
            return
        credentials = self.credentials(request)
        if not credentials:
            raise challenge_error("authentication_required", "credentials required")
        self.call(ctx, credentials, "instances", credentials, None)

    def filter_opts(self, ctx: Context) -> dict[str, Any] | None:
        """The listing's opts: each query parameter, a list when repeated; ``None`` if none."""
        opts: dict[str, Any] = {}
        for key, value in ctx.query:
            if key == FORMAT:
                continue
            if key in opts:
                previous = opts[key]
                opts[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                opts[key] = value
        return opts or None

    def check_action(self, ctx: Context, credentials: dict[str, str], id: str, action: str) -> None:
        """Refuse with 405, before calling the driver, an action the instance does not offer now
        (its ``actions``). An instance the driver does not show is the driver's to answer."""
        instance = self.lookup(ctx, credentials, "instances", id)
        if not isinstance(instance, Instance) or not isinstance(instance.actions, list):
            return
        if action not in instance.actions:
            offered = ", ".join(str(a) for a in instance.actions) or "none"
            raise HttpError(
                405,
                "action_not_allowed",
                f"{action} is not allowed on instance {id!r} in state {instance.state}"
                f" (its actions: {offered})",
                headers=[("Allow", "")],
            )

    def driver_error(
        self, error: Exception, call: str, credentials: Mapping[str, str]
    ) -> HttpError:
        """The answer to an exception the driver raised (see :mod:`dctck.rest._errors`)."""
        return http_error_for(error, call, credentials)

    def base(self, request: Request) -> str:
        """The absolute URL hrefs start with (``scheme://host[:port]`` from the request)."""
        return request.host_url.rstrip("/") + request.script_root

    def conditional(self, request: Request, response: Response) -> Response:
        """A 200 gets an ``ETag``; a matching ``If-None-Match`` turns it into a 304."""
        response.add_etag()
        return response.make_conditional(request)

    def error_response(self, request: Request, ctx: Context | None, error: HttpError) -> Response:
        """The error document, in the format the request prefers (XML if it cannot say)."""
        try:
            if ctx is not None:
                media = self.negotiate(request, ctx, DOCUMENTS)
            else:  # the target itself was refused: only Accept can say
                media = negotiate(request, None, DOCUMENTS)
        except HTTPException:
            media = XML
        raw_path = str(request.environ.get("REQUEST_URI") or request.environ.get("PATH_INFO", ""))
        path = (ctx.target.path if ctx is not None else raw_path.partition("?")[0])[:200]
        response = self.represent(
            media,
            error.status,
            lambda: Documents.error_json(error),
            lambda: Documents.error_xml(error, path),
            lambda: self.console.error(ctx, error),
        )
        for name, value in error.extra_headers:
            response.headers[name] = value
        return response

    def finish(self, request: Request, ctx: Context | None, response: Response) -> Response:
        """Headers every answer carries; ETag and conditional answers for a 200 GET."""
        response.headers["Server"] = SERVER
        if ctx is not None:
            response.headers[DRIVER_HEADER] = ctx.hosted.name
            if ctx.provider is not None:
                response.headers[PROVIDER_HEADER] = ctx.provider
        response.headers["Vary"] = f"Accept, {DRIVER_HEADER}, {PROVIDER_HEADER}"
        if response.status_code == 200 and request.method in ("GET", "HEAD"):
            response = self.conditional(request, response)
        return response

    # -- helpers -----------------------------------------------------------------------------------

    def represent(
        self,
        media: str,
        status: int,
        as_json: Callable[[], Any],
        as_xml: Callable[[], Any],
        as_html: Callable[[], str] | None,
        headers: Iterable[tuple[str, str]] = (),
    ) -> Response:
        """A response carrying the document in ``media``, built only in that format."""
        if media == JSON:
            body = to_json(as_json())
        elif media == HTML and as_html is not None:
            body = as_html().encode("utf-8")
        else:
            media = XML
            body = to_xml(as_xml())
        return Response(body, status, list(headers), content_type=CONTENT_TYPES[media])

    def call(self, ctx: Context, credentials: Mapping[str, str], method: str, *args: Any) -> Any:
        """``driver.method(*args)``, its exceptions turned into HTTP errors."""
        try:
            return getattr(ctx.driver, method)(*args)
        except Exception as exc:
            raise self.driver_error(exc, f"{method}()", credentials) from None

    def lookup(self, ctx: Context, credentials: dict[str, str], collection: str, id: str) -> Any:
        """The object ``id`` of ``collection``: the driver's singular lookup, else its listing."""
        singular = MEMBER_NAMES[collection]
        if callable(getattr(ctx.driver, singular, None)):
            return self.call(ctx, credentials, singular, credentials, id)
        found = self.call(ctx, credentials, collection, credentials, {"id": id})
        listed = found if isinstance(found, list) else []
        return next((m for m in listed if getattr(m, "id", None) == id), None)

    def collections(self, driver: Any) -> list[str]:
        """The collections the entry point links, in the API's order."""
        names = [*COLLECTIONS, _STATES]
        return [name for name in names if _supports(driver, name)] + ["drivers"]

    def features(self, ctx: Context) -> dict[str, set[str]]:
        """The driver's declared features (SPEC 8): ``{collection: {feature, ...}}``."""
        if not callable(getattr(ctx.driver, "features", None)):
            return {}
        declared = self.call(ctx, {}, "features")
        if not isinstance(declared, Mapping) or not all(
            isinstance(k, str) and isinstance(v, Iterable) and not isinstance(v, str)
            for k, v in declared.items()
        ):
            raise driver_failure("features() did not return {collection: {feature, ...}}")
        return {key: {str(name) for name in names} for key, names in declared.items()}

    def profiles(self, ctx: Context, credentials: dict[str, str]) -> list[Any]:
        """The hardware profiles images refer to; none when the driver cannot list them."""
        if not _supports(ctx.driver, "hardware_profiles"):
            return []
        try:
            found = self.call(ctx, credentials, "hardware_profiles", credentials, None)
            return checked_list("hardware_profiles", found, "hardware_profiles()")
        except HTTPException:
            return []

    def catalogue(self, ctx: Context, credentials: dict[str, str]) -> dict[str, list[Any]]:
        """What the console's create form offers: images, hardware profiles and realms."""
        offered: dict[str, list[Any]] = {}
        for collection in ("images", "hardware_profiles", "realms"):
            try:
                found = self.call(ctx, credentials, collection, credentials, None)
                offered[collection] = checked_list(collection, found, f"{collection}()")
            except HTTPException:
                offered[collection] = []
        offered["features"] = sorted(self.features(ctx).get("instances", ()))
        return offered


def _rules() -> list[Rule]:
    instances = {"collection": "instances"}
    return [
        Rule("/api", endpoint="entry_point", methods=["GET"]),
        Rule("/api/drivers", endpoint="driver_listing", methods=["GET"]),
        Rule("/api/drivers/<id>", endpoint="driver_member", methods=["GET"]),
        Rule("/api/instance_states", endpoint="instance_states", methods=["GET"]),
        Rule(
            f"/api/{_CATALOGUE}",
            endpoint="listing",
            methods=["GET"],
        ),
        Rule("/api/instances", endpoint="listing", defaults=instances, methods=["GET"]),
        Rule("/api/instances", endpoint="create_instance", methods=["POST"]),
        Rule(
            f"/api/{_CATALOGUE}/<id>",
            endpoint="member",
            methods=["GET"],
        ),
        Rule("/api/instances/<id>", endpoint="member", defaults=instances, methods=["GET"]),
        Rule("/api/instances/<id>", endpoint="destroy", methods=["DELETE"]),
        Rule(
            "/api/instances/<id>/<any(reboot,stop,start,destroy):action>",
            endpoint="action",
            methods=["POST"],
        ),
    ]


def _supports(driver: Any, method: str) -> bool:
    function = getattr(driver, method, None)
    if not callable(function):
        return False
    if isinstance(driver, BaseDriver):
        return getattr(type(driver), method, None) is not getattr(BaseDriver, method)
    return True


def _root(tag: str) -> ET.Element:
    return ET.Element(tag)


def _create_parameters(
    ctx: Context, request: Request, *, drop_empty: bool
) -> tuple[str, dict[str, str] | None]:
    """``image_id`` and the opts of a create: from the query (and the collection's matrix
    parameters) and the body, each given once."""
    seen: dict[str, Any] = {}
    for key, value in [*ctx.query, *body_pairs(request)]:
        if key in (FORMAT, METHOD):
            continue
        if key in seen:
            raise HttpError(400, "invalid_parameter", f"parameter {key!r} is given more than once")
        seen[key] = value
    for key, value in seen.items():
        if value is not None and not isinstance(value, str):
            raise HttpError(
                400,
                "invalid_parameter",
                f"parameter {key!r} must be a string, got {type(value).__name__}",
            )
    image_id = seen.pop("image_id", None)
    if not image_id:
        raise HttpError(400, "invalid_parameter", "parameter 'image_id' is required")
    opts = {
        key: value
        for key, value in seen.items()
        if value is not None and not (drop_empty and value == "")
    }
    return image_id, opts or None


def _see_other(location: str) -> Response:
    """What a browser gets after a form changed something: the page to look at next."""
    return Response(status=303, headers=[("Location", location)])


def _as_http_error(exc: HTTPException) -> HttpError:
    if isinstance(exc, HttpError):
        return exc
    status = exc.code or 500
    kind = {413: "too_large", 400: "bad_request"}.get(status, "http_error")
    headers = []
    if isinstance(exc, MethodNotAllowed):
        headers.append(("Allow", ", ".join(exc.valid_methods or ())))
    message = str(exc.description or exc.name)
    return HttpError(status, kind, " ".join(message.split()), headers=headers or ())
