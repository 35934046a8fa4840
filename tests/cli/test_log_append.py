"""`disarm log append` on a full disk, with endless input, and re-run after a failure (issue 14
points 14 and 15)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from disarm.store import open_log
from disarm.store.directory import DirectoryLog

ORIGIN = "example.org/append-cli"


@pytest.fixture
def log_dir(cli, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "log"
    assert cli("log", "init", str(path), "--origin", ORIGIN).exit_code == 0
    result = cli("log", "append", str(path), "-", input="".join(f"old {i}\n" for i in range(600)))
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def entries(tmp_path: Path) -> Path:
    path = tmp_path / "entries.txt"
    path.write_text("".join(f"new {i}\n" for i in range(1000)))
    return path


def _contents(path: Path) -> list[bytes]:
    with open_log(path, read_only=True) as store:
        return list(store.entries(0, store.size))


def _expected() -> list[bytes]:
    return [b"old %d" % i for i in range(600)] + [b"new %d" % i for i in range(1000)]


def _fail_on_call(monkeypatch: pytest.MonkeyPatch, target: object, name: str, n: int) -> None:
    real = getattr(target, name)
    calls = {"n": 0}

    def failing(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == n:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)


def test_disk_full_reports_what_is_durable_and_resume_finishes(  # type: ignore[no-untyped-def]
    cli, log_dir: Path, entries: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC while syncing the third batch's entries: batches one and two are durable."""
    _fail_on_call(monkeypatch, os, "fdatasync", 5)  # two syncs per batch: data, then journal
    args = ["log", "append", str(log_dir), str(entries), "--batch-size", "250", "--quiet"]
    result = cli(*args)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert "No space left on device" in result.stderr
    assert "lines 1-500 are durable as log entries 600-1099 (log size 1100" in result.stderr
    assert "500 entries were not appended" in result.stderr and "--resume" in result.stderr
    assert len(_contents(log_dir)) == 1100
    # A plain re-run would duplicate 500 entries: it is refused with the reason.
    result = cli(*args)
    assert result.exit_code == 2 and "already holds the first 250 entries" in result.stderr
    assert len(_contents(log_dir)) == 1100
    result = cli(*args, "--resume", "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["resumed_after"], out["count"], out["size"]) == (500, 500, 1600)
    assert _contents(log_dir) == _expected()
    # Once complete, a further --resume has nothing to do and appends nothing.
    result = cli(*args, "--resume")
    assert result.exit_code == 0 and "nothing to append" in result.stdout
    assert len(_contents(log_dir)) == 1600


def test_failure_after_the_commit_counts_the_batch_as_durable(  # type: ignore[no-untyped-def]
    cli, log_dir: Path, entries: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write error after the third batch's journal sync: that batch is durable too (a reopen
    replays it), and the report says so."""
    _fail_on_call(monkeypatch, DirectoryLog, "_apply", 3)
    args = ["log", "append", str(log_dir), str(entries), "--batch-size", "250", "--quiet"]
    result = cli(*args)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "lines 1-750 are durable as log entries 600-1349" in result.stderr
    assert len(_contents(log_dir)) == 600  # not yet applied: read-only sees the journal base
    with open_log(log_dir) as store:  # a writable open replays the committed batch
        assert store.size == 1350
    assert cli(*args, "--resume").exit_code == 0
    assert _contents(log_dir) == _expected()


def test_endless_input_is_refused_in_bounded_memory(cli, log_dir: Path) -> None:  # type: ignore[no-untyped-def]
    before = _contents(log_dir)
    result = cli("log", "append", str(log_dir), "/dev/zero")
    assert result.exit_code == 2
    assert "line 1 is longer than 65535 bytes" in result.stderr
    result = cli("log", "append", str(log_dir), "-", "--max-entries", "3", input="a\nb\nc\nd\n")
    assert result.exit_code == 2 and "more than 3 entries" in result.stderr
    assert _contents(log_dir) == before


def test_garbage_log_meta_is_one_sentence_exit_2(cli, log_dir: Path) -> None:  # type: ignore[no-untyped-def]
    for garbage in (os.urandom(200), b"\x00" * 10_000, b"disarm tlog-tiles log v1\norigin x"):
        (log_dir / "log.meta").write_bytes(garbage)
        for args in (["info", str(log_dir)], ["audit", str(log_dir), "--quiet"]):
            result = cli("log", *args)
            assert result.exit_code == 2, (garbage[:20], args, result.stderr)
            assert "log.meta" in result.stderr and "Traceback" not in result.stderr
            errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
            assert len(errors) == 1 and errors[0].count(". ") == 0
