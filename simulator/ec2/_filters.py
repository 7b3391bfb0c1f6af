"""Describe filters and paging, as EC2 does them.

A filter is `Filter.N.Name` with values `Filter.N.Value.M`: an item passes a filter when one of
its values for that name matches one of the filter's values, and passes the request when it
passes every filter. Values may use `*` (any run of characters) and `?` (one character);
a backslash makes the next character literal. `tag:KEY`, `tag-key` and `tag-value` work where
the items have tags.

Paging (`MaxResults`, `NextToken`): the token names the position reached and the key of the
last item returned, so a page resumes right after that item even when earlier items left the
list meanwhile.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from simulator.ec2._errors import RequestError
from simulator.ec2._query import Params

T = TypeVar("T")

Attribute = Callable[[T], Iterable[str]]
"""The values one filter name reads from an item."""

Matcher = Callable[[str], bool]

MAX_FILTERS = 50
MAX_FILTER_VALUES = 200
MAX_FILTER_VALUE_LENGTH = 1024


_STAR = -1
_ONE = -2


def value_matcher(value: str) -> Matcher:
    """A test for one filter value: exact, or with `*` and `?` wildcards.

    Wildcards are matched without regular expressions, in time proportional to the lengths of
    the pattern and the text multiplied, whatever the pattern (no catastrophic backtracking).
    """
    if not any(char in value for char in "*?\\"):
        return value.__eq__
    tokens: list[str | int] = []
    escaped = False
    for char in value:
        if escaped:
            tokens.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "*":
            if not tokens or tokens[-1] != _STAR:
                tokens.append(_STAR)
        else:
            tokens.append(_ONE if char == "?" else char)
    if escaped:
        tokens.append("\\")
    return lambda candidate: _glob(tokens, candidate)


def _glob(tokens: list[str | int], text: str) -> bool:
    """Whether `text` matches `tokens` (characters, `_ONE` and `_STAR`), backtracking to the
    last star only."""
    position = 0
    index = 0
    star = -1
    resume = 0
    while position < len(text):
        token = tokens[index] if index < len(tokens) else None
        if token == _ONE or token == text[position]:
            index += 1
            position += 1
        elif token == _STAR:
            star = index
            resume = position
            index += 1
        elif star >= 0:
            index = star + 1
            resume += 1
            position = resume
        else:
            return False
    while index < len(tokens) and tokens[index] == _STAR:
        index += 1
    return index == len(tokens)


def parse_filters(
    params: Params,
    attributes: Mapping[str, Attribute[T]],
    tags: Callable[[T], Mapping[str, str]] | None = None,
) -> Callable[[T], bool] | None:
    """The predicate of the request's `Filter.N` parameters (None when there are none).

    `attributes` maps each supported filter name to what it reads; `tags` (if given) reads an
    item's tags for the `tag:KEY`, `tag-key` and `tag-value` filters. An unknown filter name or
    a filter without values is `InvalidParameterValue`.
    """
    checks: list[tuple[Attribute[T], list[Matcher]]] = []
    specs = params.structs("Filter")
    if len(specs) > MAX_FILTERS:
        raise RequestError(
            "InvalidParameterValue", f"{len(specs)} filters given; at most {MAX_FILTERS}"
        )
    for spec in specs:
        name = spec.string("Name", required=True)
        assert name is not None
        values = spec.strings("Value")
        if not values:
            raise RequestError("InvalidParameterValue", f"The filter '{name}' needs a value")
        if len(values) > MAX_FILTER_VALUES:
            raise RequestError(
                "InvalidParameterValue",
                f"The filter '{name}' has {len(values)} values; at most {MAX_FILTER_VALUES}",
            )
        if any(len(value) > MAX_FILTER_VALUE_LENGTH for value in values):
            raise RequestError(
                "InvalidParameterValue",
                f"A value of filter '{name}' is longer than {MAX_FILTER_VALUE_LENGTH} characters",
            )
        checks.append((_attribute(name, attributes, tags), [value_matcher(v) for v in values]))
    if not checks:
        return None

    def predicate(item: T) -> bool:
        return all(
            any(matcher(value) for value in attribute(item) for matcher in matchers)
            for attribute, matchers in checks
        )

    return predicate


def _attribute(
    name: str,
    attributes: Mapping[str, Attribute[T]],
    tags: Callable[[T], Mapping[str, str]] | None,
) -> Attribute[T]:
    attribute = attributes.get(name)
    if attribute is not None:
        return attribute
    if tags is not None:
        if name == "tag-key":
            return lambda item: tags(item).keys()
        if name == "tag-value":
            return lambda item: tags(item).values()
        if name.startswith("tag:") and len(name) > 4:
            key = name[4:]
            return lambda item: [tags(item)[key]] if key in tags(item) else []
    raise RequestError("InvalidParameterValue", f"The filter '{name}' is invalid")


def page(
    items: Sequence[T],
    key: Callable[[T], str],
    max_results: int | None,
    token: str | None,
    scope: str,
) -> tuple[list[T], str | None]:
    """One page of `items` and the token of the next (None on the last page).

    Without `max_results` the page runs to the end. `scope` (the action) is written into the
    token, so a token of another action is refused (`InvalidPaginationToken`).
    """
    start = 0 if token is None else _resume(items, key, token, scope)
    if max_results is None:
        return list(items[start:]), None
    end = start + max_results
    chunk = list(items[start:end])
    if end >= len(items):
        return chunk, None
    return chunk, _token(scope, end, key(chunk[-1]))


def _token(scope: str, position: int, last: str) -> str:
    raw = f"{scope}\n{position}\n{last}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _resume(items: Sequence[T], key: Callable[[T], str], token: str, scope: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        token_scope, position_text, last = raw.split("\n")
        position = int(position_text)
        if token_scope != scope or position < 1:
            raise ValueError(token)
    except (ValueError, binascii.Error):
        raise RequestError(
            "InvalidPaginationToken", "The specified pagination token is not valid or is expired."
        ) from None
    if position <= len(items) and key(items[position - 1]) == last:
        return position
    for index, item in enumerate(items):
        if key(item) == last:
            return index + 1
    return min(position, len(items))
