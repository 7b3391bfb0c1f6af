"""Glance v2 under `/image`: the version list and the images a project sees (read-only)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from simulator._catalogue import Account, GlanceImage, derived_uuid
from simulator._errors import UnknownImage
from simulator._nova import NovaCloud
from simulator.openstack._wire import IMAGE, ApiError, answer, timestamp

DEFAULT_LIMIT = 25
MAX_LIMIT = 1000
CREATED = 1_700_000_000.0  # the images' creation time: fixed, they predate any simulator


class Images:
    """Glance over one `NovaCloud`."""

    def __init__(self, cloud: NovaCloud) -> None:
        self.cloud = cloud

    def versions(self, request: Request, base: str) -> Response:
        """`GET /image`: Glance's 300 with its versions."""
        values = [
            {"id": version, "status": status, "links": [{"rel": "self", "href": f"{base}/v2/"}]}
            for version, status in (
                ("v2.16", "CURRENT"),
                ("v2.15", "SUPPORTED"),
                ("v2.0", "SUPPORTED"),
            )
        ]
        return answer(300, {"versions": values})

    def images(self, request: Request, base: str, account: Account) -> Response:
        """`GET /image/v2/images`: filters name, id, architecture (a property: exact), visibility,
        status, owner, os_hidden; limit/marker paging with `next`."""
        args = request.args
        images = self.cloud.images(account.name)
        for key in ("name", "id", "architecture"):
            value = args.get(key)
            if value is not None:
                images = [image for image in images if getattr(image, key) == value]
        visibility = args.get("visibility")
        if visibility is not None:
            if visibility not in ("public", "private", "shared", "community", "all"):
                raise ApiError(400, f"Invalid visibility value: {visibility}", IMAGE)
            if visibility != "all":
                images = [image for image in images if _visibility(image) == visibility]
        status = args.get("status")
        if status is not None and status != "active":
            images = []
        owner = args.get("owner")
        if owner is not None:
            images = [image for image in images if _owner(self.cloud, image) == owner]
        hidden = args.get("os_hidden")
        if hidden is not None:
            if hidden.lower() not in ("true", "false"):
                raise ApiError(400, f"Invalid value for os_hidden: {hidden}", IMAGE)
            if hidden.lower() == "true":
                images = []
        limit_text = args.get("limit")
        if limit_text is not None and not limit_text.isdigit():
            raise ApiError(400, "limit param must be an integer", IMAGE)
        limit = min(int(limit_text), MAX_LIMIT) if limit_text is not None else DEFAULT_LIMIT
        marker = args.get("marker")
        start = 0
        if marker is not None:
            ids = [image.id for image in images]
            if marker not in ids:
                raise ApiError(400, f"marker [{marker}] not found", IMAGE)
            start = ids.index(marker) + 1
        page = images[start : start + limit]
        document: dict[str, Any] = {
            "images": [_image(self.cloud, image) for image in page],
            "first": "/v2/images",
            "schema": "/v2/schemas/images",
        }
        if page and len(page) == limit and start + limit < len(images):
            query = [(k, v) for k, v in args.items(multi=True) if k not in ("limit", "marker")]
            query += [("marker", page[-1].id), ("limit", str(limit))]
            document["next"] = f"/v2/images?{urlencode(query)}"
        return answer(200, document)

    def image(self, request: Request, base: str, account: Account, image_id: str) -> Response:
        """`GET /image/v2/images/{id}`: 404 for an unknown id (names included)."""
        try:
            image = self.cloud.image(account.name, image_id)
        except UnknownImage:
            raise ApiError(404, f"No image found with ID {image_id}", IMAGE) from None
        return answer(200, _image(self.cloud, image))


def _visibility(image: GlanceImage) -> str:
    return "public" if image.public else "private"


def _owner(cloud: NovaCloud, image: GlanceImage) -> str:
    account = cloud.accounts.get(image.owner)
    return account.id if account is not None else derived_uuid("project", image.owner)


def _image(cloud: NovaCloud, image: GlanceImage) -> dict[str, Any]:
    when = timestamp(CREATED)
    document: dict[str, Any] = {
        "id": image.id,
        "name": image.name,
        "status": "active",
        "visibility": _visibility(image),
        "protected": False,
        "os_hidden": False,
        "owner": _owner(cloud, image),
        "checksum": None,
        "os_hash_algo": None,
        "os_hash_value": None,
        "min_disk": image.min_disk,
        "min_ram": image.min_ram,
        "size": image.size,
        "virtual_size": None,
        "disk_format": image.disk_format,
        "container_format": image.container_format,
        "created_at": when,
        "updated_at": when,
        "tags": [],
        "self": f"/v2/images/{image.id}",
        "file": f"/v2/images/{image.id}/file",
        "schema": "/v2/schemas/image",
    }
    if image.architecture is not None:  # Glance lists a property only when it is set
        document["architecture"] = image.architecture
    return document
