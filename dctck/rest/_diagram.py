"""The instance state machine as a picture: Mermaid text, or a self-contained SVG.

Both read the declaration through :class:`dctck.StateMachine`, so a malformed one draws what can be
read. ``begin`` and ``end`` are the start and final pseudo-states; ``_auto_`` transitions are
labelled ``automatic`` (dashed in the SVG).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Mapping

from dctck._states import AUTO, StateMachine, Transition

__all__ = ["AUTOMATIC", "mermaid", "svg"]

AUTOMATIC = "automatic"
_BEGIN, _END = "begin", "end"

_NODE_W, _NODE_H = 130, 36
_COLUMN, _ROW, _MARGIN = 210, 90, 40


def _label(edge: Transition) -> str:
    return AUTOMATIC if edge.action == AUTO else edge.action


def mermaid(declaration: object) -> str:
    """A Mermaid ``stateDiagram-v2``: ``[*] --> pending: create``, ``pending --> running: ...``.

    ``begin`` as an origin and ``end`` as a destination are Mermaid's ``[*]``; should a malformed
    declaration lead into ``begin`` or out of ``end``, those are drawn as ordinary states.
    """
    machine = StateMachine(declaration)
    lines = ["stateDiagram-v2", "    direction LR"]
    odd = {e.destination for e in machine.transitions if e.destination == _BEGIN}
    odd |= {e.origin for e in machine.transitions if e.origin == _END}
    lines += [f'    state "{state}" as {state}_state' for state in sorted(odd)]
    for edge in machine.transitions:
        source = "[*]" if edge.origin == _BEGIN else _mermaid_id(edge.origin)
        target = "[*]" if edge.destination == _END else _mermaid_id(edge.destination)
        lines.append(f"    {source} --> {target}: {_label(edge)}")
    return "\n".join(lines) + "\n"


def _mermaid_id(state: str) -> str:
    return f"{state}_state" if state in (_BEGIN, _END) else state


#: An edge ``(origin, action, destination)`` drawn in another colour with a caption.
Overlay = Mapping[tuple[str, str, str], tuple[str, str]]


def svg(declaration: object, overlay: Overlay | None = None) -> str:
    """An SVG drawing, left to right in layers of distance from ``begin``; ``overlay`` gives
    some edges a colour and a caption (the certification report's observed transitions)."""
    machine = StateMachine(declaration)
    places = _layout(machine)
    width = _MARGIN * 2 + _NODE_W + _COLUMN * max((x for x, _ in places.values()), default=0)
    height = _MARGIN * 2 + _NODE_H + _ROW * max((y for _, y in places.values()), default=0) + 40
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "font-family": "sans-serif",
            "font-size": "13",
        },
    )
    ET.SubElement(root, "title").text = "instance states"
    marker = ET.SubElement(
        ET.SubElement(root, "defs"),
        "marker",
        {
            "id": "arrow",
            "viewBox": "0 0 10 10",
            "refX": "10",
            "refY": "5",
            "markerWidth": "8",
            "markerHeight": "8",
            "orient": "auto-start-reverse",
        },
    )
    ET.SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z"})
    for edge in machine.transitions:
        _draw_edge(root, edge, places, (overlay or {}).get(_key(edge)))
    for state, place in places.items():
        _draw_state(root, state, place)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _layout(machine: StateMachine) -> dict[str, tuple[int, int]]:
    """(column, row) of each state: columns by breadth-first distance from ``begin``."""
    column = {_BEGIN: 0} if _BEGIN in machine.states else {}
    queue = deque(column)
    while queue:
        state = queue.popleft()
        for edge in machine.outgoing(state):
            if edge.destination not in column:
                column[edge.destination] = column[state] + 1
                queue.append(edge.destination)
    last = max(column.values(), default=-1)
    for state in machine.states:
        column.setdefault(state, last + 1)
    rows: dict[int, int] = {}
    places = {}
    for state in machine.states:
        col = column[state]
        places[state] = (col, rows.get(col, 0))
        rows[col] = rows.get(col, 0) + 1
    return places


def _corner(place: tuple[int, int]) -> tuple[int, int]:
    return _MARGIN + place[0] * _COLUMN, _MARGIN + place[1] * _ROW


def _draw_state(root: ET.Element, state: str, place: tuple[int, int]) -> None:
    x, y = _corner(place)
    group = ET.SubElement(root, "g", {"class": "state", "id": f"state-{state}"})
    ET.SubElement(
        group,
        "rect",
        {
            "x": str(x),
            "y": str(y),
            "width": str(_NODE_W),
            "height": str(_NODE_H),
            "rx": "18",
            "fill": "#f4f4f4" if state not in (_BEGIN, _END) else "#dde6f0",
            "stroke": "#333",
        },
    )
    text = ET.SubElement(
        group,
        "text",
        {"x": str(x + _NODE_W // 2), "y": str(y + _NODE_H // 2 + 5), "text-anchor": "middle"},
    )
    text.text = state


def _key(edge: Transition) -> tuple[str, str, str]:
    return edge.origin, edge.action, edge.destination


def _draw_edge(
    root: ET.Element,
    edge: Transition,
    places: dict[str, tuple[int, int]],
    shown: tuple[str, str] | None = None,
) -> None:
    x1, y1 = _corner(places[edge.origin])
    x2, y2 = _corner(places[edge.destination])
    if edge.origin == edge.destination:
        start, end = (x1 + _NODE_W // 2 - 20, y1), (x1 + _NODE_W // 2 + 20, y1)
        control = (x1 + _NODE_W // 2, y1 - 50)
        label = (control[0], y1 - 30)
    elif x2 > x1:
        start, end = (x1 + _NODE_W, y1 + _NODE_H // 2), (x2, y2 + _NODE_H // 2)
        control = ((start[0] + end[0]) // 2, (start[1] + end[1]) // 2 - 20)
        label = (control[0], control[1] + 6)
    else:
        start, end = (x1 + _NODE_W // 2, y1 + _NODE_H), (x2 + _NODE_W // 2, y2 + _NODE_H)
        control = ((start[0] + end[0]) // 2, max(start[1], end[1]) + 60)
        label = (control[0], control[1] - 22)
    attributes = {
        "class": "transition",
        "d": f"M {start[0]} {start[1]} Q {control[0]} {control[1]} {end[0]} {end[1]}",
        "fill": "none",
        "stroke": "#333",
        "marker-end": "url(#arrow)",
    }
    if edge.action == AUTO:
        attributes["stroke-dasharray"] = "5 4"
    if shown is not None:
        attributes.update({"stroke": shown[0], "stroke-width": "2.5"})
    ET.SubElement(root, "path", attributes)
    text = ET.SubElement(
        root, "text", {"x": str(label[0]), "y": str(label[1]), "text-anchor": "middle"}
    )
    text.text = _label(edge)
    if shown is not None and shown[1]:
        caption = ET.SubElement(text, "tspan", {"x": str(label[0]), "dy": "14", "fill": shown[0]})
        caption.text = shown[1]
