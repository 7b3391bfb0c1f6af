"""``python -m dctck``: the same as the ``dctck`` command."""

import sys

from dctck._cli import main

sys.exit(main())
