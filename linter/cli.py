"""Command line: parse arguments, import only the chosen command, map errors to exit codes.

Exit codes: 0 clean (or warnings only), 1 error findings, 2 usage, config or repository error,
3 internal error (a bug in ctxlint: one line, and the traceback with CTXLINT_DEBUG=1).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from linter import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from typing import TextIO

#: subcommand -> (module under linter.commands, one-line help). Modules load only when chosen,
#: so the commit hook never pays for the audit's or the reporters' imports.
COMMANDS: dict[str, tuple[str, str]] = {
    "check-msg": ("check_msg", "lint one commit message file (the commit-msg hook)"),
    "prepare-msg": ("prepare_msg", "add the branch's ticket and a rationale prompt (prepare-commit-msg hook)"),
    "pre-push": ("pre_push", "lint the commits being pushed (the pre-push hook)"),
    "check-range": ("check_range", "lint every commit in a revision range, e.g. origin/main..HEAD"),
    "ci": ("ci", "the pull request gate: lint the PR title/body and its commits, with native CI output"),
    "audit": ("audit", "report how much of the history carries a ticket and a rationale"),
    "decisions": ("decisions", "list the decision records (ADRs) and the health of the decision log"),
    "why": ("why", "find the decision records (and commits) that say why, for a topic, path or ticket"),
    "check-decisions": ("check_decisions", "check new or changed decision records (pre-commit hook)"),
    "annotate": ("annotate", "record a missing ticket or rationale for a commit as a git note"),
    "rules": ("rules", "list every rule"),
    "explain": ("explain", "print one rule's summary, rationale and examples"),
    "init": ("init", "write a commented starter config, guessed from recent history"),
    "install-hooks": ("install_hooks", "install plain git hooks (without the pre-commit framework)"),
}


def _chosen_command(argv: Sequence[str]) -> str | None:
    """The subcommand named in argv (skipping the global options and their values), if known."""
    takes_value = False
    for arg in argv:
        if takes_value:
            takes_value = False
        elif arg in ("-C", "--config"):
            takes_value = True
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def _terminal_width() -> int:
    """What shutil.get_terminal_size() would say, without importing shutil (and its compression
    modules: some 3 ms of every command's start)."""
    import os

    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        stdout = sys.__stdout__  # None when Python runs without a console (pythonw)
        try:
            columns = os.get_terminal_size(stdout.fileno()).columns if stdout is not None else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with `chosen`, only that command's parser is built and its module
    imported, so one command's start-up never pays for the others'. Without one (`--help`, a
    mistyped command) every command is listed."""
    import argparse

    from linter import __version__

    class Formatter(argparse.HelpFormatter):
        def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                     width: int | None = None) -> None:
            width = _terminal_width() - 2 if width is None else width
            super().__init__(prog, indent_increment, max_help_position, width)

    parser = argparse.ArgumentParser(
        prog="ctxlint",
        description="Git-native ticket context linter: every commit names its ticket and says why.",
        formatter_class=Formatter,
    )
    parser.add_argument("--version", action="version", version=f"ctxlint {__version__}")
    parser.add_argument("-C", dest="cwd", metavar="PATH", help="run as if started in PATH")
    parser.add_argument("--config", metavar="FILE", help="config file (default: .ctxlint.toml or pyproject.toml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    import importlib

    for name, (module, help_text) in COMMANDS.items():
        if chosen is None or name == chosen:
            command = sub.add_parser(name, help=help_text, description=help_text, formatter_class=Formatter)
            importlib.import_module(f"linter.commands.{module}").add_arguments(command)
    return parser


def _fast_check_msg(argv: Sequence[str]) -> int | None:
    """The commit-msg hook's path: `check-msg FILE` parsed by hand to keep argparse off it."""
    if len(argv) == 2 and argv[0] == "check-msg" and not argv[1].startswith("-"):
        from linter.commands.check_msg import run_check

        return run_check(argv[1], fmt="text", config_path=None)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `ctxlint` console script and `python -m linter`: run the command named
    in `argv` (default: the process's own arguments) and return its exit code. As the process's
    own entry (no `argv`), the process ends here, without the interpreter's teardown (`_leave`)."""
    code = run(argv)
    if argv is None:
        _leave(code)
    return code


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command named in `argv` (default: the process's arguments); its exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    from linter.errors import CtxlintError

    if sys.stdout is None:  # started with stdout closed (`>&-`): Python gives no stream at all
        sys.stdout = _closed_output()
    if sys.stderr is None:  # closed too (`2>&-`): what would be said there is lost, the exit code is not
        sys.stderr = _discarded_errors()
    parsed: argparse.Namespace | None = None  # the options, once parsed: the error handler reads --format
    try:
        fast = _fast_check_msg(args_list)
        if fast is not None:
            return fast
        parser = _parser(_chosen_command(args_list))
        args = parsed = parser.parse_args(args_list)
        if args.cwd:
            import os

            try:
                os.chdir(args.cwd)
            except OSError as exc:
                raise CtxlintError(f"-C {args.cwd}: {exc.strerror}") from None
        import importlib

        module = importlib.import_module(f"linter.commands.{COMMANDS[args.command][0]}")
        code: int = module.run(args)
        return code
    except CtxlintError as exc:
        line = f"ctxlint: {_one_line(str(exc))}"
        sys.stderr.write(line + "\n")
        _tell_ci(parsed, line)
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("ctxlint: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the one place that turns a bug into exit 3
        # a full disk or a closed stdout is the machine's state, not a bug
        if isinstance(exc, _OutputClosed) or (isinstance(exc, OSError) and _out_of_room(exc)):
            return _cannot_write(exc)
        _tell_ci(parsed, _internal_error(exc))
        return INTERNAL_ERROR
    finally:
        _report_skipped()


def _leave(code: int) -> None:
    """End the process with `code` now, skipping the interpreter's teardown.

    The teardown frees every object one by one and runs a last full garbage collection: some
    9 ms after a 10,000-commit range, all of it serial, for memory the kernel takes back at once
    anyway. What it does that matters is done here: the exit handlers run (one saves the regex
    cache) and stdout and stderr are flushed; a failure to write the output is one line and exit 2,
    as anywhere else. Where that cannot be done as Python itself would (no `atexit._run_exitfuncs`,
    another thread still running), the process ends the usual way.
    """
    import atexit
    import os

    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    threading = sys.modules.get("threading")
    if run_exit_handlers is None or (threading is not None and any(
            not thread.daemon for thread in threading.enumerate() if thread is not threading.main_thread())):
        raise SystemExit(code)
    run_exit_handlers()
    # stdout first: what its failure says on stderr is flushed with stderr, next
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:
            pass  # the reader stopped early (`| head`): not an error
        except OSError as exc:
            if stream is sys.stdout and sys.stderr is not None:
                code = _cannot_write(exc)
        except ValueError:  # closed
            pass
    os._exit(code)


class _OutputClosed(OSError):
    """A write to a standard output the process was started without."""


def _discarded_errors() -> TextIO:
    """What stderr is when the process was started with it closed: a stream that takes every line
    and keeps none, so that an error still ends the run with its own exit code (2 for a missing
    revision) rather than an AttributeError's 1, which would read as findings."""
    return _stand_in("<stderr>", len, errors="replace", line_buffering=True)


def _closed_output() -> TextIO:
    """What stdout is when the process was started with it closed: a run that writes nothing there
    (a passing commit-msg hook) runs as usual; its first write raises _OutputClosed, which the run
    reports on one line with exit 2."""
    import errno

    def refuse(data: bytes) -> int:
        raise _OutputClosed(errno.EBADF, "standard output is closed")

    return _stand_in("<stdout>", refuse, write_through=True)


def _stand_in(name: str, write: Callable[[bytes], int], *, errors: str | None = None, line_buffering: bool = False,
              write_through: bool = False) -> TextIO:
    """A text stream for a standard stream the process was started without, whose bytes go to `write`."""
    import io

    class StandIn(io.BufferedIOBase):
        name = ""

        def writable(self) -> bool:
            return True

        def write(self, data: bytes, /) -> int:  # type: ignore[override]  # takes any buffer
            return write(data)

    stream = StandIn()
    stream.name = name
    return io.TextIOWrapper(stream, encoding="utf-8", errors=errors, line_buffering=line_buffering,
                            write_through=write_through)


def _cannot_write(exc: OSError) -> int:
    """Say on one line that the output could not be written (a full disk, a closed terminal): exit 2."""
    sys.stderr.write(f"ctxlint: cannot write the output: {exc.strerror or exc}\n")
    return 2


def _out_of_room(exc: OSError) -> bool:
    import errno

    return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def _tell_ci(args: argparse.Namespace | None, line: str) -> None:
    """With --format github, a run that could not finish says so where people look (an error
    annotation and the step summary): a line on stderr is buried in the job's log."""
    if args is not None and getattr(args, "format", None) == "github":
        from linter.report import outputs

        outputs.report_failure(args, line)


#: Exit code of an unexpected exception: CI must tell a broken tool (3) from a bad commit (1).
INTERNAL_ERROR = 3


def _internal_error(exc: BaseException) -> str:
    """Write one line naming the exception (the traceback too when CTXLINT_DEBUG is set); the
    line, without its newline."""
    import os

    if os.environ.get("CTXLINT_DEBUG", "") not in ("", "0"):
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        hint = ""
    else:
        hint = "; run with CTXLINT_DEBUG=1 for the traceback"
    detail = _one_line(str(exc))
    if len(detail) > 300:  # a message can quote a whole input; the line must stay readable
        detail = detail[:297] + "..."
    name = type(exc).__name__
    line = f"ctxlint: internal error: {name}{': ' + detail if detail else ''}{hint}"
    sys.stderr.write(line + "\n")
    return line


def _report_skipped() -> None:
    """One line per work-tree file that was not read (a FIFO, a device, a huge file)."""
    files = sys.modules.get("linter.files")  # never imported: nothing was read, nothing skipped
    if files is None:
        return
    skipped = files.take_skipped()
    for path, reason in skipped[:_SKIPPED_SHOWN]:
        sys.stderr.write(f"ctxlint: skipped {_one_line(path)}: {reason}\n")
    if len(skipped) > _SKIPPED_SHOWN:
        more = len(skipped) - _SKIPPED_SHOWN
        sys.stderr.write(f"ctxlint: skipped {more} more file{'s' * (more != 1)} that are not regular files "
                         "or are too large\n")


#: Lines naming skipped files; past this, one line counts the rest (the hook's output stays short).
_SKIPPED_SHOWN = 5


def _one_line(text: str) -> str:
    from linter.report.safety import clean_line

    return clean_line(text)
