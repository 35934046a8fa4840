"""`disarm keys` and `disarm party`: signing keys and the party registry.

Private key files are JSON, written with mode 0600 at creation (never chmod-ed afterwards),
never overwritten, and never printed: commands print only the party, key id and public key.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from nacl.signing import SigningKey

from disarm.cli.app import group
from disarm.cli.output import emit, print_json
from disarm.crypto.registry import Role
from disarm.crypto.statements import check_party_id, check_time, key_id, parse_time
from disarm.errors import BadInput, NotFound
from disarm.io import read_json as bounded_read_json
from disarm.io import read_text, write_private
from disarm.service import registry as svc
from disarm.service.logbook import Logbook
from disarm.store import TiledLog, create_log, is_postgres_url, open_log
from disarm.tlog.note import Signer as NoteSigner

keys_app = group("keys", "Ed25519 signing keys: generate, show.")
party_app = group(
    "party", "The registry of parties (states, inspectorate, witnesses) and their keys."
)

KEY_VERSION = "disarm.key/v1"

# -- shared helpers for the crypto commands (also used by `declare` and `verify`) --------------


#: Kept for the command modules that import it from here; the one helper is `disarm.io`.
write_secret_file = write_private


def read_json(path: Path, what: str) -> Any:
    return bounded_read_json(path, what, limit=1 << 20)


def load_signer(path: Path) -> svc.Signer:
    """Load a key file written by `disarm keys generate` (warns if others may read it)."""
    data = read_json(path, "key file")
    if os.stat(path).st_mode & 0o077:
        typer.echo(f"warning: key file {path} is readable by others; chmod 600 it", err=True)
    try:
        if data.get("v") != KEY_VERSION:
            raise ValueError(f"not a {KEY_VERSION} key file")
        key = SigningKey(bytes.fromhex(data["private_key"]))
        signer = svc.Signer(check_party_id(data["party"]), key)
        if bytes.fromhex(data["public_key"]) != signer.public_key:
            raise ValueError("its public key does not match its private key")
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise BadInput(f"key file {path} is not usable: {exc}") from None
    return signer


def parse_key_hex(text: str, what: str = "public key") -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise BadInput(f"the {what} must be 64 hexadecimal digits (32 bytes), got {text!r}")
    return key


#: How far after this machine's clock a statement's time may lie (clock skew between the
#: signer's and the log's machines). A later time is refused: the command appends to the log,
#: and a log does not accept statements from the future (issue 14, finding 13).
MAX_FUTURE_SKEW = dt.timedelta(seconds=300)


def now_or(time: str | None, *, now: dt.datetime | None = None) -> str:
    """The statement time: `time` if given (canonical, and not after the clock plus
    `MAX_FUTURE_SKEW`), else the clock's time now."""
    clock = dt.datetime.now(dt.UTC) if now is None else now
    if time is None:
        return clock.strftime("%Y-%m-%dT%H:%M:%SZ")
    check_time(time)
    if parse_time(time) > clock + MAX_FUTURE_SKEW:
        raise BadInput(
            f"statement time {time} is more than {int(MAX_FUTURE_SKEW.total_seconds())} s after "
            f"this machine's clock ({clock.strftime('%Y-%m-%dT%H:%M:%SZ')}): the log refuses "
            "statements dated in the future"
        )
    return time


class CheckpointingLog:
    """A log whose appends also sign and store a checkpoint, in the same durable step."""

    def __init__(self, store: TiledLog, logbook: Logbook | None) -> None:
        self.store, self.logbook = store, logbook

    @property
    def size(self) -> int:
        return self.store.size

    def entry(self, index: int) -> bytes:
        return self.store.entry(index)

    def entries(self, start: int, end: int) -> Iterator[bytes]:
        return self.store.entries(start, end)

    def append(self, entries: Sequence[bytes]) -> range:
        if self.logbook is None:
            return self.store.append(entries)
        result = self.logbook.append_batch(entries)
        return range(result.first, result.first + result.count)


def _log_signer(target: str, log_key: Path | None) -> NoteSigner | None:
    """The log's checkpoint key: --log-key, else DIR/log.key if present, else none."""
    path = log_key
    if path is None and not is_postgres_url(target):
        default = Path(target) / "log.key"
        path = default if default.is_file() else None
    if path is None:
        return None
    try:
        return NoteSigner.from_key_string(read_text(path, "key file", limit=1 << 20).strip())
    except FileNotFoundError as exc:
        raise NotFound(f"log signing key {path} does not exist") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BadInput(f"log signing key {path} is not usable: {exc}") from exc


@contextmanager
def opened_log(target: str, log_key: Path | None = None) -> Iterator[CheckpointingLog]:
    """Open the log (directory or postgresql:// URL); appends sign a checkpoint when the log's
    key is available (`--log-key`, or DIR/log.key as `disarm log` keeps it)."""
    with open_log(target if is_postgres_url(target) else Path(target)) as store:
        signer = _log_signer(target, log_key)
        yield CheckpointingLog(store, None if signer is None else Logbook(store, signer))


def _create_for_genesis(target: str, origin: str | None) -> None:
    """Create the log if it does not exist yet (the genesis statement goes into a new log)."""
    if is_postgres_url(target):
        try:
            open_log(target).close()
            return
        except NotFound:
            pass
    else:
        path = Path(target)
        if path.exists() and not (path.is_dir() and not any(path.iterdir())):
            return
    if origin is None:
        raise BadInput("--origin is required to create a new log")
    create_log(target if is_postgres_url(target) else Path(target), origin).close()


LOG_OPT = typer.Option(..., "--log", help="The transparency log directory (or postgresql:// URL).")
KEY_OPT = typer.Option(..., "--key", help="Your key file (from `disarm keys generate`).")
TIME_OPT = typer.Option(
    None,
    "--time",
    help="Statement time, ISO 8601 UTC (default: now), e.g. 2026-01-31T12:00:00Z; at most "
    "300 s after this machine's clock.",
)
JSON_OPT = typer.Option(False, "--json", help="Print the result as JSON.")
LOG_KEY_OPT = typer.Option(
    None,
    "--log-key",
    help="The log's checkpoint signing key (default: DIR/log.key if present); each append "
    "then stores a signed checkpoint.",
)
TRUST_OPT = typer.Option(
    ...,
    "--trust",
    envvar="DISARM_TRUST",
    help="The inspectorate's genesis public key (hex), obtained out of band: the trust anchor.",
)


# -- keys ---------------------------------------------------------------------------------------


def _key_row(party: str, public_key: bytes) -> dict[str, str]:
    return {"party": party, "key_id": key_id(public_key), "public_key": public_key.hex()}


@keys_app.command("generate")
def keys_generate(
    party: str = typer.Option(..., "--party", help="The party id this key signs for."),
    out: Path = typer.Option(
        ..., "--out", help="Key file to create (mode 0600, never overwritten)."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Generate an Ed25519 key pair; write the key file; print the key id and public key."""
    check_party_id(party)
    key = SigningKey.generate()
    public = bytes(key.verify_key)
    data = {**_key_row(party, public), "v": KEY_VERSION, "private_key": bytes(key).hex()}
    write_secret_file(out, (json.dumps(data, indent=2) + "\n").encode())
    row = _key_row(party, public)
    if as_json:
        print_json(row)
    else:
        typer.echo(f"party {party}\nkey_id {row['key_id']}\npublic_key {row['public_key']}")


@keys_app.command("show")
def keys_show(key: Path = KEY_OPT, as_json: bool = JSON_OPT) -> None:
    """Print the party, key id and public key of a key file (never the private key)."""
    signer = load_signer(key)
    row = _key_row(signer.party, signer.public_key)
    if as_json:
        print_json(row)
    else:
        typer.echo(f"party {row['party']}\nkey_id {row['key_id']}\npublic_key {row['public_key']}")


# -- party ----------------------------------------------------------------------------------------


@party_app.command("register")
def party_register(
    log: str = LOG_OPT,
    key: Path = KEY_OPT,
    log_key: Path | None = LOG_KEY_OPT,
    party: str = typer.Option(..., "--party", help="Party id to register."),
    role: Role = typer.Option(..., "--role", help="The party's role."),
    public_key: str | None = typer.Option(
        None, "--public-key", help="The party's public key (hex); not needed for the genesis."
    ),
    name: str = typer.Option("", "--name", help="Display name of the party."),
    origin: str | None = typer.Option(
        None, "--origin", help="Log origin line, when the genesis creates a new log."
    ),
    time: str | None = TIME_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Register a party (signed by the inspectorate).

    On an empty or missing log, registering the key file's own party as inspectorate writes the
    genesis statement: that key becomes the log's trust anchor.
    """
    signer = load_signer(key)
    check_party_id(party)
    when = now_or(time)
    genesis = party == signer.party and role is Role.INSPECTORATE
    if genesis:
        _create_for_genesis(log, origin)
    with opened_log(log, log_key) as store:
        if genesis and store.size == 0:
            index = svc.bootstrap(store, signer, when, name=name)
        else:
            if public_key is None:
                raise BadInput("--public-key is required to register another party")
            index = svc.register_party(
                store, signer, party, role, parse_key_hex(public_key), when, name=name
            )
    _print_index(index, "registry statement", as_json)


@party_app.command("rotate")
def party_rotate(
    log: str = LOG_OPT,
    key: Path = KEY_OPT,
    log_key: Path | None = LOG_KEY_OPT,
    new_key: Path = typer.Option(..., "--new-key", help="Key file of the new key."),
    time: str | None = TIME_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Rotate your key: sign with the current key; the new key becomes active."""
    signer, new = load_signer(key), load_signer(new_key)
    if new.party != signer.party:
        raise BadInput(f"the new key file is for {new.party!r}, not {signer.party!r}")
    with opened_log(log, log_key) as store:
        index = svc.rotate_key(store, signer, new.public_key, now_or(time))
    _print_index(index, "key rotation", as_json)


@party_app.command("revoke")
def party_revoke(
    log: str = LOG_OPT,
    key: Path = KEY_OPT,
    log_key: Path | None = LOG_KEY_OPT,
    party: str = typer.Option(..., "--party", help="Party whose key is revoked."),
    revoked: str = typer.Option(..., "--key-id", help="Key id to revoke."),
    reason: str = typer.Option("unspecified", "--reason", help="Why the key is revoked."),
    time: str | None = TIME_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Revoke a key (your own, or any party's if you are the inspectorate)."""
    with opened_log(log, log_key) as store:
        index = svc.revoke_key(store, load_signer(key), party, revoked, reason, now_or(time))
    _print_index(index, "key revocation", as_json)


@party_app.command("list")
def party_list(log: str = LOG_OPT, trust: str = TRUST_OPT, as_json: bool = JSON_OPT) -> None:
    """Rebuild the registry from the log (verifying every statement) and list the parties.

    Each key says whether it is a simulation key (derived from a seed, as every
    disarm demo key is; never one made by disarm keys generate).
    """
    with opened_log(log) as store:
        registry = svc.replay(store, parse_key_hex(trust, "trust anchor"))
    if as_json:
        print_json([p.to_json() for p in registry.parties.values()])
        return
    rows = []
    for p in registry.parties.values():
        for k in p.keys.values():
            rows.append(
                {
                    "party": p.id,
                    "role": p.role.value,
                    "key_id": k.key_id,
                    "status": k.status.value,
                    "simulation": "yes" if k.simulation else "no",
                }
            )
    emit(rows, title="parties")


def _print_index(index: int, what: str, as_json: bool) -> None:
    if as_json:
        print_json({"index": index})
    else:
        typer.echo(f"{what} logged at index {index}", err=True)
        typer.echo(str(index))
