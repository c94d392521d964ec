"""`ctxlint install-hooks`: plain git hooks for teams without the pre-commit framework.

Honours core.hooksPath. Never overwrites or removes a hook it did not write: it refuses, or with
`--chain` keeps the existing hook as `<name>.local` and runs it first. A hook counts as ctxlint's
only when it is one of ctxlint's shims byte for byte, bar the two lines that name the interpreter.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import sys
from typing import TYPE_CHECKING

from linter import gitio
from linter.errors import CtxlintError
from linter.resources import data_dir

if TYPE_CHECKING:
    import argparse

HOOKS = ("commit-msg", "prepare-commit-msg", "pre-push")
MARKER = "# ctxlint-managed-hook:"
#: The lines install-hooks fills in; everything else in a shim is fixed text.
_SETTING = re.compile(r"^CTXLINT_(PYTHON|PATH)=.*$", re.MULTILINE)
#: Fingerprints of the shims earlier versions wrote (interpreter in double quotes, no -I), so
#: that install-hooks upgrades them and --uninstall removes them.
_EARLIER_SHIMS = frozenset({
    "389a8e571a7929256ba668f7be41a40a84bba4bb73b70376bec54a0c72b32dc2",  # commit-msg
    "92ec789970f270f5e5274b13d7d6b7ef7a71d2c5058d437d22f5f49e82a1c607",  # prepare-commit-msg
    "e8fed2c6b22e9628478e92b2e716278243edcc2f64dcbe99eaf23427505c00ab",  # pre-push
})
#: Far above any shim's size: a larger file is not ours and is not read whole.
_MAX_SHIM_BYTES = 1 << 16


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hook", action="append", choices=HOOKS, dest="hooks",
                        help="install only this hook (repeatable; default: all three)")
    parser.add_argument("--chain", action="store_true",
                        help="keep an existing hook as <name>.local and run it first")
    parser.add_argument("--uninstall", action="store_true",
                        help="remove ctxlint's hooks and restore chained ones")


def fingerprint(text: str) -> str:
    """A shim's identity: its SHA-256 with the interpreter settings put back to placeholders."""
    generic = _SETTING.sub(lambda m: f"CTXLINT_{m[1]}=@CTXLINT_{m[1]}@", text)
    return hashlib.sha256(generic.encode("utf-8", "surrogateescape")).hexdigest()


def _template(name: str) -> str:
    with open(os.path.join(data_dir("hooks"), name), encoding="utf-8") as handle:
        return handle.read()


def is_ours(path: str, name: str) -> bool:
    """Whether `path` is ctxlint's `name` shim (this version's or an earlier one), unedited.

    A marker anywhere in the file is not enough: a user's hook may quote it, or have grown out of
    ours by hand; either way it is theirs now.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read(_MAX_SHIM_BYTES + 1)
    except OSError:
        return False
    if len(data) > _MAX_SHIM_BYTES:
        return False
    text = data.decode("utf-8", "surrogateescape")
    if text.split("\n", 2)[1:2] != [f"{MARKER} {name}"]:
        return False
    found = fingerprint(text)
    return found == fingerprint(_template(name)) or found in _EARLIER_SHIMS


def package_parent() -> str:
    """The folder that holds the running `linter` package (site-packages, or a source checkout)."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def shim(name: str, python: str | None = None, path: str | None = None) -> str:
    """The hook script, pointing at the interpreter that runs this ctxlint, quoted for sh."""
    python = sys.executable if python is None else python
    path = package_parent() if path is None else path
    for what, value in (("interpreter", python), ("package folder", path)):
        if "\n" in value or "\r" in value or "\0" in value:
            raise CtxlintError(f"the {what} path {value!r} holds a line break; a hook cannot name it")
    # Single quotes (shlex.quote): no $(...), backtick, $VAR or quote in the path is special to sh.
    values = {"PYTHON": shlex.quote(python), "PATH": shlex.quote(path)}
    return _SETTING.sub(lambda m: f"CTXLINT_{m[1]}={values[m[1]]}", _template(name))


def install(hooks_dir: str, names: tuple[str, ...], chain: bool) -> list[str]:
    """Install the hooks; returns one line per action. Checks every hook before writing any."""
    plan: list[tuple[str, str]] = []
    for name in names:
        target = os.path.join(hooks_dir, name)
        if not os.path.lexists(target) or is_ours(target, name):
            plan.append((name, "write"))
        elif chain:
            if os.path.lexists(target + ".local"):
                raise CtxlintError(f"{target} exists and so does {target}.local; nothing was changed")
            plan.append((name, "chain"))
        else:
            raise CtxlintError(
                f"{target} exists and is not ctxlint's (or was edited); rerun with --chain to keep it "
                f"(as {name}.local, run first), or move it away yourself; nothing was changed"
            )
    texts = {name: shim(name) for name, _action in plan}
    os.makedirs(hooks_dir, exist_ok=True)
    done: list[str] = []
    for name, action in plan:
        target = os.path.join(hooks_dir, name)
        if action == "chain":
            os.replace(target, target + ".local")
        temp = f"{target}.ctxlint-tmp"
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(texts[name])
        os.chmod(temp, 0o755)
        os.replace(temp, target)
        done.append(f"installed {target}" + (f" (kept the previous hook as {name}.local)" if action == "chain" else ""))
    return done


def uninstall(hooks_dir: str, names: tuple[str, ...]) -> list[str]:
    """Remove ctxlint's own hooks (restoring chained ones); any other hook is left and named."""
    done: list[str] = []
    for name in names:
        target = os.path.join(hooks_dir, name)
        if not os.path.lexists(target):
            continue
        if not is_ours(target, name):
            done.append(f"left {target}: it is not ctxlint's (or was edited)")
            continue
        os.unlink(target)
        if os.path.lexists(target + ".local"):
            os.replace(target + ".local", target)
            done.append(f"removed {target}; restored the previous hook")
        else:
            done.append(f"removed {target}")
    return done


def run(args: argparse.Namespace) -> int:
    root = gitio.toplevel()
    hooks_dir = gitio.git_path("hooks", root)
    names = tuple(args.hooks or HOOKS)
    lines = uninstall(hooks_dir, names) if args.uninstall else install(hooks_dir, names, args.chain)
    for line in lines or ["nothing to do"]:
        sys.stdout.write(line + "\n")
    return 0
