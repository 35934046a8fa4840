"""The log-level checks on a small log built with the service APIs, and tampered copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from disarm.audit.log_checks import CheckpointCheck, CosignatureCheck, LogStorageCheck, MerkleCheck
from disarm.audit.model import OptionError, Status
from disarm.audit.runner import AuditReport, run_checks
from disarm.audit.statement_checks import EscrowCheck, StatementsCheck
from tests.audit.smalllog import SmallLog, build

CHECKS = (
    LogStorageCheck(),
    MerkleCheck(),
    CheckpointCheck(),
    CosignatureCheck(),
    StatementsCheck(),
    EscrowCheck(),
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> SmallLog:
    return build(tmp_path_factory.mktemp("small") / "dir")


@pytest.fixture
def small(pristine: SmallLog, tmp_path: Path) -> SmallLog:
    root = tmp_path / "dir"
    shutil.copytree(pristine.root, root)
    return SmallLog(root, pristine.cosigned)


def _run(small: SmallLog, **kw: object) -> AuditReport:
    with small.context(**kw) as ctx:  # type: ignore[arg-type]
        return run_checks(ctx, CHECKS)


def test_untouched_log_passes(small: SmallLog) -> None:
    report = _run(small)
    assert report.ok, report.disagreement
    by = {r.name: r for r in report.results}
    assert by["statements"].checked == by["log"].checked
    assert by["escrow"].figures["declarations"] == 2
    assert by["escrow"].figures["reveals"] >= 2
    assert by["cosignatures"].figures["cosignatures"] == 2 * by["checkpoints"].checked


def test_verification_does_not_write_to_the_directory(small: SmallLog) -> None:
    before = {p: p.read_bytes() for p in small.root.rglob("*") if p.is_file()}
    _run(small)
    after = {p: p.read_bytes() for p in small.root.rglob("*") if p.is_file()}
    assert before == after


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def _first_failure(report: AuditReport) -> str:
    assert not report.ok
    d = report.disagreement
    assert d is not None
    later = [r for r in report.results if r.status is Status.NOT_RUN]
    failed = [r for r in report.results if r.status is Status.FAILED]
    assert len(failed) == 1 and all(r.disagreement is None for r in later)
    return d.check


@pytest.mark.parametrize("at", [0, 100, -3])
def test_flipped_byte_in_entries_fails_naming_the_data(small: SmallLog, at: int) -> None:
    path = small.root / "log" / "data"
    _flip(path, at % path.stat().st_size)
    report = _run(small)
    assert _first_failure(report) == "log"
    assert report.disagreement is not None and report.disagreement.file is not None
    assert report.disagreement.file.startswith("log")


def test_flipped_byte_in_a_hash_tile_fails(small: SmallLog) -> None:
    _flip(small.root / "log" / "hashes" / "0", 5)
    report = _run(small)
    assert _first_failure(report) == "log"
    d = report.disagreement
    # The entry and its stored hash disagree: the message names both places.
    assert d is not None and d.index == 0 and "hashes/0 byte 5" in d.message


def test_edited_checkpoint_fails(small: SmallLog) -> None:
    path = small.root / "log" / "checkpoint"
    text = path.read_text("utf-8")
    lines = text.split("\n")
    lines[1] = str(int(lines[1]) - 1)
    path.write_text("\n".join(lines), "utf-8")
    assert _first_failure(_run(small)) == "log"


def test_edited_cosignature_fails(small: SmallLog) -> None:
    path = small.root / small.cosigned[1].path
    text = path.read_text("utf-8")
    sig_line = text.rstrip("\n").split("\n")[-1]
    name, b64 = sig_line.rsplit(" ", 1)
    edited = b64[:20] + ("A" if b64[20] != "A" else "B") + b64[21:]
    path.write_text(text.replace(sig_line, f"{name} {edited}"), "utf-8")
    report = _run(small)
    assert _first_failure(report) == "cosignatures"
    assert report.disagreement is not None
    assert report.disagreement.file == small.cosigned[1].path


def test_extra_unknown_signature_line_fails(small: SmallLog) -> None:
    path = small.root / small.cosigned[0].path
    text = path.read_text("utf-8")
    line = text.rstrip("\n").split("\n")[-1]
    path.write_text(text + line.replace("witness-b", "witness-c") + "\n", "utf-8")
    report = _run(small)
    assert _first_failure(report) == "cosignatures"
    assert report.disagreement is not None and "unknown key" in report.disagreement.message


def test_quorum_not_met_fails(small: SmallLog) -> None:
    from tests.audit.smalllog import WITNESSES

    # Trust only witness-a: witness-b's lines are then unknown signatures, refused.
    report = _run(small, quorum=1, trust=small.trust(witnesses=WITNESSES[:1]))
    assert _first_failure(report) == "cosignatures"
    with pytest.raises(OptionError, match="--quorum 3 exceeds the 2 trusted witness keys"):
        _run(small, quorum=3)  # a quorum given by the user that cannot apply: bad input


def test_missing_cosigned_copy_fails(small: SmallLog) -> None:
    report = _run(SmallLog(small.root, small.cosigned[:-1]))
    assert _first_failure(report) == "cosignatures"
    assert report.disagreement is not None and "no cosigned copy" in report.disagreement.message


def test_wrong_log_key_fails(small: SmallLog) -> None:
    from disarm.audit.trust import KeySource, Trust
    from disarm.tlog.note import ALG_ED25519, Signer
    from tests.audit.smalllog import INSP, ORIGIN, WITNESSES

    other = Signer(ORIGIN, ALG_ED25519, bytes([99]) * 32).verifier
    trust = Trust(
        INSP.public_key,
        other,
        tuple(w.verifier for w in WITNESSES),
        KeySource.PINNED,
        KeySource.PINNED,
        KeySource.PINNED,
    )
    assert _first_failure(_run(small, trust=trust)) == "log"


def test_wrong_genesis_key_fails_at_entry_zero(small: SmallLog) -> None:
    from dataclasses import replace

    trust = replace(small.trust(), genesis_key=bytes([7]) * 32)
    report = _run(small, trust=trust)
    assert _first_failure(report) == "statements"
    assert report.disagreement is not None and report.disagreement.index == 0


@pytest.mark.parametrize("name", ["journal", "log.meta", "bundles", "nodes/0", "checkpoints"])
def test_flipped_byte_in_any_log_file_fails(small: SmallLog, name: str) -> None:
    path = small.root / "log" / name
    if not path.exists() or not path.stat().st_size:
        path = small.root / "log" / "data"
    _flip(path, path.stat().st_size // 2)
    assert _first_failure(_run(small)) in ("log", "checkpoints")


def test_extra_file_or_nonempty_lock_in_the_log_fails(small: SmallLog) -> None:
    (small.root / "log" / ".lock").write_bytes(b"x")
    report = _run(small)
    assert _first_failure(report) == "log"
    assert report.disagreement is not None and report.disagreement.file == "log/.lock"
    (small.root / "log" / ".lock").write_bytes(b"")
    (small.root / "log" / "extra").write_bytes(b"")
    report = _run(small)
    assert report.disagreement is not None and report.disagreement.file == "log/extra"


def test_deleted_entry_fails(small: SmallLog) -> None:
    """Cut the last entry out of the data file (and its length prefix)."""
    data = small.root / "log" / "data"
    raw = data.read_bytes()
    pos, last = 0, 0
    while pos < len(raw):
        last = pos
        pos += 2 + int.from_bytes(raw[pos : pos + 2], "big")
    data.write_bytes(raw[:last])
    assert _first_failure(_run(small)) == "log"


def test_witness_time_going_backwards_fails(small: SmallLog) -> None:
    from disarm.tlog.cosignature import add_cosignatures, cosign
    from tests.audit.smalllog import LOG_KEY, WITNESSES, checkpoint_of

    second = small.root / small.cosigned[1].path
    note = small.root / "log" / "checkpoints"
    from disarm.store.directory import split_history

    log_signed = split_history(note.read_bytes(), source="test")[1].decode()
    checkpoint = checkpoint_of(log_signed)
    lines = [cosign(checkpoint, w, 1_000_000_000) for w in WITNESSES]  # before checkpoint 0's
    second.write_text(add_cosignatures(log_signed, lines), "utf-8")
    assert LOG_KEY.name == checkpoint.origin
    report = _run(small)
    assert _first_failure(report) == "cosignatures"
    assert report.disagreement is not None and "backwards" in report.disagreement.message
