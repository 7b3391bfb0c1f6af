"""Clocks: virtual and real, and both under freezegun."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from freezegun import freeze_time

from simulator import Clock, ManualClock, RealClock

NEW_YEAR_2024 = 1_704_067_200.0


def test_manual_clock_starts_where_told_and_moves_only_by_tick_and_move_to():
    clock = ManualClock(100.0)
    time.sleep(0.01)
    assert clock.now() == 100.0
    clock.tick(2.5)
    assert clock.now() == 102.5
    clock.move_to(200)
    assert clock.now() == 200.0


def test_manual_clock_without_start_reads_the_wall_clock_once():
    before = time.time()
    clock = ManualClock()
    after = time.time()
    assert before <= clock.now() <= after
    first = clock.now()
    time.sleep(0.01)
    assert clock.now() == first


def test_manual_clock_without_start_starts_at_the_frozen_time_under_freezegun():
    with freeze_time("2024-01-01"):
        clock = ManualClock()
    assert clock.now() == NEW_YEAR_2024


def test_manual_clock_move_to_reads_aware_datetimes_and_naive_ones_as_utc():
    clock = ManualClock(0.0)
    clock.move_to(datetime(2024, 1, 1))
    assert clock.now() == NEW_YEAR_2024
    clock.move_to(datetime(2024, 1, 1, 2, tzinfo=timezone(timedelta(hours=1))))
    assert clock.now() == NEW_YEAR_2024 + 3600
    clock.move_to(datetime(2024, 1, 1, 1, 0, 1, tzinfo=UTC))
    assert clock.now() == NEW_YEAR_2024 + 3601


def test_manual_clock_move_to_the_present_is_allowed():
    clock = ManualClock(10.0)
    clock.move_to(10.0)
    assert clock.now() == 10.0


def test_manual_clock_refuses_a_negative_tick_and_stays_put():
    clock = ManualClock(10.0)
    with pytest.raises(ValueError, match=r"^cannot tick backwards: -1\.0 seconds$"):
        clock.tick(-1)
    assert clock.now() == 10.0


def test_manual_clock_refuses_to_move_into_the_past_and_stays_put():
    clock = ManualClock(10.0)
    with pytest.raises(ValueError, match=r"^cannot move back in time: 9\.0 is before 10\.0$"):
        clock.move_to(9.0)
    assert clock.now() == 10.0


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_manual_clock_refuses_non_finite_times(value):
    clock = ManualClock(10.0)
    with pytest.raises(ValueError, match="must be a finite number"):
        clock.tick(value)
    with pytest.raises(ValueError, match="must be a finite number"):
        clock.move_to(value)
    assert clock.now() == 10.0


def test_manual_clock_loses_no_tick_under_concurrent_ticking():
    clock = ManualClock(0.0)

    def hammer():
        for _ in range(2000):
            clock.tick(1)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.now() == 16000.0


def test_both_clocks_satisfy_the_clock_protocol():
    assert isinstance(ManualClock(0.0), Clock)
    assert isinstance(RealClock(), Clock)


def test_real_clock_reads_time_at_each_call_so_freezegun_controls_it():
    clock = RealClock()
    with freeze_time("2024-01-01") as frozen:
        assert clock.now() == NEW_YEAR_2024
        frozen.tick(10)
        assert clock.now() == NEW_YEAR_2024 + 10


def test_real_clock_tick_sleeps_the_given_seconds(monkeypatch):
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    RealClock().tick(1.5)
    assert slept == [1.5]


def test_real_clock_refuses_a_negative_tick():
    with pytest.raises(ValueError, match=r"^cannot tick backwards: -0\.5 seconds$"):
        RealClock().tick(-0.5)


def test_real_clock_move_to_sleeps_until_then_and_not_at_all_for_the_past(monkeypatch):
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    with freeze_time("2024-01-01"):
        RealClock().move_to(NEW_YEAR_2024 + 30)
        RealClock().move_to(datetime(2024, 1, 1, 0, 1))
        RealClock().move_to(NEW_YEAR_2024 - 30)
    assert slept == [30.0, 60.0]


def test_real_clock_tick_really_passes_time():
    clock = RealClock()
    before = clock.now()
    clock.tick(0.02)
    assert clock.now() - before >= 0.02
