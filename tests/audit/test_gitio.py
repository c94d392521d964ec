"""The numstat-aware log reader against real `git log -z --numstat` output."""

from __future__ import annotations

from linter import gitio
from tests.conftest import Repo


def stats(repo: Repo, *revs: str, **kwargs: object) -> list[tuple[gitio.Commit, list[gitio.FileStat]]]:
    return list(gitio.iter_log_stats(list(revs) or ["HEAD"], str(repo.path), **kwargs))  # type: ignore[arg-type]


def test_plain_renamed_binary_and_odd_paths(repo: Repo) -> None:
    repo.commit("first\n\nbody line\n", {"a.txt": "1\n2\n3\n", "sub dir/x y.txt": "z\n"})
    (repo.path / "b.bin").write_bytes(b"\x00\x01\x02binary")
    repo.commit("binary\n", {})
    repo.git("mv", "a.txt", "renamed.txt")
    repo.commit("rename\n", {"renamed.txt": "1\n2\n3\n4\n"})
    odd = "tab\there\nnewline.txt"
    repo.commit("odd path\n", {odd: "x\n"})
    repo.commit("empty\n", {}, allow_empty=True)
    got = stats(repo)
    assert [c.message for c, _ in got] == [
        "empty\n",
        "odd path\n",
        "rename\n",
        "binary\n",
        "first\n\nbody line\n",
    ]
    by_subject = {c.message.split("\n")[0]: files for c, files in got}
    assert by_subject["empty"] == []
    assert by_subject["odd path"] == [(odd, 1, 0)]
    assert by_subject["rename"] == [("renamed.txt", 1, 0)]
    assert by_subject["binary"] == [("b.bin", None, None)]
    assert sorted(by_subject["first"]) == [("a.txt", 3, 0), ("sub dir/x y.txt", 1, 0)]


def test_renames_without_detection_and_merges(repo: Repo) -> None:
    repo.commit("base\n", {"a.txt": "1\n"})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("side\n", {"s.txt": "s\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main\n", {"m.txt": "m\n"})
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    got = stats(repo, "HEAD", extra=["--no-renames"])
    merge, files = got[0]
    assert merge.message == "merge side\n" and len(merge.parents) == 2 and files == []
    assert len(got) == 4


def test_notes_come_in_the_same_stream(repo: Repo) -> None:
    first = repo.commit("first\n")
    repo.commit("second\n")
    assert all(c.note == "" for c, _ in stats(repo))  # no notes ref yet: no warning, no notes
    repo.git("notes", "--ref", "ctxlint", "add", "-m", "Refs: ABC-1", first)
    repo.git("notes", "add", "-m", "a default-ref note that must not leak in", first)
    notes = {c.sha: c.note for c, _ in stats(repo)}
    assert notes[first] == "Refs: ABC-1\n"
    assert list(notes.values()).count("") == 1


def test_committer_date_is_the_timestamp(repo: Repo) -> None:
    repo.commit("dated\n", date="2026-02-01T00:00:00Z")
    commit, _ = stats(repo)[0]
    assert commit.timestamp == 1769904000


def test_stopping_early_does_not_raise(repo: Repo) -> None:
    for i in range(30):
        repo.commit(f"c{i}\n")
    stream = gitio.iter_log_stats(["HEAD"], str(repo.path), chunk_size=64)
    first = next(stream)
    stream.close()
    assert first[0].message == "c29\n"


def test_user_config_cannot_change_the_stream(repo: Repo) -> None:
    repo.commit("first\n", {"a.txt": "1\n2\n"})
    repo.git("config", "log.showSignature", "true")
    repo.git("config", "color.ui", "always")
    repo.git("config", "diff.external", "false")
    (repo.path / ".mailmap").write_text("Ada Canonical <ada@canonical.example> <ada@example.com>\n")
    commit, files = stats(repo)[0]
    assert files == [("a.txt", 2, 0)]
    assert (commit.author_name, commit.author_email) == ("Ada Canonical", "ada@canonical.example")


def test_note_lines_join_the_trailer_block_or_start_one() -> None:
    from linter.history import with_note

    note = "Why: the cron job double-billed customers after a restart\nnot a trailer line\n"
    assert with_note("Tweak retry\n\nRefs: OPS-2\n", note) == (
        "Tweak retry\n\nRefs: OPS-2\nWhy: the cron job double-billed customers after a restart\n"
    )
    assert with_note("wip\n", "Refs: ABC-1\n") == "wip\n\nRefs: ABC-1\n"
    assert with_note("wip\n", "just prose\n") == "wip\n"


def test_a_why_note_on_a_ticket_only_commit_completes_it(repo: Repo) -> None:
    from linter import history
    from linter.config import Config

    sha = repo.commit("Tweak retry\n\nRefs: OPS-2\n")
    repo.git(
        "notes",
        "--ref",
        "ctxlint",
        "add",
        "-m",
        "Why: the cron job double-billed customers after a restart",
        sha,
    )
    ((commit, result),) = history.walk(["HEAD"], Config(), str(repo.path))
    assert commit.note.startswith("Why:")
    assert result.has_rationale and result.tickets == ("OPS-2",) and result.findings == []
