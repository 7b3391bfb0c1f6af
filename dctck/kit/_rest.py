"""Judging a Deltacloud REST front from outside: raw HTTP exchanges in, violations out.

The ``api`` area (``suites/suite_api.py``) asks; this module judges, as plain code testable
without pytest or a server. XML is read with ElementTree's paths the way a foreign client reads
it with XPath: ``//api/link`` is ``<api>``'s ``link`` children, ``instances/instance/actions/link``
the same path below the ``<instances>`` root. ``DELTACLOUD_API.md`` is the contract.
"""

from __future__ import annotations

import base64
import contextlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests

from dctck._errors import ActionNotAllowed, AuthException, NotFound, ProviderError, ValidationError
from dctck._states import AUTO, StateMachine
from dctck.kit._calls import CredentialSet, Outcome
from dctck.kit._describe import describe_value
from dctck.kit._harness import Harness
from dctck.kit._spi import LOOKUPS
from dctck.kit._subject import Subject
from dctck.kit._violations import Violation

__all__ = [
    "DRIVER_ERROR_STATUS",
    "Exchange",
    "HTML",
    "Http",
    "JSON",
    "RULE_ACCEPTED",
    "RULE_CHALLENGE",
    "RULE_CREATED",
    "RULE_DESTROYED",
    "RULE_DRIVERS",
    "RULE_ENTRY",
    "RULE_ERRORS",
    "RULE_ETAG",
    "RULE_FEATURES",
    "RULE_FILTERS",
    "RULE_FORBIDDEN",
    "RULE_FORCE_AUTH",
    "RULE_FORMATS",
    "RULE_HEADERS",
    "RULE_HREFS",
    "RULE_LISTING",
    "RULE_NOT_ACCEPTABLE",
    "RULE_REJECTED",
    "RULE_SHAPES",
    "RULE_STATES",
    "RULE_UNKNOWN",
    "STATE_FORMATS",
    "XML",
    "challenge_problems",
    "declaration_of",
    "declaration_of_xml",
    "declared_pairs",
    "driver_error_status",
    "entry_links",
    "error_answer_problems",
    "error_document_problems",
    "error_kind",
    "etag_problems",
    "feature_problems",
    "following_new_instances",
    "format_problems",
    "header_problems",
    "listing_problems",
    "member",
    "members",
    "shape_problems",
    "shows_machine",
    "status_problems",
]

JSON = "application/json"
XML = "application/xml"
HTML = "text/html"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
#: Each ``?format=`` of ``/api/instance_states`` and the media type it answers.
STATE_FORMATS = {"json": JSON, "xml": XML, "svg": "image/svg+xml", "mermaid": "text/plain"}

RULE_ENTRY = "REST: GET /api links every collection as <link> children of <api>, hrefs resolving"
RULE_FEATURES = "REST: the entry point advertises exactly the driver's features (SPEC 8)"
RULE_FORCE_AUTH = "REST: GET /api?force_auth=1 answers 401 unless the credentials are valid"
RULE_HEADERS = "REST: every answer carries Server: Apache-Deltacloud/<version> and the driver"
RULE_ETAG = "REST: a 200 carries an ETag, and If-None-Match with it answers 304"
RULE_DRIVERS = "REST: /api/drivers lists the driver served; an unknown driver answers 400"
RULE_LISTING = "REST: a collection lists what the driver returns"
RULE_FILTERS = "REST: query parameters reach the driver's opts"
RULE_HREFS = "REST: every href is absolute and resolves to the object it names"
RULE_FORMATS = (
    "REST: XML without Accept and for application/xml, JSON for application/json, HTML for"
    " text/html, Content-Type exactly"
)
RULE_SHAPES = "REST: members carry Deltacloud's elements: name, references, actions, addresses"
RULE_NOT_ACCEPTABLE = "REST: a type the front cannot produce answers 406"
RULE_CHALLENGE = "REST: AuthException without credentials answers 401 with a Basic challenge"
RULE_REJECTED = "REST: AuthException with credentials answers 401"
RULE_CREATED = "REST: POST /api/instances answers 201 with a Location that resolves"
RULE_ACCEPTED = "REST: an accepted action answers 202 with the instance itself (JSON unwrapped)"
RULE_DESTROYED = "REST: destroy answers 204 with no body, and the instance goes"
RULE_FORBIDDEN = "REST: an action not among the instance's actions answers 405, changing nothing"
RULE_ERRORS = "REST: errors answer their documented status with an error document"
RULE_STATES = "REST: GET /api/instance_states shows the driver's state machine"
RULE_UNKNOWN = "REST: unknown resources answer 404, wrong methods 405 with Allow"

#: The status of each error a driver raises on purpose (the framework's documented table).
DRIVER_ERROR_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (AuthException, 401),
    (NotFound, 404),
    (ValidationError, 400),
    (ActionNotAllowed, 409),
    (ProviderError, 502),
)
_INSTANCE_ONCE = ("image", "realm", "state", "actions", "public_addresses", "private_addresses")


@dataclass
class Exchange:
    """One request and its answer (``status`` is ``None`` when none came)."""

    request: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header exactly as sent (``""`` without one)."""
        return self.header("Content-Type") or ""

    @property
    def media_type(self) -> str:
        return self.content_type.partition(";")[0].strip().lower()

    def json(self) -> Any:
        """The body as JSON, or ``None`` when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    def xml(self) -> ET.Element | None:
        """The body as XML, or ``None`` when it is not well-formed XML."""
        try:
            return ET.fromstring(self.body)
        except ET.ParseError:
            return None

    def describe(self) -> str:
        if self.status is None:
            return f"got no answer ({self.error})"
        text = self.body[:160].decode("utf-8", "replace")
        shown = f" {self.content_type or 'no Content-Type'} {text!r}" if self.body else " no body"
        return f"answered {self.status}{shown}"


class Http:
    """Requests to the REST front at ``url``, as one of the subject's credential sets."""

    def __init__(self, url: str, subject: Subject) -> None:
        self.url = url.rstrip("/")
        self.subject = subject
        self.session = requests.Session()
        self.session.trust_env = False

    def __call__(
        self,
        method: str,
        target: str,
        *,
        credentials: CredentialSet | None = None,
        accept: str | None = JSON,
        params: Sequence[tuple[str, str]] = (),
        data: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Exchange:
        """``target`` is a path (``/api/images``) or an absolute URL (an href); ``accept=None``
        sends no ``Accept``."""
        credentials = credentials or self.subject.valid
        url = target if "://" in target else self.url + target
        sent = {"Accept": accept} if accept is not None else {}
        sent.update(headers or {})
        if credentials.value:
            text = f"{credentials.value.get('name', '')}:{credentials.value.get('password', '')}"
            sent["Authorization"] = "Basic " + base64.b64encode(text.encode()).decode("ascii")
        shown = url.removeprefix(self.url) + (f"?{urlencode(list(params))}" if params else "")
        notes = [] if credentials is self.subject.valid else [repr(credentials)]
        if accept != JSON:
            notes.append(f"Accept: {accept}" if accept is not None else "no Accept")
        notes += [f"{name}: {value}" for name, value in (headers or {}).items()]
        body = json_body if json_body is not None else data
        if body is not None:
            notes.append(f"body {body!r:.80}")
        exchange = Exchange(f"{method} {shown}" + "".join(f" {note}" for note in notes))
        if accept is None:
            sent["Accept"] = ""  # requests would otherwise send */*
        try:
            response = self.session.request(
                method,
                url,
                headers=sent,
                params=list(params),
                data=data,
                json=json_body,
                timeout=self.subject.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            exchange.error = type(exc).__name__
            return exchange
        exchange.status = response.status_code
        exchange.headers = dict(response.headers)
        exchange.body = response.content
        return exchange

    def close(self) -> None:
        self.session.close()


# -- statuses and error documents ------------------------------------------------------------------


def status_problems(exchange: Exchange, rule_text: str, *statuses: int) -> list[Violation]:
    """A violation unless the exchange answered one of ``statuses``."""
    if exchange.status in statuses:
        return []
    wanted = " or ".join(str(s) for s in statuses)
    return [Violation(exchange.request, rule_text, exchange.describe(), f"status {wanted}")]


def error_kind(exchange: Exchange) -> str | None:
    """The ``error`` kind of a JSON error document (``"action_not_allowed"``), or ``None``."""
    document = exchange.json()
    kind = document.get("error") if isinstance(document, dict) else None
    return kind if isinstance(kind, str) else None


def error_document_problems(
    exchange: Exchange, rule_text: str, secrets: Sequence[str] = ()
) -> list[Violation]:
    """An error answer carries an error document and nothing secret: JSON ``{"code": N,
    "message": ..., "error": kind}``, XML ``<error status="N"><code>N</code><message>``."""
    problems = []
    if exchange.media_type == JSON:
        document = exchange.json()
        good = (
            isinstance(document, dict)
            and document.get("code") == exchange.status
            and isinstance(document.get("message"), str)
            and isinstance(document.get("error"), str)
        )
        wanted = (
            f'a JSON error document {{"code": {exchange.status}, "message": ..., "error": ...}}'
        )
    else:
        root = exchange.xml() if exchange.media_type == XML else None
        good = (
            root is not None
            and root.tag == "error"
            and root.get("status") == str(exchange.status)
            and root.findtext("code") == str(exchange.status)
            and root.find("message") is not None
        )
        wanted = f'an error document (JSON, or XML <error status="{exchange.status}">)'
    if not good:
        problems.append(Violation(exchange.request, rule_text, exchange.describe(), wanted))
    text = exchange.body.decode("utf-8", "replace")
    leaked = ["a traceback"] if "Traceback" in text else []
    leaked += ["a password"] if any(s and s in text for s in secrets) else []
    if leaked:
        happened = f"answered a body with {' and '.join(leaked)}"
        wanted = "a body without tracebacks or passwords"
        problems.append(Violation(exchange.request, rule_text, happened, wanted))
    return problems


def error_answer_problems(
    exchange: Exchange, rule_text: str, status: int, secrets: Sequence[str] = ()
) -> list[Violation]:
    """The exchange answered ``status`` with an error document carrying nothing secret."""
    return status_problems(exchange, rule_text, status) or error_document_problems(
        exchange, rule_text, secrets
    )


def challenge_problems(exchange: Exchange, secrets: Sequence[str] = ()) -> list[Violation]:
    """A 401 with ``WWW-Authenticate: Basic realm="..."`` and an error document."""
    challenge = exchange.header("WWW-Authenticate") or ""
    if exchange.status != 401 or not challenge.startswith('Basic realm="'):
        shown = f"{exchange.describe()}, WWW-Authenticate: {challenge or 'none'}"
        wanted = '401 with WWW-Authenticate: Basic realm="..."'
        return [Violation(exchange.request, RULE_CHALLENGE, shown, wanted)]
    return error_document_problems(exchange, RULE_CHALLENGE, secrets)


def driver_error_status(outcome: Outcome) -> int | None:
    """The status a driver's exception answers (``None``: it returned, or raised something else)."""
    return next((status for kind, status in DRIVER_ERROR_STATUS if outcome.raised(kind)), None)


# -- documents -------------------------------------------------------------------------------------


def members(exchange: Exchange, collection: str) -> list[dict[str, Any]] | None:
    """The member documents of a JSON listing, or ``None`` when it is not one."""
    document = exchange.json()
    listed = document.get(collection) if isinstance(document, dict) else None
    if not isinstance(listed, list) or not all(isinstance(m, dict) for m in listed):
        return None
    return listed


def member(exchange: Exchange, collection: str) -> dict[str, Any] | None:
    """The member document of a JSON answer about one object, or ``None``."""
    document = exchange.json()
    found = document.get(LOOKUPS[collection]) if isinstance(document, dict) else None
    return found if isinstance(found, dict) else None


def listing_problems(
    exchange: Exchange, collection: str, expected_ids: list[Any], rule_text: str, how: str
) -> list[Violation]:
    """The listing must be a 200 JSON list of exactly ``expected_ids``, in order."""
    listed = members(exchange, collection) if exchange.status == 200 else None
    ids = [m.get("id") for m in listed] if listed is not None else None
    if ids == expected_ids:
        return []
    happened = exchange.describe() if ids is None else f"answered {describe_value(ids)}"
    return [Violation(exchange.request, rule_text, happened, f"{expected_ids!r}, {how}")]


def format_problems(
    exchange: Exchange, media_type: str, root: str, ids: list[Any] | None
) -> list[Violation]:
    """A 200 whose ``Content-Type`` is exactly ``media_type`` and whose root is ``root``; for a
    listing, the members ``ids`` in order."""
    wanted = f"200 Content-Type: {media_type} with the {root}" + (
        f" {ids!r}" if ids is not None else ""
    )
    problem = Violation(exchange.request, RULE_FORMATS, exchange.describe(), wanted)
    if exchange.status != 200 or exchange.content_type != media_type:
        return [problem]
    found: list[Any] | None = None
    if media_type == JSON:
        document = exchange.json()
        if root == "states":
            return [] if isinstance(document, list) else [problem]
        if not isinstance(document, dict) or list(document) != [root]:
            return [problem]
        if ids is not None:
            found = [m.get("id") for m in members(exchange, root) or []]
    elif media_type == XML:
        element = exchange.xml()
        if element is None or element.tag != root:
            return [problem]
        if ids is not None:
            found = [m.get("id") for m in element.findall(LOOKUPS[root])]
    else:
        text = exchange.body.decode("utf-8", "replace").lstrip().lower()
        return [] if text.startswith("<!doctype html") else [problem]
    return [problem] if found != ids else []


def shape_problems(exchange: Exchange, collection: str) -> list[Violation]:
    """The XML listing's members carry Deltacloud's elements: a non-empty ``<name>``; an
    instance its image, realm, state, ``actions/link`` (rel, method, href) and both address
    lists exactly once, and ``<storage_volumes>``."""
    root = exchange.xml()
    if exchange.status != 200 or root is None or root.tag != collection:
        wanted = f"200 XML <{collection}>"
        return [Violation(exchange.request, RULE_SHAPES, exchange.describe(), wanted)]
    problems = []
    for element in root.findall(LOOKUPS[collection]):
        name = f"<{element.tag} id={element.get('id')!r}>"
        found: list[str] = []
        if not (element.findtext("name") or "").strip():
            found.append("no non-empty <name>")
        if collection == "instances":
            for child in (*_INSTANCE_ONCE, "storage_volumes"):
                count = len(element.findall(child))
                if count != 1:
                    found.append(f"{count} <{child}>")
            for link in element.findall("actions/link"):
                if not (link.get("rel") and link.get("method") and link.get("href")):
                    found.append(f"an action link {dict(link.attrib)}")
        if found:
            problems.append(
                Violation(
                    exchange.request,
                    RULE_SHAPES,
                    f"gave {name} with {', '.join(found)}",
                    "each element of DELTACLOUD_API.md section 4",
                )
            )
    return problems


# -- the entry point, features, headers ------------------------------------------------------------


def entry_links(exchange: Exchange) -> dict[str, ET.Element] | None:
    """The entry point's links by rel, read as ``//api/link`` (``<link>`` children of the
    ``<api>`` root); ``None`` when the answer is not an XML ``<api>``."""
    root = exchange.xml() if exchange.status == 200 else None
    if root is None or root.tag != "api":
        return None
    return {str(link.get("rel")): link for link in root.findall("link")}


def feature_problems(
    as_xml: Exchange, as_json: Exchange, declared: Mapping[str, Any]
) -> list[Violation]:
    """Both entry points advertise, per collection, exactly the features the driver declares:
    XML ``//api/link/feature/@name``, JSON ``links[].features``."""
    wanted = {str(k): sorted(str(f) for f in v) for k, v in declared.items() if v}
    problems = []
    links = entry_links(as_xml) or {}
    shown_xml = {
        rel: sorted(str(f.get("name")) for f in link.findall("feature"))
        for rel, link in links.items()
        if link.findall("feature")
    }
    if shown_xml != wanted:
        happened = f"advertised {shown_xml} in XML"
        problems.append(Violation(as_xml.request, RULE_FEATURES, happened, f"{wanted}"))
    document = as_json.json()
    api = document.get("api") if isinstance(document, dict) else None
    listed = api.get("links") if isinstance(api, dict) else None
    shown_json = {
        str(link.get("rel")): sorted(str(f) for f in link.get("features") or [])
        for link in (listed if isinstance(listed, list) else [])
        if isinstance(link, dict) and link.get("features")
    }
    if shown_json != wanted:
        happened = f"advertised {shown_json} in JSON"
        problems.append(Violation(as_json.request, RULE_FEATURES, happened, f"{wanted}"))
    return problems


def header_problems(exchange: Exchange, version: str, driver: str) -> list[Violation]:
    """``Server: Apache-Deltacloud/<version>`` and ``X-Deltacloud-Driver: <driver>``."""
    server, named = exchange.header("Server"), exchange.header("X-Deltacloud-Driver")
    if server == f"Apache-Deltacloud/{version}" and named == driver:
        return []
    happened = f"answered {exchange.status} with Server: {server}, X-Deltacloud-Driver: {named}"
    wanted = f"Server: Apache-Deltacloud/{version}, X-Deltacloud-Driver: {driver}"
    return [Violation(exchange.request, RULE_HEADERS, happened, wanted)]


def etag_problems(first: Exchange, again: Exchange) -> list[Violation]:
    """``first`` (a 200) has an ``ETag``; ``again``, sent with ``If-None-Match``, is a 304."""
    if first.status == 200 and not first.header("ETag"):
        return [Violation(first.request, RULE_ETAG, "answered 200 without an ETag", "an ETag")]
    return status_problems(again, RULE_ETAG, 304)


# -- the state machine -----------------------------------------------------------------------------


def declaration_of(document: Any) -> list[tuple[Any, dict[Any, Any]]] | None:
    """The ``(state, {destination: action})`` pairs of an ``instance_states`` JSON document: a
    top-level array of ``{"name", "transitions": [{"to", "action"} | {"to", "auto": true}]}``."""
    if not isinstance(document, list):
        return None
    pairs = []
    for state in document:
        transitions = state.get("transitions") if isinstance(state, dict) else None
        if not isinstance(transitions, list):
            return None
        edges = {}
        for edge in transitions:
            if not isinstance(edge, dict):
                return None
            edges[edge.get("to")] = AUTO if edge.get("auto") is True else edge.get("action")
        pairs.append((state.get("name"), edges))
    return pairs


def declaration_of_xml(root: ET.Element) -> list[tuple[Any, dict[Any, Any]]]:
    """The same pairs from ``<states><state name=..><transition to= action=|auto=/>``."""
    return [
        (
            state.get("name"),
            {
                edge.get("to"): AUTO if edge.get("auto") == "true" else edge.get("action")
                for edge in state.findall("transition")
            },
        )
        for state in root.findall("state")
    ]


def declared_pairs(declaration: object) -> list[tuple[Any, dict[Any, Any]]] | None:
    """A driver's ``instance_states()`` as a list of pairs; ``None`` when it is not one."""
    if not isinstance(declaration, list) or not all(
        isinstance(entry, list | tuple) and len(entry) == 2 and isinstance(entry[1], Mapping)
        for entry in declaration
    ):
        return None
    return [(origin, dict(edges)) for origin, edges in declaration]


def shows_machine(
    exchange: Exchange,
    shape: str,
    declared: list[tuple[Any, dict[Any, Any]]],
    machine: StateMachine,
) -> bool:
    """Whether a 200 in the media type of ``shape`` shows the declared machine: the same pairs
    (JSON, XML), one label per state and transition (SVG), one arrow per transition (Mermaid)."""
    if exchange.status != 200 or exchange.media_type != STATE_FORMATS[shape]:
        return False
    if shape == "json":
        return declaration_of(exchange.json()) == declared
    if shape == "mermaid":
        lines = exchange.body.decode("utf-8", "replace").splitlines()
        arrows = [line for line in lines if "-->" in line]
        return lines[:1] == ["stateDiagram-v2"] and len(arrows) == len(machine.transitions)
    root = exchange.xml()
    if root is None:
        return False
    if shape == "xml":
        return root.tag == "states" and declaration_of_xml(root) == declared
    labels = sorted(text.text or "" for text in root.iter(f"{{{SVG_NAMESPACE}}}text"))
    edges = ("automatic" if edge.action == AUTO else edge.action for edge in machine.transitions)
    return root.tag == f"{{{SVG_NAMESPACE}}}svg" and labels == sorted([*machine.states, *edges])


# -- instances -------------------------------------------------------------------------------------


@contextlib.contextmanager
def following_new_instances(harness: Harness) -> Iterator[None]:
    """Instances the valid account lists after the block and did not before enter the ledger,
    so a request that should have been refused leaves nothing behind."""
    before = harness.instance_ids()
    try:
        yield
    finally:
        added = [i for i in harness.instance_ids() or () if before is not None and i not in before]
        for instance_id in added:
            harness.follow(instance_id)
