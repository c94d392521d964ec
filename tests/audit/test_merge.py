"""`ctxlint audit merge`: per-repository JSON reports combined into one organisation report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.audit.history import TRUTH, build
from tests.conftest import Repo, git, run_ctxlint


@pytest.fixture
def reports(repo: Repo, tmp_path: Path) -> tuple[Path, Path]:
    build(repo)
    other = Repo(tmp_path / "billing")
    other.path.mkdir()
    git(other.path, "init", "-q", "-b", "main")
    other.commit(
        "Add invoices\n\nAccounting needs invoices in PDF because email clients mangle HTML.\n\n"
        "Refs: PAY-3\n",
        {"pdf/a.py": "x\n" * 8},
        author="Ada <ada@example.com>",
        date="2026-01-10T10:00:00Z",
    )
    other.commit(
        "quick fix\n", {"pdf/b.py": "y\n" * 50}, author="Dan <dan@example.com>", date="2026-04-01T10:00:00Z"
    )
    a, b = tmp_path / "app.json", tmp_path / "billing.json"
    for cwd, target, name in ((repo.path, a, "repo"), (other.path, b, None)):
        named = ["--name", name] if name else []
        proc = run_ctxlint("audit", "--format", "json", "--output", str(target), *named, cwd=cwd)
        assert proc.returncode == 0, proc.stderr
    return a, b


def merged(tmp_path: Path, *files: Path, args: tuple[str, ...] = ()) -> dict[str, Any]:
    proc = run_ctxlint("audit", "merge", *map(str, files), "--format", "json", *args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def test_totals_rows_and_authors_are_combined(reports: tuple[Path, Path], tmp_path: Path) -> None:
    org = merged(tmp_path, *reports)
    truth = TRUTH["totals"]
    assert org["totals"]["commits"] == truth["commits"] + 2
    assert org["totals"]["checked"] == truth["checked"] + 2
    assert org["totals"]["with_both"] == truth["with_both"] + 1
    assert org["totals"]["lines_checked"] == truth["lines_checked"] + 58
    assert org["totals"]["percent"]["both"] == round(100 * 3 / 7, 1)
    rows = {r["name"]: r for r in org["repositories"]}
    assert set(rows) == {"repo", "billing"}
    assert rows["billing"]["checked"] == 2 and rows["billing"]["percent"]["both"] == 50.0
    assert rows["repo"]["with_both"] == 2
    assert (
        org["by_author"]["ada@example.com"]["commits"] == TRUTH["by_author"]["ada@example.com"]["commits"] + 1
    )
    assert org["by_month"]["2026-01"]["commits"] == 3 and org["by_month"]["2026-04"]["commits"] == 1
    assert "billing:pdf/" in org["by_folder"] and "repo:src/" in org["by_folder"]
    assert org["by_project"]["PAY"]["commits"] == 2
    assert org["missing_total"] == 4
    assert [(m["repository"], m["lines"]) for m in org["missing"]][:2] == [("billing", 50), ("repo", 20)]
    assert org["exempt"]["by_reason"]["merge"] == 1


def test_every_format_and_fail_under(reports: tuple[Path, Path], tmp_path: Path) -> None:
    for fmt in ("text", "markdown", "html"):
        proc = run_ctxlint("audit", "merge", *map(str, reports), "--format", fmt, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "billing" in proc.stdout
    assert (
        "| billing |"
        in run_ctxlint("audit", "merge", *map(str, reports), "--format", "markdown", cwd=tmp_path).stdout
    )
    low = run_ctxlint("audit", "merge", *map(str, reports), "--fail-under", "50", cwd=tmp_path)
    assert low.returncode == 1


def test_merged_report_follows_the_schema(reports: tuple[Path, Path], tmp_path: Path) -> None:
    import jsonschema

    from tests.conftest import ROOT

    jsonschema.validate(
        merged(tmp_path, *reports), json.loads((ROOT / "docs" / "audit.schema.json").read_text())
    )


def test_same_name_twice_keeps_two_rows(reports: tuple[Path, Path], tmp_path: Path) -> None:
    org = merged(tmp_path, reports[0], reports[0])
    assert [r["name"] for r in org["repositories"]] == ["repo", "repo (2)"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ('{"schema_version": 99}', "not a ctxlint audit JSON report"),
        ("[1, 2]", "not a ctxlint audit JSON report"),
    ],
)
def test_bad_inputs_are_one_line(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    proc = run_ctxlint("audit", "merge", str(bad), cwd=tmp_path)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_missing_file_and_no_file(tmp_path: Path) -> None:
    proc = run_ctxlint("audit", "merge", str(tmp_path / "nope.json"), cwd=tmp_path)
    assert proc.returncode == 2 and "cannot read" in proc.stderr
    proc = run_ctxlint("audit", "merge", cwd=tmp_path)
    assert proc.returncode == 2 and "give the JSON reports" in proc.stderr


def test_a_merged_report_is_not_merged_again(reports: tuple[Path, Path], tmp_path: Path) -> None:
    org = tmp_path / "org.json"
    org.write_text(json.dumps(merged(tmp_path, *reports)))
    proc = run_ctxlint("audit", "merge", str(org), cwd=tmp_path)
    assert proc.returncode == 2 and "already a merged report" in proc.stderr


# -- wrong types, found by mutation --------------------------------------------------------------

_COUNT = "count"
_TEXT = "text"
_OPTIONAL_TEXT = "optional text"
_OBJECT = "object"
_ARRAY = "array"


def _typed_paths(report: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Every value `audit merge` reads in `report`, with the kind of value it must be."""
    from linter.audit.aggregate import FIELDS

    paths: list[tuple[tuple[Any, ...], str]] = [
        (("totals",), _OBJECT),
        (("repository",), _OBJECT),
        (("repository", "name"), _OPTIONAL_TEXT),
        (("exempt",), _OBJECT),
        (("exempt", "by_reason"), _OBJECT),
        (("exempt", "skip_reasons"), _ARRAY),
        (("by_rule",), _OBJECT),
        (("missing",), _ARRAY),
        (("decision_findings",), _ARRAY),
        (("missing_total",), _COUNT),
        (("first_commit_date",), _OPTIONAL_TEXT),
        (("last_commit_date",), _OPTIONAL_TEXT),
        (("generated_at",), _OPTIONAL_TEXT),
        (("warnings",), _ARRAY),
    ]
    paths += [(("totals", f), _COUNT) for f in FIELDS]
    for table in ("by_week", "by_month", "by_author", "by_folder", "by_owner", "by_project"):
        paths.append(((table,), _OBJECT))
        for key in report[table]:
            paths.append(((table, key), _OBJECT))
            paths += [((table, key, f), _COUNT) for f in FIELDS]
    paths += [(("exempt", "by_reason", k), _COUNT) for k in report["exempt"]["by_reason"]]
    for i, _ in enumerate(report["exempt"]["skip_reasons"]):
        paths += [(("exempt", "skip_reasons", i), _OBJECT), (("exempt", "skip_reasons", i, "reason"), _TEXT),
                  (("exempt", "skip_reasons", i, "count"), _COUNT)]
    paths += [(("by_rule", code), _COUNT) for code in report["by_rule"]]
    for i, _ in enumerate(report["missing"]):
        paths += [(("missing", i), _OBJECT), (("missing", i, "sha"), _TEXT), (("missing", i, "date"), _OPTIONAL_TEXT),
                  (("missing", i, "subject"), _OPTIONAL_TEXT), (("missing", i, "lines"), _COUNT),
                  (("missing", i, "lacks"), _ARRAY), (("missing", i, "lacks", 0), _TEXT)]
    return paths


def _wrong(kind: str) -> Any:
    from hypothesis import strategies as st

    scalars = {
        "int": st.integers(min_value=0, max_value=10**30),
        "negative": st.integers(max_value=-1),
        "float": st.floats(allow_nan=True, allow_infinity=True),
        "bool": st.booleans(),
        "none": st.none(),
        "text": st.text(max_size=8),
        "list": st.lists(st.integers(), max_size=2),
        "dict": st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    }
    wrong = {
        _COUNT: ("negative", "float", "bool", "none", "text", "list", "dict"),
        _TEXT: ("int", "float", "bool", "none", "list", "dict"),
        _OPTIONAL_TEXT: ("int", "float", "bool", "list", "dict"),
        _OBJECT: ("int", "float", "bool", "text", "list"),
        _ARRAY: ("int", "float", "bool", "text", "dict"),
    }[kind]
    return st.one_of(*(scalars[w] for w in wrong))


def _set(report: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        report = report[step]
    report[path[-1]] = value


def test_wrong_types_anywhere_are_one_line_naming_file_and_field(
    reports: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import copy

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from linter.cli import main

    valid = json.loads(reports[0].read_text())
    paths = _typed_paths(valid)
    assert len(paths) > 100  # the history has tables, skip reasons, rules and missing commits
    target = tmp_path / "bad.json"

    @settings(max_examples=300, deadline=None)
    @given(data=st.data())
    def check(data: Any) -> None:
        path, kind = data.draw(st.sampled_from(paths))
        value = data.draw(_wrong(kind))
        report = copy.deepcopy(valid)
        _set(report, path, value)
        target.write_text(json.dumps(report))
        capsys.readouterr()
        code = main(["audit", "merge", str(reports[1]), str(target), "-o", str(tmp_path / "out.json")])
        err = capsys.readouterr().err
        assert code == 2, (path, value)
        assert err.count("\n") == 1 and err.startswith(f"ctxlint: {target}: field "), err
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)[1:]
        assert f"field {dotted!r}: expected " in err, (path, err)

    check()


def test_any_json_value_anywhere_never_gives_a_traceback(
    reports: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import copy

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from linter.cli import main

    valid = json.loads(reports[0].read_text())
    keys = sorted(valid)
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
        max_leaves=6,
    )
    target = tmp_path / "any.json"

    @settings(max_examples=200, deadline=None)
    @given(key=st.sampled_from(keys), value=json_values)
    def check(key: str, value: Any) -> None:
        report = copy.deepcopy(valid)
        report[key] = value
        target.write_text(json.dumps(report))
        capsys.readouterr()
        code = main(["audit", "merge", str(target), "--format", "html", "-o", str(tmp_path / "out.html")])
        err = capsys.readouterr().err
        assert code in (0, 2), (key, value, err)
        assert err.count("\n") <= 1, err

    check()
