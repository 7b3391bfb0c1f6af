"""``dctck serve`` stops on SIGTERM and SIGINT whenever they come: during start-up, right after
the banner, in the middle of requests, twice in a row, with the clock ticker running.

Each case waits at most ``BOUND`` seconds for the exit: that only tells a lost signal (a server
that never stops) from a stop, it is not a speed assertion.
"""

import signal
import subprocess
import threading
import time

import pytest

from tests._launch import launch_signalled_while_held
from tests.rest._served import Served, session, spawn_serve

pytestmark = pytest.mark.live

BOUND = 30
#: A ticker running (the clock of both bundled drivers advanced 10 times a second).
TICKING = ("--clock-rate", "1000")
SIGNALS = [signal.SIGTERM, signal.SIGINT]


#: How CPython reports a KeyboardInterrupt it dropped: raised inside a weakref callback (one runs
#: after every import), before dctck's first line could hold the signals.
DROPPED_BY_PYTHON = "Exception ignored in"


def _wait(process, signum=None):
    """The exit code and output, once the process ends; ``signum`` is sent again, once, if
    CPython says it dropped the first (a user presses Ctrl-C again)."""
    deadline = time.monotonic() + BOUND
    while True:
        try:
            out, err = process.communicate(timeout=0.5)
            return process.returncode, out, err
        except subprocess.TimeoutExpired as exc:
            so_far = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or ""
            if signum is not None and DROPPED_BY_PYTHON in so_far:
                process.send_signal(signum)
                signum = None
            if time.monotonic() > deadline:
                process.kill()
                process.communicate()
                pytest.fail(f"dctck serve did not exit {BOUND} s after the signal: it was lost")


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: s.name)
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.3])
def test_a_signal_during_start_up_stops_it(signum, delay):
    process = spawn_serve(*TICKING)
    time.sleep(delay)
    process.send_signal(signum)
    code, out, err = _wait(process, signum)
    # before Python runs dctck the signal's default action ends it; later, dctck stops cleanly
    assert code in (0, -signum, 1), err
    if code == 0:
        assert out.endswith("dctck serve: stopped\n")
    assert "Traceback" not in err or "KeyboardInterrupt" in err


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: s.name)
def test_a_signal_right_after_the_banner_stops_it(signum):
    with Served(*TICKING) as served:
        served.process.send_signal(signum)
        code, out, err = _wait(served.process)
    assert (code, out, err) == (0, "dctck serve: stopped\n", "")


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: s.name)
def test_a_signal_in_the_middle_of_requests_stops_it(signum):
    with Served(*TICKING) as served:
        stop = threading.Event()
        errors = []

        def hammer():
            with session() as http:
                while not stop.is_set():
                    try:
                        http.get(served.url + "/api/images", auth=("mockuser", "mockpassword"))
                    except Exception as exc:  # the server going away mid-request
                        errors.append(type(exc).__name__)
                        return

        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        served.process.send_signal(signum)
        code, out, _ = _wait(served.process)
        stop.set()
        for thread in threads:
            thread.join(BOUND)
    assert (code, out) == (0, "dctck serve: stopped\n")


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: s.name)
def test_a_signal_while_the_command_line_is_imported_is_held_until_the_server_serves(signum):
    """The entry holds SIGINT and SIGTERM before importing anything else of dctck: one sent
    right then is delivered when the server serves, and stops it cleanly."""
    process = launch_signalled_while_held(signum, "serve", "--port", "0", *TICKING)
    code, out, err = _wait(process)
    assert (code, err) == (0, "")
    assert out.startswith("dctck serve: mock (")
    assert out.endswith("\ndctck serve: stopped\n")


def test_repeated_signals_stop_it_once():
    with Served(*TICKING) as served:
        for signum in (signal.SIGTERM, signal.SIGTERM, signal.SIGINT):
            served.process.send_signal(signum)
        code, out, err = _wait(served.process)
    assert (code, out, err) == (0, "dctck serve: stopped\n", "")
