"""The kit's building blocks as plain code: calls, descriptions, violations, waiting, report."""

import json
import threading
import time

import pytest

from dctck import Image, Instance, NotFound
from dctck.kit import (
    CallRunner,
    CheckRecord,
    Harness,
    Report,
    Subject,
    Unmet,
    Violation,
    describe_error,
    describe_value,
    format_violations,
    require,
    spread,
    virtual_clock_of,
)
from reference_drivers import MockDriver

VALID = {"name": "mockuser", "password": "mockpassword"}


class Recorder:
    """A driver-like object recording what it receives."""

    def __init__(self):
        self.received = []

    def images(self, credentials, opts=None):
        self.received.append((credentials, opts))
        credentials["name"] = "mutated"
        return [Image(id="img-1")]

    def realms(self, credentials, opts=None):
        raise KeyError("name")

    def hardware_profiles(self, credentials, opts=None):
        threading.Event().wait(5)


def test_call_renders_arguments_and_leaves_out_valid_credentials():
    subject = Subject(Recorder(), VALID)
    outcome = subject.call("images", subject.valid, {"architecture": "X86_64"})
    assert str(outcome.call) == "images(opts={'architecture': 'X86_64'})"
    assert outcome.describe() == "returned ['img-1']"
    other = subject.call("images", subject.wrong_password, None)
    assert str(other.call) == "images(credentials=<wrong password>, opts=None)"


def test_each_call_gets_a_fresh_credentials_dict():
    recorder = Recorder()
    subject = Subject(recorder, VALID)
    subject.call("images", subject.valid, None)
    subject.call("images", subject.valid, None)
    assert [credentials["name"] for credentials, _ in recorder.received] == ["mutated", "mutated"]
    assert subject.valid.value == VALID


def test_call_captures_what_the_driver_raises():
    subject = Subject(Recorder(), VALID)
    outcome = subject.call("realms", subject.valid, None)
    assert not outcome.returned
    assert outcome.raised(KeyError)
    assert outcome.describe() == "raised KeyError: 'name'"


def test_call_of_a_missing_method_is_an_outcome_not_a_crash():
    subject = Subject(Recorder(), VALID)
    outcome = subject.call("instances", subject.valid, None)
    assert outcome.describe() == "raised AttributeError: Recorder has no method instances()"


def test_call_that_hangs_is_abandoned_after_the_timeout():
    subject = Subject(Recorder(), VALID, timeout=0.2)
    outcome = subject.call("hardware_profiles", subject.valid, None)
    assert outcome.timed_out
    assert outcome.describe() == "did not return within 0.2 s [kit --timeout]"
    assert subject.call("images", subject.valid, None).returned


class HangsWithValidCredentials(Recorder):
    """hardware_profiles() hangs for 5 s with valid credentials; with others it refuses at once."""

    def hardware_profiles(self, credentials, opts=None):
        if credentials.get("password") != VALID["password"]:
            raise NotFound("not yours")
        return super().hardware_profiles(credentials, opts)


def test_a_call_that_hung_once_gets_only_a_grace_later_naming_where_it_hung(monkeypatch):
    monkeypatch.setattr("dctck.kit._subject.HUNG_GRACE", 0.05)
    subject = Subject(HangsWithValidCredentials(), VALID, timeout=0.5)
    first = subject.call("hardware_profiles", subject.valid, None, check="check_one")
    started = time.monotonic()
    again = subject.call("hardware_profiles", subject.valid, {"id": "x"}, check="check_two")
    assert time.monotonic() - started < first.timeout  # the timeout was not waited out again
    assert again.timed_out
    assert again.describe() == (
        "did not return within 0.05 s, the grace after hardware_profiles(opts=None) did not"
        " return within 0.5 s in check_one [kit --timeout]"
    )


def test_the_grace_applies_to_the_same_credentials_only_and_answers_are_still_judged(
    monkeypatch,
):
    monkeypatch.setattr("dctck.kit._subject.HUNG_GRACE", 0.05)
    subject = Subject(HangsWithValidCredentials(), VALID, timeout=0.2)
    assert subject.call("hardware_profiles", subject.valid, None).timed_out
    refused = subject.call("hardware_profiles", subject.wrong_password, None)
    assert refused.raised(NotFound)
    assert refused.hung_before is None
    assert subject.call("images", subject.valid, None).returned


def test_call_runner_reuses_one_worker_thread():
    runner = CallRunner()
    names = [runner.run(lambda: threading.current_thread().name, 1)[1] for _ in range(3)]
    assert names == ["dctck-driver-call"] * 3
    runner.close()


def test_derived_credential_sets():
    subject = Subject(Recorder(), VALID, {"name": "otheruser", "password": "otherpassword"})
    assert subject.no_credentials.value == {}
    assert subject.wrong_password.value["name"] == "mockuser"
    assert subject.wrong_password.value["password"] != "mockpassword"
    assert subject.unknown_name.value["name"] not in ("mockuser", "otheruser")
    assert [c.label for c in subject.bad_credentials] == [
        "no credentials",
        "wrong password",
        "unknown name",
    ]
    assert repr(subject.other) == "<other account>"


def test_redact_replaces_every_password():
    subject = Subject(Recorder(), VALID, {"name": "o", "password": "otherpassword"})
    assert subject.redact("mockpassword and otherpassword") == "*** and ***"


def test_virtual_clock_is_found_only_when_it_can_tick():
    assert virtual_clock_of(MockDriver()) is not None
    assert virtual_clock_of(Recorder()) is None

    class HalfClock:
        clock = type("C", (), {"now": lambda self: 0.0})()

    assert virtual_clock_of(HalfClock()) is None


def test_describe_value_and_error():
    assert describe_value([Image(id=f"i{n}") for n in range(10)]) == (
        "['i0', 'i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7', ... 10 in all]"
    )
    assert describe_value(Instance(id="i-1", state="RUNNING")) == "<Instance 'i-1' RUNNING>"
    assert describe_value(("a",)) == "('a',)"
    assert describe_error(NotFound()) == "NotFound"
    assert describe_error(ValueError("two\nlines")) == "ValueError: two lines"


def test_one_violation_is_one_line_and_several_are_counted():
    violation = Violation("images(opts={})", "SPEC 6: x", "returned []", "['a']")
    assert str(violation) == "images(opts={}) [SPEC 6: x] returned [], expected ['a']"
    assert format_violations([violation]) == str(violation)
    assert format_violations([violation, violation, "other"]) == (
        f"2 violations:\n- {violation}\n- other"
    )
    with pytest.raises(Unmet) as excinfo:
        require([violation])
    assert excinfo.value.rule == "SPEC 6: x"
    require([])


def test_wait_until_ticks_a_virtual_clock_instead_of_sleeping(monkeypatch):
    driver = MockDriver()
    harness = Harness(Subject(driver, VALID, timeout=60))
    start = driver.clock.now()

    def no_sleep(seconds):
        raise AssertionError(f"slept {seconds} s of real time")

    monkeypatch.setattr(time, "sleep", no_sleep)
    assert harness.wait_until(lambda: True if driver.clock.now() - start >= 30 else None)
    assert 30 <= driver.clock.now() - start <= 40


def test_wait_until_gives_up_after_the_timeout_of_driver_time():
    driver = MockDriver()
    harness = Harness(Subject(driver, VALID, timeout=20))
    start = driver.clock.now()
    assert harness.wait_until(lambda: None) is None
    assert 20 <= driver.clock.now() - start < 30


def test_wait_until_sleeps_for_a_real_time_driver():
    harness = Harness(Subject(Recorder(), VALID, timeout=0.3))
    started = time.monotonic()
    assert harness.wait_until(lambda: None) is None
    assert time.monotonic() - started >= 0.3


def test_harness_follows_an_instance_and_cleans_up():
    driver = MockDriver()
    harness = Harness(Subject(driver, VALID))
    watch = harness.running_instance()
    assert watch.state == "running"
    assert watch.violations == []
    observed = watch.tracker.observed
    assert observed[:2] == ["begin", "pending"]
    assert observed[-1] == "running"
    assert set(observed) == {"begin", "pending", "running"}
    assert harness.cleanup() == []
    assert driver.instances(VALID) == []


def test_harness_reach_plans_a_route_through_declared_actions():
    harness = Harness(Subject(MockDriver(), VALID))
    watch = harness.running_instance()
    assert watch.reach(lambda state: state == "stopped")
    assert watch.state == "stopped"
    assert watch.violations == []
    assert watch.reach(lambda state: state == "running")
    assert harness.cleanup() == []


def test_report_counts_areas_and_decides_certification(tmp_path):
    report = Report("pkg:Driver", "1.0")
    assert not report.certified
    report.add(CheckRecord("models::a", "models", "passed", "", "SPEC 3: r"))
    report.add(CheckRecord("isolation::b", "isolation", "skipped", "not applicable", "SPEC 2"))
    assert report.certified
    report.add(CheckRecord("filters::c", "filters", "failed", "boom", "SPEC 6"))
    assert not report.certified
    assert report.areas["filters"] == {"passed": 0, "failed": 1, "skipped": 0}
    assert report.summary_lines()[-1] == "NOT CERTIFIED: pkg:Driver failed 1 of 2 checks"
    path = tmp_path / "deep" / "report.json"
    report.write(path)
    assert json.loads(path.read_text())["checks"][2]["message"] == "boom"
    with pytest.raises(ValueError, match="outcome must be one of"):
        report.add(CheckRecord("x", "models", "maybe", "", ""))


@pytest.mark.parametrize(
    ("items", "size", "wanted"),
    [
        (list(range(10)), 3, [0, 4, 9]),
        (list(range(10)), 10, list(range(10))),
        (list(range(10)), 4, [0, 3, 6, 9]),
        (list(range(20)), 5, [0, 5, 10, 14, 19]),
        (list(range(5)), 1, [0]),
        ([], 3, []),
    ],
)
def test_spread_samples_evenly_keeping_first_and_last(items, size, wanted):
    assert spread(items, size) == wanted


def test_not_applicable_check_is_reported_as_skipped(pytester):
    """A check raising NotApplicable is skipped with its reason, not failed."""
    pytester.makeconftest(
        "import pytest\n"
        "from reference_drivers import MockDriver\n\n"
        "class NoStart(MockDriver):\n"
        "    def instance_states(self):\n"
        "        return [(o, {d: a for d, a in e.items() if a != 'start'})\n"
        "                for o, e in super().instance_states()]\n\n"
        "@pytest.fixture(scope='session')\n"
        "def dctck_driver():\n"
        "    return NoStart()\n"
    )
    result = pytester.runpytest_inprocess(
        "--dctck-credentials=mockuser:mockpassword",
        "-k",
        "test_action_returns_an_instance and start",
        "-rs",
    )
    result.assert_outcomes(skipped=1, deselected=result.parseoutcomes()["deselected"])
    result.stdout.fnmatch_lines(["*not applicable: the declared machine has no start action*"])


def test_instance_ready_for_an_undeclared_action_is_not_applicable():
    from dctck.kit import NotApplicable

    class NoStart(MockDriver):
        def instance_states(self):
            return [
                (origin, {dest: action for dest, action in edges.items() if action != "start"})
                for origin, edges in super().instance_states()
                if origin != "stopped"
            ] + [("stopped", {"end": "destroy"})]

    harness = Harness(Subject(NoStart(), VALID))
    with pytest.raises(NotApplicable) as excinfo:
        harness.instance_ready_for("start")
    assert excinfo.value.args == ("the declared machine has no start action",)
    watch = harness.instance_ready_for("stop")
    assert watch.state == "running"
    assert harness.cleanup() == []


def test_call_shows_long_list_values_by_their_first_members_and_length():
    subject = Subject(Recorder(), VALID)
    ids = [f"img-{n}" for n in range(201)]
    outcome = subject.call("images", subject.valid, {"id": ids, "owner_id": ("a", "b")})
    assert str(outcome.call) == (
        "images(opts={'id': ['img-0', 'img-1', 'img-2', ... 201 in all], 'owner_id': ('a', 'b')})"
    )
