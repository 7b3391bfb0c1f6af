"""Serialising documents: JSON, and XML in Deltacloud's shape.

XML rules, applied to any document: the single top-level key is the root element; identifying
scalars (``id``, ``href``, ``rel``, ...) become attributes, other scalars child elements; a list
becomes a container whose items are named after it (``instances`` holds ``instance``,
``actions`` holds ``link``); ``None`` is left out. Text that XML 1.0 cannot carry is replaced.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from dctck.rest._errors import driver_failure

__all__ = ["to_json", "to_xml"]

_ATTRIBUTES = frozenset(
    {"id", "href", "rel", "method", "to", "action", "auto", "status", "code", "driver", "version"}
)
#: A ``name`` is an attribute of these elements (``<state name="running">``).
_NAMED = frozenset({"state"})
_ITEMS = {
    "hardware_profiles": "hardware_profile",
    "realms": "realm",
    "images": "image",
    "instances": "instance",
    "instance_states": "state",
    "transitions": "transition",
    "actions": "link",
    "links": "link",
    "public_addresses": "address",
    "private_addresses": "address",
}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def to_json(document: Any) -> bytes:
    """UTF-8 JSON; ``Decimal`` as a number; a value JSON cannot carry is a 500."""
    try:
        text = json.dumps(document, default=_json_default, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise driver_failure(f"it returned a value the API cannot represent ({exc})") from None
    return text.encode("utf-8")


def to_xml(document: dict[str, Any]) -> bytes:
    """UTF-8 XML with a declaration."""
    ((tag, value),) = document.items()
    try:
        root = _element(tag, value, tag)
    except ValueError as exc:
        raise driver_failure(f"it returned a value the API cannot represent ({exc})") from None
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite number")
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"a {type(value).__name__} is not a JSON value")


def _element(tag: str, value: Any, list_name: str) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, list):
        item = _ITEMS.get(list_name, "item")
        for member in value:
            element.append(_element(item, member, item))
    elif isinstance(value, dict):
        for key, member in value.items():
            if member is None:
                continue
            scalar = not isinstance(member, list | dict)
            if scalar and (key in _ATTRIBUTES or (key == "name" and tag in _NAMED)):
                element.set(key, _text(member))
            else:
                element.append(_element(key, member, key))
    else:
        element.text = _text(value)
    return element


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(_json_default(value))
    return _NOT_XML.sub("\ufffd", str(value))
