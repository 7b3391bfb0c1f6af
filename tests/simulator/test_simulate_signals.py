"""``dctck simulate`` stops cleanly on SIGINT and SIGTERM however early they come: while the
command line is imported (dctck holds them), and right after the banner.

Each case waits at most ``BOUND`` seconds for the exit: that only tells a lost signal (a server
that never stops) from a stop, it is not a speed assertion.
"""

import signal
import subprocess

import pytest

from tests._launch import launch, launch_signalled_while_held

pytestmark = pytest.mark.live

BOUND = 30
SIGNALS = [signal.SIGTERM, signal.SIGINT]
APIS = ["ec2", "openstack"]
SIMULATE = ("simulate", "--port", "0", "--clock", "manual", "--api")


def _finish(process):
    try:
        out, err = process.communicate(timeout=BOUND)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"dctck simulate did not exit {BOUND} s after the signal: it was lost")
    return process.returncode, out, err


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: s.name)
def test_a_signal_while_the_command_line_is_imported_stops_it_once_it_serves(signum, api):
    code, out, err = _finish(launch_signalled_while_held(signum, *SIMULATE, api))
    assert (code, err) == (0, "")
    assert out.startswith("Serving ")
    assert out.endswith("Ctrl-C stops\nStopped.\n")


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: s.name)
def test_a_signal_right_after_the_banner_stops_it(signum, api):
    process = launch(*SIMULATE, api)
    assert process.stdout.readline().startswith("Serving ")
    process.send_signal(signum)
    code, out, err = _finish(process)
    assert (code, err) == (0, "")
    assert out.endswith("Stopped.\n")
