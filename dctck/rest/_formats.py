"""Serialising documents: JSON from dicts and lists, XML from ElementTree elements.

Text that XML 1.0 cannot carry is replaced (U+FFFD); a value JSON cannot carry is a 500.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from dctck.rest._errors import driver_failure

__all__ = ["to_json", "to_xml"]

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def to_json(document: Any) -> bytes:
    """UTF-8 JSON; ``Decimal`` as a number."""
    try:
        text = json.dumps(document, default=_json_default, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise driver_failure(f"it returned a value the API cannot represent ({exc})") from None
    return text.encode("utf-8")


def to_xml(root: ET.Element) -> bytes:
    """UTF-8 XML with a declaration."""
    # the markup itself is plain ASCII: one pass over the whole text replaces what XML cannot hold
    body = _NOT_XML.sub("\ufffd", ET.tostring(root, encoding="unicode"))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite number")
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"a {type(value).__name__} is not a JSON value")
