"""The demo's log writer: signed statements in batches, one checkpoint per batch, two witnesses.

Statements are signed and checked against the registry kept in memory (the same checks as
`disarm.service.registry.prepare`, without re-reading the log for every statement), appended
in atomic batches through `disarm.store`, and every batch's log-signed checkpoint is cosigned
by both witnesses with the C2SP tlog-witness state machine (`disarm.tlog.witness`), given a
consistency proof from the size each witness cosigned last. Cosigned checkpoints are written
to DIR/checkpoints/.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from disarm.crypto import registry as reg
from disarm.crypto.statements import (
    SIGNING_DOMAIN,
    Statement,
    canonical,
    check_statement,
    decode,
    parse_time,
    statement_hash,
)
from disarm.demo.statements import COSIGNED_DIR, FINAL_CHECKPOINT_FILE, LOG_DIR, LOG_ORIGIN, LogRef
from disarm.errors import BadInput
from disarm.service.registry import Signer
from disarm.store import create_log
from disarm.tlog.checkpoint import Checkpoint, sign_checkpoint
from disarm.tlog.cosignature import add_cosignatures
from disarm.tlog.note import Signer as NoteSigner
from disarm.tlog.tiles import MAX_ENTRY_SIZE
from disarm.tlog.witness import LogState, add_checkpoint


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_bytes(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Atomic write (temp file, fsync, rename)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


@dataclass
class Witness:
    signer: NoteSigner
    state: LogState | None = None


@dataclass
class Ledger:
    out: Path
    genesis: Signer
    log_signer: NoteSigner
    witnesses: list[Witness]
    registry: reg.Registry = field(init=False)
    pending: list[bytes] = field(default_factory=list)
    positions: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    #: time of each issuer's last statement (its next one may not be earlier)
    times: dict[str, str] = field(default_factory=dict)
    checked: bool = True
    checkpoints: list[tuple[int, str, str]] = field(default_factory=list)  # size, note, cosigned
    #: (type, issuer, time, sha256) of every statement, by log index
    entries: list[tuple[str, str, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.registry = reg.Registry(self.genesis.public_key)
        (self.out / COSIGNED_DIR).mkdir(parents=True, exist_ok=True)
        self.store = create_log(self.out / LOG_DIR, LOG_ORIGIN)

    @property
    def next_index(self) -> int:
        return self.store.size + len(self.pending)

    def issue(
        self, signer: Signer, type_: str, payload: BaseModel | Mapping[str, Any], time: str
    ) -> tuple[LogRef, bytes]:
        """Sign the signer's next statement, queue it for the batch; return its ref and bytes.

        The statement chains to the signer's previous one (seq, prev) and is not dated before
        it (the registry's time-regression check, kept here for every batch). The entry bytes
        are the RFC 8785 encoding of {signature, statement}, built from the one canonical
        encoding of the statement that is also signed (the keys "signature" < "statement" are
        in order).
        While `checked` is set (the setup batch), every statement is also applied to the
        registry, with all its checks.
        """
        body = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
        seq, prev = self.positions.get(signer.party, (0, None))
        last = self.times.get(signer.party)
        if last is not None and parse_time(time) < parse_time(last):
            raise BadInput(f"{signer.party}'s {type_} statement at {time} is dated before {last}")
        st = Statement(type_, signer.party, signer.key_id, seq, prev, time, dict(body))
        check_statement(st)
        encoded = canonical(st.to_json())
        signature = signer.key.sign(SIGNING_DOMAIN + encoded).signature
        entry = b'{"signature":"' + signature.hex().encode() + b'","statement":' + encoded + b"}"
        if len(entry) > MAX_ENTRY_SIZE:
            raise BadInput(f"a {type_} statement of {len(entry)} bytes exceeds the entry limit")
        digest = statement_hash(entry)
        if self.checked:
            self.registry.apply(decode(entry))
        self.positions[signer.party] = (seq + 1, digest)
        self.times[signer.party] = time
        index = self.next_index
        self.pending.append(entry)
        self.entries.append((type_, signer.party, time, digest))
        return LogRef(index=index, hash=digest), entry

    def flush(self, time: dt.datetime) -> str:
        """Append the pending statements as one batch; return the log-signed checkpoint note."""
        notes: list[str] = []

        def sign(size: int, root: bytes) -> str:
            notes.append(sign_checkpoint(Checkpoint(LOG_ORIGIN, size, root), self.log_signer))
            return notes[-1]

        entries = self.pending
        self.pending = []
        self.store.append(entries, checkpoint=sign)
        note = notes[-1]
        size = self.store.size
        lines = []
        stamp = int(time.replace(tzinfo=dt.UTC).timestamp())
        for n, w in enumerate(self.witnesses):
            old = 0 if w.state is None else w.state.size
            proof = self.store.consistency_proof(old, size) if 0 < old < size else []
            done = add_checkpoint(
                note=note,
                old_size=old,
                proof=proof,
                log_key=self.log_signer.verifier_key(),
                latest=w.state,
                signer=w.signer,
                timestamp=stamp + n,
            )
            w.state = done.state
            lines.append(done.line)
        cosigned = add_cosignatures(note, lines)
        write_bytes(self.out / COSIGNED_DIR / f"{size:012d}.note", cosigned.encode())
        self.checkpoints.append((size, note, cosigned))
        return note

    def close(self) -> None:
        if self.checkpoints:
            write_bytes(self.out / FINAL_CHECKPOINT_FILE, self.checkpoints[-1][2].encode())
        self.store.close()
