"""The certification report as one self-contained HTML page (no network, no JavaScript).

The verdict; the failures grouped by cause and rule, each with the call, rule, what happened and
what was expected; the declared state machine with the transitions the run observed overlaid
(with their latency in the driver's time); the driver's features and facts; a table per area,
where a skipped check says why it was not applicable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from dctck._badge import badge
from dctck._states import AUTO, StateMachine, TransitionTracker
from dctck.kit import ObservedTransition, Report
from dctck.rest._diagram import svg

__all__ = ["DECLARED_ONLY", "OBSERVED_DECLARED", "OBSERVED_UNDECLARED", "html_report"]

#: How a transition is drawn and listed: (colour, words).
OBSERVED_DECLARED = ("#1a7f37", "observed, declared")
OBSERVED_ALONG = ("#1f6feb", "observed, along a declared path (states between polls not seen)")
OBSERVED_UNDECLARED = ("#cf222e", "observed, undeclared")
DECLARED_ONLY = ("#8c959f", "declared, never seen")

_STYLE = """
body{font-family:sans-serif;margin:2em;color:#1f2328;max-width:80em}
h1{font-size:1.5em} h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5em 0 1em;width:100%}
th,td{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top;
font-size:.9em}
th{background:#f6f8fa} code{font-size:.9em;word-break:break-word}
.verdict{font-size:1.3em;font-weight:bold;padding:.4em .8em;display:inline-block}
.certified{background:#dafbe1;color:#1a7f37} .failed{background:#ffebe9;color:#cf222e}
.passed{color:#1a7f37} .skipped{color:#6e7781}
.outcome-failed{color:#cf222e;font-weight:bold}
.key span{display:inline-block;width:1.5em;height:.4em;margin:0 .4em 0 1em}
"""


def html_report(report: Report) -> str:
    """The page for ``report``."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>dctck certification: {escape(report.driver)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>dctck certification of <code>{escape(report.driver)}</code></h1>",
        _verdict(report),
        _causes(report),
        _machine(report),
        _driver_facts(report),
        _areas(report),
        f"<p>dctck {escape(report.kit_version)}</p>",
        "</body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _verdict(report: Report) -> str:
    line = report.summary_lines()[-1]
    kind = "certified" if report.certified else "failed"
    picture = badge(report)
    return (
        f'<p id="verdict" class="verdict {kind}">{escape(line)}</p>'
        f'<p id="badge">{picture}</p>'
        + _table(["area", "passed", "failed", "skipped"], _counts(report))
    )


def _counts(report: Report) -> list[list[str]]:
    return [
        [area, str(c["passed"]), str(c["failed"]), str(c["skipped"])]
        for area, c in report.areas.items()
    ]


def _causes(report: Report) -> str:
    causes = report.causes
    if not causes:
        return ""
    heading = report.cause_lines()[0].rstrip(":")  # "2 causes of 25 failed checks"
    html = [f'<h2 id="causes">Failures: {escape(heading)}</h2>']
    for number, cause in enumerate(causes, 1):
        html.append(f'<h3 class="cause">[{number}] {escape(cause.headline())}</h3>')
        by_rule: dict[str, list[list[str]]] = {}
        for check in cause.checks:
            row = [check.id, check.call or "", check.happened or check.message, check.expected]
            by_rule.setdefault(check.rule or "(no rule)", []).append(row)
        for rule, rows in by_rule.items():
            html.append(f"<p>rule: <b>{escape(rule)}</b> ({len(rows)})</p>")
            html.append(_table(["check", "call", "what happened", "expected"], rows, code=True))
    return "\n".join(html)


def _machine(report: Report) -> str:
    if report.machine is None and not report.transitions:
        return '<h2 id="machine">State machine</h2><p>The report holds no declared machine.</p>'
    declared = StateMachine(_declaration(report.machine or []))
    keys = {(e.origin, e.action, e.destination) for e in declared.transitions}
    overlay: dict[tuple[str, str, str], tuple[str, str]] = {}
    extra: list[tuple[str, str, str]] = []
    rows: list[list[str]] = []
    for key, seen in report.transitions.items():
        origin, action, destination = key
        if key in keys:
            kind = OBSERVED_DECLARED
        elif _legal_so_far(declared, origin, action, destination):
            kind = OBSERVED_ALONG
        else:
            kind = OBSERVED_UNDECLARED
        if kind is not OBSERVED_ALONG:
            overlay[key] = (kind[0], _latency(seen))
        if key not in keys and kind is OBSERVED_UNDECLARED:
            extra.append(key)
        rows.append([origin, action, destination, kind[1], str(seen.count), _latency(seen)])
    for key in sorted(keys - set(report.transitions)):
        overlay[key] = (DECLARED_ONLY[0], "never seen")
        rows.append([*key, DECLARED_ONLY[1], "0", ""])
    drawing = svg(_declaration([*(report.machine or []), *extra]), overlay)
    drawing = drawing.split("?>", 1)[-1].strip()  # inline: no XML declaration
    key_html = "".join(
        f'<span style="background:{colour}"></span>{escape(words)}'
        for colour, words in (OBSERVED_DECLARED, OBSERVED_UNDECLARED, DECLARED_ONLY)
    )
    headers = ["from", "action", "to", "", "times seen", "latency (driver's seconds)"]
    return (
        '<h2 id="machine">State machine: declared, with the transitions observed</h2>'
        f'<p class="key">{key_html}</p><div id="diagram">{drawing}</div>' + _table(headers, rows)
    )


def _legal_so_far(machine: StateMachine, origin: str, action: str, destination: str) -> bool:
    """Whether ``origin -> destination`` after ``action`` follows declared paths (the action
    may still be under way: EC2's terminating instance reads SHUTTING_DOWN before it is gone)."""
    tracker = TransitionTracker(machine, origin, None if action == AUTO else action)
    return tracker.observe(destination) is None


def _declaration(edges: Iterable[Sequence[str]]) -> list[tuple[str, dict[str, str]]]:
    """``[(origin, {destination: action})]``, one entry per edge (StateMachine merges them)."""
    return [(str(o), {str(d): str(a)}) for o, a, d in edges]


def _latency(seen: ObservedTransition) -> str:
    if seen.latency_min == seen.latency_max:
        return f"{seen.latency_min:g} s"
    return f"{seen.latency_min:g}-{seen.latency_max:g} s"


def _driver_facts(report: Report) -> str:
    html = ['<h2 id="driver">The driver</h2>']
    if report.features is not None:
        rows = [[c, ", ".join(names) or "(none)"] for c, names in report.features.items()]
        html.append("<h3>Features (SPEC 8)</h3>")
        html.append(_table(["collection", "features"], rows) if rows else "<p>none</p>")
    if report.facts:
        rows = [
            [collection, id, ", ".join(f"{k} = {v!r}" for k, v in attributes.items())]
            for collection, items in report.facts.items()
            for id, attributes in items.items()
        ]
        html.append("<h3>Declared facts</h3>")
        html.append(_table(["collection", "id", "attributes"], rows))
    skipped = [c for c in report.checks if c.outcome == "skipped"]
    if skipped:
        reasons: dict[str, list[str]] = {}
        for check in skipped:
            reasons.setdefault(check.message, []).append(check.id)
        rows = [[why, str(len(ids)), ", ".join(ids)] for why, ids in reasons.items()]
        html.append("<h3>Not applicable</h3>")
        html.append(_table(["why", "checks", "which"], rows))
    return "\n".join(html)


def _areas(report: Report) -> str:
    html = ['<h2 id="areas">Checks by area</h2>']
    for area in report.area_names:
        checks = [c for c in report.checks if c.area == area]
        if not checks:
            continue
        html.append(f'<h3 id="area-{escape(area)}">{escape(area)} ({len(checks)})</h3>')
        rows = [[c.id, c.outcome, c.rule, c.message] for c in checks]
        html.append(_table(["check", "outcome", "rule", "message"], rows, outcome_column=1))
    return "\n".join(html)


def _table(
    headers: list[str],
    rows: list[list[str]],
    code: bool = False,
    outcome_column: int | None = None,
) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            text = escape(value)
            if code and index in (0, 1):
                text = f"<code>{text}</code>"
            css = f' class="outcome-{text}"' if index == outcome_column else ""
            cells.append(f"<td{css}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"
