"""Documents: the driver's answers as JSON-shaped data, with absolute hrefs, before serialisation.

Every model carries its ``href``; an instance refers to its image, realm and hardware profile as
``{"id", "href"}`` and lists its actions as links. A driver answer the API cannot represent (not a
list, not the right model) raises :func:`~dctck.rest._errors.driver_failure` rather than being
passed on half-rendered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from dctck._models import HardwareProfile, Image, Instance, Realm
from dctck._states import AUTO
from dctck.rest._errors import driver_failure
from dctck.rest._http import HttpError

__all__ = [
    "ACTION_ROUTES",
    "COLLECTIONS",
    "MEMBER_NAMES",
    "collection_document",
    "entry_document",
    "error_document",
    "href",
    "member_document",
    "model_document",
    "states_document",
]

#: Collection -> model class.
COLLECTIONS: dict[str, type] = {
    "hardware_profiles": HardwareProfile,
    "realms": Realm,
    "images": Image,
    "instances": Instance,
}
#: Collection -> the name of one member (document key and XML element).
MEMBER_NAMES = {
    "hardware_profiles": "hardware_profile",
    "realms": "realm",
    "images": "image",
    "instances": "instance",
}
#: The instance actions reachable as ``POST /api/instances/{id}/{action}``.
ACTION_ROUTES = ("reboot", "stop", "start", "destroy")

_ATTRIBUTES: dict[type, tuple[str, ...]] = {
    HardwareProfile: ("architecture", "memory", "storage", "cpu"),
    Realm: ("name", "state", "limit"),
    Image: ("name", "architecture", "owner_id", "description"),
    Instance: ("name", "owner_id", "image", "realm", "hardware_profile", "state", "actions"),
}
_REFERENCES = {"image": "images", "realm": "realms", "hardware_profile": "hardware_profiles"}
_ADDRESSES = ("public_addresses", "private_addresses")


def href(base: str, *segments: str) -> str:
    """``base`` + ``/api/...`` with each segment percent-encoded (dot segments too)."""
    return base + "/api" + "".join("/" + _segment(str(s)) for s in segments)


def _segment(text: str) -> str:
    quoted = quote(text, safe="")
    return quoted.replace(".", "%2E") if set(quoted) <= {"."} else quoted


def model_document(model: Any, collection: str, base: str) -> dict[str, Any]:
    """One model: ``id``, ``href`` and its SPEC attributes."""
    document: dict[str, Any] = {"id": model.id, "href": href(base, collection, model.id)}
    for name in _ATTRIBUTES[type(model)]:
        value = getattr(model, name, None)
        if name in _REFERENCES:
            value = _reference(value, _REFERENCES[name], base)
        elif name == "actions":
            value = [_action_link(action, model.id, base) for action in _list(value, name)]
        document[name] = value
    if isinstance(model, Instance):
        for name in _ADDRESSES:
            document[name] = _list(getattr(model, name, None), name)
    return document


def collection_document(
    collection: str, models: object, call: str, base: str
) -> dict[str, list[dict[str, Any]]]:
    """``{collection: [member, ...]}``; a listing the API cannot represent is a 500."""
    model_type = COLLECTIONS[collection]
    if not isinstance(models, list):
        raise driver_failure(
            f"{call} returned a {type(models).__name__}, not a list of {model_type.__name__}"
        )
    for model in models:
        if not isinstance(model, model_type):
            raise driver_failure(
                f"{call} returned a {type(model).__name__} among its {model_type.__name__} models"
            )
    return {collection: [model_document(model, collection, base) for model in models]}


def member_document(collection: str, model: object, call: str, base: str) -> dict[str, Any]:
    """``{member_name: member}``; an answer that is not the collection's model is a 500."""
    model_type = COLLECTIONS[collection]
    if not isinstance(model, model_type):
        raise driver_failure(
            f"{call} returned a {type(model).__name__}, not a {model_type.__name__}"
        )
    return {MEMBER_NAMES[collection]: model_document(model, collection, base)}


def states_document(declaration: object) -> dict[str, list[dict[str, Any]]]:
    """The state machine as states with transitions; ``_auto_`` ones as ``"auto": true``."""
    problem = driver_failure(
        "instance_states() did not return a list of (state, {destination: action}) pairs"
    )
    if not isinstance(declaration, list | tuple):
        raise problem
    states = []
    for entry in declaration:
        if not (isinstance(entry, list | tuple) and len(entry) == 2):
            raise problem
        origin, edges = entry
        if not isinstance(edges, Mapping):
            raise problem
        transitions = []
        for destination, action in edges.items():
            if action == AUTO:
                transitions.append({"to": _text(destination), "auto": True})
            else:
                transitions.append({"to": _text(destination), "action": _text(action)})
        states.append({"name": _text(origin), "transitions": transitions})
    return {"instance_states": states}


def entry_document(
    driver_name: str, version: str, collections: Sequence[str], base: str
) -> dict[str, Any]:
    """``GET /api``: the driver, the API version and a link per collection."""
    return {
        "api": {
            "driver": driver_name,
            "version": version,
            "href": base + "/api",
            "links": [{"rel": name, "href": href(base, name)} for name in collections],
        }
    }


def error_document(error: HttpError) -> dict[str, Any]:
    """``{"error": {"status", "code", "message"[, "parameter"]}}``."""
    body: dict[str, Any] = {"status": error.status, "code": error.code, "message": error.message}
    if error.parameter is not None:
        body["parameter"] = error.parameter
    return {"error": body}


def _reference(value: object, collection: str, base: str) -> object:
    if isinstance(value, str) and value:
        return {"id": value, "href": href(base, collection, value)}
    return None if value is None else {"id": value}


def _action_link(action: object, instance_id: str, base: str) -> dict[str, Any]:
    if isinstance(action, str) and action in ACTION_ROUTES:
        return {
            "rel": action,
            "method": "post",
            "href": href(base, "instances", instance_id, action),
        }
    return {"rel": action}


def _list(value: object, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise driver_failure(f"an instance's {name} is a {type(value).__name__}, not a list")
    return list(value)


def _text(value: object) -> str:
    return value if isinstance(value, str) else repr(value)
