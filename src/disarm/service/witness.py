"""The witness's use case: cosign a checkpoint of a configured log, atomically and serialised.

Shared by `disarm witness cosign` and `disarm witness serve` (c2sp.org/tlog-witness
``add-checkpoint``). The state is loaded, checked by the pure `disarm.tlog.witness.add_checkpoint`
and persisted under the witness directory's lock, so two concurrent requests can never both
advance from the same size (the race the tlog-witness spec describes). The state is durable
before the cosignature is returned; a refused checkpoint changes nothing on disk. The time comes
in as arguments (the caller's clock).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from disarm.errors import Conflict
from disarm.store import witness_state as ws
from disarm.tlog.checkpoint import Checkpoint
from disarm.tlog.note import Signer, split_note
from disarm.tlog.witness import Cosigned, add_checkpoint

__all__ = ["UnknownLog", "checkpoint_origin", "cosign_checkpoint", "latest_size", "pinned_key"]


class UnknownLog(Conflict):
    """A checkpoint of a log this witness was not configured for (or under another key)."""


def checkpoint_origin(note: str) -> str:
    """The origin of a checkpoint note (parsed, not verified). Raises `BadInput`."""
    return Checkpoint.parse(split_note(note)[0]).origin


def pinned_key(directory: Path, origin: str, given: str | None = None) -> str:
    """The log key configured for `origin` (configuration only grows, never re-pins, so this
    may be read without the lock). Raises `UnknownLog`."""
    _, configured = ws.load_states(directory)
    return _pinned(configured, origin, given)


def _pinned(configured: dict[str, str], origin: str, given: str | None) -> str:
    pinned = configured.get(origin)
    if pinned is None:
        raise UnknownLog(
            f"this witness is not configured for log {origin}: it cosigns only logs added "
            "in advance (`disarm witness add-log`)"
        )
    if given is not None and given != pinned:
        raise UnknownLog(f"log {origin} is configured with key {pinned}, not {given}")
    return pinned


def latest_size(directory: Path, origin: str) -> int:
    """The size of the latest checkpoint cosigned for `origin` (0 if none)."""
    with ws.locked(directory):
        states, _ = ws.load_states(directory)
    state = states.get(origin)
    return 0 if state is None else state.size


def cosign_checkpoint(
    directory: Path,
    *,
    note: str,
    old_size: int,
    proof: Sequence[bytes],
    signer: Signer,
    timestamp: int,
    now: int,
    log_key: str | None = None,
) -> Cosigned:
    """Check `note` against the latest state for its origin and cosign it, persisting the new
    state before returning. `log_key`, if given, must be the configured key."""
    origin = checkpoint_origin(note)  # bad input: refused before locking
    with ws.locked(directory):
        states, configured = ws.load_states(directory)
        pinned = _pinned(configured, origin, log_key)
        result = add_checkpoint(
            note=note,
            old_size=old_size,
            proof=proof,
            log_key=pinned,
            latest=states.get(origin),
            signer=signer,
            timestamp=timestamp,
            now=now,
        )
        states[origin] = result.state
        ws.write_states(directory, states, configured)
    return result
