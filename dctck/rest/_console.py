"""The web console: the API's resources as HTML pages for people with a browser (Jinja2).

Pages are built from the same JSON documents the API answers, so a page shows exactly what a
client reads. Plain HTML forms do everything (no JavaScript): an instance page has its actions as
buttons (``destroy`` posts ``_method=delete`` to the instance, as Deltacloud's pages did), the
instances and image pages have a create form, the state machine page embeds the SVG picture.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from dctck.rest._http import HttpError

if TYPE_CHECKING:
    from dctck.rest._app import Context

__all__ = ["Cell", "Console"]

_TITLES = {
    "hardware_profiles": "Hardware profiles",
    "realms": "Realms",
    "images": "Images",
    "instances": "Instances",
    "instance_states": "Instance states",
    "drivers": "Drivers",
}


@dataclass(frozen=True)
class Cell:
    """One value on a page, a link when it has an ``href``."""

    text: str
    href: str | None = None


class Console:
    """Renders the console's pages; one instance per application."""

    def __init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("dctck.rest", "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    # -- pages -----------------------------------------------------------------------------------

    def entry(self, ctx: Context, api: Mapping[str, Any], links: Sequence[Any]) -> str:
        return self._page(ctx, "entry.html", "Deltacloud API", api=api, links=links)

    def drivers(self, ctx: Context, listed: Sequence[Mapping[str, Any]]) -> str:
        rows = [[Cell(d["id"], d["href"]), Cell(d["name"])] for d in listed]
        table = {"columns": ["id", "name"], "rows": rows}
        return self._page(ctx, "listing.html", _TITLES["drivers"], table=table)

    def driver(self, ctx: Context, document: Mapping[str, Any]) -> str:
        fields = [
            ("id", [Cell(document["id"])]),
            ("name", [Cell(document["name"])]),
            ("providers", [Cell(p["id"]) for p in document.get("providers", [])]),
        ]
        return self._page(ctx, "member.html", f"Driver {document['name']}", fields=fields)

    def listing(
        self,
        ctx: Context,
        collection: str,
        documents: Sequence[Mapping[str, Any]],
        catalogue: Mapping[str, Any] | None,
    ) -> str:
        columns, row = _TABLES[collection]
        table = {"columns": columns, "rows": [row(document) for document in documents]}
        form = self._create_form(ctx, catalogue, None) if catalogue is not None else None
        return self._page(ctx, "listing.html", _TITLES[collection], table=table, form=form)

    def member(
        self,
        ctx: Context,
        collection: str,
        document: Mapping[str, Any],
        catalogue: Mapping[str, Any] | None,
        refresh: bool,
    ) -> str:
        fields = _FIELDS[collection](document)
        actions = document.get("actions", []) if collection == "instances" else []
        form = self._create_form(ctx, catalogue, document["id"]) if catalogue else None
        title = _TITLES[collection][:-1]  # the singular: "Image"
        return self._page(
            ctx,
            "member.html",
            f"{title} {document['name']}",
            fields=fields,
            actions=actions,
            form=form,
            refresh=refresh,
            states_href=ctx.documents.href("instance_states") if actions else None,
        )

    def states(
        self, ctx: Context, states: Sequence[tuple[str, Sequence[tuple[str, str]]]], picture: str
    ) -> str:
        rows = [
            [Cell(state), Cell(to), Cell("automatic" if action == "_auto_" else action)]
            for state, edges in states
            for to, action in edges
        ]
        table = {"columns": ["from", "to", "by"], "rows": rows}
        drawing = Markup(picture.split("?>", 1)[-1].strip())  # our own SVG, without its prolog
        return self._page(ctx, "states.html", _TITLES["instance_states"], table=table, svg=drawing)

    def error(self, ctx: Context | None, error: HttpError) -> str:
        return self._page(ctx, "error.html", f"{error.status} {error.kind}", error=error)

    # -- helpers ---------------------------------------------------------------------------------

    def _page(self, ctx: Context | None, template: str, title: str, **values: Any) -> str:
        page: dict[str, Any] = {"title": title, "refresh": False, "nav": [], "drivers": []}
        if ctx is not None:
            docs = ctx.documents
            page["entry_href"] = docs.href()
            page["driver"] = ctx.hosted.name
            page["provider"] = ctx.provider
            page["nav"] = [
                (name, docs.href(name))
                for name in ("hardware_profiles", "realms", "images", "instances")
                if callable(getattr(ctx.driver, name, None))
            ] + [
                ("instance_states", docs.href("instance_states")),
                ("drivers", docs.href("drivers")),
            ]
        page.update(values)
        return self.env.get_template(template).render(page)

    def _create_form(
        self, ctx: Context, catalogue: Mapping[str, Any] | None, image_id: str | None
    ) -> dict[str, Any]:
        catalogue = catalogue or {}

        def options(collection: str) -> list[tuple[str, str]]:
            return [(str(m.id), _described(m)) for m in catalogue.get(collection, [])]

        return {
            "action": ctx.documents.href("instances"),
            "images": options("images"),
            "image_id": image_id,
            "profiles": options("hardware_profiles"),
            "realms": options("realms"),
            "named": "user_name" in catalogue.get("features", []),
        }


def _described(model: Any) -> str:
    name = getattr(model, "name", None)
    architecture = getattr(model, "architecture", None)
    parts = [str(model.id)]
    if isinstance(name, str) and name and name != model.id:
        parts.append(name)
    if isinstance(architecture, str) and architecture:
        parts.append(architecture)
    return " · ".join(parts)


def _link(reference: Mapping[str, Any] | None) -> Cell:
    return Cell(str(reference["id"]), reference["href"]) if reference else Cell("")


def _properties(document: Mapping[str, Any]) -> dict[str, str]:
    return {p["name"]: f"{p['value']} {p['unit']}".strip() for p in document["properties"]}


def _addresses(document: Mapping[str, Any], key: str) -> str:
    return ", ".join(a["address"] for a in document[key])


def _profile_row(d: Mapping[str, Any]) -> list[Cell]:
    props = _properties(d)
    return [Cell(d["id"], d["href"]), Cell(d["name"])] + [
        Cell(props.get(name, "")) for name in ("cpu", "memory", "storage", "architecture")
    ]


def _instance_row(d: Mapping[str, Any]) -> list[Cell]:
    return [
        Cell(d["id"], d["href"]),
        Cell(d["name"]),
        Cell(d["state"] or ""),
        _link(d["image"]),
        _link(d["realm"]),
        _link(d["hardware_profile"]),
        Cell(_addresses(d, "public_addresses")),
        Cell(" ".join(a["rel"] for a in d["actions"])),
    ]


_TABLES: dict[str, tuple[list[str], Any]] = {
    "hardware_profiles": (
        ["id", "name", "cpu", "memory", "storage", "architecture"],
        _profile_row,
    ),
    "realms": (
        ["id", "name", "state", "limit"],
        lambda d: [
            Cell(d["id"], d["href"]),
            Cell(d["name"]),
            Cell(d["state"] or ""),
            Cell(str(d.get("limit", ""))),
        ],
    ),
    "images": (
        ["id", "name", "owner", "architecture", "description"],
        lambda d: [
            Cell(d["id"], d["href"]),
            Cell(d["name"]),
            Cell(d["owner"] or ""),
            Cell(d["architecture"] or ""),
            Cell(d["description"] or ""),
        ],
    ),
    "instances": (
        ["id", "name", "state", "image", "realm", "hardware profile", "public address", "actions"],
        _instance_row,
    ),
}


def _profile_fields(d: Mapping[str, Any]) -> list[tuple[str, list[Cell]]]:
    props = _properties(d)
    return [("id", [Cell(d["id"])]), ("name", [Cell(d["name"])])] + [
        (name, [Cell(value)]) for name, value in props.items()
    ]


def _image_fields(d: Mapping[str, Any]) -> list[tuple[str, list[Cell]]]:
    return [
        ("id", [Cell(d["id"])]),
        ("name", [Cell(d["name"])]),
        ("owner", [Cell(d["owner"] or "")]),
        ("architecture", [Cell(d["architecture"] or "")]),
        ("state", [Cell(d["state"])]),
        ("description", [Cell(d["description"] or "")]),
        ("hardware profiles", [_link(p) for p in d["hardware_profiles"]]),
    ]


def _instance_fields(d: Mapping[str, Any]) -> list[tuple[str, list[Cell]]]:
    return [
        ("id", [Cell(d["id"])]),
        ("name", [Cell(d["name"])]),
        ("state", [Cell(d["state"] or "")]),
        ("owner", [Cell(d["owner"] or "")]),
        ("image", [_link(d["image"])]),
        ("realm", [_link(d["realm"])]),
        ("hardware profile", [_link(d["hardware_profile"])]),
        ("public addresses", [Cell(a["address"]) for a in d["public_addresses"]]),
        ("private addresses", [Cell(a["address"]) for a in d["private_addresses"]]),
    ]


_FIELDS: dict[str, Any] = {
    "hardware_profiles": _profile_fields,
    "realms": lambda d: [
        ("id", [Cell(d["id"])]),
        ("name", [Cell(d["name"])]),
        ("state", [Cell(d["state"] or "")]),
        ("limit", [Cell(str(d.get("limit", "none")))]),
    ],
    "images": _image_fields,
    "instances": _instance_fields,
}
