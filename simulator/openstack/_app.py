"""The WSGI application: Keystone v3, Nova v2.1 and Glance v2 on one port, DevStack-style.

`/identity` (Keystone), `/compute/v2.1` (Nova), `/image` (Glance), region `RegionOne` by
default, and the control API under `/_sim/` (the same routes and bodies as EC2's). Routing is
werkzeug's; every answer is JSON. Nova and Glance want an `X-Auth-Token` that Keystone issued
and that has not expired on the simulator's clock (else keystonemiddleware's 401).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from itertools import count
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from simulator._catalogue import derived_uuid
from simulator._control_api import CONTROL_PATH, ControlApi
from simulator._errors import (
    AuthFailure,
    CapacityExceeded,
    IncorrectState,
    InjectedFault,
    InvalidParameter,
    SimulatorError,
    Throttled,
    UnknownImage,
    UnknownInstance,
)
from simulator._nova import BUILD, OPENSTACK_OPERATIONS, NovaCloud
from simulator._openstack_config import MAX_MICROVERSION, OpenStackConfig
from simulator.openstack._compute import Compute
from simulator.openstack._identity import Identity
from simulator.openstack._image import Images
from simulator.openstack._wire import COMPUTE, IDENTITY, IMAGE, ApiError, answer, unauthorized

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

_LOG = logging.getLogger("simulator.openstack")

IDENTITY_PATH = "/identity"
COMPUTE_PATH = "/compute"
IMAGE_PATH = "/image"

ROUTES: tuple[tuple[str, str, str], ...] = (
    ("GET", "/identity", "identity.versions"),
    ("GET", "/identity/v3", "identity.version"),
    ("POST", "/identity/v3/auth/tokens", "identity.issue"),
    ("GET", "/identity/v3/auth/tokens", "identity.validate"),
    ("HEAD", "/identity/v3/auth/tokens", "identity.validate"),
    ("DELETE", "/identity/v3/auth/tokens", "identity.revoke"),
    ("GET", "/compute", "compute.versions"),
    ("GET", "/compute/v2.1", "compute.version"),
    ("GET", "/compute/v2.1/flavors", "compute.flavors"),
    ("GET", "/compute/v2.1/flavors/detail", "compute.flavors_detail"),
    ("GET", "/compute/v2.1/flavors/<flavor_id>", "compute.flavor"),
    ("GET", "/compute/v2.1/flavors/<flavor_id>/os-extra_specs", "compute.extra_specs"),
    ("GET", "/compute/v2.1/os-availability-zone", "compute.zones"),
    ("GET", "/compute/v2.1/os-availability-zone/detail", "compute.zones_detail"),
    ("GET", "/compute/v2.1/servers", "compute.servers"),
    ("GET", "/compute/v2.1/servers/detail", "compute.servers_detail"),
    ("POST", "/compute/v2.1/servers", "compute.create"),
    ("GET", "/compute/v2.1/servers/<server_id>", "compute.show"),
    ("DELETE", "/compute/v2.1/servers/<server_id>", "compute.delete"),
    ("POST", "/compute/v2.1/servers/<server_id>/action", "compute.action"),
    ("GET", "/image", "image.versions"),
    ("GET", "/image/v2/images", "image.images"),
    ("GET", "/image/v2/images/<image_id>", "image.image"),
)
"""Every (method, path, endpoint) served, besides the control API: the supported operations."""

OPERATION_NAMES = {name: name for name in (*OPENSTACK_OPERATIONS, BUILD)}
"""What a control-API fault may name: a cloud operation, or `build` (a build that fails)."""


class OpenStackApp:
    """Keystone v3, Nova v2.1 and Glance v2 over one `NovaCloud`, as a WSGI application.

    `cloud` is a `NovaCloud`, an `OpenStackConfig` (a new cloud of it) or None (the default
    cloud). `max_microversion` is the highest compute microversion advertised (default 2.1);
    tokens last `token_seconds` on the cloud's clock (default: its config's, an hour). With
    `control=True` the control API answers under `/_sim/`. Thread-safe.
    """

    def __init__(
        self,
        cloud: NovaCloud | OpenStackConfig | None = None,
        *,
        control: bool = True,
        max_microversion: str = MAX_MICROVERSION,
        token_seconds: float | None = None,
    ) -> None:
        self.sim = cloud if isinstance(cloud, NovaCloud) else NovaCloud(cloud)
        self.identity = Identity(self.sim, token_seconds)
        self.compute = Compute(self.sim, max_microversion)
        self.images = Images(self.sim)
        self.url_map = Map(
            [Rule(path, endpoint=endpoint, methods=[method]) for method, path, endpoint in ROUTES],
            strict_slashes=False,
            merge_slashes=False,
        )
        self._serials = count(1)
        self._control: Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]] | None = None
        if control:
            self._control = ControlApi(
                self,
                operations=OPERATION_NAMES,
                known=OPERATION_NAMES,
                described="'build' (the next builds end in ERROR)",
            )

    @property
    def cloud(self) -> NovaCloud:
        """The cloud served (also `sim`, as the control API calls it)."""
        return self.sim

    def __repr__(self) -> str:
        return f"<OpenStackApp {self.sim!r}>"

    def reset(self) -> None:
        """Reset the cloud (servers, audit log, faults); tokens stay valid."""
        self.sim.reset()

    def catalog(self, host_url: str) -> list[dict[str, Any]]:
        """The service catalog for clients that reach this app at `host_url`."""
        region = self.sim.region
        services = (
            ("identity", "keystone", f"{host_url}{IDENTITY_PATH}/v3"),
            ("compute", "nova", f"{host_url}{COMPUTE_PATH}/v2.1"),
            ("image", "glance", f"{host_url}{IMAGE_PATH}"),
        )
        return [
            {
                "type": kind,
                "name": name,
                "id": derived_uuid("service", name),
                "endpoints": [
                    {
                        "id": derived_uuid("endpoint", name),
                        "interface": "public",
                        "region": region,
                        "region_id": region,
                        "url": url,
                    }
                ],
            }
            for kind, name, url in services
        ]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if self._control is not None and (
            path == CONTROL_PATH or path.startswith(CONTROL_PATH + "/")
        ):
            return self._control(environ, start_response)
        request = Request(environ)
        request_id = f"req-{uuid.UUID(int=next(self._serials), version=4)}"
        try:
            response = self._dispatch(request)
        except ApiError as err:
            response = answer(err.status, err.body(), err.headers)
        except Exception:
            _LOG.exception("unexpected error in request %s", request_id)
            response = answer(500, ApiError(500, "Unexpected API Error.").body())
        response.headers["x-openstack-request-id"] = request_id
        if path.startswith(COMPUTE_PATH):
            response.headers["x-compute-request-id"] = request_id
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        host = request.host_url.rstrip("/")
        service = _service_of(request.path)
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except MethodNotAllowed:
            raise ApiError(
                405, f"The method {request.method} is not allowed for this resource.", service
            ) from None
        except NotFound:
            raise ApiError(404, "The resource could not be found.", service) from None
        kind, _, name = str(endpoint).partition(".")
        identity_url = host + IDENTITY_PATH
        if kind == IDENTITY:
            return self._identity(request, name, identity_url, host)
        if kind == COMPUTE:
            return self._compute(request, name, args, host, identity_url)
        return self._image(request, name, args, host, identity_url)

    def _identity(self, request: Request, name: str, base: str, host: str) -> Response:
        try:
            if name == "versions":
                return self.identity.versions(request, base)
            if name == "version":
                return self.identity.version(request, base)
            if name == "issue":
                return self.identity.issue(request, base, self.catalog(host))
            if name == "validate":
                return self.identity.validate(request, base, self.catalog(host))
            return self.identity.revoke(request, base)
        except SimulatorError as err:
            raise _api_error(err, IDENTITY, base) from None

    def _compute(
        self, request: Request, name: str, args: Mapping[str, Any], host: str, identity_url: str
    ) -> Response:
        base = host + COMPUTE_PATH
        compute = self.compute
        if name == "versions":
            return compute.versions(request, base)
        if name == "version":
            return compute.version(request, base)
        try:  # keystonemiddleware answers first, then Nova reads the microversion
            account = self.identity.account(request.headers.get("X-Auth-Token"), identity_url)
        except SimulatorError as err:
            raise _api_error(err, IDENTITY, identity_url) from None
        version = compute.microversion(request)
        echo = {
            "OpenStack-API-Version": f"compute {version}",
            "X-OpenStack-Nova-API-Version": version,
            "Vary": "OpenStack-API-Version, X-OpenStack-Nova-API-Version",
        }
        method, extra = _COMPUTE_HANDLERS[name]
        try:
            response: Response = getattr(compute, method)(
                request, base, account, *args.values(), *extra
            )
        except SimulatorError as err:
            error = _api_error(err, COMPUTE, identity_url)
            error.headers.update(echo)
            raise error from None
        except ApiError as err:
            err.headers.update(echo)
            raise
        for header, value in echo.items():
            response.headers[header] = value
        return response

    def _image(
        self, request: Request, name: str, args: Mapping[str, Any], host: str, identity_url: str
    ) -> Response:
        base = host + IMAGE_PATH
        try:
            if name == "versions":
                return self.images.versions(request, base)
            account = self.identity.account(request.headers.get("X-Auth-Token"), identity_url)
            if name == "images":
                return self.images.images(request, base, account)
            return self.images.image(request, base, account, args["image_id"])
        except SimulatorError as err:
            raise _api_error(err, IMAGE, identity_url) from None


_COMPUTE_HANDLERS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "flavors": ("flavors", (False,)),
    "flavors_detail": ("flavors", (True,)),
    "flavor": ("flavor", ()),
    "extra_specs": ("extra_specs", ()),
    "zones": ("zones", ()),
    "zones_detail": ("zones_detail", ()),
    "servers": ("servers", (False,)),
    "servers_detail": ("servers", (True,)),
    "create": ("create", ()),
    "show": ("show", ()),
    "delete": ("delete", ()),
    "action": ("action", ()),
}

_INJECTED_STATUS = {
    "badRequest": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "itemNotFound": 404,
    "conflictingRequest": 409,
    "overLimit": 413,
    "computeFault": 500,
    "notImplemented": 501,
    "serviceUnavailable": 503,
}
"""The status of an injected fault by its code: a Nova fault name, or an HTTP status."""


def _api_error(err: SimulatorError, service: str, identity_url: str) -> ApiError:
    """A simulator error as the service answers it."""
    if isinstance(err, AuthFailure):
        return unauthorized(identity_url)
    if isinstance(err, UnknownInstance):
        return ApiError(404, err.message, service)
    if isinstance(err, IncorrectState):
        return ApiError(409, err.message, service)
    if isinstance(err, UnknownImage):
        return ApiError(400, "Can not find requested image", service)
    if isinstance(err, CapacityExceeded):
        return ApiError(403, err.message, service)
    if isinstance(err, Throttled):
        return ApiError(429, err.message, service, {"Retry-After": "1"})
    if isinstance(err, InvalidParameter):
        return ApiError(400, err.message, service)
    if isinstance(err, InjectedFault):
        code = err.code
        status = (
            int(code)
            if code.isdigit() and 400 <= int(code) <= 599
            else _INJECTED_STATUS.get(code, 500)
        )
        headers = {"Retry-After": "1"} if status in (413, 429, 503) else {}
        return ApiError(status, err.message, service, headers)
    return ApiError(500, err.message, service)


def _service_of(path: str) -> str:
    if path.startswith(IDENTITY_PATH):
        return IDENTITY
    if path.startswith(IMAGE_PATH):
        return IMAGE
    return COMPUTE
