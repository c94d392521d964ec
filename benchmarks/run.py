"""Run every benchmark in this folder: `python3 benchmarks/run.py [--quick]`.

Each `bench_*.py` is also runnable on its own; this runner only calls them in turn.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    extra = [a for a in sys.argv[1:] if a == "--quick"]
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n== {script.stem} ==", flush=True)
        failed |= subprocess.run([sys.executable, str(script), *extra], check=False).returncode
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
