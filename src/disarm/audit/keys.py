"""The keys check: which keys this verification trusts, and the directory's key files.

A key pinned by the user (obtained out of band) is trusted; the directory's copy must then be
byte-for-byte the same key, or the directory has a swapped key. A key not pinned is read from
the directory, with a warning that it proves only internal consistency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from disarm.audit.context import AuditContext
from disarm.audit.model import CheckResult, Mismatch
from disarm.audit.trust import (
    KeySource,
    Trust,
    parse_genesis_key,
    parse_log_key,
    parse_witness_key,
)
from disarm.errors import BadInput
from disarm.tlog.note import Verifier

__all__ = ["KeyFiles", "KeysCheck", "Pins"]

T = TypeVar("T")


@dataclass(frozen=True)
class Pins:
    """Keys the user obtained out of band (None / empty: not pinned)."""

    genesis_key: bytes | None = None
    log_key: Verifier | None = None
    witness_keys: tuple[Verifier, ...] = ()


@dataclass(frozen=True)
class KeyFiles:
    """Where the directory keeps its public keys (relative paths)."""

    directory: str
    trust_anchor: str
    log_key: str
    witness_keys: tuple[str, ...]
    extra: tuple[str, ...] = field(default_factory=tuple)


class KeysCheck:
    name = "keys"
    title = "trusted keys (pinned or from DIR/keys) and the directory's key files"

    def __init__(self, files: KeyFiles, pins: Pins) -> None:
        self.files = files
        self.pins = pins

    def run(self, ctx: AuditContext) -> CheckResult:
        f, pins = self.files, self.pins
        _no_extra_files(ctx, f)
        genesis = _load(ctx, f.trust_anchor, parse_genesis_key, "the genesis key")
        log_key = _load(ctx, f.log_key, parse_log_key, "the log key")
        witnesses = [_load(ctx, p, parse_witness_key, "a witness key") for p in f.witness_keys]
        ctx.facts["witness_key_files"] = list(zip(f.witness_keys, witnesses, strict=True))
        if pins.genesis_key is not None and genesis != pins.genesis_key:
            raise Mismatch(
                "the directory's genesis key is not the pinned (--trust) key",
                file=f.trust_anchor,
                expected=pins.genesis_key.hex(),
                computed=genesis.hex(),
            )
        if pins.log_key is not None and log_key.key_string() != pins.log_key.key_string():
            raise Mismatch(
                "the directory's log key is not the pinned (--log-key) key",
                file=f.log_key,
                expected=pins.log_key.key_string(),
                computed=log_key.key_string(),
            )
        if pins.witness_keys:
            pinned = {w.key_string() for w in pins.witness_keys}
            for path, w in zip(f.witness_keys, witnesses, strict=True):
                if w.key_string() not in pinned:
                    raise Mismatch(
                        "the directory's witness key is not one of the pinned (--witness-key)",
                        file=path,
                        expected=sorted(pinned),
                        computed=w.key_string(),
                    )
        try:
            ctx.trust_anchors = Trust(
                pins.genesis_key or genesis,
                pins.log_key or log_key,
                tuple(pins.witness_keys) or tuple(witnesses),
                _source(pins.genesis_key is not None),
                _source(pins.log_key is not None),
                _source(bool(pins.witness_keys)),
            )
        except BadInput as exc:
            raise Mismatch(exc.message, file=f.directory) from exc
        return CheckResult(
            self.name,
            self.title,
            checked=2 + len(witnesses),
            unit="keys",
            figures={
                "pinned": sum(
                    (
                        pins.genesis_key is not None,
                        pins.log_key is not None,
                        bool(pins.witness_keys),
                    )
                ),
                "witnesses": len(ctx.trust.witnesses),
            },
        )


def _source(pinned: bool) -> KeySource:
    return KeySource.PINNED if pinned else KeySource.DIRECTORY


def _load(ctx: AuditContext, rel: str, parse: Callable[[str, str], T], what: str) -> T:
    path = ctx.root / rel
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise Mismatch(f"{what} file is missing", file=rel, expected="a key file") from None
    except OSError as exc:
        raise Mismatch(f"{what} file cannot be read: {exc.strerror}", file=rel) from None
    try:
        text = raw.decode("utf-8")
        if text != text.strip() + "\n":
            raise BadInput("a key file is one line ending in a newline")
        value = parse(text.strip(), what)
    except (UnicodeDecodeError, BadInput) as exc:
        raise Mismatch(f"{what} file is not a key: {exc}", file=rel) from None
    ctx.covered.add(rel)
    return value


def _no_extra_files(ctx: AuditContext, f: KeyFiles) -> None:
    known = {f.trust_anchor, f.log_key, *f.witness_keys, *f.extra}
    root = ctx.root / f.directory
    if not root.is_dir():
        raise Mismatch("the key directory is missing", file=f.directory)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(ctx.root).as_posix()
        if rel not in known:
            raise Mismatch("unexpected file in the key directory", file=rel)
