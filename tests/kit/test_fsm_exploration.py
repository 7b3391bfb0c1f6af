"""The generated exploration, and the fsm suite as users run it."""

import re

import pytest

from dctck.kit import Harness, Subject, explore
from reference_drivers import MockDriver
from tests.kit.bank.broken_fsm import EveryThirdRebootStops, RebootHangs
from tests.kit.bank.legal_machines import SlowBootOnRealTime

CREDENTIALS = {"name": "mockuser", "password": "mockpassword"}


def _explore(driver, timeout=60.0):
    return explore(Harness(Subject(driver, CREDENTIALS, timeout=timeout)))


def _without_ids(text):
    return re.sub(r"i-[0-9a-f]{17}", "i-X", text)


def test_mock_driver_explores_cleanly_without_writing_into_the_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _explore(MockDriver()) == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_every_third_reboot_is_found_and_shrunk_to_a_minimal_sequence():
    """The same minimal sequence every run: generation is seeded, shrinking bounded."""
    (violation,) = _explore(EveryThirdRebootStops())
    assert _without_ids(str(violation)) == (
        "reboot_instance(id='i-X') [SPEC 5: observed changes follow the declared transitions]"
        " after the minimal sequence Hypothesis found (create -> PENDING; wait -> RUNNING;"
        " start and at once reboot: accepted, accepted -> RUNNING; reboot and at once reboot:"
        " accepted, accepted -> STOPPED):"
        " observed RUNNING -> SHUTTING_DOWN (path so far: RUNNING -> SHUTTING_DOWN), which no"
        " declared path allows; after reboot: _auto_ transitions, one reboot, _auto_"
        " transitions, expected a change along declared transitions"
    )


def test_a_hanging_call_ends_the_exploration_unshrunk():
    violations = _explore(RebootHangs(), timeout=0.5)
    assert len(violations) == 1
    assert "did not return within 0.5 s" in str(violations[0])
    assert "not shrunk since a call did not return in time" in str(violations[0])


def test_a_driver_on_real_time_is_explored_briefly():
    assert _explore(SlowBootOnRealTime(), timeout=5.0) == []


@pytest.mark.slow
def test_only_the_exploration_finds_every_third_reboot(certification):
    result, report = certification.run("tests.kit.bank.broken_fsm:EveryThirdRebootStops")
    failed = [c["id"] for c in report["checks"] if c["outcome"] == "failed"]
    assert failed == ["fsm::test_generated_action_sequences_follow_the_machine"]
    assert result.ret == 1


def test_checks_are_generated_from_the_declared_machine(pytester):
    result = pytester.runpytest_inprocess(
        "--dctck-driver=reference_drivers.mock:MockDriver",
        "--dctck-credentials=mockuser:mockpassword",
        "-m",
        "fsm",
        "--collect-only",
        "-q",
        "-p",
        "no:cacheprovider",
    )
    generated = [line.split("::")[1] for line in result.outlines if "[" in line]
    assert generated == [
        "test_instance_actions_for_gives_the_declared_actions[pending]",
        "test_instance_actions_for_gives_the_declared_actions[running]",
        "test_instance_actions_for_gives_the_declared_actions[shutting_down]",
        "test_instance_actions_for_gives_the_declared_actions[stopped]",
        "test_automatic_transitions_complete_within_the_timeout[pending]",
        "test_automatic_transitions_complete_within_the_timeout[shutting_down]",
        "test_stable_state_holds_without_action[running]",
        "test_stable_state_holds_without_action[stopped]",
        "test_allowed_action_is_accepted[running-stop]",
        "test_allowed_action_is_accepted[running-reboot]",
        "test_allowed_action_is_accepted[running-destroy]",
        "test_allowed_action_is_accepted[stopped-start]",
        "test_allowed_action_is_accepted[stopped-destroy]",
        "test_forbidden_action_is_refused[stopped-reboot]",
        "test_optional_action_is_answered_legally[running-start]",
        "test_optional_action_is_answered_legally[stopped-stop]",
        "test_destroy_ends_with_the_instance_gone[running]",
        "test_destroy_ends_with_the_instance_gone[stopped]",
        "test_offered_actions_are_accepted_at_once[settled]",
        "test_offered_actions_are_accepted_at_once[just_created]",
        "test_offered_actions_are_accepted_at_once[after_an_action]",
        "test_offered_actions_are_accepted_at_once[after_destroy]",
    ]


def test_a_malformed_declaration_leaves_the_generated_checks_empty(certification):
    _, report = certification.run("tests.kit.bank.broken_fsm:DeclaresUnknownState")
    fsm = [c for c in report["checks"] if c["area"] == "fsm"]
    assert [c["id"] for c in fsm if c["outcome"] == "failed"] == [
        "fsm::test_declared_machine_is_well_formed"
    ]
    assert report["areas"]["fsm"] == {"passed": 5, "failed": 1, "skipped": 14}


def test_a_driver_from_a_fixture_gets_every_spec_case_judged_when_run(pytester):
    pytester.makeconftest(
        """
        import pytest
        from reference_drivers import MockDriver

        @pytest.fixture(scope="session")
        def dctck_driver():
            return MockDriver()

        @pytest.fixture(scope="session")
        def dctck_credentials():
            return {"name": "mockuser", "password": "mockpassword"}
        """
    )
    result = pytester.runpytest_inprocess("--dctck", "-m", "fsm", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=28, skipped=46)


def test_exploration_draws_no_constants_from_local_modules():
    """Hypothesis mixes literals of modules outside site-packages into its draws; the kit's
    exploration must not, or it would explore differently in a checkout and an install."""
    from hypothesis.internal.conjecture import providers

    from dctck.kit._exploration import _no_constants_from_local_code

    assert len(providers._get_local_constants()) > 0  # this checkout's modules are local
    with _no_constants_from_local_code():
        assert len(providers._get_local_constants()) == 0
        assert len(providers.CONSTANTS_CACHE.cache) == 0
    assert len(providers._get_local_constants()) > 0
