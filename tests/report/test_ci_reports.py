"""The CI-facing formats: GitHub annotations and summary, GitLab Code Quality, SARIF, JUnit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from ci_support import BAD, GOOD, clean_env, github_env, github_pr_event
from conftest import Repo, run_in_process

from linter.findings import Finding
from linter.report import github, gitlab, junit, sarif
from linter.report.outcome import CommitRecord, Outcome
from linter.rulebook import catalogue

SCHEMA = Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json"


def outcome_with(findings: list[Finding], commits: list[CommitRecord] | None = None, **kw: object) -> Outcome:
    return Outcome("ci", findings, commits or [], pr_label="PR #9", pr_number=9, pr_title="Title", **kw)  # type: ignore[arg-type]


def finding(
    code: str = "CTX101",
    severity: str = "error",
    message: str = "no ticket",
    commit: str | None = None,
    subject: str | None = "fix stuff",
) -> Finding:
    return Finding(code, "missing-ticket", severity, message, commit=commit, subject=subject)


# -- GitHub -----------------------------------------------------------------------------------


def test_workflow_command_escaping() -> None:
    assert github.escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert github.escape_data("%0A") == "%250A"  # an already-escaped newline stays literal text


def test_annotation_stays_one_command_whatever_the_text() -> None:
    evil = finding(
        message="bad\n::error::forged\r\n::set-output name=a::b",
        subject="x::y, z\n::warning::w",
        commit="a" * 40,
    )
    line = github.annotation(evil, outcome_with([evil]))
    assert "\n" not in line and "\r" not in line
    assert line.startswith("::error title=CTX101 missing-ticket (commit aaaaaaaaaa)::")
    # the runner reads one command per line, from its start: the rest is data, `::` or not
    assert "%0A::error::forged" in line and "%0A::warning::w" in line
    title = line.split("::", 2)[1]
    assert ":" not in title.removeprefix("error title=").replace("%3A", "")


def test_annotation_shows_ansi_escapes_visibly() -> None:
    f = finding(subject="\x1b[2J\x1b]8;;http://x\x07gotcha")
    line = github.annotation(f, outcome_with([f]))
    assert "\x1b" not in line and "\\x1b" in line and "\x07" not in line


def test_at_most_ten_annotations_per_severity_most_important_first() -> None:
    commits = [CommitRecord(c * 40, f"subject {c}") for c in "fedcba"]  # newest first, as git log gives
    findings = [finding(commit=c * 40, code=f"CTX1{i:02d}") for i in range(4) for c in "abcdef"]
    findings += [finding(severity="warning", commit="a" * 40, code=f"CTX2{i:02d}") for i in range(15)]
    findings.append(finding(commit=None, code="CTX999"))  # the PR text
    outcome = outcome_with(findings, commits)
    lines, left_out = github.annotation_lines(outcome)
    assert sum(x.startswith("::error") for x in lines) == 10
    assert sum(x.startswith("::warning") for x in lines) == 10
    assert left_out == len(findings) - 20
    assert "(PR #9)" in lines[0]  # the PR text first: a squash merge records it
    assert "commit aaaaaaaaaa" in lines[1]  # then the oldest commit
    from io import StringIO

    out = StringIO()
    github.write(outcome, out)
    assert f"::notice title=ctxlint::{left_out} more findings not annotated" in out.getvalue()


def test_summary_lists_everything_escaped() -> None:
    f = finding(subject="a | b <script>alert(1)</script> [x](javascript:y)", commit="b" * 40)
    text = github.summary(outcome_with([f], [CommitRecord("b" * 40, "s")]))
    assert "| ❌ error | `CTX101`" in text
    assert "<script>" not in text and "\\<script\\>" in text and "a \\| b" in text
    assert "](javascript" not in text


def test_summary_is_capped_and_says_what_was_left_out() -> None:
    findings = [finding(commit=f"{i:040x}", subject="s" * 180, message="m" * 300) for i in range(5000)]
    text = github.summary(outcome_with(findings), limit=64 * 1024)
    assert len(text.encode("utf-8")) <= 64 * 1024
    assert "more findings left out" in text and "1 MiB" in text
    full = github.summary(outcome_with(findings))
    assert len(full.encode("utf-8")) <= github.SUMMARY_LIMIT and "left out" in full


# -- GitLab -----------------------------------------------------------------------------------


def test_fingerprints_unique_even_for_identical_findings() -> None:
    same = [finding(commit="a" * 40), finding(commit="a" * 40), finding(commit="b" * 40), finding()]
    prints = gitlab.fingerprints(outcome_with(same))
    assert len(set(prints)) == 4 and all(len(p) == 64 for p in prints)


def make_pr(repo: Repo) -> tuple[str, str]:
    base = repo.commit(GOOD.format(n=1))
    repo.write(".ctxlint.toml", 'trackers = ["jira", "github"]\n')
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(BAD)
    repo.commit('Tidy <things> & "quote" \x01\x02 control\n')
    head = repo.commit(GOOD.format(n=3))
    return base, head


def test_gitlab_code_quality_is_stable_across_runs(repo: Repo, tmp_path: Path) -> None:
    base, head = make_pr(repo)
    env = github_env(tmp_path, "pull_request", github_pr_event(base, head, title="wip", body=""))
    runs = [run_in_process("ci", "--format", "gitlab", cwd=repo.path, env=env) for _ in range(2)]
    first, second = (json.loads(r.stdout) for r in runs)
    assert first == second and len(first) == 6
    prints = [issue["fingerprint"] for issue in first]
    assert len(set(prints)) == len(prints)
    for issue in first:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"] == {"path": ".ctxlint.toml", "lines": {"begin": 1}}
    assert any(i["check_name"] == "CTX101 missing-ticket" and "PR #42" in i["description"] for i in first)


# -- SARIF ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def test_sarif_is_valid_against_the_official_schema(
    repo: Repo, tmp_path: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    base, head = make_pr(repo)
    env = github_env(tmp_path, "pull_request", github_pr_event(base, head, title="wip", body=""))
    proc = run_in_process("ci", "--format", "sarif", cwd=repo.path, env=env)
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert not errors, errors[0]
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in catalogue()]
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"]
    assert len(run["results"]) == 6
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert (repo.path / location["artifactLocation"]["uri"]).is_file()  # a real file GitHub can show
        assert location["region"]["startLine"] == 1
        assert result["partialFingerprints"]


def test_sarif_of_an_empty_run_is_valid(sarif_validator: jsonschema.Draft4Validator, tmp_path: Path) -> None:
    log = sarif.document(Outcome("check-range", [], root=str(tmp_path), notes=["no commits"]))
    assert not list(sarif_validator.iter_errors(log))
    assert log["runs"][0]["results"] == []


# -- JUnit ------------------------------------------------------------------------------------


def test_junit_has_a_case_per_commit_and_one_for_the_pr(repo: Repo, tmp_path: Path) -> None:
    base, head = make_pr(repo)
    env = github_env(tmp_path, "pull_request", github_pr_event(base, head, title="wip", body=""))
    proc = run_in_process("ci", "--format", "junit", cwd=repo.path, env=env)
    root = ET.fromstring(proc.stdout.encode("utf-8"))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == 4 and suite.get("tests") == "4" and suite.get("failures") == "3"
    assert cases[0].get("classname") == "ctxlint.pull-request" and cases[0].get("name") == "PR #42: wip"
    names = [c.get("name") for c in cases[1:]]
    assert names[1].endswith('Tidy <things> & "quote"  control')  # escaped on the way, control chars gone
    assert len(cases[1].findall("failure")) == 2 and cases[3].find("failure") is None
    assert {f.get("type") for f in cases[1].findall("failure")} == {"CTX101", "CTX201"}


def test_junit_strips_what_xml_cannot_hold() -> None:
    f = finding(message="bad \x00\x0b\x1b byte \ufffe", commit="c" * 40)
    text = junit.render(outcome_with([f], [CommitRecord("c" * 40, "sub\x07ject <&>")]))
    root = ET.fromstring(text.encode("utf-8"))
    failure = root.find(".//failure")
    assert failure is not None and failure.get("message") == "CTX101 missing-ticket: bad  byte "
    assert root.find(".//testcase[@classname='ctxlint.commits']").get("name") == "cccccccccccc subject <&>"


# -- several formats in one run ---------------------------------------------------------------


def test_one_run_writes_every_requested_file(repo: Repo, tmp_path: Path) -> None:
    base, head = make_pr(repo)
    out = tmp_path / "reports"
    proc = run_in_process(
        "check-range",
        f"{base}..{head}",
        "--format",
        "github",
        "--sarif-file",
        str(out / "c.sarif"),
        "--junit-file",
        str(out / "c.xml"),
        "--gitlab-file",
        str(out / "gl.json"),
        "--json-file",
        str(out / "c.json"),
        "--summary-file",
        str(out / "summary.md"),
        cwd=repo.path,
        env=clean_env(),
    )
    assert proc.returncode == 1
    assert proc.stdout.startswith("::error title=")
    assert json.loads((out / "c.sarif").read_text())["version"] == "2.1.0"
    assert ET.parse(out / "c.xml").getroot().get("tests") == "3"
    assert len(json.loads((out / "gl.json").read_text())) == 4
    assert json.loads((out / "c.json").read_text())["commits"] == 3
    assert "## ctxlint: 4 errors" in (out / "summary.md").read_text()


def test_summary_goes_to_the_github_step_summary_by_default(repo: Repo, tmp_path: Path) -> None:
    base, head = make_pr(repo)
    env = github_env(tmp_path, "pull_request", github_pr_event(base, head, commits=3))
    summary = Path(env["GITHUB_STEP_SUMMARY"])
    summary.write_text("earlier step\n")
    run_in_process("ci", "--format", "github", cwd=repo.path, env=env)
    text = summary.read_text()
    assert text.startswith("earlier step\n## ctxlint: 4 errors")  # appended, not overwritten
    proc = run_in_process("ci", "--format", "text", "--summary-file", "", cwd=repo.path, env=env)
    assert proc.returncode == 1 and summary.read_text() == text


def test_empty_check_range_says_so(repo: Repo) -> None:
    repo.commit(GOOD.format(n=1))
    proc = run_in_process("check-range", "HEAD..HEAD", cwd=repo.path, env=clean_env())
    assert proc.returncode == 0 and "no commits in HEAD..HEAD" in proc.stderr
    assert "0 commits checked" in proc.stderr


def test_sarif_keeps_the_most_important_results_within_the_cap(
    sarif_validator: jsonschema.Draft4Validator,
) -> None:
    warnings = [finding(severity="warning", commit=f"{i:040x}", code="CTX202") for i in range(30)]
    errors = [finding(commit=f"{i:040x}") for i in range(5)]
    log = sarif.document(outcome_with(warnings + errors), limit=10)
    assert not list(sarif_validator.iter_errors(log))
    run = log["runs"][0]
    levels = [r["level"] for r in run["results"]]
    assert levels == ["error"] * 5 + ["warning"] * 5
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("25 more findings left out" in n["message"]["text"] for n in notes)
