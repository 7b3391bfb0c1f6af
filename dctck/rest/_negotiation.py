"""Content negotiation: which representation answers a request, from ``?format=`` or ``Accept``.

As Deltacloud: no ``Accept`` gives XML; a bare ``*/*`` is a browser and gets HTML; ``q``-values
are honoured (werkzeug parses them), so ``*/*; q=0.5, application/xml`` gets XML.
``application/xhtml+xml`` is HTML and ``text/xml`` XML. ``/api/instance_states`` can also be a
picture. A type the front cannot produce is a 406.
"""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.wrappers import Request

from dctck.rest._http import HttpError

__all__ = [
    "CONTENT_TYPES",
    "DOCUMENTS",
    "FORMATS",
    "HTML",
    "JSON",
    "MERMAID",
    "PICTURES",
    "SVG",
    "XML",
    "negotiate",
]

JSON = "application/json"
XML = "application/xml"
HTML = "text/html"
SVG = "image/svg+xml"
MERMAID = "text/plain"

#: What every resource can be: in the order a tie (``*/*``, ``application/*``) is decided.
DOCUMENTS = (HTML, XML, JSON)
#: What ``/api/instance_states`` can be besides the documents.
PICTURES = (SVG, MERMAID)
#: ``?format=`` names.
FORMATS = {"xml": XML, "json": JSON, "html": HTML, "svg": SVG, "mermaid": MERMAID}
#: The ``Content-Type`` header of each representation (clients compare the first three exactly).
CONTENT_TYPES = {
    JSON: "application/json",
    XML: "application/xml",
    HTML: "text/html",
    SVG: "image/svg+xml",
    MERMAID: "text/plain; charset=utf-8",
}
#: Other names clients use for the same representations; offered after the real ones.
_ALIASES = {"text/xml": XML, "application/xhtml+xml": HTML}


def negotiate(request: Request, format_name: str | None, available: Sequence[str]) -> str:
    """The media type to answer with, among ``available`` (in the server's preference order)."""
    if format_name is not None:
        wanted = FORMATS.get(format_name)
        if wanted is None or wanted not in available:
            raise _not_acceptable(f"format {format_name!r}", available)
        return wanted
    accept = request.headers.get("Accept", "")
    if not accept.strip():
        return XML if XML in available else available[0]
    offers = [*available, *(alias for alias, real in _ALIASES.items() if real in available)]
    chosen = request.accept_mimetypes.best_match(offers)
    if chosen is None:
        raise _not_acceptable(f"Accept: {accept.strip()[:200]}", available)
    return _ALIASES.get(chosen, chosen)


def _not_acceptable(asked: str, available: Sequence[str]) -> HttpError:
    names = [name for name, media_type in FORMATS.items() if media_type in available]
    return HttpError(
        406,
        "not_acceptable",
        f"cannot produce {asked}; available: {', '.join(available)} (or ?format={'|'.join(names)})",
    )
