"""`python -m linter`: for GUI git clients whose PATH does not hold the console script."""

from __future__ import annotations

import sys

from linter.cli import main

if __name__ == "__main__":
    sys.exit(main())
