"""Configuration: zero config, where it is found, one-line errors, severity overrides, `ctxlint init`."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import Repo, run_in_process

from linter.config import Config, load, load_file
from linter.errors import CtxlintError

PASSING = "PAY-1: retry payments\n\nThe gateway drops idle connections after thirty seconds, so we retry.\n"
NO_TICKET = "Retry payments\n\nThe gateway drops idle connections after thirty seconds, so we retry.\n"


def check(repo: Repo, message: str, *extra: str) -> subprocess.CompletedProcess[str]:
    path = repo.write(".git/COMMIT_EDITMSG_TEST", message)
    return run_in_process(*extra, "check-msg", str(path), cwd=repo.path)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("ctxlint: ")
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


def test_zero_config_works(repo: Repo) -> None:
    assert check(repo, PASSING).returncode == 0
    result = check(repo, NO_TICKET)
    assert result.returncode == 1
    assert "CTX101" in result.stdout
    assert load(str(repo.path)).source is None


def test_pyproject_tool_table(repo: Repo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "x"\n\n[tool.ctxlint]\nproject-keys = ["OPS"]\n')
    result = check(repo, PASSING)
    assert result.returncode == 1  # PAY is not a project key any more
    assert "CTX101" in result.stdout and "CTX102" in result.stdout


def test_pyproject_without_ctxlint_is_zero_config(repo: Repo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "x"\n[tool.other]\nx = 1\n')
    assert load(str(repo.path)).source is None
    assert check(repo, PASSING).returncode == 0


def test_dotfile_wins_over_pyproject(repo: Repo) -> None:
    repo.write("pyproject.toml", '[tool.ctxlint]\nproject-keys = ["OPS"]\n')
    repo.write(".ctxlint.toml", 'project-keys = ["PAY"]\n')
    cfg = load(str(repo.path))
    assert cfg.source is not None and cfg.source.endswith(".ctxlint.toml")
    assert check(repo, PASSING).returncode == 0


def test_config_found_from_a_subdirectory(repo: Repo) -> None:
    repo.write(".ctxlint.toml", 'project-keys = ["OPS"]\n')
    sub = repo.path / "src" / "deep"
    sub.mkdir(parents=True)
    path = repo.write("msg", PASSING)
    result = run_in_process("check-msg", str(path), cwd=sub)
    assert result.returncode == 1 and "CTX102" in result.stdout


def test_explicit_config_option(repo: Repo, tmp_path_factory: pytest.TempPathFactory) -> None:
    other = tmp_path_factory.mktemp("cfg") / "team.toml"
    other.write_text('project-keys = ["OPS"]\n')
    path = repo.write("msg", PASSING)
    assert run_in_process("--config", str(other), "check-msg", str(path), cwd=repo.path).returncode == 1
    missing = run_in_process("--config", str(other) + ".nope", "check-msg", str(path), cwd=repo.path)
    assert_one_line_error(missing, "config file not found")


@pytest.mark.parametrize(("content", "needles"), [
    ('project-key = ["PAY"]\n', ["project-key", "did you mean 'project-keys'"]),
    ('[exempt]\nmerge = false\n', ["exempt.merge", "did you mean 'merges'"]),
    ('[rules]\nmissing-tiket = "off"\n', ["missing-tiket", "did you mean 'missing-ticket'"]),
    ('trackers = ["jria"]\n', ["trackers", "did you mean 'jira'"]),
    ('rationale-min-words = "5"\n', ["rationale-min-words", "whole number"]),
    ("rationale-min-words = -1\n", ["rationale-min-words"]),
    ("rationale-min-words = true\n", ["rationale-min-words"]),
    ('trackers = "jira"\n', ["trackers", "list of strings"]),
    ('[exempt]\nmerges = "yes"\n', ["exempt.merges", "true or false"]),
    ("exempt = 3\n", ["exempt", "table"]),
    ('ticket-placement = "footer"\n', ["ticket-placement", "trailer, subject-prefix"]),
    ('[rules]\nCTX101 = "fatal"\n', ["rules.CTX101", "error, warning or off"]),
    ('project-keys = ["PAY-1"]\n', ["project-keys", "not a project key"]),
    ('ticket-patterns = ["(unclosed"]\n', ["ticket-patterns", "invalid regex"]),
    ('branch-pattern = "[a-"\n', ["branch-pattern", "invalid regex"]),
    ('ticket-patterns = ["(?=(a+)+$)"]\n', ["ticket-patterns", "RE2 cannot run a lookahead (?=...)"]),
    ('[exempt]\nrelease-pattern = "(a)\\\\1"\n', ["exempt.release-pattern", "backreference"]),
    (f'[exempt]\nbot-authors = ["{"x" * 4001}"]\n', ["exempt.bot-authors", "longer than 4000 characters"]),
    ("project-keys = [\n", ["not valid TOML"]),
])
def test_config_errors_are_one_line_exit_2(repo: Repo, content: str, needles: list[str]) -> None:
    repo.write(".ctxlint.toml", content)
    result = check(repo, PASSING)
    assert_one_line_error(result, ".ctxlint.toml", *needles)


def test_pyproject_errors_name_pyproject(repo: Repo) -> None:
    repo.write("pyproject.toml", "[tool]\nctxlint = 3\n")
    assert_one_line_error(check(repo, PASSING), "pyproject.toml", "[tool.ctxlint]")
    repo.write("pyproject.toml", '[tool.ctxlint]\nprojet-keys = ["A"]\n')
    assert_one_line_error(check(repo, PASSING), "pyproject.toml", "projet-keys", "did you mean")


@pytest.mark.parametrize("command", [["rules"], ["pre-push", "origin", "x"], ["check-range", "HEAD"],
                                     ["prepare-msg", "msg"]])
def test_every_command_reports_config_errors_the_same_way(repo: Repo, command: list[str]) -> None:
    repo.commit(PASSING)
    repo.write("msg", "x\n")
    repo.write(".ctxlint.toml", 'project-key = ["PAY"]\n')
    result = run_in_process(*command, cwd=repo.path, input="")
    if command == ["rules"]:
        assert result.returncode == 0  # the catalogue does not read the config
        return
    assert_one_line_error(result, "project-key")


def test_safe_regexes_are_accepted(repo: Repo) -> None:
    repo.write(".ctxlint.toml", 'ticket-patterns = ["\\\\bREQ-\\\\d+\\\\b", "[A-Z]{2,5}#\\\\d+"]\n'
                                'branch-pattern = "(?:^|/)(REQ-\\\\d+)"\n')
    cfg = load(str(repo.path))
    assert cfg.tickets.find("see REQ-12 and AB#3") == ["REQ-12", "AB#3"]


@pytest.mark.parametrize(("rules", "code"), [('CTX101 = "off"', 0), ('missing-ticket = "off"', 0),
                                            ('CTX101 = "warning"', 0), ('missing-ticket = "warning"', 0),
                                            ('CTX101 = "error"', 1)])
def test_severity_overrides_change_the_exit_code(repo: Repo, rules: str, code: int) -> None:
    repo.write(".ctxlint.toml", f"[rules]\n{rules}\n")
    result = check(repo, NO_TICKET, )
    assert result.returncode == code, result.stdout
    json_result = run_in_process("check-msg", "--format", "json", str(repo.path / ".git/COMMIT_EDITMSG_TEST"),
                              cwd=repo.path)
    findings = json.loads(json_result.stdout)["findings"]
    severity = rules.split('"')[1]
    expected = [] if severity == "off" else [severity]
    assert [f["severity"] for f in findings if f["code"] == "CTX101"] == expected


def test_warning_can_be_raised_to_error(repo: Repo) -> None:
    repo.write(".ctxlint.toml", 'project-keys = ["PAY"]\n[rules]\nunknown-project-key = "error"\n')
    result = check(repo, PASSING.replace("PAY-1", "PAY-1 PYA-2"))
    assert result.returncode == 1 and "CTX102" in result.stdout


def test_config_defaults_are_typed() -> None:
    cfg = Config()
    assert cfg.number("rationale-min-words") == 3
    assert cfg.flag("merges", "exempt") is True
    assert cfg.text("skip-trailer") == "Ctxlint-Skip"
    assert cfg.pattern("release-pattern", "exempt") is not None
    assert cfg.pattern("branch-pattern") is None


# --- ctxlint init -----------------------------------------------------------------------------

def test_init_guesses_project_keys_from_history(repo: Repo) -> None:
    for n in range(1, 8):
        repo.commit(f"PAY-{n}: step {n}\n\nBecause the payment flow needs step {n}, encoded as UTF-8.\n")
    repo.commit("OPS-1: one-off infrastructure change\n\nBecause the cluster moved.\n")
    result = run_in_process("init", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    assert "PAY" in result.stdout
    target = repo.path / ".ctxlint.toml"
    cfg = load_file(str(target))
    assert cfg.strings("project-keys") == ["PAY"]
    assert "jira" in cfg.strings("trackers")
    text = target.read_text()
    assert text.count("\n# ") > 10  # commented: every key is explained
    # The written file is what every command then uses.
    path = repo.write("msg", "PYA-1: typo in the key\n\nBecause the payment flow needs it.\n")
    assert "CTX102" in run_in_process("check-msg", str(path), cwd=repo.path).stdout


def test_init_in_a_repo_without_commits_writes_defaults(repo: Repo) -> None:
    result = run_in_process("init", "--stdout", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    target = repo.path / "out.toml"
    target.write_text(result.stdout)
    cfg = load_file(str(target))
    assert cfg.strings("project-keys") == []
    assert set(cfg.strings("trackers")) == {"jira", "github", "gitlab", "linear", "azure", "bugzilla"}


def test_init_github_history(repo: Repo) -> None:
    for n in range(1, 5):
        repo.commit(f"Step {n} (#{n + 10})\n\nBecause reasons {n}.\n")
    result = run_in_process("init", "--stdout", cwd=repo.path)
    target = repo.path / "out.toml"
    target.write_text(result.stdout)
    assert load_file(str(target)).strings("trackers") == ["github"]


def test_init_refuses_to_overwrite_without_force(repo: Repo) -> None:
    repo.commit(PASSING)
    target = repo.write(".ctxlint.toml", "# mine\n")
    result = run_in_process("init", cwd=repo.path)
    assert_one_line_error(result, ".ctxlint.toml", "--force")
    assert target.read_text() == "# mine\n"
    assert run_in_process("init", "--force", cwd=repo.path).returncode == 0
    assert target.read_text() != "# mine\n"
    load_file(str(target))


def test_init_outside_a_repository(tmp_path_factory: pytest.TempPathFactory) -> None:
    result = run_in_process("init", cwd=tmp_path_factory.mktemp("norepo"))
    assert_one_line_error(result, "not a git repository")


# --- top-level keys beside [tool.*] tables: read, or refused by name, never dropped -------------

def test_dotfile_top_level_keys_count_beside_a_tool_ctxlint_table(repo: Repo) -> None:
    repo.write(".ctxlint.toml", 'project-keys = ["OPS"]\n\n[tool.ctxlint.rules]\nmissing-rationale = "off"\n')
    cfg = load(str(repo.path))
    assert cfg.strings("project-keys") == ["OPS"]
    assert cfg.get("missing-rationale", "rules") == "off"


@pytest.mark.parametrize(("name", "text", "needle"), [
    (".ctxlint.toml", 'project-keys = ["OPS"]\n[tool.ctxlint]\nproject-keys = ["ABC"]\n', "both"),
    (".ctxlint.toml", 'project-keys = ["OPS"]\n[tool.ruff]\nline-length = 1\n', "[tool.ruff]"),
    (".ctxlint.toml", 'typo-key = 1\n[tool.ctxlint]\nproject-keys = ["OPS"]\n', "typo-key"),
    ("pyproject.toml", 'project-keys = ["OPS"]\n[tool.ctxlint]\ntrackers = ["jira"]\n', "[tool.ctxlint]"),
])
def test_a_key_that_would_be_ignored_is_refused_by_name(repo: Repo, name: str, text: str, needle: str) -> None:
    repo.write(name, text)
    with pytest.raises(CtxlintError) as caught:
        load(str(repo.path))
    assert needle in str(caught.value) and "\n" not in str(caught.value)


def test_an_explicit_pyproject_shaped_file_keeps_other_tools_tables(repo: Repo) -> None:
    text = '[project]\nname = "x"\n[tool.other]\nx = 1\n[tool.ctxlint]\nproject-keys = ["OPS"]\n'
    path = repo.write("team.toml", text)
    assert load(str(repo.path), str(path)).strings("project-keys") == ["OPS"]
