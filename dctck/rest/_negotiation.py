"""Content negotiation: which representation answers a request, from ``?format=`` or ``Accept``.

JSON is the default (no ``Accept``, ``*/*``, ``application/*``); XML answers ``application/xml``;
``/api/instance_states`` can also be a picture. A type the front cannot produce is a 406.
"""

from __future__ import annotations

from collections.abc import Sequence

from dctck.rest._http import HttpError

__all__ = [
    "CONTENT_TYPES",
    "FORMATS",
    "JSON",
    "MERMAID",
    "SVG",
    "XML",
    "negotiate",
]

JSON = "application/json"
XML = "application/xml"
SVG = "image/svg+xml"
MERMAID = "text/plain"

#: ``?format=`` names.
FORMATS = {"json": JSON, "xml": XML, "svg": SVG, "mermaid": MERMAID}
#: The ``Content-Type`` header of each representation.
CONTENT_TYPES = {
    JSON: "application/json",
    XML: "application/xml; charset=utf-8",
    SVG: "image/svg+xml; charset=utf-8",
    MERMAID: "text/plain; charset=utf-8",
}


def negotiate(accept: str | None, format_name: str | None, available: Sequence[str]) -> str:
    """The media type to answer with, among ``available`` (in the server's preference order).

    ``?format=`` wins over ``Accept``. Among the types ``Accept`` allows, the highest ``q``
    wins, then the most specific range that named it, then the server's order.
    """
    if format_name is not None:
        wanted = FORMATS.get(format_name)
        if wanted is None or wanted not in available:
            raise _not_acceptable(f"format {format_name!r}", available)
        return wanted
    if accept is None or not accept.strip():
        return available[0]
    ranges = _parse(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for preference, media_type in enumerate(available):
        quality, specificity = _quality(media_type, ranges)
        if quality <= 0:
            continue
        key = (quality, specificity, -preference)
        if best is None or key > best:
            best, chosen = key, media_type
    if chosen is None:
        raise _not_acceptable(f"Accept: {accept.strip()[:200]}", available)
    return chosen


def _not_acceptable(asked: str, available: Sequence[str]) -> HttpError:
    names = [name for name, media_type in FORMATS.items() if media_type in available]
    return HttpError(
        406,
        "not_acceptable",
        f"cannot produce {asked}; available: {', '.join(available)} (or ?format={'|'.join(names)})",
    )


def _parse(accept: str) -> list[tuple[str, str, float]]:
    """``Accept`` as ``(type, subtype, q)`` ranges; malformed ranges are skipped."""
    ranges = []
    for item in accept.split(","):
        media_range, *parameters = (part.strip() for part in item.split(";"))
        kind, slash, subtype = media_range.lower().partition("/")
        if not slash or not kind or not subtype:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((kind, subtype, quality))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, str, float]]) -> tuple[float, int]:
    """The ``q`` of the most specific range matching ``media_type``, and that specificity."""
    kind, _, subtype = media_type.partition("/")
    best: tuple[int, float] = (-1, 0.0)
    for range_kind, range_subtype, quality in ranges:
        if (range_kind, range_subtype) == (kind, subtype):
            specificity = 2
        elif range_kind == kind and range_subtype == "*":
            specificity = 1
        elif (range_kind, range_subtype) == ("*", "*"):
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, quality)
    return best[1], best[0]
