"""The Query protocol's input: form-encoded pairs holding flattened lists and structures.

A list is `Name.1`, `Name.2`, ...; a list of structures is `Name.1.Member`, ... (`Filter.1.Name`,
`Filter.1.Value.1`). Indexes may start at 0 as well as at 1, as EC2 accepts (Apache Libcloud
sends `ResourceId.0`, `Tag.0.Key`); members are taken in index order. `Params` reads parameters
by name and remembers which it read, so that `finish()` can refuse the request when a parameter
was not understood, before anything changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl

from simulator.ec2._errors import RequestError, invalid, missing
from simulator.ec2._xml import is_xml_text

MAX_FIELDS = 5000
"""The most parameters one request may carry."""

_INDEX = re.compile(r"0|[1-9][0-9]{0,4}")
_INTEGER = re.compile(r"-?[0-9]{1,10}")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_INT32 = (-(2**31), 2**31 - 1)


def decode_pairs(raw: bytes | str) -> list[tuple[str, str]]:
    """The (name, value) pairs of a form-encoded query string or body.

    Raises `MalformedQueryString` for non-ASCII bytes, a bad percent-escape, invalid UTF-8
    behind the escapes, or a field without `=`.
    """
    if isinstance(raw, bytes):
        raw = raw.decode("latin-1")  # WSGI's reading of bytes, as for QUERY_STRING
    if not raw.isascii():
        raise _malformed("it holds bytes that are not ASCII")
    if not raw:
        return []
    if _BAD_PERCENT.search(raw):
        raise _malformed("it holds a '%' that does not start a percent-escape")
    try:
        return parse_qsl(
            raw,
            keep_blank_values=True,
            strict_parsing=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise _malformed("a percent-escaped value is not UTF-8") from None
    except ValueError as exc:
        raise _malformed(str(exc)) from None


def _malformed(why: str) -> RequestError:
    return RequestError("MalformedQueryString", f"The query string is malformed: {why}")


class Params:
    """The parameters of one request (or of one structure in it), read by name.

    Each getter marks what it read; `finish()` raises `UnknownParameter` for anything left.
    """

    def __init__(self, values: dict[str, str], prefix: str = "") -> None:
        self._values = values
        self._prefix = prefix
        self._unread = set(values)
        self._children: list[Params] = []

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> Params:
        """Parameters from decoded pairs; a name given twice or text XML cannot carry is refused."""
        values: dict[str, str] = {}
        for name, value in pairs:
            if name in values:
                raise RequestError(
                    "InvalidQueryParameter", f"The parameter {name} appears more than once"
                )
            if not is_xml_text(value):
                raise RequestError(
                    "InvalidParameterValue",
                    f"The value of parameter {name} holds characters that are not allowed",
                )
            values[name] = value
        return cls(values)

    def _name(self, key: str) -> str:
        return self._prefix + key

    def string(self, key: str, *, required: bool = False) -> str | None:
        """The value of `key`; None when absent (`MissingParameter` if `required`)."""
        value = self._values.get(key)
        if value is None:
            if required:
                raise missing(self._name(key))
            return None
        self._unread.discard(key)
        return value

    def either(self, first: str, second: str) -> tuple[str | None, str | None]:
        """The values of `first` and `second`, exactly one of which must be given."""
        one, other = self.string(first), self.string(second)
        if one is None and other is None:
            raise RequestError(
                "MissingParameter", f"The request must contain the parameter {first} or {second}"
            )
        if one is not None and other is not None:
            raise RequestError("InvalidParameterCombination", f"Give {first} or {second}, not both")
        return one, other

    def integer(
        self,
        key: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        """The value of `key` as a 32-bit integer within [minimum, maximum]."""
        value = self.string(key, required=required)
        if value is None:
            return None
        if not _INTEGER.fullmatch(value) or not _INT32[0] <= int(value) <= _INT32[1]:
            raise invalid(self._name(key), value, "Expected an integer")
        number = int(value)
        if minimum is not None and number < minimum:
            raise invalid(self._name(key), value, f"It must be at least {minimum}")
        if maximum is not None and number > maximum:
            raise invalid(self._name(key), value, f"It must be at most {maximum}")
        return number

    def boolean(self, key: str) -> bool | None:
        """The value of `key` as `true` or `false` (any case)."""
        value = self.string(key)
        if value is None:
            return None
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise invalid(self._name(key), value, "Expected true or false")
        return lowered == "true"

    def strings(self, key: str, *, required: bool = False) -> list[str]:
        """The list `key.1`, `key.2`, ... (or from `key.0`) in index order; if `required`, not
        empty."""
        found: list[tuple[int, str]] = []
        start = key + "."
        for name, value in self._values.items():
            if name.startswith(start) and _INDEX.fullmatch(name[len(start) :]):
                found.append((int(name[len(start) :]), value))
                self._unread.discard(name)
        if not found and required:
            raise missing(self._name(key))
        return [value for _, value in sorted(found)]

    def structs(self, key: str) -> list[Params]:
        """The structures `key.N.*`, in index order, each read through its own `Params`."""
        groups: dict[int, dict[str, str]] = {}
        start = key + "."
        for name, value in self._values.items():
            if not name.startswith(start):
                continue
            index, dot, member = name[len(start) :].partition(".")
            if dot and member and _INDEX.fullmatch(index):
                groups.setdefault(int(index), {})[member] = value
                self._unread.discard(name)
        children = [
            Params(groups[index], f"{self._prefix}{key}.{index}.") for index in sorted(groups)
        ]
        self._children.extend(children)
        return children

    def ignore(self, *keys: str) -> None:
        """Accept the parameters `keys` (and their members `key.*`) without using them."""
        for name in list(self._unread):
            head = name.split(".", 1)[0]
            if head in keys:
                self._unread.discard(name)

    def finish(self) -> None:
        """Raise `UnknownParameter` if any parameter was not read."""
        for child in self._children:
            child.finish()
        if self._unread:
            name = self._name(min(self._unread))
            raise RequestError("UnknownParameter", f"The parameter {name} is not recognized")
