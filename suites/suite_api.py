"""Area ``api``: the REST front in front of the driver (collected only with ``--dctck-via-rest``).

In a via-REST run every other area already calls the driver through the HTTP client adapter; these
checks look at the HTTP itself: statuses, headers, both formats, hrefs, the Basic challenge, the
405 for actions the state machine forbids, and that what the front answers is what the driver,
called directly, gives.
"""

from __future__ import annotations

import contextlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from dctck import (
    AUTO,
    ActionNotAllowed,
    AuthException,
    NotFound,
    ProviderError,
    StateMachine,
    ValidationError,
)
from dctck.kit import (
    COLLECTIONS,
    FILTER_KEYS,
    LOOKUPS,
    CredentialSet,
    Harness,
    Outcome,
    Subject,
    Unmet,
    Violation,
    area,
    describe_value,
    require,
    rule,
    spread,
)
from dctck.rest import basic_authorization

pytestmark = area("api")

JSON = "application/json"
XML = "application/xml"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
#: Each ``?format=`` of ``/api/instance_states`` and the media type it answers.
STATE_FORMATS = {"json": JSON, "xml": XML, "svg": "image/svg+xml", "mermaid": "text/plain"}
#: The name of one member of a collection in documents (JSON key, XML element): the singular.
MEMBERS = LOOKUPS
FILTER_PAIRS = [
    pytest.param(collection, key, id=f"{collection}-{key}")
    for collection, keys in FILTER_KEYS.items()
    for key in keys
]
ABSENT = "dctck-no-such-value"
UNKNOWN_ID = "dctck-no-such-id"
UNKNOWN_IMAGE = "dctck-unknown-image"
UNKNOWN_HWP = "dctck-unknown-hwp"
#: At most this many listed objects have their hrefs followed (spread over the listing).
SAMPLE_SIZE = 6

RULE_ENTRY = "REST: GET /api lists the collections with absolute hrefs that resolve"
RULE_LISTING = "REST: a collection lists what the driver returns"
RULE_FILTERS = "REST: query parameters reach the driver's opts"
RULE_HREFS = "REST: every href is absolute and resolves to the object it names"
RULE_FORMATS = "REST: JSON for application/json, XML for application/xml"
RULE_NOT_ACCEPTABLE = "REST: a type the front cannot produce answers 406"
RULE_CHALLENGE = "REST: AuthException without credentials answers 401 with a Basic challenge"
RULE_REJECTED = "REST: AuthException with credentials answers 401"
RULE_CREATED = "REST: POST /api/instances answers 201 with a Location that resolves"
RULE_ACCEPTED = "REST: an accepted action answers 202 with the instance"
RULE_DESTROYED = "REST: destroy answers 204 with no body, and the instance goes"
RULE_FORBIDDEN = "REST: an action the state machine forbids answers 405 and changes nothing"
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


# -- HTTP, as plain code ---------------------------------------------------------------------------


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
    def media_type(self) -> str:
        return (self.header("Content-Type") or "").partition(";")[0].strip().lower()

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
        shown = f" {self.media_type or 'no Content-Type'} {text!r}" if self.body else " no body"
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
        accept: str = JSON,
        params: Sequence[tuple[str, str]] = (),
        data: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> Exchange:
        """``target`` is a path (``/api/images``) or an absolute URL (an href)."""
        credentials = credentials or self.subject.valid
        url = target if "://" in target else self.url + target
        headers = {"Accept": accept}
        authorization = basic_authorization(credentials.value)
        if authorization is not None:
            headers["Authorization"] = authorization
        shown = url.removeprefix(self.url) + (f"?{urlencode(list(params))}" if params else "")
        notes = [] if credentials is self.subject.valid else [repr(credentials)]
        if accept != JSON:
            notes.append(f"Accept: {accept}")
        body = json_body if json_body is not None else data
        if body is not None:
            notes.append(f"body {body!r:.80}")
        exchange = Exchange(f"{method} {shown}" + "".join(f" {note}" for note in notes))
        try:
            response = self.session.request(
                method,
                url,
                headers=headers,
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


# -- judging answers, as plain code ----------------------------------------------------------------


def status_problems(exchange: Exchange, rule_text: str, *statuses: int) -> list[Violation]:
    """A violation unless the exchange answered one of ``statuses``."""
    if exchange.status in statuses:
        return []
    wanted = " or ".join(str(s) for s in statuses)
    return [Violation(exchange.request, rule_text, exchange.describe(), f"status {wanted}")]


def error_of(exchange: Exchange) -> dict[str, Any]:
    """The ``error`` object of a JSON error document; ``{}`` when the body holds none."""
    document = exchange.json()
    error = document.get("error") if isinstance(document, dict) else None
    return error if isinstance(error, dict) else {}


def error_document_problems(
    exchange: Exchange, rule_text: str, secrets: Sequence[str] = ()
) -> list[Violation]:
    """An error answer carries ``{"error": {"status", "code", "message"}}`` and nothing secret."""
    problems = []
    error = error_of(exchange) if exchange.media_type == JSON else {}
    if not (
        error.get("status") == exchange.status
        and isinstance(error.get("code"), str)
        and isinstance(error.get("message"), str)
    ):
        problems.append(
            Violation(
                exchange.request,
                rule_text,
                exchange.describe(),
                f'a JSON error document {{"error": {{"status": {exchange.status},'
                ' "code": ..., "message": ...}}',
            )
        )
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
    found = document.get(MEMBERS[collection]) if isinstance(document, dict) else None
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


def declaration_of(document: Any) -> list[tuple[Any, dict[Any, Any]]] | None:
    """The ``(state, {destination: action})`` pairs of an ``instance_states`` JSON document."""
    states = document.get("instance_states") if isinstance(document, dict) else None
    if not isinstance(states, list):
        return None
    pairs = []
    for state in states:
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
    """The same pairs from ``<instance_states><state name=..><transition to= action=|auto=/>``."""
    return [
        (
            state.get("name"),
            {
                edge.get("to"): AUTO if edge.get("auto") == "true" else edge.get("action")
                for edge in state.findall("transitions/transition")
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
        return root.tag == "instance_states" and declaration_of_xml(root) == declared
    labels = sorted(text.text or "" for text in root.iter(f"{{{SVG_NAMESPACE}}}text"))
    edges = ("automatic" if edge.action == AUTO else edge.action for edge in machine.transitions)
    return root.tag == f"{{{SVG_NAMESPACE}}}svg" and labels == sorted([*machine.states, *edges])


def challenge_problems(exchange: Exchange, secrets: Sequence[str] = ()) -> list[Violation]:
    """A 401 with ``WWW-Authenticate: Basic realm="..."`` and an error document."""
    challenge = exchange.header("WWW-Authenticate") or ""
    if exchange.status != 401 or not challenge.startswith('Basic realm="'):
        shown = f"{exchange.describe()}, WWW-Authenticate: {challenge or 'none'}"
        wanted = '401 with WWW-Authenticate: Basic realm="..."'
        return [Violation(exchange.request, RULE_CHALLENGE, shown, wanted)]
    return error_document_problems(exchange, RULE_CHALLENGE, secrets)


def format_problems(
    exchange: Exchange, media_type: str, root: str, ids: list[Any] | None
) -> list[Violation]:
    """A 200 in ``media_type`` whose root is ``root``; for a listing, the members ``ids``."""
    wanted = f"200 {media_type} with the {root}" + (f" {ids!r}" if ids is not None else "")
    problem = Violation(exchange.request, RULE_FORMATS, exchange.describe(), wanted)
    if exchange.status != 200 or exchange.media_type != media_type:
        return [problem]
    if media_type == JSON:
        document = exchange.json()
        if not isinstance(document, dict) or list(document) != [root]:
            return [problem]
        found = [m.get("id") for m in members(exchange, root) or []] if ids is not None else None
    else:
        element = exchange.xml()
        if element is None or element.tag != root:
            return [problem]
        found = [m.get("id") for m in element.findall(MEMBERS[root])] if ids is not None else None
    return [problem] if found != ids else []


def driver_error_status(outcome: Outcome) -> int | None:
    """The status a driver's exception answers (``None``: it returned, or raised something else)."""
    return next((status for kind, status in DRIVER_ERROR_STATUS if outcome.raised(kind)), None)


# -- fixtures --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def http(dctck_rest: Any, dctck_subject: Subject) -> Iterator[Http]:
    """Raw HTTP to the REST front."""
    client = Http(dctck_rest.url, dctck_subject)
    yield client
    client.close()


@pytest.fixture(scope="session")
def direct(dctck_rest: Any, dctck_subject: Subject) -> Iterator[Subject]:
    """The served driver itself, called directly, to compare the front's answers with."""
    subject = dctck_subject
    other = subject.other.value if subject.other is not None else None
    served = Subject(dctck_rest.served, subject.valid.value, other, subject.timeout)
    yield served
    served.close()


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


def _direct_list(direct: Subject, collection: str, credentials: Any, opts: Any) -> list[Any]:
    outcome = direct.call(collection, credentials, opts)
    if not outcome.returned or not isinstance(outcome.value, list):
        pytest.skip(f"not applicable: the driver's own {outcome}")
    return [getattr(item, "id", None) for item in outcome.value]


def _secrets(subject: Subject) -> list[str]:
    sets = [subject.valid, subject.other, subject.wrong_password]
    return [str(s.value.get("password")) for s in sets if s is not None and s.value.get("password")]


# -- the entry point and the collections -----------------------------------------------------------


@rule(RULE_ENTRY)
def test_entry_point_lists_the_collections(http: Http) -> None:
    exchange = http("GET", "/api")
    document = exchange.json() if exchange.status == 200 else None
    api = document.get("api") if isinstance(document, dict) else None
    links = api.get("links") if isinstance(api, dict) else None
    if not (isinstance(api, dict) and isinstance(links, list)):
        raise Unmet(
            [Violation(exchange.request, RULE_ENTRY, exchange.describe(), '200 {"api": ...}')]
        )
    problems = [
        Violation(
            exchange.request, RULE_ENTRY, f"gave {key} = {api.get(key)!r}", "a non-empty string"
        )
        for key in ("driver", "version")
        if not isinstance(api.get(key), str) or not api.get(key)
    ]
    hrefs = {link.get("rel"): link.get("href") for link in links if isinstance(link, dict)}
    for name in (*COLLECTIONS, "instance_states"):
        target = hrefs.get(name)
        if not isinstance(target, str) or not target.startswith(http.url + "/api/"):
            problems.append(
                Violation(
                    exchange.request,
                    RULE_ENTRY,
                    f"gave the {name} link {target!r}",
                    f"an absolute href under {http.url}/api/",
                )
            )
            continue
        followed = http("GET", target)
        problems += status_problems(followed, RULE_ENTRY, 200)
    require(problems)


@rule(RULE_LISTING)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_listing_is_what_the_driver_returns(
    http: Http, direct: Subject, dctck_harness: Harness, collection: str
) -> None:
    if collection == "instances":
        dctck_harness.running_instance()
    expected = _direct_list(direct, collection, direct.valid, None)
    exchange = http("GET", f"/api/{collection}")
    require(listing_problems(exchange, collection, expected, RULE_LISTING, "as the driver lists"))


@rule(RULE_FILTERS)
@pytest.mark.parametrize(("collection", "key"), FILTER_PAIRS)
def test_query_parameters_reach_the_driver(
    http: Http, direct: Subject, dctck_harness: Harness, collection: str, key: str
) -> None:
    if collection == "instances":
        dctck_harness.running_instance()
    outcome = direct.call(collection, direct.valid, None)
    items = outcome.value if outcome.returned and isinstance(outcome.value, list) else []
    values = [getattr(i, key, None) for i in items if isinstance(getattr(i, key, None), str)]
    if not values:
        pytest.skip(f"not applicable: no {collection} with a string {key}")
    candidates: list[Any] = [values[0], ABSENT, [values[-1], ABSENT]]
    problems = []
    for value in candidates:
        expected = _direct_list(direct, collection, direct.valid, {key: value})
        pairs = [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
        exchange = http("GET", f"/api/{collection}", params=pairs)
        how = f"as {collection}(opts={{{key!r}: {value!r}}}) gives"
        problems += listing_problems(exchange, collection, expected, RULE_FILTERS, how)
    require(problems)


@rule(RULE_HREFS)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_every_href_resolves(http: Http, dctck_harness: Harness, collection: str) -> None:
    if collection == "instances":
        dctck_harness.running_instance()
    exchange = http("GET", f"/api/{collection}")
    listed = members(exchange, collection)
    if listed is None:
        raise Unmet(
            [Violation(exchange.request, RULE_HREFS, exchange.describe(), "a JSON listing")]
        )
    problems: list[Violation] = []
    for item in spread(listed, SAMPLE_SIZE):
        target = item.get("href")
        if not isinstance(target, str) or not target.startswith(f"{http.url}/api/{collection}/"):
            happened = f"gave {item.get('id')!r} the href {target!r}"
            wanted = f"an absolute href under {http.url}/api/{collection}/"
            problems.append(Violation(exchange.request, RULE_HREFS, happened, wanted))
            continue
        followed = http("GET", target)
        found = member(followed, collection) if followed.status == 200 else None
        same = (
            found == item if collection != "instances" else found and found.get("id") == item["id"]
        )
        if not same:
            wanted = f"200 with the {MEMBERS[collection]} {item.get('id')!r} as listed"
            problems.append(Violation(followed.request, RULE_HREFS, followed.describe(), wanted))
        for reference in (
            ("image", "realm", "hardware_profile") if collection == "instances" else ()
        ):
            link = item.get(reference)
            if isinstance(link, dict) and isinstance(link.get("href"), str):
                problems += status_problems(http("GET", link["href"]), RULE_HREFS, 200)
    require(problems)


@rule(RULE_ERRORS)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_unknown_id_answers_404(http: Http, direct: Subject, collection: str) -> None:
    listed = _direct_list(direct, collection, direct.valid, None)
    unknown = UNKNOWN_ID + "0" * sum(1 for i in listed if str(i).startswith(UNKNOWN_ID))
    exchange = http("GET", f"/api/{collection}/{unknown}")
    require(error_answer_problems(exchange, RULE_ERRORS, 404))


# -- formats ---------------------------------------------------------------------------------------


@rule(RULE_FORMATS)
@pytest.mark.parametrize("media_type", [JSON, XML])
def test_both_formats(http: Http, dctck_harness: Harness, media_type: str) -> None:
    dctck_harness.running_instance()
    problems: list[Violation] = []
    for collection in COLLECTIONS:
        as_json = http("GET", f"/api/{collection}")
        listed = members(as_json, collection)
        ids = [m.get("id") for m in listed] if listed is not None else None
        exchange = http("GET", f"/api/{collection}", accept=media_type)
        problems += format_problems(exchange, media_type, collection, ids)
        if media_type == XML:
            by_parameter = http(
                "GET", f"/api/{collection}", accept="*/*", params=[("format", "xml")]
            )
            problems += format_problems(by_parameter, XML, collection, ids)
    for path, root in (("/api", "api"), ("/api/instance_states", "instance_states")):
        exchange = http("GET", path, accept=media_type)
        problems += format_problems(exchange, media_type, root, None)
    require(problems)


@rule(RULE_NOT_ACCEPTABLE)
def test_unacceptable_type_answers_406(http: Http) -> None:
    problems: list[Violation] = []
    for exchange in (
        http("GET", "/api/images", accept="text/csv"),
        http("GET", "/api/images", params=[("format", "yaml")]),
        http("GET", "/api/instance_states", accept="application/pdf"),
    ):
        problems += error_answer_problems(exchange, RULE_NOT_ACCEPTABLE, 406)
    require(problems)


# -- credentials -----------------------------------------------------------------------------------


@rule(RULE_CHALLENGE)
@pytest.mark.parametrize("target", [*COLLECTIONS, "create", "reboot"])
def test_missing_credentials_get_the_basic_challenge(
    http: Http, direct: Subject, dctck_harness: Harness, target: str
) -> None:
    subject = dctck_harness.subject
    if target in COLLECTIONS:
        outcome = direct.call(target, direct.no_credentials, None)
        if outcome.returned:  # a public catalogue
            expected = _direct_list(direct, target, direct.no_credentials, None)
            exchange = http("GET", f"/api/{target}", credentials=subject.no_credentials)
            require(listing_problems(exchange, target, expected, RULE_CHALLENGE, "as for {}"))
            return
        if not outcome.raised(AuthException):
            pytest.skip(f"not applicable: the driver's own {outcome}")
        exchange = http("GET", f"/api/{target}", credentials=subject.no_credentials)
    elif target == "create":
        image_id = dctck_harness.default_image_id()
        with following_new_instances(dctck_harness):
            exchange = http(
                "POST",
                "/api/instances",
                credentials=subject.no_credentials,
                data={"image_id": image_id},
            )
    else:
        watch = dctck_harness.running_instance()
        path = f"/api/instances/{watch.id}/reboot"
        exchange = http("POST", path, credentials=subject.no_credentials)
    require(challenge_problems(exchange, _secrets(subject)))


@rule(RULE_REJECTED)
@pytest.mark.parametrize("kind", ["wrong_password", "unknown_name"])
def test_rejected_credentials_answer_401(
    http: Http, direct: Subject, dctck_harness: Harness, kind: str
) -> None:
    credentials: CredentialSet = getattr(dctck_harness.subject, kind)
    secrets = _secrets(dctck_harness.subject)
    problems: list[Violation] = []
    for collection in COLLECTIONS:
        outcome = direct.call(collection, getattr(direct, kind), None)
        exchange = http("GET", f"/api/{collection}", credentials=credentials)
        if outcome.raised(AuthException):
            problems += error_answer_problems(exchange, RULE_REJECTED, 401, secrets)
        elif outcome.returned and isinstance(outcome.value, list):
            ids = [getattr(i, "id", None) for i in outcome.value]
            problems += listing_problems(exchange, collection, ids, RULE_REJECTED, "as public")
    require(problems)


# -- instances -------------------------------------------------------------------------------------


@rule(RULE_CREATED)
@pytest.mark.parametrize("body", ["form", "json"])
def test_create_answers_201_with_a_location(http: Http, dctck_harness: Harness, body: str) -> None:
    image_id = dctck_harness.default_image_id()
    params = {"image_id": image_id}
    exchange = (
        http("POST", "/api/instances", data=params)
        if body == "form"
        else http("POST", "/api/instances", json_body=params)
    )
    created = member(exchange, "instances")
    if created is not None and isinstance(created.get("id"), str):
        dctck_harness.follow(created["id"])
    wanted = f"201 with the new instance and Location: {http.url}/api/instances/<its id>"
    if exchange.status != 201 or created is None or not isinstance(created.get("id"), str):
        raise Unmet([Violation(exchange.request, RULE_CREATED, exchange.describe(), wanted)])
    location = exchange.header("Location")
    if location != created.get("href") or not str(location).startswith(f"{http.url}/api/"):
        happened = f"answered 201 with Location: {location}"
        raise Unmet([Violation(exchange.request, RULE_CREATED, happened, wanted)])
    followed = http("GET", str(location))
    found = member(followed, "instances") if followed.status == 200 else None
    if found is None or found.get("id") != created["id"]:
        wanted = f"200 with instance {created['id']!r}"
        require([Violation(followed.request, RULE_CREATED, followed.describe(), wanted)])


@rule(RULE_ACCEPTED)
@pytest.mark.parametrize("action", ["reboot", "stop", "start"])
def test_accepted_action_answers_202(http: Http, dctck_harness: Harness, action: str) -> None:
    watch = dctck_harness.instance_ready_for(action)
    exchange = http("POST", f"/api/instances/{watch.id}/{action}")
    found = member(exchange, "instances") if exchange.status == 202 else None
    if found is None or found.get("id") != watch.id:
        wanted = f"202 with instance {watch.id!r}"
        require([Violation(exchange.request, RULE_ACCEPTED, exchange.describe(), wanted)])


@rule(RULE_DESTROYED)
@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_destroy_answers_204(http: Http, dctck_harness: Harness, method: str) -> None:
    watch = dctck_harness.running_instance()
    path = f"/api/instances/{watch.id}" + ("/destroy" if method == "POST" else "")
    exchange = http(method, path)
    if exchange.status != 204 or exchange.body:
        require(
            [Violation(exchange.request, RULE_DESTROYED, exchange.describe(), "204 with no body")]
        )
    if not watch.wait_gone():
        happened = f"answered 204, but instance {watch.id!r} is still {watch.state.upper()}"
        wanted = f"it gone within {dctck_harness.subject.timeout:g} s"
        require([Violation(exchange.request, RULE_DESTROYED, happened, wanted)])


@rule(RULE_FORBIDDEN)
@pytest.mark.parametrize("action", ["reboot", "stop", "start", "destroy"])
def test_forbidden_action_answers_405(
    http: Http, direct: Subject, dctck_harness: Harness, action: str
) -> None:
    machine = dctck_harness.subject.machine
    if machine.problems:
        pytest.skip("not applicable: the declared machine is malformed")
    stable = [s for s in machine.stable_states() if machine.forbids(s, action)]
    if not stable:
        pytest.skip(f"not applicable: no stable state forbids {action}")
    watch = dctck_harness.instance_where(
        lambda state: machine.forbids(state, action), f"forbidding {action}"
    )
    before = watch.state
    exchange = http("POST", f"/api/instances/{watch.id}/{action}")
    problems: list[Violation] = []
    if exchange.status != 405 or error_of(exchange).get("code") != "action_not_allowed":
        wanted = f"405 action_not_allowed: the machine forbids {action} from {before.upper()}"
        problems.append(Violation(exchange.request, RULE_FORBIDDEN, exchange.describe(), wanted))
    after = direct.call("instances", direct.valid, {"id": watch.id})
    states = [getattr(i, "state", None) for i in after.value or []] if after.returned else None
    if states != [before.upper()]:
        happened = f"left instance {watch.id!r} as {states!r} ({after.call})"
        problems.append(
            Violation(exchange.request, RULE_FORBIDDEN, happened, f"[{before.upper()!r}]")
        )
    require(problems)


@rule(RULE_ERRORS)
@pytest.mark.parametrize(
    "case",
    [
        "unknown_instance_action",
        "unknown_image",
        "unknown_hwp_id",
        "missing_image_id",
        "non_string_parameter",
    ],
)
def test_errors_answer_documented_statuses(
    http: Http, direct: Subject, dctck_harness: Harness, case: str
) -> None:
    subject = dctck_harness.subject
    with following_new_instances(dctck_harness):
        exchange, status, parameter = _error_case(http, direct, dctck_harness, case)
    require(status_problems(exchange, RULE_ERRORS, status))
    problems = error_document_problems(exchange, RULE_ERRORS, _secrets(subject))
    named = error_of(exchange).get("parameter")
    if parameter is not None and named != parameter:
        happened = f"answered {status} naming parameter {named!r}"
        wanted = f"the error naming parameter {parameter!r}"
        problems.append(Violation(exchange.request, RULE_ERRORS, happened, wanted))
    require(problems)


def _error_case(
    http: Http, direct: Subject, harness: Harness, case: str
) -> tuple[Exchange, int, str | None]:
    """The request of ``case``, the status it must answer, and the parameter it must name."""
    if case == "missing_image_id":
        return http("POST", "/api/instances", data={"name": "x"}), 400, "image_id"
    image_id = harness.default_image_id()
    if case == "non_string_parameter":
        body = {"image_id": image_id, "hwp_id": 5}
        return http("POST", "/api/instances", json_body=body), 400, "hwp_id"
    if case == "unknown_instance_action":
        outcome = direct.call("reboot_instance", direct.valid, UNKNOWN_ID)
        target, form = f"/api/instances/{UNKNOWN_ID}/reboot", None
    else:
        opts = {"hwp_id": UNKNOWN_HWP} if case == "unknown_hwp_id" else None
        chosen = UNKNOWN_IMAGE if case == "unknown_image" else image_id
        outcome = direct.call("create_instance", direct.valid, chosen, opts)
        target, form = "/api/instances", {"image_id": chosen, **(opts or {})}
    status = driver_error_status(outcome)
    if status is None:
        pytest.skip(f"not applicable: the driver's own {outcome}")
    return http("POST", target, data=form), status, None


# -- the state machine and the rest ---------------------------------------------------------------


@rule(RULE_STATES)
@pytest.mark.parametrize("shape", list(STATE_FORMATS))
def test_instance_states_show_the_machine(http: Http, direct: Subject, shape: str) -> None:
    outcome = direct.call("instance_states")
    declared = declared_pairs(outcome.value) if outcome.returned else None
    if declared is None:
        pytest.skip(f"not applicable: the driver's own {outcome}")
    exchange = http("GET", "/api/instance_states", params=[("format", shape)], accept="*/*")
    if not shows_machine(exchange, shape, declared, direct.machine):
        wanted = f"200 {STATE_FORMATS[shape]} showing {declared!r}"
        require([Violation(exchange.request, RULE_STATES, exchange.describe(), wanted)])


@rule(RULE_UNKNOWN)
@pytest.mark.parametrize("request_kind", ["unknown_resource", "wrong_method"])
def test_unknown_resources_and_wrong_methods(http: Http, request_kind: str) -> None:
    problems: list[Violation] = []
    if request_kind == "unknown_resource":
        for path in ("/api/dctck_no_such_collection", "/api/images/x/y/z", "/"):
            problems += error_answer_problems(http("GET", path), RULE_UNKNOWN, 404)
    else:
        for method, path, allow in (
            ("PUT", "/api/images", "GET, HEAD"),
            ("DELETE", "/api", "GET, HEAD"),
            ("PATCH", "/api/instances", "GET, HEAD, POST"),
        ):
            exchange = http(method, path)
            if exchange.status != 405 or exchange.header("Allow") != allow:
                shown = f"{exchange.describe()}, Allow: {exchange.header('Allow')}"
                problems.append(
                    Violation(exchange.request, RULE_UNKNOWN, shown, f"405 with Allow: {allow}")
                )
    require(problems)
