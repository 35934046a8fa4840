"""Audit: a clean log passes; any single flipped byte is detected and its place named."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from disarm.errors import BadInput, DisarmError, VerificationError
from disarm.service.logbook import Logbook
from disarm.store import TiledLog, create_log, open_log
from disarm.store.audit import audit, audit_checkpoints
from disarm.tlog.checkpoint import Checkpoint, sign_checkpoint
from disarm.tlog.note import Signer, Verifier, generate_key

ORIGIN = "example.org/audit"
SKEY, VKEY = generate_key(ORIGIN, bytes(range(32)))
VERIFIER = Verifier.from_key_string(VKEY)
SIGNER = Signer.from_key_string(SKEY)


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A log with three tile levels (>= 65,536 entries) and several checkpoints."""
    path = tmp_path_factory.mktemp("audit") / "log"
    with Logbook.create(path, ORIGIN, SIGNER) as book:
        book.append_batch([b"%d" % i for i in range(10)])
        book.append_batch([b"entry %d" % i for i in range(10, 66_000)])
        book.append_batch([b"tail %d" % i for i in range(66_000, 66_300)])
        book.checkpoint()
    yield path


def _audit(path: Path) -> None:
    with open_log(path) as log:
        audit(log, VERIFIER, workers=2)


def test_clean_log_passes(log_dir: Path) -> None:
    with open_log(log_dir) as log:
        report = audit(log, VERIFIER, workers=2)
        assert (report.size, report.checkpoints_checked, report.consistency_proofs_checked) == (
            66_300,
            4,
            3,
        )
        assert report.tiles_checked == 259 + 2 + 1  # level 0, level 1, level 2


def _positions(path: Path, rng: random.Random) -> list[tuple[str, int]]:
    out = []
    for file in sorted(p for p in path.rglob("*") if p.is_file() and p.stat().st_size):
        rel = str(file.relative_to(path))
        size = file.stat().st_size
        for pos in {0, size - 1, rng.randrange(size)}:
            out.append((rel, pos))
    return out


def test_every_flipped_byte_is_detected_and_named(log_dir: Path) -> None:
    rng = random.Random(9162)
    positions = _positions(log_dir, rng)
    assert len({rel for rel, _ in positions}) >= 11  # data, bundles, hashes/0-2, nodes/0-1, ...
    for rel, pos in positions:
        file = log_dir / rel
        original = file.read_bytes()
        damaged = bytearray(original)
        damaged[pos] ^= 1 << rng.randrange(8)
        file.write_bytes(bytes(damaged))
        try:
            with pytest.raises(DisarmError) as caught:
                _audit(log_dir)
            text = caught.value.diagnostics()
            # A damaged log.meta is not a log description at all: bad input (exit 2).
            expected = BadInput if rel == "log.meta" else VerificationError
            assert isinstance(caught.value, expected), (rel, pos, text)
            assert rel in text, f"flip at {rel} byte {pos} reported as: {text}"
        finally:
            file.write_bytes(original)
    _audit(log_dir)  # restored


def _note(size: int, root: bytes) -> str:
    return sign_checkpoint(Checkpoint(ORIGIN, size, root), SIGNER)


def _log_with_entries(target: Path) -> TiledLog:
    log = create_log(target, ORIGIN)
    log.append([b"a", b"b", b"c", b"d", b"e"])
    return log


def test_rollback_fork_forgery_are_rejected(tmp_path: Path) -> None:
    with _log_with_entries(tmp_path / "log") as log:
        good3, good5 = _note(3, log.root(3)), _note(5, log.root(5))
        audit_checkpoints(log, [good3, good5], VERIFIER)
        with pytest.raises(VerificationError, match="rolls the log back"):
            audit_checkpoints(log, [good5, good3], VERIFIER)
        with pytest.raises(VerificationError, match="a root the log does not have"):
            audit_checkpoints(log, [good3, _note(5, bytes(32))], VERIFIER)
        forged = good5.replace(good5.split("\n")[-2].split(" ")[-1], "A" * 88)
        with pytest.raises(VerificationError, match="checkpoint 1"):
            audit_checkpoints(log, [good3, forged], VERIFIER)
        unsigned = good5.split("\n\n")[0] + "\n\n"
        with pytest.raises(VerificationError, match=r"malformed|signature"):
            audit_checkpoints(log, [unsigned], VERIFIER)
        other = sign_checkpoint(Checkpoint("example.org/other", 5, log.root()), SIGNER)
        with pytest.raises(VerificationError):
            audit_checkpoints(log, [other], VERIFIER)


def test_postgres_damage_is_detected(target: str) -> None:
    if not target.startswith("postgresql"):
        return  # the directory backend is covered above, byte by byte
    import psycopg

    from disarm.store.postgres import PostgresLog, split_url

    with Logbook.create(target, ORIGIN, SIGNER) as book:
        book.append_batch([b"%d" % i for i in range(700)])
    libpq, schema = split_url(target)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(
            f"UPDATE {schema}.tiles SET hashes = overlay(hashes placing '\\x00'::bytea from 40)"
            " WHERE level = 0 AND idx = 1"
        )
    with open_log(target) as log, pytest.raises(VerificationError, match=r"tiles row \(0, 1\)"):
        assert isinstance(log, PostgresLog)
        audit(log, VERIFIER)
