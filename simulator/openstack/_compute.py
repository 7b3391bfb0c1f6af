"""Nova v2.1 under `/compute/v2.1`: flavors, availability zones, servers and their actions.

Responses are those of microversion 2.1 (`../shared/OPENSTACK_API.md` sections 1.6, 1.7, 2);
the microversion headers are read, checked against the range served (406 outside it) and
echoed. Raising the maximum (`max_microversion`) widens the range accepted only: the shapes
stay 2.1's (the 2.37, 2.38, 2.47, 2.75 and 2.83 deltas are not implemented). Filters Nova
drops for non-admins below 2.83 (`availability_zone`, `vm_state`, ...) are dropped here too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from simulator._catalogue import Account, Flavor, Zone
from simulator._errors import UnknownImage, UnknownInstanceType
from simulator._nova import NovaCloud, ServerView
from simulator.openstack._wire import ApiError, answer, parse_time, read_json, timestamp

MIN_VERSION = "2.1"
MAX_LIMIT = 1000
"""Nova's `max_limit`: the largest page, and the page size when no `limit` is given."""

CREATE_FIELDS = frozenset(
    {
        "name",
        "imageRef",
        "flavorRef",
        "availability_zone",
        "min_count",
        "max_count",
        "metadata",
        "networks",
        "key_name",
        "security_groups",
        "user_data",
        "config_drive",
        "adminPass",
        "accessIPv4",
        "accessIPv6",
        "OS-DCF:diskConfig",
        "block_device_mapping",
        "block_device_mapping_v2",
        "return_reservation_id",
        "personality",
    }
)
"""The fields of a create request Nova 2.1 knows; the others are a 400 (Nova's schema)."""

T = TypeVar("T")


def _version_tuple(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d+)\.(\d+)", text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


class Compute:
    """Nova over one `NovaCloud` at microversions 2.1 to `max_version`."""

    def __init__(self, cloud: NovaCloud, max_version: str = "2.1") -> None:
        self.cloud = cloud
        parsed = _version_tuple(max_version)
        if parsed is None or parsed < (2, 1):
            raise ValueError(f"max_version must be 2.1 or above, got {max_version!r}")
        self.max_version = max_version
        self._max = parsed

    # Discovery and microversions

    def version_entry(self, base: str) -> dict[str, Any]:
        """The v2.1 entry of the discovery documents."""
        return {
            "id": "v2.1",
            "status": "CURRENT",
            "version": self.max_version,
            "min_version": MIN_VERSION,
            "updated": "2013-07-23T11:33:21Z",
            "links": [{"rel": "self", "href": f"{base}/v2.1/"}],
            "media-types": [
                {
                    "base": "application/json",
                    "type": "application/vnd.openstack.compute+json;version=2.1",
                }
            ],
        }

    def versions(self, request: Request, base: str) -> Response:
        """`GET /compute/`: the version list."""
        legacy = {
            "id": "v2.0",
            "status": "SUPPORTED",
            "version": "",
            "min_version": "",
            "updated": "2011-01-21T11:33:21Z",
            "links": [{"rel": "self", "href": f"{base}/v2/"}],
        }
        return answer(200, {"versions": [legacy, self.version_entry(base)]})

    def version(self, request: Request, base: str) -> Response:
        """`GET /compute/v2.1`: the version document."""
        return answer(200, {"version": self.version_entry(base)})

    def microversion(self, request: Request) -> str:
        """The microversion asked for (2.1 when none); 400 when malformed, 406 out of range."""
        asked = None
        header = request.headers.get("OpenStack-API-Version")
        if header:
            for part in header.split(","):
                words = part.split()
                if len(words) == 2 and words[0].lower() == "compute":
                    asked = words[1]
        if asked is None:
            asked = request.headers.get("X-OpenStack-Nova-API-Version")
        if asked is None:
            return MIN_VERSION
        if asked.strip().lower() == "latest":
            return self.max_version
        parsed = _version_tuple(asked)
        if parsed is None:
            raise ApiError(
                400,
                f"API Version String {asked} is of invalid format. Must be of format "
                "MajorNum.MinorNum.",
            )
        if not (2, 1) <= parsed <= self._max:
            raise ApiError(
                406,
                f"Version {asked} is not supported by the API. Minimum is {MIN_VERSION} "
                f"and maximum is {self.max_version}.",
            )
        return f"{parsed[0]}.{parsed[1]}"

    # Flavors

    def flavors(self, request: Request, base: str, account: Account, detail: bool) -> Response:
        """`GET /flavors[/detail]`: filters minRam, minDisk, is_public; limit/marker paging."""
        args = request.args
        flavors = self.cloud.flavors()
        min_ram = _whole(args.get("minRam"), "minRam")
        min_disk = _whole(args.get("minDisk"), "minDisk")
        public = args.get("is_public", "true").strip().lower()
        if public not in ("none", "true", "false", "t", "f", "yes", "no", "1", "0"):
            raise ApiError(400, f"Invalid is_public filter [{args.get('is_public')}]")
        wanted: Callable[[Flavor], bool] = lambda flavor: (  # noqa: E731
            (min_ram is None or flavor.ram >= min_ram)
            and (min_disk is None or flavor.disk >= min_disk)
            and (public == "none" or flavor.is_public == (public in ("true", "t", "yes", "1")))
        )
        chosen = [flavor for flavor in flavors if wanted(flavor)]
        page, next_href = _page(chosen, request, base, "flavors", detail, lambda f: f.id)
        view = _flavor if detail else _flavor_brief
        document: dict[str, Any] = {"flavors": [view(flavor, base) for flavor in page]}
        if next_href:
            document["flavors_links"] = [{"rel": "next", "href": next_href}]
        return answer(200, document)

    def flavor(self, request: Request, base: str, account: Account, flavor_id: str) -> Response:
        """`GET /flavors/{id}`: 404 itemNotFound for an unknown id (names included)."""
        try:
            flavor = self.cloud.flavor(flavor_id)
        except UnknownInstanceType as err:
            raise ApiError(404, err.message) from None
        return answer(200, {"flavor": _flavor(flavor, base)})

    def extra_specs(
        self, request: Request, base: str, account: Account, flavor_id: str
    ) -> Response:
        """`GET /flavors/{id}/os-extra_specs`: none."""
        try:
            self.cloud.flavor(flavor_id)
        except UnknownInstanceType as err:
            raise ApiError(404, err.message) from None
        return answer(200, {"extra_specs": {}})

    # Availability zones

    def zones(self, request: Request, base: str, account: Account) -> Response:
        """`GET /os-availability-zone`."""
        return answer(200, {"availabilityZoneInfo": [_zone(zone) for zone in self.cloud.zones()]})

    def zones_detail(self, request: Request, base: str, account: Account) -> Response:
        """`GET /os-availability-zone/detail`: admin-only in Nova, so a 403 for every project."""
        raise ApiError(
            403, "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed."
        )

    # Servers

    def servers(self, request: Request, base: str, account: Account, detail: bool) -> Response:
        """`GET /servers[/detail]`: filters; newest first; limit/marker paging."""
        args = request.args
        if args.get("all_tenants") is not None or args.get("deleted") is not None:
            raise ApiError(
                403,
                "Policy doesn't allow os_compute_api:servers:index:get_all_tenants"
                " to be performed.",
            )
        servers = self.cloud.servers(account.name)
        status = args.get("status")
        if status is not None:
            status = status.upper()
            if status == "DELETED":
                raise ApiError(403, "Only administrators may list deleted instances")
            servers = [server for server in servers if server.status == status]
        name = args.get("name")
        if name is not None:
            try:
                pattern = re.compile(name)
            except re.error:
                raise ApiError(400, f"Invalid regular expression for name: {name!r}") from None
            servers = [server for server in servers if pattern.search(server.name)]
        since = args.get("changes-since")
        if since is not None:
            moment = parse_time(since)
            if moment is None:
                raise ApiError(
                    400, f"Invalid input for query parameters changes-since. Value: {since}."
                )
            servers = [server for server in servers if server.updated >= moment]
        image = args.get("image")
        if image is not None:
            servers = [server for server in servers if server.image_id == image]
        flavor = args.get("flavor")
        if flavor is not None:
            servers = [server for server in servers if server.flavor.id == flavor]
        ip = args.get("ip")
        if ip is not None:
            try:
                ip_pattern = re.compile(ip)
            except re.error:
                raise ApiError(400, f"Invalid regular expression for ip: {ip!r}") from None
            servers = [s for s in servers if s.fixed_ip and ip_pattern.search(s.fixed_ip)]
        page, next_href = _page(servers, request, base, "servers", detail, lambda s: s.id)
        if detail:
            items = [self.render(server, base, account) for server in page]
        else:
            items = [_brief(server.id, server.name, base, "servers") for server in page]
        document: dict[str, Any] = {"servers": items}
        if next_href:
            document["servers_links"] = [{"rel": "next", "href": next_href}]
        return answer(200, document)

    def create(self, request: Request, base: str, account: Account) -> Response:
        """`POST /servers`: 202 and the new server's id, links and admin password."""
        spec = read_json(request).get("server")
        if not isinstance(spec, dict):
            raise ApiError(400, "Invalid input: 'server' is a required property")
        unknown = sorted(set(spec) - CREATE_FIELDS)
        if unknown:
            raise ApiError(
                400,
                f"Invalid input for field/attribute server. Additional "
                f"properties are not allowed ({unknown[0]!r} was unexpected)",
            )
        name = _field(spec, "name", str)
        image_ref = _field(spec, "imageRef", str)
        flavor_ref = spec.get("flavorRef")
        if isinstance(flavor_ref, int) and not isinstance(flavor_ref, bool):
            flavor_ref = str(flavor_ref)
        if not isinstance(flavor_ref, str) or not flavor_ref:
            raise ApiError(
                400, f"Invalid input for field/attribute flavorRef. Value: {flavor_ref!r}."
            )
        zone = spec.get("availability_zone")
        if zone is not None and not isinstance(zone, str):
            raise ApiError(
                400, f"Invalid input for field/attribute availability_zone. Value: {zone!r}."
            )
        metadata = spec.get("metadata")
        if metadata is not None and (
            not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values())
        ):
            raise ApiError(400, f"Invalid input for field/attribute metadata. Value: {metadata!r}.")
        low = _count(spec, "min_count")
        high = _count(spec, "max_count")
        if high < low:
            raise ApiError(400, f"min_count ({low}) must be <= max_count ({high})")
        image_id = image_ref.rsplit("/", 1)[-1]
        created = []
        try:
            for _ in range(high):
                created.append(
                    self.cloud.create_server(
                        account.name,
                        name,
                        flavor_ref.rsplit("/", 1)[-1],
                        image_id,
                        zone=zone or None,
                        metadata=metadata,
                    )
                )
        except UnknownImage:
            if created:
                return self._created(created[0], base)
            raise ApiError(400, "Can not find requested image") from None
        except Exception:
            if len(created) >= low:
                return self._created(created[0], base)
            for server in created:  # fewer than min_count: undo, as Nova does
                self.cloud.delete_server(account.name, server.id)
            raise
        return self._created(created[0], base)

    def _created(self, server: ServerView, base: str) -> Response:
        document = {
            "server": {
                "id": server.id,
                "links": _links(base, "servers", server.id),
                "OS-DCF:diskConfig": "MANUAL",
                "security_groups": [{"name": "default"}],
                "adminPass": hashlib.sha256(server.id.encode()).hexdigest()[:12],
            }
        }
        return answer(202, document, {"Location": f"{base}/v2.1/servers/{server.id}"})

    def show(self, request: Request, base: str, account: Account, server_id: str) -> Response:
        """`GET /servers/{id}`."""
        return answer(
            200, {"server": self.render(self.cloud.server(account.name, server_id), base, account)}
        )

    def delete(self, request: Request, base: str, account: Account, server_id: str) -> Response:
        """`DELETE /servers/{id}`: 204."""
        self.cloud.delete_server(account.name, server_id)
        return answer(204, None)

    def action(self, request: Request, base: str, account: Account, server_id: str) -> Response:
        """`POST /servers/{id}/action`: reboot (SOFT/HARD), os-stop, os-start; 202."""
        body = read_json(request)
        if len(body) != 1:
            raise ApiError(400, "Malformed request body: exactly one action is expected")
        ((action, value),) = body.items()
        cloud = self.cloud
        if action == "reboot":
            kind = value.get("type") if isinstance(value, dict) else None
            if not isinstance(kind, str) or kind not in (
                "HARD",
                "Hard",
                "hard",
                "SOFT",
                "Soft",
                "soft",
            ):
                raise ApiError(
                    400,
                    f"Invalid input for field/attribute type. Value: {kind!r}. "
                    "'type' must be one of HARD, Hard, hard, SOFT, Soft, soft",
                )
            cloud.reboot_server(account.name, server_id, hard=kind.upper() == "HARD")
        elif action == "os-stop":
            cloud.stop_server(account.name, server_id)
        elif action == "os-start":
            cloud.start_server(account.name, server_id)
        else:
            cloud.server(account.name, server_id)  # an unknown server is still a 404
            raise ApiError(400, f"There is no such action: {action}")
        return answer(202, None)

    def render(self, server: ServerView, base: str, account: Account) -> dict[str, Any]:
        """The server at microversion 2.1 (`OPENSTACK_API.md` section 1.6)."""
        addresses: dict[str, list[dict[str, Any]]] = {}
        if server.fixed_ip is not None:
            mac = "fa:16:3e:" + ":".join(server.id.replace("-", "")[i : i + 2] for i in (0, 2, 4))
            addresses["private"] = [
                {
                    "version": 4,
                    "addr": address,
                    "OS-EXT-IPS:type": kind,
                    "OS-EXT-IPS-MAC:mac_addr": mac,
                }
                for address, kind in ((server.fixed_ip, "fixed"), (server.floating_ip, "floating"))
            ]
        launched = server.launched_at is not None
        host_id = (
            hashlib.sha224(f"{account.id}compute-{server.zone}".encode()).hexdigest()
            if launched
            else ""
        )
        document: dict[str, Any] = {
            "id": server.id,
            "name": server.name,
            "status": server.status,
            "tenant_id": account.id,
            "user_id": NovaCloud.user_id(account),
            "metadata": dict(server.metadata),
            "hostId": host_id,
            "image": {
                "id": server.image_id,
                "links": [{"rel": "bookmark", "href": f"{base}/images/{server.image_id}"}],
            },
            "flavor": {
                "id": server.flavor.id,
                "links": [{"rel": "bookmark", "href": f"{base}/flavors/{server.flavor.id}"}],
            },
            "created": timestamp(server.created),
            "updated": timestamp(server.updated),
            "addresses": addresses,
            "accessIPv4": "",
            "accessIPv6": "",
            "links": _links(base, "servers", server.id),
            "key_name": None,
            "config_drive": "",
            "OS-DCF:diskConfig": "MANUAL",
            "OS-EXT-AZ:availability_zone": server.zone,
            "OS-EXT-STS:vm_state": server.vm_state,
            "OS-EXT-STS:task_state": server.task_state,
            "OS-EXT-STS:power_state": server.power_state,
            "OS-SRV-USG:launched_at": (
                timestamp(server.launched_at, micro=True).rstrip("Z")
                if server.launched_at
                else None
            ),
            "OS-SRV-USG:terminated_at": None,
            "security_groups": [{"name": "default"}],
            "os-extended-volumes:volumes_attached": [],
        }
        if server.status == "BUILD":
            document["progress"] = 0
        elif server.status == "ACTIVE":
            document["progress"] = 100
        if server.fault is not None and server.status == "ERROR":
            code, message, at = server.fault
            document["fault"] = {"code": code, "message": message, "created": timestamp(at)}
        return document


def _links(base: str, collection: str, item_id: str) -> list[dict[str, str]]:
    return [
        {"rel": "self", "href": f"{base}/v2.1/{collection}/{item_id}"},
        {"rel": "bookmark", "href": f"{base}/{collection}/{item_id}"},
    ]


def _brief(item_id: str, name: str, base: str, collection: str) -> dict[str, Any]:
    return {"id": item_id, "name": name, "links": _links(base, collection, item_id)}


def _flavor_brief(flavor: Flavor, base: str) -> dict[str, Any]:
    return _brief(flavor.id, flavor.name, base, "flavors")


def _flavor(flavor: Flavor, base: str) -> dict[str, Any]:
    return {
        **_flavor_brief(flavor, base),
        "ram": flavor.ram,
        "disk": flavor.disk,
        "vcpus": flavor.vcpus,
        "swap": flavor.swap or "",
        "OS-FLV-EXT-DATA:ephemeral": flavor.ephemeral,
        "OS-FLV-DISABLED:disabled": False,
        "os-flavor-access:is_public": flavor.is_public,
        "rxtx_factor": 1.0,
    }


def _zone(zone: Zone) -> dict[str, Any]:
    return {
        "zoneName": zone.name,
        "zoneState": {"available": zone.state == "available"},
        "hosts": None,
    }


def _page(
    items: Sequence[T],
    request: Request,
    base: str,
    collection: str,
    detail: bool,
    key: Callable[[T], str],
) -> tuple[Sequence[T], str | None]:
    """Nova's limit/marker paging: the page, and the next link when the page is full."""
    args = request.args
    limit = _whole(args.get("limit"), "limit")
    size = MAX_LIMIT if limit is None else min(limit, MAX_LIMIT)
    marker = args.get("marker")
    start = 0
    if marker is not None:
        ids = [key(item) for item in items]
        if marker not in ids:
            raise ApiError(400, f"marker [{marker}] not found")
        start = ids.index(marker) + 1
    page = items[start : start + size]
    if not page or len(page) < size:
        return page, None
    query = [
        (name, value) for name, value in args.items(multi=True) if name not in ("limit", "marker")
    ]
    query += [("limit", str(size)), ("marker", key(page[-1]))]
    path = f"{collection}/detail" if detail else collection
    return page, f"{base}/v2.1/{path}?{urlencode(query)}"


def _whole(text: str | None, name: str) -> int | None:
    if text is None:
        return None
    if not text.isdigit():
        raise ApiError(
            400,
            f"{name} param must be an integer"
            if not text.lstrip("-").isdigit()
            else f"{name} param must be positive",
        )
    return int(text)


def _field(spec: dict[str, Any], key: str, kind: type[T]) -> T:
    value = spec.get(key)
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise ApiError(400, f"Invalid input for field/attribute {key}. Value: {value!r}.")
    return value


def _count(spec: dict[str, Any], key: str) -> int:
    value = spec.get(key, 1)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise ApiError(400, f"Invalid input for field/attribute {key}. Value: {value!r}.")
    return value
