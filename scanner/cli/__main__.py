"""``python -m scanner.cli``: the same as the ``dingmi`` command."""

import sys

from scanner.cli import main

sys.exit(main())
