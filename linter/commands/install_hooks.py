"""`ctxlint install-hooks`: plain git hooks for teams without the pre-commit framework.

Honours core.hooksPath. Never overwrites a hook it did not write: it refuses, or with `--chain`
keeps the existing hook as `<name>.local` and runs it first.
"""

from __future__ import annotations

import os
import sys

from linter import gitio
from linter.errors import CtxlintError
from linter.resources import data_dir

HOOKS = ("commit-msg", "prepare-commit-msg", "pre-push")
MARKER = "# ctxlint-managed-hook:"


def add_arguments(parser: object) -> None:
    parser.add_argument("--hook", action="append", choices=HOOKS, dest="hooks",  # type: ignore[attr-defined]
                        help="install only this hook (repeatable; default: all three)")
    parser.add_argument("--chain", action="store_true",  # type: ignore[attr-defined]
                        help="keep an existing hook as <name>.local and run it first")
    parser.add_argument("--uninstall", action="store_true",  # type: ignore[attr-defined]
                        help="remove ctxlint's hooks and restore chained ones")


def is_ours(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return MARKER in handle.read(4096)
    except OSError:
        return False


def shim(name: str) -> str:
    """The hook script, pointing at the interpreter that runs this ctxlint."""
    with open(os.path.join(data_dir("hooks"), name), encoding="utf-8") as handle:
        return handle.read().replace("@CTXLINT_PYTHON@", sys.executable.replace('"', ""))


def install(hooks_dir: str, names: tuple[str, ...], chain: bool) -> list[str]:
    """Install the hooks; returns one line per action. Checks every hook before writing any."""
    plan: list[tuple[str, str]] = []
    for name in names:
        target = os.path.join(hooks_dir, name)
        if not os.path.lexists(target) or is_ours(target):
            plan.append((name, "write"))
        elif chain:
            if os.path.lexists(target + ".local"):
                raise CtxlintError(f"{target} exists and so does {target}.local; nothing was changed")
            plan.append((name, "chain"))
        else:
            raise CtxlintError(
                f"{target} exists and is not ctxlint's; rerun with --chain to keep it (as {name}.local, "
                "run first), or remove it; nothing was changed"
            )
    os.makedirs(hooks_dir, exist_ok=True)
    done: list[str] = []
    for name, action in plan:
        target = os.path.join(hooks_dir, name)
        if action == "chain":
            os.replace(target, target + ".local")
        temp = f"{target}.ctxlint-tmp"
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(shim(name))
        os.chmod(temp, 0o755)
        os.replace(temp, target)
        done.append(f"installed {target}" + (f" (kept the previous hook as {name}.local)" if action == "chain" else ""))
    return done


def uninstall(hooks_dir: str, names: tuple[str, ...]) -> list[str]:
    done: list[str] = []
    for name in names:
        target = os.path.join(hooks_dir, name)
        if os.path.lexists(target) and is_ours(target):
            os.unlink(target)
            if os.path.lexists(target + ".local"):
                os.replace(target + ".local", target)
                done.append(f"removed {target}; restored the previous hook")
            else:
                done.append(f"removed {target}")
    return done


def run(args: object) -> int:
    root = gitio.toplevel()
    hooks_dir = gitio.git_path("hooks", root)
    names = tuple(args.hooks or HOOKS)  # type: ignore[attr-defined]
    lines = uninstall(hooks_dir, names) if args.uninstall else install(hooks_dir, names, args.chain)  # type: ignore[attr-defined]
    for line in lines or ["nothing to do"]:
        sys.stdout.write(line + "\n")
    return 0
