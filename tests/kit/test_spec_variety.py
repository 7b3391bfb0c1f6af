"""Legal variety as a method: every alternative SPEC.md allows has a legal driver in the bank.

The rule that finds the alternatives, deterministic and documented here:

1. SPEC.md (``../shared/SPEC.md`` beside the repository) is read without its fenced code blocks,
   section by section (``## N.`` headings).
2. A *unit* is a table row (header and rule rows left out), a bullet with its continuation lines,
   or a paragraph. A unit is cut into *sentences* after ``.``, ``;``, ``?`` or ``!`` followed by a
   space and an upper-case letter, a backtick or ``(`` (``e.g.`` and ``i.e.`` end nothing).
3. A sentence *offers an alternative* when it has one of the words or phrases of
   :data:`ALTERNATIVE` ("or", "may", "when given", "where known", "optional", "whether", ...).

Each such sentence is claimed by a legal driver of the bank (its ``SPEC`` attribute: the section
number and words of the sentence, verbatim), or listed in :data:`NOT_A_DRIVER_CHOICE` with the
reason its "or" is no choice a driver makes (a description, a caller's choice, a prohibition).
Claims and reasons that no longer match a sentence fail too: they go stale when SPEC.md moves.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.kit.bank import all_cases

ROOT = Path(__file__).resolve().parents[2]
SPEC_CANDIDATES = (ROOT.parent / "shared" / "SPEC.md", ROOT / "shared" / "SPEC.md")

#: Words and phrases that make a sentence offer an alternative (whole words, any case).
ALTERNATIVE = re.compile(
    r"\b(or|may|optional|optionally|whether|either|when given|where known|when it has|"
    r"both ways|only for)\b",
    re.IGNORECASE,
)

#: Sentences whose alternative is no choice of the driver's, each with the reason.
NOT_A_DRIVER_CHOICE: dict[str, str] = {
    "1: credentials missing or invalid": "describes when AuthException is raised",
    "3: constructing a model without one raises `ValidationError` (or `TypeError`)": (
        "the models are dctck's own (tests/spi pins their choice), not the driver's"
    ),
    "2: A method that needs credentials and gets `{}`, or gets credentials the provider rejects": (
        "lists the cases that must raise AuthException"
    ),
    "2: return only what the caller may see": "a permission of the caller, not an alternative",
    "2: `opts` is `None` or a `dict` with string keys.": (
        "the caller's choice: the kit passes both (opts=None and dicts) to every driver"
    ),
    "3: A kit may be given facts that the provider documents": (
        "an input of the kit (--dctck-facts), not a choice of the driver"
    ),
    "4: `opts` may hold `hwp_id` and `realm_id`": (
        "the caller's choice: the create checks ask with and without each"
    ),
    "4: `instance_actions_for(state)`": "BaseDriver's; `state` in either form is the caller's",
    "4: the singular lookups": "BaseDriver's, computed from the plural methods",
    "5: Every action in `Instance.actions` is accepted when taken at once": (
        "'may be refused later' says when the rule stops applying, no choice"
    ),
    "6: `opts` is `None`, or the key is absent, or its value is `None`": (
        "the caller's choices, all with one meaning"
    ),
    "6: no prefix or substring match": "a prohibition",
    "6: A list (or tuple or set) value": "the caller's choice, all with one meaning",
    "9: a `timeout` may come after the provider has acted": (
        "what the provider may do; the driver's choices are the sentences around it"
    ),
}

_SEPARATOR_ROW = re.compile(r"^\|[\s:|-]+\|$")
_SENTENCE_END = re.compile(r"(?<=[.;?!])\s+(?=[A-Z`(])")


def spec_path() -> Path:
    for path in SPEC_CANDIDATES:
        if path.is_file():
            return path
    pytest.skip(f"SPEC.md not found (looked for {', '.join(map(str, SPEC_CANDIDATES))})")


def sentences(text: str) -> list[tuple[str, str]]:
    """``(section, sentence)`` for every sentence of SPEC.md's ``text``, by the module's rule."""
    lines = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL).splitlines()
    units: list[tuple[str, str]] = []
    section, current = "0", []

    def flush() -> None:
        if current:
            units.append((section, " ".join(current)))
            current.clear()

    for index, line in enumerate(lines):
        stripped = line.strip()
        heading = re.match(r"##\s+(\d+)\.", stripped)
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if heading or not stripped or stripped.startswith("#"):
            flush()
            section = heading.group(1) if heading else section
        elif stripped.startswith("|"):
            flush()
            if not _SEPARATOR_ROW.match(stripped) and not _SEPARATOR_ROW.match(following):
                current.append(stripped.strip("|").strip())
                flush()
        elif stripped.startswith("- "):
            flush()
            current.append(stripped[2:])
        else:
            current.append(stripped)
    flush()
    found = []
    for section, unit in units:
        unit = " ".join(unit.replace("e.g.", "e\0g\0").replace("i.e.", "i\0e\0").split())
        found += [(section, part.replace("\0", ".")) for part in _SENTENCE_END.split(unit)]
    return found


def alternatives(text: str) -> list[tuple[str, str]]:
    """The sentences of SPEC.md's ``text`` that offer an alternative."""
    return [(section, s) for section, s in sentences(text) if ALTERNATIVE.search(s)]


def matches(claim: str, section: str, sentence: str) -> bool:
    """Whether ``claim`` ("4: words") names ``sentence`` of ``section``."""
    number, _, words = claim.partition(":")
    return number.strip() == section and " ".join(words.split()) in sentence


def _claims() -> dict[str, list[str]]:
    claims: dict[str, list[str]] = {}
    for case in all_cases():
        for claim in case.spec:
            claims.setdefault(claim, []).append(case.name)
    return claims


def test_the_rule_finds_alternatives_and_keeps_descriptions_apart():
    text = (
        "## 4. Methods\n| method | meaning |\n|---|---|\n| `a()` | x or y. Then z |\n"
        "A driver may do it, e.g. so. It must.\n\n```python\n# or\n```\n"
        "## 5. Next\n- when given; Z\n"
    )
    assert sentences(text) == [
        ("4", "`a()` | x or y."),
        ("4", "Then z"),
        ("4", "A driver may do it, e.g. so."),
        ("4", "It must."),
        ("5", "when given;"),
        ("5", "Z"),
    ]
    assert alternatives(text) == [
        ("4", "`a()` | x or y."),
        ("4", "A driver may do it, e.g. so."),
        ("5", "when given;"),
    ]
    assert matches("4: may do it", "4", "A driver may do it, e.g. so.")
    assert not matches("5: may do it", "4", "A driver may do it, e.g. so.")


def test_every_alternative_of_spec_has_a_legal_driver():
    found = alternatives(spec_path().read_text(encoding="utf-8"))
    claims = _claims()
    unclaimed = [
        f"SPEC {section}: {sentence}"
        for section, sentence in found
        if not any(matches(c, section, sentence) for c in [*claims, *NOT_A_DRIVER_CHOICE])
    ]
    assert not unclaimed, "no legal driver stands for:\n" + "\n".join(unclaimed)


def test_every_claim_and_reason_names_a_sentence_of_spec():
    every = sentences(spec_path().read_text(encoding="utf-8"))
    stale = [
        f"{claim!r} ({', '.join(names)})"
        for claim, names in [
            *_claims().items(),
            *((k, ["NOT_A_DRIVER_CHOICE"]) for k in NOT_A_DRIVER_CHOICE),
        ]
        if not any(matches(claim, section, sentence) for section, sentence in every)
    ]
    assert not stale, "no sentence of SPEC.md has the words of:\n" + "\n".join(stale)
