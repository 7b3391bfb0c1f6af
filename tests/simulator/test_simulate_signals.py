"""``dctck simulate`` stops cleanly on SIGINT and SIGTERM however early they come: while the
command line is imported (dctck holds them), and right after the banner.

Each case waits at most ``BOUND`` seconds for the exit: that only tells a lost signal (a server
that never stops) from a stop, it is not a speed assertion.
"""

import signal
import subprocess
import sys

import pytest

pytestmark = pytest.mark.live

BOUND = 30
SIGNALS = [signal.SIGTERM, signal.SIGINT]
APIS = ["ec2", "openstack"]
#: ``python -m dctck`` whose hold on the stop signals is followed at once by ``SIGNUM``.
SIGNAL_WHILE_HELD = """
import os, sys
import dctck.__main__ as entry
held = entry.hold_stop_signals
def hold_then_signal():
    held()
    os.kill(os.getpid(), SIGNUM)
entry.hold_stop_signals = hold_then_signal
sys.argv = ["dctck", *sys.argv[1:]]
sys.exit(entry.main())
"""


def _simulate(program, signum, api):
    return subprocess.Popen(
        [sys.executable, "-c", program.replace("SIGNUM", str(int(signum))), "simulate",
         "--api", api, "--port", "0", "--clock", "manual"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_default_signal_actions,
    )  # fmt: skip


def _default_signal_actions():
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_DFL)


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
    code, out, err = _finish(_simulate(SIGNAL_WHILE_HELD, signum, api))
    assert (code, err) == (0, "")
    assert out.startswith("Serving ")
    assert out.endswith("Ctrl-C stops\nStopped.\n")


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: s.name)
def test_a_signal_right_after_the_banner_stops_it(signum, api):
    process = _simulate(
        "import sys; from dctck.__main__ import main; sys.exit(main())", signum, api
    )
    assert process.stdout.readline().startswith("Serving ")
    process.send_signal(signum)
    code, out, err = _finish(process)
    assert (code, err) == (0, "")
    assert out.endswith("Stopped.\n")
