"""The ``dctck`` process: ``python -m dctck`` and the ``dctck`` script.

SIGINT and SIGTERM are held before the command line is imported (see :mod:`dctck._signals`).
"""

import sys

from dctck._signals import hold_stop_signals


def main() -> int:
    """Run ``dctck`` as a process; returns the exit code."""
    hold_stop_signals()
    from dctck._cli import main as run_command_line

    return run_command_line()


if __name__ == "__main__":
    sys.exit(main())
