"""Deltacloud's XML documents read into the shapes of its JSON ones (``DELTACLOUD_API.md``).

A client asks for JSON, but a Deltacloud server may answer XML (it prefers it, or speaks nothing
else). :func:`read_xml` turns such a body into what the same answer in JSON would have been, so
one reader serves both: the entry point, the four collections and their members, the state
machine (``<states>``) and errors. Only what the API requires is read; extra elements and
attributes are ignored and element order does not matter. A body that is not well-formed XML,
declares a DOCTYPE or entities, or has a root or member the API does not define raises
:class:`XmlUnreadable` naming what was wrong.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.parsers import expat

__all__ = ["XmlUnreadable", "is_xml", "parse_untrusted", "read_xml"]

_XML_TYPES = ("application/xml", "text/xml")
_MEMBERS = {
    "hardware_profiles": "hardware_profile",
    "realms": "realm",
    "images": "image",
    "instances": "instance",
}
_REFERENCES = ("image", "realm", "hardware_profile")


class XmlUnreadable(ValueError):
    """An XML body that is not a Deltacloud document the reader understands."""


def is_xml(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` (parameters such as a charset allowed) is an XML one."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media in _XML_TYPES


def parse_untrusted(body: bytes) -> ET.Element:
    """The root of the XML document ``body`` from a server not trusted (no DOCTYPE or entity
    declaration is read); ``XmlUnreadable`` for one that is not well-formed or declares any."""
    try:
        _refuse_declarations(body)
        return ET.fromstring(body)
    except (ET.ParseError, expat.ExpatError) as exc:
        raise XmlUnreadable(f"an XML body that is not well-formed ({exc})") from None


def read_xml(body: bytes) -> Any:
    """The JSON value of the Deltacloud XML document ``body``."""
    root = parse_untrusted(body)
    tag = _local(root.tag)
    if tag == "api":
        return {"api": _api(root)}
    if tag in _MEMBERS:
        member = _MEMBERS[tag]
        return {tag: [_READERS[member](e) for e in _children(root, member)]}
    if tag in _READERS:
        return {tag: _READERS[tag](root)}
    if tag == "states":
        return [_state(e) for e in _children(root, "state")]
    if tag == "error":
        return _error(root)
    raise XmlUnreadable(f"an XML document <{tag}> the Deltacloud API does not define")


class _Declared(Exception):
    pass


def _refuse_declarations(body: bytes) -> None:
    """Parse ``body`` once with expat, refusing any DOCTYPE or entity declaration (their
    expansions are how XML bombs and external reads work)."""

    def refuse(*_: object) -> None:
        raise _Declared

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(body, True)
    except _Declared:
        raise XmlUnreadable("an XML body with a DOCTYPE or entity declaration (refused)") from None


def _api(root: ET.Element) -> dict[str, Any]:
    api: dict[str, Any] = {k: root.get(k) for k in ("version", "driver", "provider")}
    api["links"] = [
        {
            "rel": link.get("rel"),
            "href": link.get("href"),
            "features": [f.get("name") for f in _children(link, "feature")],
        }
        for link in _children(root, "link")
    ]
    return api


def _identified(element: ET.Element) -> dict[str, Any]:
    identity = element.get("id")
    if identity is None:
        raise XmlUnreadable(f"a <{_local(element.tag)}> without an id attribute")
    return {"id": identity, "href": element.get("href"), "name": _text(element, "name")}


def _profile(element: ET.Element) -> dict[str, Any]:
    properties = []
    for prop in _children(element, "property"):
        name, unit, value = prop.get("name"), prop.get("unit"), prop.get("value")
        if name is None:
            raise XmlUnreadable("a hardware profile <property> without a name")
        properties.append(
            {"kind": prop.get("kind"), "name": name, "unit": unit, "value": _value(value, unit)}
        )
    return {**_identified(element), "properties": properties}


def _realm(element: ET.Element) -> dict[str, Any]:
    realm = {**_identified(element), "state": _text(element, "state", strip=True)}
    limit = _text(element, "limit", strip=True)
    if limit:  # an empty <limit/> says there is none
        realm["limit"] = _integer(limit, "a realm's <limit>")
    return realm


def _image(element: ET.Element) -> dict[str, Any]:
    image = _identified(element)
    image["owner"] = _text(element, "owner_id")
    for key in ("architecture", "state", "description"):
        image[key] = _text(element, key)
    profiles = _child(element, "hardware_profiles")
    image["hardware_profiles"] = [dict(p.attrib) for p in _children(profiles, "hardware_profile")]
    image["actions"] = _actions(element) if _child(element, "actions") is not None else []
    return image


def _instance(element: ET.Element) -> dict[str, Any]:
    instance = _identified(element)
    instance["owner"] = _text(element, "owner_id")
    instance["state"] = _text(element, "state", strip=True)
    for key in _REFERENCES:
        reference = _child(element, key)
        instance[key] = None if reference is None else dict(reference.attrib)
    instance["actions"] = _actions(element)
    for key in ("public_addresses", "private_addresses"):
        container = _child(element, key)
        if container is None:
            raise XmlUnreadable(f"an <instance> without <{key}>")
        instance[key] = [
            {"address": (a.text or "").strip(), "type": a.get("type")}
            for a in _children(container, "address")
        ]
    return instance


def _actions(element: ET.Element) -> list[dict[str, Any]]:
    container = _child(element, "actions")
    if container is None:
        raise XmlUnreadable(f"an <{_local(element.tag)}> without <actions>")
    return [dict(link.attrib) for link in _children(container, "link")]


def _state(element: ET.Element) -> dict[str, Any]:
    transitions: list[dict[str, Any]] = []
    for edge in _children(element, "transition"):
        transition: dict[str, Any] = {"to": edge.get("to")}
        if edge.get("auto", "").strip().lower() == "true":
            transition["auto"] = True
        elif edge.get("action") is not None:
            transition["action"] = edge.get("action")
        transitions.append(transition)
    return {"name": element.get("name"), "transitions": transitions}


def _error(root: ET.Element) -> dict[str, Any]:
    code = _text(root, "code", strip=True) or root.get("status")
    return {"code": code, "message": _text(root, "message")}


_READERS = {
    "hardware_profile": _profile,
    "realm": _realm,
    "image": _image,
    "instance": _instance,
}


def _local(tag: object) -> str:
    """A tag without its ``{namespace}``."""
    return str(tag).rsplit("}", 1)[-1]


def _children(parent: ET.Element | None, tag: str) -> list[ET.Element]:
    return [] if parent is None else [e for e in parent if _local(e.tag) == tag]


def _child(parent: ET.Element, tag: str) -> ET.Element | None:
    found = _children(parent, tag)
    return found[0] if found else None


def _text(parent: ET.Element, tag: str, *, strip: bool = False) -> str | None:
    """A child's text: ``None`` when the child is absent, ``""`` when it is empty."""
    child = _child(parent, tag)
    if child is None:
        return None
    text = child.text or ""
    return text.strip() if strip else text


def _value(value: str | None, unit: str | None) -> Any:
    """A property's value: a number unless its unit is a label (JSON carries numbers)."""
    if value is None or unit == "label":
        return value
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    return int(number) if number == number.to_integral_value() else float(number)


def _integer(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise XmlUnreadable(f"{what} is {text!r:.40}, not an integer") from None
