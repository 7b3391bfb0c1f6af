"""The exploration's budget: sequences from the machine's size, a time box in the driver's time,
and failing sequences replayed first from an example database."""

import re

import pytest

import dctck.kit._exploration as exploration
from dctck.kit import Harness, Subject, explore
from dctck.kit._exploration import database_directory, exploration_budget
from reference_drivers import MockDriver
from tests.kit.bank.broken_fsm import EveryThirdRebootStops

CREDENTIALS = {"name": "mockuser", "password": "mockpassword"}


class Counted:
    """Counts a driver's create_instance calls: one per generated sequence."""

    def __init__(self, driver):
        self.driver = driver
        self.creates = 0
        original = driver.create_instance

        def create_instance(*args, **kwargs):
            self.creates += 1
            return original(*args, **kwargs)

        driver.create_instance = create_instance


def _explore(driver):
    return explore(Harness(Subject(driver, CREDENTIALS, timeout=60.0)))


@pytest.mark.parametrize(("cpus", "sequences"), [(1, 16), (2, 16), (4, 32), (8, 64), (64, 64)])
def test_sequences_follow_the_machine_size_within_bounds(monkeypatch, cpus, sequences):
    monkeypatch.setattr(exploration, "_usable_cpus", lambda: cpus)
    budget = exploration_budget(True, {})
    assert (budget.sequences, budget.steps) == (sequences, 30)
    assert budget.driver_seconds == sequences * exploration.VIRTUAL_SECONDS_PER_SEQUENCE


def test_the_number_of_sequences_can_be_fixed_and_real_time_stays_brief():
    assert exploration_budget(True, {"DCTCK_EXPLORATION_EXAMPLES": "40"}).sequences == 40
    assert exploration_budget(True, {"DCTCK_EXPLORATION_EXAMPLES": "many"}).sequences >= 16
    real = exploration_budget(False, {})
    assert (real.sequences, real.steps, real.driver_seconds) == (3, 6, 30.0)


def test_the_database_lives_in_the_users_cache_unless_told_otherwise(tmp_path):
    assert database_directory({"DCTCK_EXPLORATION_DATABASE": "none"}) is None
    assert database_directory({"DCTCK_EXPLORATION_DATABASE": str(tmp_path)}) == tmp_path
    cache = database_directory({"XDG_CACHE_HOME": str(tmp_path)})
    assert cache == tmp_path / "dctck" / "exploration"
    assert database_directory({}).parts[-3:] == (".cache", "dctck", "exploration")


def test_the_time_box_ends_a_clean_exploration_early(monkeypatch):
    """A box of 300 virtual seconds: MockDriver spends 60 to 150 s a sequence, so far fewer
    than the budget's 16 sequences start, and the run is still clean."""
    monkeypatch.setattr(exploration, "VIRTUAL_SECONDS_PER_SEQUENCE", 300.0 / 16)
    monkeypatch.setenv("DCTCK_EXPLORATION_EXAMPLES", "16")
    started = []
    begin = exploration._Run.begin

    def counted_begin(run):
        begin(run)
        started.append(run.sequences)

    monkeypatch.setattr(exploration._Run, "begin", counted_begin)
    assert _explore(MockDriver()) == []
    assert 1 <= len(started) <= 8


@pytest.mark.slow
def test_a_failing_sequence_is_replayed_first_on_the_next_run(monkeypatch, tmp_path):
    monkeypatch.setenv("DCTCK_EXPLORATION_DATABASE", str(tmp_path))
    first = Counted(EveryThirdRebootStops())
    (found,) = _explore(first.driver)
    assert any(tmp_path.iterdir())
    again = Counted(EveryThirdRebootStops())
    (replayed,) = _explore(again.driver)

    def without_ids(violation):
        return re.sub(r"i-[0-9a-f]{17}", "i-X", str(violation))

    assert without_ids(replayed) == without_ids(found)
    assert "start and at once reboot" in without_ids(found)
    # found among the generated sequences and shrunk the first time; replayed at once after
    assert again.creates * 10 < first.creates


def test_a_driver_does_not_replay_another_drivers_failures(monkeypatch, tmp_path):
    monkeypatch.setenv("DCTCK_EXPLORATION_DATABASE", str(tmp_path))
    database = exploration._database_for(MockDriver())
    other = exploration._database_for(EveryThirdRebootStops())
    database.save(b"key", b"sequence")
    assert list(database.fetch(b"key")) == [b"sequence"]
    assert list(other.fetch(b"key")) == []
