"""XML writing for EC2 responses: escaped text, elements, and the response envelope.

Responses are built as strings: the shapes are fixed and small, and a string join is several
times faster than a tree, which matters when a describe call renders thousands of instances.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

API_VERSION = "2016-11-15"
"""The EC2 API version this package speaks."""

NAMESPACE = f"http://ec2.amazonaws.com/doc/{API_VERSION}/"
"""The XML namespace of EC2 responses."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>]")


def is_xml_text(value: str) -> bool:
    """Whether `value` holds only characters XML 1.0 can carry."""
    return _NOT_XML.search(value) is None


def text(value: str) -> str:
    """`value` escaped for an XML text node; characters XML cannot carry become U+FFFD."""
    if _NOT_XML.search(value):
        value = _NOT_XML.sub("\ufffd", value)
    if _SPECIAL.search(value):
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def element(tag: str, value: str | int | bool | None) -> str:
    """`<tag>value</tag>`; booleans as `true`/`false`; nothing at all for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f"<{tag}>{'true' if value else 'false'}</{tag}>"
    if isinstance(value, int):
        return f"<{tag}>{value}</{tag}>"
    return f"<{tag}>{text(value)}</{tag}>"


def item_set(tag: str, items: Iterable[str]) -> str:
    """`<tag><item>...</item>...</tag>`, EC2's way of writing a list (`<tag/>` when empty)."""
    inner = "".join(f"<item>{item}</item>" for item in items)
    return f"<{tag}>{inner}</{tag}>" if inner else f"<{tag}/>"


def response(action: str, request_id: str, inner: str) -> bytes:
    """The whole success document of `action`: `<ActionResponse xmlns=...>`."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{action}Response xmlns="{NAMESPACE}"><requestId>{request_id}</requestId>'
        f"{inner}</{action}Response>"
    ).encode()
