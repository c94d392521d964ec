"""`ctxlint audit [RANGE...]`: how much of the history carries a ticket and a rationale.

`ctxlint audit merge A.json B.json ...` combines per-repository JSON reports into one.
Exit code 0, or 1 when `--fail-under` is given and coverage is below it.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from linter.errors import CtxlintError

if TYPE_CHECKING:
    from linter.config import Config

FORMATS = ("text", "markdown", "json", "html")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add(
        "revisions",
        nargs="*",
        metavar="RANGE",
        help="revisions to audit (default: HEAD, the whole history), e.g. v1.0..main; "
        "or `merge FILE...` to combine JSON reports",
    )
    add(
        "--since",
        metavar="DATE",
        help="only commits from DATE on (2026-01-31 is the start of that day, UTC; "
        "also 2026-01-31T09:00:00+01:00 or '7 days ago')",
    )
    add("--until", metavar="DATE", help="only commits before DATE (same forms; exclusive)")
    add("--format", choices=FORMATS, default="text", help="output format (default: text)")
    add("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    add(
        "--fail-under",
        type=float,
        metavar="PERCENT",
        help="exit 1 when the share of checked commits with both a ticket and a rationale is below PERCENT",
    )
    add(
        "--by",
        choices=("auto", "week", "month", "quarter", "year"),
        help="trend granularity in text, Markdown and HTML (default: auto, the finest that fits 40 periods)",
    )
    add("--top", type=int, metavar="N", help="rows per breakdown table (default: 20)")
    add(
        "--missing",
        type=int,
        metavar="N",
        help="how many of the largest commits lacking context to list (default: 50)",
    )
    add(
        "--no-cache",
        action="store_true",
        help="read and lint every commit, ignoring and not writing the cache",
    )
    add("--workers", type=int, metavar="N", help="lint worker processes (default: one per core, at most 4)")
    add("--no-progress", action="store_true", help="no progress bar even on a terminal")
    add(
        "--name",
        metavar="NAME",
        help="the repository's name in the report and in merged reports (default: the clone's folder name)",
    )


def _setting(args: argparse.Namespace, name: str, cfg: Config, key: str) -> Any:
    value = getattr(args, name, None)
    return value if value is not None else cfg.get(key, "audit")


#: More lint workers than this only costs memory and forks (a config in a pull request sets it).
MAX_WORKERS = 64


def _check_numbers(args: argparse.Namespace) -> None:
    for option in ("top", "missing", "workers"):
        value = getattr(args, option, None)
        if value is not None and value < 0:
            raise CtxlintError(f"--{option} must be 0 or more, got {value}")
    threshold = getattr(args, "fail_under", None)
    if threshold is not None and not 0 <= threshold <= 100:  # also refuses nan, which never compares below
        raise CtxlintError(f"--fail-under must be a percentage from 0 to 100, got {threshold:g}")


def run(args: argparse.Namespace) -> int:
    _check_numbers(args)
    revisions: list[str] = list(args.revisions)
    if revisions and revisions[0] == "merge":
        return _merge(args, revisions[1:])
    from linter import codeowners, gitio
    from linter import config as config_module
    from linter.audit import Options, audit
    from linter.audit.dates import parse_date

    root = gitio.toplevel()
    cfg = config_module.load(root, args.config)
    since = parse_date(args.since, "--since") if args.since else None
    until = parse_date(args.until, "--until") if args.until else None
    if since is not None and until is not None and since >= until:
        raise CtxlintError("--since must be before --until")
    missing = _setting(args, "missing", cfg, "missing-limit")
    workers = min(_setting(args, "workers", cfg, "workers"), MAX_WORKERS) or None
    progress = None
    bar = None
    if not args.no_progress and sys.stderr.isatty():
        bar = _ProgressBar()
        progress = bar.update
    options = Options(
        revisions,
        since,
        until,
        missing_limit=missing,
        folder_depth=cfg.number("folder-depth", "audit"),
        use_cache=not args.no_cache and cfg.flag("cache", "audit"),
        workers=workers,
        progress=progress,
        name=args.name,
    )
    try:
        report = audit(root, cfg, options, codeowners.load(root))
    finally:
        if bar is not None:
            bar.stop()
    note = report["cache"].get("note")
    if note:
        from linter.report.safety import clean_line

        sys.stderr.write(f"ctxlint: note: {clean_line(note)}\n")
    return _emit(report, args, cfg)


def _merge(args: argparse.Namespace, files: list[str]) -> int:
    from linter import config as config_module
    from linter.audit import merge

    if not files:
        raise CtxlintError(
            "audit merge: give the JSON reports to combine, e.g. `ctxlint audit merge a.json b.json`"
        )
    limit = args.missing if args.missing is not None else 50
    return _emit(merge.merge_reports(merge.read_reports(files), limit), args, config_module.Config())


def _emit(report: dict[str, Any], args: argparse.Namespace, cfg: Config) -> int:
    fmt: str = args.format
    by = _setting(args, "by", cfg, "trend")
    top = _setting(args, "top", cfg, "top")
    output: str | None = args.output
    # Drawn whole before anything is opened: a failing renderer leaves an existing --output intact.
    # Text on standard output is drawn straight to it, which may be a terminal (colour, width).
    text: str | None = None
    if fmt == "json":
        from linter.report import audit_json

        text = audit_json.render(report)
    elif fmt == "markdown":
        from linter.report import audit_markdown

        text = audit_markdown.render(report, by=by, top=top)
    elif fmt == "html":
        from linter.report import audit_html

        text = audit_html.render(report, by=by, top=top)
    elif output:
        import io

        from linter.report import audit_text

        buffer = io.StringIO()
        audit_text.write(report, buffer, by=by, top=top)
        text = buffer.getvalue()
    _write(report, text, output, by, top)
    threshold = args.fail_under
    if threshold is None:
        configured = cfg.number("fail-under", "audit")
        threshold = configured or None
    if threshold is not None:
        coverage = report["totals"]["percent"]["both"]
        if coverage is not None and coverage < threshold:
            sys.stderr.write(f"ctxlint: coverage {coverage:.1f}% is below --fail-under {threshold:g}%\n")
            return 1
    return 0


def _write(report: dict[str, Any], text: str | None, output: str | None, by: str, top: int) -> None:
    """Write the report to `output` or stdout; a full disk or an unwritable target is one line."""
    where = f"--output {output}" if output else "standard output"
    try:
        if output:
            with open(output, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text or "")
        else:
            if text is None:
                from linter.report import audit_text

                audit_text.write(report, sys.stdout, by=by, top=top)
            else:
                sys.stdout.write(text)
            sys.stdout.flush()
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise  # a reader that stopped early (`| head`) is not an error
        if not output:
            _drop_stdout()
        raise CtxlintError(f"{where}: cannot write the report: {exc.strerror or exc}") from None


def _drop_stdout() -> None:
    """Point stdout at /dev/null: the buffered report would fail again at exit, with a traceback."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError):
        pass


class _ProgressBar:
    """A rich progress bar on stderr (only created when stderr is a terminal).

    Refreshed by hand, without rich's refresh thread, so that the lint pool never forks a
    process while another thread holds a lock.
    """

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("reading history"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            auto_refresh=False,
        )
        self.task = self.progress.add_task("audit", total=None)
        self.progress.start()

    def update(self, done: int, total: int | None) -> None:
        self.progress.update(self.task, completed=done, total=total)
        self.progress.refresh()

    def stop(self) -> None:
        self.progress.stop()
