"""Area ``api``: the REST front in front of the driver (collected only with ``--dctck-via-rest``).

In a via-REST run every other area already calls the driver through the HTTP client adapter; these
checks look at the HTTP itself, as Deltacloud's own clients read it (``DELTACLOUD_API.md``): the
entry point and its features, headers, ETags, ``force_auth``, the three formats, Deltacloud's
element shapes, hrefs, the Basic challenge, statuses, the 405 for actions the instance does not
offer, and that what the front answers is what the driver, called directly, gives. The
judgements are ``dctck.kit``'s (``_rest``); this module only asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dctck.kit import (
    COLLECTIONS,
    FILTER_KEYS,
    HTML,
    JSON,
    LOOKUPS,
    RULE_ACCEPTED,
    RULE_CHALLENGE,
    RULE_CREATED,
    RULE_DESTROYED,
    RULE_DRIVERS,
    RULE_ENTRY,
    RULE_ERRORS,
    RULE_ETAG,
    RULE_FEATURES,
    RULE_FILTERS,
    RULE_FORBIDDEN,
    RULE_FORCE_AUTH,
    RULE_FORMATS,
    RULE_HEADERS,
    RULE_HREFS,
    RULE_LISTING,
    RULE_NOT_ACCEPTABLE,
    RULE_REJECTED,
    RULE_SHAPES,
    RULE_STATES,
    RULE_UNKNOWN,
    STATE_FORMATS,
    XML,
    CredentialSet,
    Exchange,
    Harness,
    Http,
    Subject,
    Unmet,
    Violation,
    area,
    challenge_problems,
    declared_pairs,
    driver_error_status,
    entry_links,
    error_answer_problems,
    error_document_problems,
    error_kind,
    etag_problems,
    feature_problems,
    following_new_instances,
    format_problems,
    header_problems,
    listing_problems,
    member,
    members,
    require,
    rule,
    shape_problems,
    shows_machine,
    spread,
    status_problems,
)

pytestmark = area("api")

__all__ = [
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
    "RULE_PROVIDERS",
    "RULE_REJECTED",
    "RULE_SHAPES",
    "RULE_STATES",
    "RULE_UNKNOWN",
]

RULE_PROVIDERS = (
    "REST: every provider /api/drivers/{id} lists is served: the entry point echoes it and its"
    " realms answer"
)

FILTER_PAIRS = [
    pytest.param(collection, key, id=f"{collection}-{key}")
    for collection, keys in FILTER_KEYS.items()
    for key in keys
]
#: Every collection the entry point must link (clients skip what they do not know).
LINKED = (*COLLECTIONS, "instance_states", "drivers")
ABSENT = "dctck-no-such-value"
UNKNOWN_ID = "dctck-no-such-id"
UNKNOWN_IMAGE = "dctck-unknown-image"
UNKNOWN_HWP = "dctck-unknown-hwp"
UNKNOWN_DRIVER = "dctck-no-such-driver"
#: At most this many providers other than the served one are asked for.
PROVIDERS_ASKED = 3
#: At most this many listed objects have their hrefs followed (spread over the listing).
SAMPLE_SIZE = 6


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


@pytest.fixture(scope="session")
def entry(http: Http) -> dict[str, Any]:
    """The JSON entry point's ``api`` object (version, driver, links), or the check fails."""
    exchange = http("GET", "/api")
    document = exchange.json() if exchange.status == 200 else None
    api = document.get("api") if isinstance(document, dict) else None
    if not isinstance(api, dict):
        raise Unmet(
            [Violation(exchange.request, RULE_ENTRY, exchange.describe(), '200 {"api": ...}')]
        )
    return api


def _direct_list(direct: Subject, collection: str, credentials: Any, opts: Any) -> list[Any]:
    outcome = direct.call(collection, credentials, opts)
    if not outcome.returned or not isinstance(outcome.value, list):
        pytest.skip(f"not applicable: the driver's own {outcome}")
    return [getattr(item, "id", None) for item in outcome.value]


def _secrets(subject: Subject) -> list[str]:
    sets = [subject.valid, subject.other, subject.wrong_password]
    return [str(s.value.get("password")) for s in sets if s is not None and s.value.get("password")]


# -- the entry point, headers, drivers -------------------------------------------------------------


@rule(RULE_ENTRY)
@pytest.mark.parametrize("media_type", [XML, JSON])
def test_entry_point_links_every_collection(http: Http, media_type: str) -> None:
    exchange = http("GET", "/api", accept=media_type)
    if media_type == XML:
        links = entry_links(exchange)
        hrefs = {rel: link.get("href") for rel, link in (links or {}).items()}
        root = exchange.xml()
        attributes = dict(root.attrib) if links is not None and root is not None else {}
    else:
        document = exchange.json() if exchange.status == 200 else None
        api = document.get("api") if isinstance(document, dict) else None
        listed = api.get("links") if isinstance(api, dict) else None
        links = {} if isinstance(listed, list) else None
        hrefs = {str(k.get("rel")): k.get("href") for k in listed or [] if isinstance(k, dict)}
        attributes = api if isinstance(api, dict) else {}
    if links is None:
        wanted = "200 <api> with <link> children" if media_type == XML else '200 {"api": ...}'
        raise Unmet([Violation(exchange.request, RULE_ENTRY, exchange.describe(), wanted)])
    problems = [
        Violation(exchange.request, RULE_ENTRY, f"gave {key} = {attributes.get(key)!r}", "a name")
        for key in ("driver", "version")
        if not isinstance(attributes.get(key), str) or not attributes.get(key)
    ]
    for name in LINKED:
        target = hrefs.get(name)
        if not isinstance(target, str) or not target.startswith(http.url + "/api/"):
            happened = f"gave the {name} link {target!r}"
            if media_type == XML and not hrefs:
                happened = "gave no //api/link"
            wanted = f"an absolute href under {http.url}/api/"
            problems.append(Violation(exchange.request, RULE_ENTRY, happened, wanted))
            continue
        problems += status_problems(http("GET", target), RULE_ENTRY, 200)
    require(problems)


@rule(RULE_FEATURES)
def test_entry_point_advertises_the_drivers_features(http: Http, direct: Subject) -> None:
    outcome = direct.call("features")
    declared = outcome.value if outcome.returned else {}
    if outcome.error is not None and not isinstance(outcome.error, AttributeError):
        pytest.skip(f"not applicable: the driver's own {outcome}")
    as_xml, as_json = http("GET", "/api", accept=XML), http("GET", "/api", accept=JSON)
    require(feature_problems(as_xml, as_json, declared or {}))


@rule(RULE_FORCE_AUTH)
@pytest.mark.parametrize("kind", ["no_credentials", "wrong_password", "valid"])
def test_force_auth_checks_the_credentials(
    http: Http, dctck_harness: Harness, direct: Subject, kind: str
) -> None:
    subject = dctck_harness.subject
    credentials: CredentialSet = getattr(subject, kind)
    plain = http("GET", "/api", credentials=credentials)
    forced = http("GET", "/api", credentials=credentials, params=[("force_auth", "1")])
    problems = status_problems(plain, RULE_FORCE_AUTH, 200)
    if kind == "valid":
        problems += status_problems(forced, RULE_FORCE_AUTH, 200)
    elif kind == "no_credentials":
        problems += challenge_problems(forced, _secrets(subject))
    else:
        if not direct.call("instances", direct.wrong_password, None).raised(Exception):
            pytest.skip("not applicable: the driver accepts this wrong password")
        problems += error_answer_problems(forced, RULE_FORCE_AUTH, 401, _secrets(subject))
    require(problems)


@rule(RULE_HEADERS)
def test_every_answer_names_the_server_and_the_driver(
    http: Http, entry: dict[str, Any], dctck_harness: Harness
) -> None:
    version, driver = str(entry.get("version")), str(entry.get("driver"))
    watch = dctck_harness.running_instance()
    exchanges = [
        http("GET", "/api", accept=XML),
        http("GET", "/api/images"),
        http("GET", f"/api/instances/{watch.id}", accept=HTML),
        http("GET", f"/api/images/{UNKNOWN_ID}"),
        http("GET", "/api/images", credentials=dctck_harness.subject.wrong_password),
    ]
    require(p for exchange in exchanges for p in header_problems(exchange, version, driver))


@rule(RULE_ETAG)
@pytest.mark.parametrize("path", ["/api", "/api/hardware_profiles", "/api/instance_states"])
def test_a_200_has_an_etag_and_if_none_match_answers_304(http: Http, path: str) -> None:
    first = http("GET", path, accept=XML)
    etag = first.header("ETag") or '"dctck-no-etag"'
    again = http("GET", path, accept=XML, headers={"If-None-Match": etag})
    require(status_problems(first, RULE_ETAG, 200) or etag_problems(first, again))


@rule(RULE_DRIVERS)
def test_drivers_lists_the_driver_and_refuses_an_unknown_one(
    http: Http, entry: dict[str, Any]
) -> None:
    driver = entry.get("driver")
    listing = http("GET", "/api/drivers")
    ids = [d.get("id") for d in members(listing, "drivers") or []]
    problems: list[Violation] = []
    if listing.status != 200 or driver not in ids:
        wanted = f'200 {{"drivers": [...]}} with {driver!r}'
        problems.append(Violation(listing.request, RULE_DRIVERS, listing.describe(), wanted))
    one = http("GET", f"/api/drivers/{driver}")
    found = one.json().get("driver") if isinstance(one.json(), dict) else None
    if one.status != 200 or not isinstance(found, dict) or found.get("id") != driver:
        wanted = f'200 {{"driver": {{"id": {driver!r}, ...}}}}'
        problems.append(Violation(one.request, RULE_DRIVERS, one.describe(), wanted))
    unknown = http("GET", "/api", headers={"X-Deltacloud-Driver": UNKNOWN_DRIVER})
    problems += error_answer_problems(unknown, RULE_DRIVERS, 400)
    require(problems)


@rule(RULE_PROVIDERS)
def test_every_listed_provider_is_served(http: Http, entry: dict[str, Any]) -> None:
    driver, own = entry.get("driver"), entry.get("provider")
    shown = http("GET", f"/api/drivers/{driver}")
    document = shown.json() if shown.status == 200 else None
    found = document.get("driver") if isinstance(document, dict) else None
    listed = found.get("providers") if isinstance(found, dict) else None
    providers = [
        p["id"]
        for p in (listed if isinstance(listed, list) else [])
        if isinstance(p, dict) and isinstance(p.get("id"), str) and p["id"] != own
    ]
    if not providers:
        pytest.skip("not applicable: the driver lists no provider but the one it serves")
    problems: list[Violation] = []
    for provider in spread(providers, PROVIDERS_ASKED):
        asked = {"X-Deltacloud-Provider": provider}
        api = http("GET", "/api", headers=asked)
        document = api.json() if api.status == 200 else None
        echoed = document.get("api") if isinstance(document, dict) else None
        if not isinstance(echoed, dict) or echoed.get("provider") != provider:
            wanted = f'200 {{"api": {{"provider": {provider!r}, ...}}}}'
            problems.append(Violation(api.request, RULE_PROVIDERS, api.describe(), wanted))
            continue
        problems += status_problems(http("GET", "/api/realms", headers=asked), RULE_PROVIDERS, 200)
    require(problems)


# -- collections -----------------------------------------------------------------------------------


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
            wanted = f"200 with the {LOOKUPS[collection]} {item.get('id')!r} as listed"
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


# -- formats and shapes ----------------------------------------------------------------------------


@rule(RULE_FORMATS)
@pytest.mark.parametrize(
    "accept",
    [XML, JSON, None, "*/*; q=0.5, application/xml", "text/xml", HTML],
    ids=["xml", "json", "no_accept", "xml_by_q", "text_xml", "html"],
)
def test_each_format_as_asked(http: Http, dctck_harness: Harness, accept: str | None) -> None:
    dctck_harness.running_instance()
    media_type = {JSON: JSON, HTML: HTML}.get(accept or "", XML)
    problems: list[Violation] = []
    for collection in COLLECTIONS:
        listed = members(http("GET", f"/api/{collection}"), collection)
        ids = [m.get("id") for m in listed] if listed is not None and media_type != HTML else None
        exchange = http("GET", f"/api/{collection}", accept=accept)
        problems += format_problems(exchange, media_type, collection, ids)
    for path, root in (("/api", "api"), ("/api/instance_states", "states")):
        problems += format_problems(http("GET", path, accept=accept), media_type, root, None)
    require(problems)


@rule(RULE_SHAPES)
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_members_have_deltacloud_shapes(
    http: Http, dctck_harness: Harness, collection: str
) -> None:
    if collection == "instances":
        dctck_harness.running_instance()
    require(shape_problems(http("GET", f"/api/{collection}", accept=XML), collection))


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
        if not outcome.raised(Exception):
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
        if outcome.returned and isinstance(outcome.value, list):
            ids = [getattr(i, "id", None) for i in outcome.value]
            problems += listing_problems(exchange, collection, ids, RULE_REJECTED, "as public")
        elif outcome.raised(Exception) and driver_error_status(outcome) == 401:
            problems += error_answer_problems(exchange, RULE_REJECTED, 401, secrets)
    require(problems)


# -- instances -------------------------------------------------------------------------------------


@rule(RULE_CREATED)
@pytest.mark.parametrize("body", ["form", "json", "query_xml"])
def test_create_answers_201_with_a_location(http: Http, dctck_harness: Harness, body: str) -> None:
    image_id = dctck_harness.default_image_id()
    params = {"image_id": image_id}
    if body == "form":
        exchange = http("POST", "/api/instances", data=params)
    elif body == "json":
        exchange = http("POST", "/api/instances", json_body=params)
    else:  # as Deltacloud's Python client: parameters in the query
        exchange = http("POST", "/api/instances", params=list(params.items()), accept=XML)
    created = member(exchange, "instances")
    root = exchange.xml() if body == "query_xml" else None
    if root is not None and root.tag == "instance":
        created = {"id": root.get("id"), "href": root.get("href")}
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
@pytest.mark.parametrize("media_type", [JSON, XML])
def test_accepted_action_answers_202(
    http: Http, dctck_harness: Harness, action: str, media_type: str
) -> None:
    watch = dctck_harness.instance_ready_for(action)
    exchange = http("POST", f"/api/instances/{watch.id}/{action}", accept=media_type)
    if media_type == JSON:
        document = exchange.json()
        found = document.get("id") if isinstance(document, dict) else None
        wanted = f'202 with the instance object itself {{"id": {watch.id!r}, ...}}'
    else:
        root = exchange.xml()
        found = root.get("id") if root is not None and root.tag == "instance" else None
        wanted = f'202 with <instance id="{watch.id}">'
    if exchange.status != 202 or found != watch.id:
        require([Violation(exchange.request, RULE_ACCEPTED, exchange.describe(), wanted)])


@rule(RULE_DESTROYED)
@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_destroy_answers_204(http: Http, dctck_harness: Harness, method: str) -> None:
    machine = dctck_harness.subject.machine
    watch = dctck_harness.instance_where(
        lambda state: machine.directly_allows(state, "destroy"), "allowing destroy"
    )
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
def test_action_not_offered_answers_405(
    http: Http, direct: Subject, dctck_harness: Harness, action: str
) -> None:
    machine = dctck_harness.subject.machine
    if machine.problems:
        pytest.skip("not applicable: the declared machine is malformed")
    if not [s for s in machine.stable_states() if action not in machine.actions_from(s)]:
        pytest.skip(f"not applicable: every stable state offers {action}")
    watch = dctck_harness.instance_where(
        lambda state: action not in machine.actions_from(state), f"not offering {action}"
    )
    before = watch.state
    shown = member(http("GET", f"/api/instances/{watch.id}"), "instances") or {}
    offered = [a.get("rel") for a in shown.get("actions", []) if isinstance(a, dict)]
    if action in offered:
        pytest.skip(f"not applicable: the instance offers {action} in {before.upper()}")
    if action == "destroy":
        exchange = http("DELETE", f"/api/instances/{watch.id}")
    else:
        exchange = http("POST", f"/api/instances/{watch.id}/{action}")
    problems: list[Violation] = []
    if exchange.status != 405 or error_kind(exchange) != "action_not_allowed":
        wanted = f"405 action_not_allowed: {before.upper()} offers only {offered}"
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
@pytest.mark.parametrize("media_type", [JSON, XML])
def test_errors_answer_documented_statuses(
    http: Http, direct: Subject, dctck_harness: Harness, case: str, media_type: str
) -> None:
    subject = dctck_harness.subject
    with following_new_instances(dctck_harness):
        exchange, status = _error_case(http, direct, dctck_harness, case, media_type)
    require(status_problems(exchange, RULE_ERRORS, status))
    require(error_document_problems(exchange, RULE_ERRORS, _secrets(subject)))


def _error_case(
    http: Http, direct: Subject, harness: Harness, case: str, accept: str
) -> tuple[Exchange, int]:
    """The request of ``case`` and the status it must answer."""
    if case == "missing_image_id":
        return http("POST", "/api/instances", data={"name": "x"}, accept=accept), 400
    image_id = harness.default_image_id()
    if case == "non_string_parameter":
        body = {"image_id": image_id, "hwp_id": 5}
        return http("POST", "/api/instances", json_body=body, accept=accept), 400
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
    return http("POST", target, data=form, accept=accept), status


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
