"""The EC2 Query protocol on the wire: form-encoded requests, XML responses and error documents.

A request is ``Action``, ``Version`` and flat parameters (lists numbered from 1:
``InstanceId.1``), form-encoded in a POST body. A response is an XML document in EC2's namespace;
:class:`Node` reads it without caring for namespaces. An error is
``<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>``.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

__all__ = ["API_VERSION", "ErrorDocument", "Node", "encode", "numbered", "parse", "parse_error"]

API_VERSION = "2016-11-15"
CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"


def encode(action: str, params: Mapping[str, str] | None = None) -> str:
    """The form-encoded body of ``action`` with ``params`` (RFC 3986 escapes, in given order)."""
    fields = {"Action": action, "Version": API_VERSION, **(params or {})}
    return urlencode(fields, quote_via=quote)


def numbered(prefix: str, values: Sequence[str]) -> dict[str, str]:
    """A list as EC2 takes it: ``{"InstanceId.1": a, "InstanceId.2": b}``."""
    return {f"{prefix}.{index}": value for index, value in enumerate(values, start=1)}


class _Document:
    """What the nodes of one response share: whether all its elements are in one namespace
    (asked once, the first time a child is not found in its parent's namespace)."""

    __slots__ = ("_one_namespace", "_root")

    def __init__(self, root: ET.Element) -> None:
        self._root = root
        self._one_namespace: bool | None = None

    def one_namespace(self) -> bool:
        if self._one_namespace is None:
            namespace = _namespace(self._root.tag)
            self._one_namespace = all(
                isinstance(e.tag, str) and _namespace(e.tag) == namespace for e in self._root.iter()
            )
        return self._one_namespace


class Node:
    """An element of a response, read by local names: ``node.text("instanceState/name")``."""

    __slots__ = ("_document", "_element")

    def __init__(self, element: ET.Element, document: _Document | None = None) -> None:
        self._element = element
        self._document = document if document is not None else _Document(element)

    @property
    def tag(self) -> str:
        """The element's local name (its namespace dropped)."""
        return _local(self._element.tag)

    @property
    def value(self) -> str:
        """The element's own text (``""`` when it has none)."""
        return self._element.text or ""

    def child(self, path: str) -> Node | None:
        """The first element at ``path`` (local names separated by ``/``), or ``None``."""
        found = self._find(path)
        return Node(found, self._document) if found is not None else None

    def text(self, path: str) -> str | None:
        """The text at ``path`` (``""`` for an empty element), or ``None`` if it is absent."""
        found = self._find(path)
        return (found.text or "") if found is not None else None

    def items(self, path: str) -> Iterator[Node]:
        """The ``<item>`` children of the list at ``path``; none if it is absent."""
        found = self._find(path)
        if found is None:
            return iter(())
        document = self._document
        return (Node(c, document) for c in found if _local(c.tag) == "item")

    def _find(self, path: str) -> ET.Element | None:
        element = self._element
        for name in _steps(path):
            # ElementTree finds a child by its full tag in C: in the parent's namespace first
            found = element.find(_namespace(element.tag) + name)
            if found is None:
                if self._document.one_namespace():
                    return None  # no child of any element is in another namespace
                suffix = "}" + name
                found = next((c for c in element if c.tag == name or c.tag.endswith(suffix)), None)
                if found is None:
                    return None
            element = found
        return element


def parse(body: bytes) -> Node:
    """The root of an XML response; ``ValueError`` if it is not XML."""
    try:
        return Node(ET.fromstring(body))
    except ET.ParseError as exc:
        raise ValueError(f"not an XML document: {exc}") from None


@dataclass(frozen=True)
class ErrorDocument:
    """The first error of an EC2 error response."""

    code: str
    message: str
    request_id: str | None = None


def parse_error(body: bytes) -> ErrorDocument | None:
    """The error an EC2 error document holds, or ``None`` if ``body`` is not one."""
    try:
        root = parse(body)
    except ValueError:
        return None
    error = root.child("Errors/Error") or (root if root.tag == "Error" else None)
    if error is None:
        return None
    code = error.text("Code")
    if not code:
        return None
    return ErrorDocument(code, error.text("Message") or "", root.text("RequestID"))


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


#: Bounded: EC2's tags and the driver's paths are a few hundred; a hostile server's are not.
_CACHED = 1024


@functools.lru_cache(maxsize=_CACHED)
def _steps(path: str) -> tuple[str, ...]:
    """The local names of ``path``, split once per path (the driver asks a few dozen paths)."""
    return tuple(path.split("/"))


@functools.lru_cache(maxsize=_CACHED)
def _namespace(tag: str) -> str:
    """``{uri}`` of a tag in a namespace, else ``""``."""
    return tag[: tag.index("}") + 1] if tag.startswith("{") else ""
