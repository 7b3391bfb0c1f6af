"""A shields-style SVG badge of a certification: ``dctck | certified 304/304``."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from dctck.kit import Report

__all__ = ["badge", "badge_text"]

_GREEN, _RED, _GREY, _DARK = "#4c1", "#e05d44", "#9f9f9f", "#555"
_CHAR_WIDTH, _PADDING = 6.5, 10


def badge_text(report: Report) -> tuple[str, str]:
    """The badge's message and colour: ``certified 304/304`` or ``25 of 301 failed``."""
    ran = sum(1 for check in report.checks if check.outcome != "skipped")
    if report.certified:
        return f"certified {ran}/{ran}", _GREEN
    if not report.failed:
        # nothing failed, yet no verdict: a restricted or partial run proves no certification
        return (f"not certifying, {ran} passed" if ran else "no check ran"), _GREY
    return f"{len(report.failed)} of {ran} failed", _RED


def badge(report: Report, label: str = "dctck") -> str:
    """The SVG document of the badge (flat style, no external resources)."""
    message, colour = badge_text(report)
    left = round(len(label) * _CHAR_WIDTH + 2 * _PADDING)
    right = round(len(message) * _CHAR_WIDTH + 2 * _PADDING)
    width, height = left + right, 20
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "aria-label": f"{label}: {message}",
        },
    )
    ET.SubElement(root, "title").text = f"{label}: {message}"
    ET.SubElement(root, "rect", {"width": str(left), "height": "20", "fill": _DARK, "rx": "3"})
    ET.SubElement(
        root, "rect", {"x": str(left), "width": str(right), "height": "20", "fill": colour}
    )
    text = ET.SubElement(
        root,
        "g",
        {
            "fill": "#fff",
            "text-anchor": "middle",
            "font-family": "Verdana,DejaVu Sans,sans-serif",
            "font-size": "11",
        },
    )
    for x, words in ((left / 2, label), (left + right / 2, message)):
        ET.SubElement(text, "text", {"x": f"{x:g}", "y": "14"}).text = words
    return ET.tostring(root, encoding="unicode") + "\n"
