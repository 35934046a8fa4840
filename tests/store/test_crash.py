"""Crash safety: SIGKILL an appending process at random moments; nothing acknowledged is lost.

The appender is a forked child (no interpreter start-up, so 50 kills stay fast). It appends
batches of numbered entries with a signed checkpoint each and writes the size to a pipe after
every batch returns (= durable). The journal limit is tiny (2 KiB) so that kills also land in
journal rotations. After each kill the log is reopened (replaying the journal) and audited.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from disarm.service.logbook import Logbook
from disarm.store import open_log
from disarm.store.audit import audit
from disarm.store.directory import DirectoryLog
from disarm.tlog.note import Signer, Verifier, generate_key

ORIGIN = "example.org/crash"
KILLS = 50


def entry(i: int) -> bytes:
    return b"entry %d" % i


def _append_forever(path: Path, skey: str, seed: int, ack_fd: int) -> None:
    """The child: append numbered entries in random batches, acknowledging each batch."""
    rng = random.Random(seed)
    log = open_log(path)
    assert isinstance(log, DirectoryLog)
    log.workers = 1
    log.journal_limit = 2 << 10  # a rotation every few batches
    book = Logbook(log, Signer.from_key_string(skey))
    while True:
        start = log.size
        book.append_batch([entry(i) for i in range(start, start + rng.randint(1, 300))])
        os.write(ack_fd, b"%d\n" % log.size)


def _run_child(path: Path, skey: str, seed: int, delay: float) -> int:
    """Fork an appender, SIGKILL it after `delay` seconds; return the last acknowledged size."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            os.close(read_fd)
            _append_forever(path, skey, seed, write_fd)
        finally:
            os._exit(1)
    os.close(write_fd)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    with os.fdopen(read_fd, "rb") as pipe:
        acks = pipe.read().split()
    return int(acks[-1]) if acks else 0


@pytest.mark.slow
def test_sigkill_never_loses_an_acknowledged_entry(tmp_path: Path) -> None:
    skey, vkey = generate_key(ORIGIN)
    verifier = Verifier.from_key_string(vkey)
    path = tmp_path / "log"
    Logbook.create(path, ORIGIN, Signer.from_key_string(skey)).close()
    rng = random.Random(2026)
    acknowledged = 0
    checked = 0
    replays = 0
    for kill in range(KILLS):
        acked = _run_child(path, skey, kill, rng.uniform(0.0, 0.06))
        acknowledged = max(acknowledged, acked)
        replays += (path / "journal").stat().st_size > 24  # records left to replay
        with open_log(path) as log:
            assert log.size >= acknowledged, f"kill {kill}: acknowledged entries were lost"
            for i, data in enumerate(log.entries(checked, log.size), checked):
                assert data == entry(i), f"kill {kill}: entry {i} is wrong"
            checked = log.size
            report = audit(log, verifier)
            assert report.size == log.size
            notes = log.checkpoints()
            if acknowledged:  # the checkpoint of the acknowledged batch is durable too
                assert report.checkpoints_checked == len(notes) > 0
                assert log.latest_checkpoint() == notes[-1]
        acknowledged = checked
    assert acknowledged > 0
    print(f"{KILLS} kills, {replays} journal replays, {acknowledged} entries")
    assert replays > 0  # the kills did land between a journal write and a rotation
