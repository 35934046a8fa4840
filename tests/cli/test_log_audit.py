"""`disarm log audit` (issue 14 point 7): read-only, vouches only for signed checkpoints, takes the
key from the caller, and fails on a rollback below a trusted checkpoint or size."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from disarm.store import journal, open_log

ORIGIN = "example.org/audit-cli"


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def log_dir(cli, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "log"
    assert cli("log", "init", str(path), "--origin", ORIGIN).exit_code == 0
    entries = tmp_path / "entries.txt"
    entries.write_text("".join(f"entry {i}\n" for i in range(600)))
    assert cli("log", "append", str(path), str(entries), "--batch-size", "300").exit_code == 0
    return path


def _vkey(log_dir: Path) -> str:
    return (log_dir / "log.vkey").read_text().strip()


def _audit(cli, log_dir: Path, *extra: str):  # type: ignore[no-untyped-def]
    return cli("log", "audit", str(log_dir), "--quiet", "--json", *extra)


def test_a_clean_log_is_vouched_for(cli, log_dir: Path) -> None:  # type: ignore[no-untyped-def]
    result = _audit(cli, log_dir, "--key", _vkey(log_dir))
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["status"], out["checkpoint_size"], out["unverified_entries"]) == ("ok", 600, 0)
    assert out["key_source"] == "--key" and out["trusted"] is None
    assert "no trusted checkpoint given" in result.stderr  # said plainly, every time


def test_unsigned_entries_after_the_checkpoint_are_unverified(cli, log_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The attack: 500 entries appended without a checkpoint. Not OK: reported as unverified."""
    with open_log(log_dir) as store:
        store.append([b"unsigned %d" % i for i in range(500)])
    result = _audit(cli, log_dir, "--key", _vkey(log_dir))
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert (out["ok"], out["status"], out["unverified_entries"]) == (False, "unverified", 500)
    text = cli("log", "audit", str(log_dir), "--quiet", "--key", _vkey(log_dir)).stdout
    assert text.startswith("UNVERIFIED: 500 entries after the latest signed checkpoint (size 600")


def test_a_log_without_checkpoint_says_so(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A log made by the genesis registration (no log.vkey, no checkpoint) is audited, and the
    audit says plainly that nothing is vouched for (issue 15 point 15, issue 14 point 7)."""
    path = tmp_path / "genesis-log"
    key = tmp_path / "insp.key"
    assert cli("keys", "generate", "--party", "INSP", "--out", str(key)).exit_code == 0
    result = cli(
        "party", "register", "--log", str(path), "--key", str(key), "--party", "INSP",
        "--role", "inspectorate", "--origin", "example.org/g",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert not (path / "log.vkey").exists()
    result = _audit(cli, path)
    assert result.exit_code == 1, result.stderr
    assert "does not exist" not in result.stderr
    out = json.loads(result.stdout)
    assert (out["status"], out["checkpoint_size"], out["size"]) == ("no-checkpoint", None, 1)
    text = cli("log", "audit", str(path), "--quiet").stdout
    assert text.startswith("NO CHECKPOINT:")


def test_the_key_comes_from_the_caller(cli, log_dir: Path) -> None:  # type: ignore[no-untyped-def]
    result = _audit(cli, log_dir)
    assert result.exit_code == 0
    assert "no --key given" in result.stderr and "log.vkey" in result.stderr
    assert json.loads(result.stdout)["key_source"].endswith("log.vkey")
    # An operator who re-signs the log with a new key and replaces log.vkey is caught by --key.
    from disarm.tlog.note import generate_key

    _, other = generate_key(ORIGIN)
    result = _audit(cli, log_dir, "--key", other)
    assert result.exit_code == 1 and "signature" in result.stderr


def test_rollback_below_a_trusted_checkpoint_fails_naming_both_sizes(  # type: ignore[no-untyped-def]
    cli, log_dir: Path, tmp_path: Path
) -> None:
    """The attack: keep a copy at size 600, grow the log to 900, then serve the old copy."""
    old = tmp_path / "old"
    shutil.copytree(log_dir, old)
    cli("log", "append", str(log_dir), "-", input="".join(f"new {i}\n" for i in range(300)))
    trusted = tmp_path / "cp-900"
    trusted.write_text((log_dir / "checkpoint").read_text())
    vkey = _vkey(log_dir)
    assert _audit(cli, log_dir, "--key", vkey, "--checkpoint", str(trusted)).exit_code == 0
    result = _audit(cli, old, "--key", vkey, "--checkpoint", str(trusted))
    assert result.exit_code == 1
    assert "rollback" in result.stderr and "600" in result.stderr and "900" in result.stderr
    result = _audit(cli, old, "--key", vkey, "--min-size", "900")
    assert result.exit_code == 1 and "size 600" in result.stderr and "size 900" in result.stderr
    assert _audit(cli, old, "--key", vkey, "--min-size", "600").exit_code == 0


def test_a_fork_from_a_trusted_checkpoint_fails(cli, log_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Two logs with the same key and origin that diverge after 600 entries."""
    fork = tmp_path / "fork"
    shutil.copytree(log_dir, fork)
    cli("log", "append", str(log_dir), "-", input="honest\n")
    cli("log", "append", str(fork), "-", input="forged\n")
    trusted = tmp_path / "cp-honest"
    trusted.write_text((log_dir / "checkpoint").read_text())
    result = _audit(cli, fork, "--key", _vkey(log_dir), "--checkpoint", str(trusted))
    assert result.exit_code == 1 and "fork" in result.stderr


def test_a_trusted_checkpoint_by_another_key_is_bad_input(
    cli, log_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "cp"
    bad.write_text("example.org/audit-cli\n5\n" + "A" * 44 + "\n\n— other AAAA\n")
    result = _audit(cli, log_dir, "--key", _vkey(log_dir), "--checkpoint", str(bad))
    assert result.exit_code == 2 and "does not verify" in result.stderr
    result = _audit(cli, log_dir, "--key", _vkey(log_dir), "--checkpoint", str(tmp_path / "no"))
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_a_forged_journal_record_is_not_replayed(cli, log_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The attack: a journal record that claims 2 more entries. The audit writes nothing and
    does not vouch for them."""
    data = log_dir / "data"
    payload = b"\x00\x05forg1\x00\x05forg2"
    offset = data.stat().st_size
    with data.open("ab") as fh:
        fh.write(payload)
    meta = journal.append_payload(offset, payload)
    with (log_dir / "journal").open("ab") as fh:
        fh.write(journal.encode_record(journal.APPEND, 600, 2, meta) + meta)
    before = _digest(log_dir)
    result = _audit(cli, log_dir, "--key", _vkey(log_dir))
    assert _digest(log_dir) == before, "the audit wrote to the directory"
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert (out["pending_journal_entries"], out["unverified_entries"]) == (2, 2)
    info = json.loads(cli("log", "info", str(log_dir), "--json").stdout)
    assert (info["size"], info["pending_journal_entries"]) == (600, 2)
    assert _digest(log_dir) == before


def test_reads_work_on_read_only_media(
    cli, log_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """audit, info, prove and consistency open nothing for writing and take no lock."""
    real_open = os.open
    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def ro_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if flags & writes and str(log_dir) in str(path):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    def no_flock(fd, op):  # type: ignore[no-untyped-def]
        raise OSError(errno.EROFS, "Read-only file system")

    before = _digest(log_dir)
    monkeypatch.setattr(os, "open", ro_open)
    monkeypatch.setattr(fcntl, "flock", no_flock)
    vkey = _vkey(log_dir)
    for args in (
        ["audit", str(log_dir), "--quiet", "--key", vkey],
        ["info", str(log_dir)],
        ["prove", str(log_dir), "--index", "3"],
        ["prove", str(log_dir), "--index", "3", "--out", str(tmp_path / "bundle")],
        ["consistency", str(log_dir), "--old", "300"],
    ):
        result = cli("log", *args)
        assert result.exit_code == 0, (args, result.stderr)
    monkeypatch.undo()
    assert _digest(log_dir) == before
