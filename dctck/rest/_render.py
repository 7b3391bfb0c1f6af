"""Documents: the driver's answers in Deltacloud's JSON and XML shapes, with absolute hrefs.

:class:`Documents` renders for one request (its base URL and the ``;driver=`` matrix the client
chose, which every href repeats). JSON documents are dicts; XML documents are ElementTree
elements. A driver answer the API cannot represent (not a list, not the right model, a number
that is not one) raises :func:`~dctck.rest._errors.driver_failure` rather than being passed on
half-rendered. See ``DELTACLOUD_API.md`` section 4 for each shape.
"""

from __future__ import annotations

import functools
import ipaddress
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from dctck._models import HardwareProfile, Image, Instance, Realm
from dctck._states import AUTO
from dctck.rest._errors import driver_failure
from dctck.rest._http import HttpError

__all__ = [
    "ACTION_ROUTES",
    "COLLECTIONS",
    "FEATURE_OPERATIONS",
    "IMAGE_STATE",
    "MEMBER_NAMES",
    "PROPERTY_UNITS",
    "Documents",
    "checked_list",
    "checked_model",
    "display_name",
    "href",
    "states_of",
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
#: Hardware profile properties: SPI attribute -> unit (memory is shown in MB).
PROPERTY_UNITS = {"cpu": "count", "memory": "MB", "storage": "GB", "architecture": "label"}
#: Known features: (collection, feature) -> (the operation it changes, the parameters it adds).
FEATURE_OPERATIONS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("instances", "user_name"): ("create", ("name",)),
}
#: The state of every image: the SPI's images are those a caller can launch.
IMAGE_STATE = "AVAILABLE"
_MB_PER_GB = 1024


def href(base: str, *segments: str) -> str:
    """``base`` + ``/api/...`` with each segment percent-encoded (dot segments too)."""
    return base + "/api" + "".join("/" + _segment(str(s)) for s in segments)


@functools.lru_cache(maxsize=4096)
def _segment(text: str) -> str:
    quoted = quote(text, safe="")
    return quoted.replace(".", "%2E") if set(quoted) <= {"."} else quoted


def display_name(model: Any) -> str:
    """A member's ``<name>``: its own when it has one, else its id."""
    name = getattr(model, "name", None)
    return name if isinstance(name, str) and name else str(model.id)


def checked_list(collection: str, models: object, call: str) -> list[Any]:
    """``models`` if it is a list of the collection's model; a 500 otherwise."""
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
    return models


def checked_model(collection: str, model: object, call: str) -> Any:
    """``model`` if it is the collection's model; a 500 otherwise."""
    model_type = COLLECTIONS[collection]
    if not isinstance(model, model_type):
        raise driver_failure(
            f"{call} returned a {type(model).__name__}, not a {model_type.__name__}"
        )
    return model


def states_of(declaration: object) -> list[tuple[str, list[tuple[str, str]]]]:
    """``instance_states()`` as ``[(state, [(destination, action), ...]), ...]``; 500 if it is
    not a list of ``(state, {destination: action})`` pairs."""
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
        states.append((_text(origin), [(_text(to), _text(action)) for to, action in edges.items()]))
    return states


@dataclass(frozen=True)
class Documents:
    """Renders for one request: hrefs start with ``base`` + ``/api`` + ``api_matrix``."""

    base: str
    api_matrix: str = ""

    def href(self, *segments: str) -> str:
        """The absolute href of ``/api/<segments>`` (segments percent-encoded)."""
        return self.base + "/api" + self.api_matrix + "".join("/" + _segment(s) for s in segments)

    # -- the entry point and the drivers ---------------------------------------------------------

    def entry_json(
        self, api: Mapping[str, str | None], links: Sequence[tuple[str, Sequence[str]]]
    ) -> dict[str, Any]:
        """``{"api": {version, driver, provider, links: [{rel, href, features}]}}``."""
        return {
            "api": {
                **api,
                "links": [
                    {"rel": rel, "href": self.href(rel), "features": list(features)}
                    for rel, features in links
                ],
            }
        }

    def entry_xml(
        self, api: Mapping[str, str | None], links: Sequence[tuple[str, Sequence[str]]]
    ) -> ET.Element:
        """``<api version driver provider><link rel href><feature name rel>...`` (links are
        direct children of ``<api>``: clients read ``//api/link``)."""
        root = _element("api", {key: value for key, value in api.items() if value is not None})
        for rel, features in links:
            link = ET.SubElement(root, "link", {"rel": rel, "href": self.href(rel)})
            for feature in features:
                operation, parameters = FEATURE_OPERATIONS.get((rel, feature), (None, ()))
                attributes = {"name": feature, **({"rel": operation} if operation else {})}
                element = ET.SubElement(link, "feature", attributes)
                for parameter in parameters:
                    ET.SubElement(element, "param", {"name": parameter})
        return root

    def driver_json(self, id: str, name: str, providers: Sequence[str] | None) -> dict[str, Any]:
        """One hosted driver: ``{id, href, name[, providers: [{id}]]}``."""
        document: dict[str, Any] = {"id": id, "href": self.href("drivers", id), "name": name}
        if providers is not None:
            document["providers"] = [{"id": provider} for provider in providers]
        return document

    def driver_xml(self, id: str, name: str, providers: Sequence[str] | None) -> ET.Element:
        element = _element("driver", {"id": id, "href": self.href("drivers", id)})
        _text_child(element, "name", name)
        for provider in providers or ():
            ET.SubElement(element, "provider", {"id": provider})
        return element

    # -- members ---------------------------------------------------------------------------------

    def json(self, collection: str, model: Any, profiles: Sequence[Any] = ()) -> dict[str, Any]:
        """A member of ``collection`` as JSON (``profiles``: the catalogue images refer to)."""
        if collection == "hardware_profiles":
            return self._profile_json(model)
        if collection == "realms":
            return self._realm_json(model)
        if collection == "images":
            return self._image_json(model, profiles)
        return self._instance_json(model)

    def xml(self, collection: str, model: Any, profiles: Sequence[Any] = ()) -> ET.Element:
        """A member of ``collection`` as an XML element."""
        document = self.json(collection, model, profiles)
        if collection == "hardware_profiles":
            return self._profile_xml(document)
        if collection == "realms":
            return self._realm_xml(document)
        if collection == "images":
            return self._image_xml(document)
        return self._instance_xml(document)

    def _member(self, collection: str, model: Any) -> dict[str, Any]:
        return {
            "id": model.id,
            "href": self.href(collection, model.id),
            "name": display_name(model),
        }

    def _profile_json(self, profile: HardwareProfile) -> dict[str, Any]:
        properties = []
        for name, unit in PROPERTY_UNITS.items():
            value = getattr(profile, name, None)
            if value is None:
                continue
            if name == "memory":
                value = _number(_decimal(value, "memory") * _MB_PER_GB)
            elif name != "architecture":
                value = _number(_decimal(value, name))
            properties.append({"kind": "fixed", "name": name, "unit": unit, "value": value})
        return {**self._member("hardware_profiles", profile), "properties": properties}

    def _realm_json(self, realm: Realm) -> dict[str, Any]:
        document = {**self._member("realms", realm), "state": realm.state}
        if realm.limit is not None:
            document["limit"] = realm.limit
        return document

    def _image_json(self, image: Image, profiles: Sequence[Any]) -> dict[str, Any]:
        fitting = [
            p
            for p in profiles
            if image.architecture is None or p.architecture in (None, image.architecture)
        ]
        create = self.href("instances") + ";image_id=" + _segment(str(image.id))
        return {
            **self._member("images", image),
            "owner": image.owner_id,
            "architecture": image.architecture,
            "state": IMAGE_STATE,
            "description": image.description,
            "hardware_profiles": [self._reference("hardware_profiles", p.id) for p in fitting],
            "actions": [{"rel": "create_instance", "method": "post", "href": create}],
        }

    def _instance_json(self, instance: Instance) -> dict[str, Any]:
        member = self._member("instances", instance)
        return {
            **member,
            "state": instance.state,
            "owner": instance.owner_id,
            "image": self._optional_reference("images", instance.image),
            "realm": self._optional_reference("realms", instance.realm),
            "hardware_profile": self._optional_reference(
                "hardware_profiles", instance.hardware_profile
            ),
            "actions": [_action(member["href"], a) for a in _list(instance.actions, "actions")],
            "public_addresses": _addresses(instance.public_addresses, "public_addresses"),
            "private_addresses": _addresses(instance.private_addresses, "private_addresses"),
        }

    def _reference(self, collection: str, id: object) -> dict[str, Any]:
        return {"id": id, "href": self.href(collection, str(id)), "rel": MEMBER_NAMES[collection]}

    def _optional_reference(self, collection: str, id: object) -> dict[str, Any] | None:
        return self._reference(collection, id) if isinstance(id, str) and id else None

    # -- JSON member -> XML member ---------------------------------------------------------------

    def _profile_xml(self, document: dict[str, Any]) -> ET.Element:
        element = _identified("hardware_profile", document)
        for prop in document["properties"]:
            attributes = {key: _text(value) for key, value in prop.items()}
            ET.SubElement(element, "property", attributes)
        return element

    def _realm_xml(self, document: dict[str, Any]) -> ET.Element:
        element = _identified("realm", document)
        _text_child(element, "state", document["state"])
        _text_child(element, "limit", document.get("limit"))
        return element

    def _image_xml(self, document: dict[str, Any]) -> ET.Element:
        element = _identified("image", document)
        _text_child(element, "owner_id", document["owner"])
        for key in ("architecture", "state", "description"):
            _text_child(element, key, document[key])
        profiles = ET.SubElement(element, "hardware_profiles")
        for reference in document["hardware_profiles"]:
            ET.SubElement(profiles, "hardware_profile", _attributes(reference))
        _links(element, document["actions"])
        return element

    def _instance_xml(self, document: dict[str, Any]) -> ET.Element:
        element = _identified("instance", document)
        _text_child(element, "owner_id", document["owner"])
        for key in ("image", "realm", "hardware_profile"):
            reference = document[key]
            if reference is not None:
                attributes = {"id": _text(reference["id"]), "href": reference["href"]}
                ET.SubElement(element, key, attributes)
        _text_child(element, "state", document["state"])
        _links(element, document["actions"])
        for key in ("public_addresses", "private_addresses"):
            container = ET.SubElement(element, key)
            for address in document[key]:
                ET.SubElement(container, "address", {"type": address["type"]}).text = _text(
                    address["address"]
                )
        ET.SubElement(element, "storage_volumes")
        return element

    # -- the state machine and errors ------------------------------------------------------------

    @staticmethod
    def states_json(states: list[tuple[str, list[tuple[str, str]]]]) -> list[dict[str, Any]]:
        """``[{"name", "transitions": [{"to", "action"} | {"to", "auto": true}]}]``."""
        return [
            {
                "name": state,
                "transitions": [
                    {"to": to, "auto": True} if action == AUTO else {"to": to, "action": action}
                    for to, action in edges
                ],
            }
            for state, edges in states
        ]

    @staticmethod
    def states_xml(states: list[tuple[str, list[tuple[str, str]]]]) -> ET.Element:
        """``<states><state name><transition to action|auto="true"/></state></states>``."""
        root = ET.Element("states")
        for state, edges in states:
            element = ET.SubElement(root, "state", {"name": state})
            for to, action in edges:
                attributes = {
                    "to": to,
                    **({"auto": "true"} if action == AUTO else {"action": action}),
                }
                ET.SubElement(element, "transition", attributes)
        return root

    @staticmethod
    def error_json(error: HttpError) -> dict[str, Any]:
        """``{"code": N, "message": "...", "error": "<kind>"}``."""
        return {"code": error.status, "message": error.message, "error": error.kind}

    @staticmethod
    def error_xml(error: HttpError, path: str) -> ET.Element:
        """``<error status url><code>N</code><message>...</message></error>``."""
        root = _element("error", {"status": str(error.status), "url": path})
        _text_child(root, "code", str(error.status))
        _text_child(root, "message", error.message)
        return root


def _action(member_href: str, action: object) -> dict[str, Any]:
    """An instance action as a link: destroy is a DELETE of the instance, the others a POST."""
    if action == "destroy":
        return {"rel": action, "method": "delete", "href": member_href}
    if isinstance(action, str) and action in ACTION_ROUTES:
        return {"rel": action, "method": "post", "href": f"{member_href}/{action}"}
    return {"rel": _text(action)}


def _element(tag: str, attributes: Mapping[str, object]) -> ET.Element:
    return ET.Element(tag, {key: _text(value) for key, value in attributes.items()})


def _identified(tag: str, document: Mapping[str, Any]) -> ET.Element:
    element = _element(tag, {"id": document["id"], "href": document["href"]})
    _text_child(element, "name", document["name"])
    return element


def _attributes(document: Mapping[str, Any]) -> dict[str, str]:
    return {key: _text(value) for key, value in document.items() if value is not None}


def _links(parent: ET.Element, actions: Sequence[Mapping[str, Any]]) -> None:
    container = ET.SubElement(parent, "actions")
    for action in actions:
        ET.SubElement(container, "link", _attributes(action))


def _text_child(parent: ET.Element, tag: str, value: object) -> None:
    if value is not None:
        ET.SubElement(parent, tag).text = _text(value)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(_number(value))
    return value if isinstance(value, str) else str(value)


def _decimal(value: object, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise driver_failure(f"a hardware profile's {name} is a {type(value).__name__}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - str() of a number always parses
        raise driver_failure(f"a hardware profile's {name} is {value!r}") from None
    if not number.is_finite():
        raise driver_failure(f"a hardware profile's {name} is {value!r}, not a finite number")
    return number


def _number(value: Decimal) -> int | float:
    """A whole number as ``int``, otherwise a ``float``."""
    return int(value) if value == value.to_integral_value() else float(value)


def _list(value: object, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise driver_failure(f"an instance's {name} is a {type(value).__name__}, not a list")
    return list(value)


def _addresses(value: object, name: str) -> list[dict[str, str]]:
    return [{"address": _text(a), "type": _address_type(_text(a))} for a in _list(value, name)]


@functools.lru_cache(maxsize=4096)
def _address_type(address: str) -> str:
    try:
        version = ipaddress.ip_address(str(address)).version
    except ValueError:
        return "hostname"
    return f"ipv{version}"
