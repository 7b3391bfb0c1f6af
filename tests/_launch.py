"""``dctck`` in a subprocess for the tests of stop signals: launched plainly, or so that a signal
comes while the process entry holds SIGINT and SIGTERM (right after the hold, before the command
line is imported), which is deterministic where a signal sent after a delay is not.

Both start with SIGINT and SIGTERM at their default actions: a test run started in the
background by a non-interactive shell inherits SIGINT ignored, and the process would then ignore
a signal that comes before it installs its own handlers. Output comes through text pipes.
"""

import signal
import subprocess
import sys

_SIGNALLED_WHILE_HELD = """
import os, sys
import dctck.__main__ as entry
held = entry.hold_stop_signals
def hold_then_signal():
    held()
    os.kill(os.getpid(), {signum})
entry.hold_stop_signals = hold_then_signal
sys.argv = ["dctck", *sys.argv[1:]]
sys.exit(entry.main())
"""


def launch(*argv):
    """``python -m dctck ARGV``."""
    return _popen("-m", "dctck", *argv)


def launch_signalled_while_held(signum, *argv):
    """``dctck ARGV``, which sends itself ``signum`` right after its entry holds the signals."""
    return _popen("-c", _SIGNALLED_WHILE_HELD.format(signum=int(signum)), *argv)


def _popen(*arguments):
    return subprocess.Popen(
        [sys.executable, *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_signal_actions,
    )


def _default_signal_actions():
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
