"""The HTML report and the badge, from real certifications: a certified driver, a failing one."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from dctck.kit import CheckRecord, Report
from tests.reference._support import dctck
from tests.report.test_causes import TYPE_ERROR

SVG = "{http://www.w3.org/2000/svg}"


def test_the_page_is_self_contained_and_says_the_verdict(pages):
    for name in ("good.html", "bad.html"):
        page = (pages / name).read_text()
        assert "<script" not in page.lower()
        assert not re.search(r"""(src|href)\s*=|url\(\s*['"]?http|@import""", page)
        assert page.count("<svg") == 2  # the badge and the state machine
    good = (pages / "good.html").read_text()
    assert "CERTIFIED: reference_drivers.mock:MockDriver passed all" in good
    assert 'id="causes"' not in good
    bad = (pages / "bad.html").read_text()
    assert "NOT CERTIFIED: euc:driver failed 274 of 299 checks" in bad
    assert bad.count('class="cause"') == 1
    assert "[1] 274 checks (models 10, ids 49" in bad
    assert TYPE_ERROR.replace("'", "&#x27;") in bad
    assert "rule: <b>SPEC 4: listing methods return a list" in bad


def test_the_report_records_what_the_machine_was_seen_to_do(pages):
    report = json.loads((pages / "good.json").read_text())
    seen = {(t["origin"], t["action"], t["destination"]): t for t in report["transitions"]}
    declared = {tuple(edge) for edge in report["machine"]}
    assert ("begin", "create", "pending") in seen
    assert seen[("pending", "_auto_", "running")]["latency_min"] > 0  # the mock boots in time
    assert seen[("shutting_down", "_auto_", "stopped")]["latency_min"] > 0
    assert {("running", "stop", "shutting_down"), ("running", "reboot", "running")} <= set(seen)
    assert set(seen) <= declared  # a correct driver is never drawn as leaving its machine
    page = (pages / "good.html").read_text()
    assert "observed, declared" in page
    assert re.search(r"<td>pending</td><td>_auto_</td><td>running</td><td>observed, declared", page)


def test_an_undeclared_and_an_unseen_transition_are_shown_as_such(tmp_path):
    report = Report("d", "0", ["fsm"])
    report.add(CheckRecord("fsm::a", "fsm", "passed", "", "R"))
    report.machine = [["begin", "create", "running"], ["running", "destroy", "end"]]
    report.observe("begin", "create", "running", 0.0)
    report.observe("running", "_auto_", "begin", 3.0)
    report.observe("running", "_auto_", "begin", 5.0)
    path = tmp_path / "r.json"
    report.write(path)
    assert dctck("report", str(path), "--html", str(tmp_path / "r.html")).returncode == 0
    page = (tmp_path / "r.html").read_text()
    assert re.search(
        r"<td>running</td><td>_auto_</td><td>begin</td><td>observed, undeclared"
        r"</td><td>2</td><td>3-5 s</td>",
        page,
    )
    assert re.search(r"<td>running</td><td>destroy</td><td>end</td><td>declared, never seen", page)
    drawing = page[page.index('<div id="diagram">') + 18 : page.index("</div>")]
    root = ET.fromstring(drawing)
    colours = {p.get("stroke") for p in root.iter(f"{SVG}path") if p.get("class") == "transition"}
    assert {"#1a7f37", "#cf222e", "#8c959f"} <= colours


@pytest.mark.parametrize(
    ("name", "pattern"), [("good", r"certified (\d+)/\1"), ("bad", "274 of 299 failed")]
)
def test_badge_is_valid_svg_with_the_verdict(pages, name, pattern):
    result = dctck("badge", f"{name}.json", cwd=pages)
    assert result.returncode == 0, result.stderr
    root = ET.fromstring(result.stdout)
    assert root.tag == f"{SVG}svg"
    label, text = (t.text for t in root.iter(f"{SVG}text"))
    assert (label, re.fullmatch(pattern, text) is not None) == ("dctck", True), text
    assert root.find(f"{SVG}title").text == f"dctck: {text}"
    assert int(root.get("width")) > 60
    assert root.get("height") == "20"


@pytest.mark.parametrize("command", ["badge", "report"])
def test_a_file_that_is_not_a_report_is_a_usage_error(tmp_path, command):
    (tmp_path / "x.json").write_text('{"driver": 1}')
    for path in ("x.json", "missing.json"):
        result = dctck(command, path, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.startswith(f"dctck {command}: error: ")
        assert "Traceback" not in result.stderr
