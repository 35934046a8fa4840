"""C2SP checkpoints (c2sp.org/tlog-checkpoint): origin, tree size and root hash in a note body.

    example.com/log42
    20852163
    CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

Parsing is strict: exactly the canonical encoding that `Checkpoint.body` writes is accepted.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from disarm.errors import BadInput, VerificationError
from disarm.tlog.hashing import HASH_SIZE
from disarm.tlog.note import Note, Signer, Verifier, open_split_note, sign_note, split_note

__all__ = ["MAX_TREE_SIZE", "Checkpoint", "open_checkpoint", "sign_checkpoint"]

#: Tree sizes are uint64 in the RFC 9162 and C2SP formats.
MAX_TREE_SIZE = 2**64 - 1


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: `origin` names the log, `root_hash` is the RFC 9162 root at `size`."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin or self.origin != self.origin.strip():
            raise BadInput(
                f"checkpoint origin {self.origin!r} must be one non-empty line "
                "without leading or trailing spaces"
            )
        if any(ord(c) < 0x20 for c in self.origin):
            raise BadInput("checkpoint origin must not contain control characters")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise BadInput(f"checkpoint tree size {self.size} is not a uint64")
        if len(self.root_hash) != HASH_SIZE:
            raise BadInput(f"checkpoint root hash is {len(self.root_hash)} bytes, not 32")
        for ext in self.extensions:
            if not ext or "\n" in ext or any(ord(c) < 0x20 for c in ext):
                raise BadInput(f"checkpoint extension line {ext!r} must be one non-empty line")

    def body(self) -> str:
        """The note text: origin, size, base64 root, extension lines, each ending in newline."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        return "".join(line + "\n" for line in (*lines, *self.extensions))

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        """Parse a checkpoint note text (without signatures). Raises `BadInput`."""
        if not body.endswith("\n"):
            raise BadInput("checkpoint text must end with a newline")
        lines = body[:-1].split("\n")
        if len(lines) < 3:
            raise BadInput(
                f"checkpoint has {len(lines)} lines; it needs origin, size and root hash"
            )
        origin, size_text, root_text, *extensions = lines
        if not size_text.isascii() or not size_text.isdigit():
            raise BadInput(f"checkpoint tree size {size_text!r} is not a decimal number")
        if size_text != "0" and size_text.startswith("0"):
            raise BadInput(f"checkpoint tree size {size_text!r} has leading zeroes")
        try:
            root_hash = base64.b64decode(root_text.encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError) as exc:
            raise BadInput(f"checkpoint root hash {root_text!r} is not base64") from exc
        if base64.b64encode(root_hash).decode() != root_text:
            raise BadInput(f"checkpoint root hash {root_text!r} is not canonical base64")
        checkpoint = cls(origin, int(size_text), root_hash, tuple(extensions))
        if checkpoint.body() != body:  # pragma: no cover - guarded by the checks above
            raise BadInput("checkpoint text is not in canonical form")
        return checkpoint


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """The checkpoint as a note signed by the log key."""
    return sign_note(checkpoint.body(), [signer])


def open_checkpoint(
    note: str | bytes,
    log_verifier: Verifier,
    *,
    origin: str | None = None,
    cosigners: Sequence[Verifier] = (),
) -> tuple[Checkpoint, Note]:
    """Verify the log's signature on a checkpoint note and parse its text.

    The log key must have signed it. Signatures by `cosigners` (witness keys) are verified in
    the same pass and listed in ``Note.verified``; other signatures are ignored (kept in
    ``Note.unverified``). With `origin`, the checkpoint must be for that log.
    """
    text, signatures = split_note(note)
    if not any(s.name == log_verifier.name for s in signatures):
        raise VerificationError(
            "checkpoint is not signed by the log key (no signature line with its name)",
            expected=log_verifier.key_string(),
            computed=", ".join(s.name for s in signatures) or "no signatures",
        )
    try:
        opened = open_split_note(text, signatures, [log_verifier, *cosigners])
    except VerificationError as exc:
        if exc.message.startswith("note has no signature from a known key"):
            raise VerificationError(
                "checkpoint is not signed by the log key: no signature from a known key",
                expected=exc.expected,
                computed=exc.computed,
            ) from exc
        raise
    if opened.verified_by(log_verifier) is None:
        raise VerificationError(
            "checkpoint is not signed by the log key (only by other known keys)",
            expected=log_verifier.key_string(),
            computed=", ".join(f"{s.name}+{s.key_id:08x}" for s in opened.verified),
        )
    checkpoint = Checkpoint.parse(text)
    if origin is not None and checkpoint.origin != origin:
        raise VerificationError(
            "checkpoint is for another log", expected=origin, computed=checkpoint.origin
        )
    return checkpoint, opened
