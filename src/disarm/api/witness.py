"""`disarm witness serve`: the witness side of c2sp.org/tlog-witness over HTTP.

One route, ``POST /add-checkpoint``. The body is an ``old <size>`` line, zero to 63 consistency
proof lines (base64 hashes), an empty line, then the log-signed checkpoint note. Answers, in the
order the spec checks them:

* 413 -- the body is larger than `MAX_BODY_BYTES`;
* 400 -- the body is malformed (not UTF-8, no empty line, a bad old-size or proof line, a
  checkpoint that does not parse), or the old size is larger than the checkpoint size;
* 404 -- the checkpoint's origin is not a log this witness was configured for;
* 403 -- no signature on the checkpoint verifies under the configured log key;
* 409 -- the old size is not the size this witness last cosigned for the origin (also a
  rollback: a checkpoint smaller than that size); the body is that size and a newline, with
  ``Content-Type: text/x.tlog.size``, so that the client can retry with the right proof;
* 409 -- a fork: the same size as the cosigned checkpoint with another root hash (text body);
* 422 -- the consistency proof does not verify (or is not empty where it must be);
* 200 -- the cosignature line (``— <witness name> <base64>``, newline-terminated), once the new
  state is durable.

The check and the update are `disarm.service.witness.cosign_checkpoint`, serialised by the
witness directory's lock (shared with `disarm witness cosign`). The cosignature time is this
witness's own clock. Each request is logged as one JSON line (origin, sizes, status, reason);
the key is never logged.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from disarm.errors import BadInput, DisarmError, VerificationError
from disarm.service.witness import (
    UnknownLog,
    checkpoint_origin,
    cosign_checkpoint,
    latest_size,
    pinned_key,
)
from disarm.store import witness_state as ws
from disarm.tlog.checkpoint import open_checkpoint
from disarm.tlog.note import Verifier
from disarm.tlog.witness import Fork, Rollback, StaleOldSize, parse_add_checkpoint

__all__ = ["MAX_BODY_BYTES", "SIZE_CONTENT_TYPE", "witness_app"]

#: Largest accepted request body: 63 proof lines and a checkpoint with many signatures fit.
MAX_BODY_BYTES = 64 * 1024
#: c2sp.org/tlog-witness: the content type of a 409 response that carries the witness's size.
SIZE_CONTENT_TYPE = "text/x.tlog.size"

log = logging.getLogger("disarm.witness")


class _Refusal(Exception):
    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


class _TooLarge(Exception):
    pass


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _TooLarge
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > MAX_BODY_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def witness_app(directory: Path, clock: Callable[[], float] = time.time) -> FastAPI:
    """The witness's HTTP application over the witness directory `directory`.

    The directory and the witness key are checked now (a bad directory fails at start, not on
    the first request); `clock` gives the cosignature times (POSIX seconds)."""
    ws.witness_dir(directory)
    signer = ws.load_signer(directory)
    app = FastAPI(
        title="disarm witness",
        summary="The witness side of c2sp.org/tlog-witness.",
        docs_url=None,
        redoc_url=None,
    )

    def add(old_size: int, proof: list[bytes], note: str, fields: dict[str, object]) -> str:
        origin = checkpoint_origin(note)
        fields["origin"] = origin
        try:
            pinned = pinned_key(directory, origin)
        except UnknownLog as exc:
            raise _Refusal(404, "unknown-log", exc.message) from exc
        try:
            checkpoint, _ = open_checkpoint(note, Verifier.from_key_string(pinned))
        except (VerificationError, BadInput) as exc:
            raise _Refusal(403, "bad-signature", exc.message) from exc
        fields["size"] = checkpoint.size
        if old_size > checkpoint.size:
            raise BadInput(f"old size {old_size} is larger than the checkpoint size")
        now = int(clock())
        try:
            result = cosign_checkpoint(
                directory,
                note=note,
                old_size=old_size,
                proof=proof,
                signer=signer,
                timestamp=now,
                now=now,
                log_key=pinned,
            )
        except (StaleOldSize, Rollback, Fork) as exc:
            current = exc.latest_size if isinstance(exc, StaleOldSize) else None
            if current is None:
                current = latest_size(directory, origin)
            if isinstance(exc, Fork) and old_size == current:
                raise _Refusal(409, "fork", exc.message) from exc
            raise _SizeConflict(current, exc.message) from exc
        except VerificationError as exc:
            raise _Refusal(422, "bad-proof", exc.message) from exc
        fields["timestamp"] = now
        return result.line

    @app.post("/add-checkpoint", response_class=PlainTextResponse)
    async def add_checkpoint(request: Request) -> Response:
        """Cosign a checkpoint consistent with the last one cosigned (c2sp.org/tlog-witness)."""
        fields: dict[str, object] = {"event": "add-checkpoint"}
        try:
            raw = await _read_body(request)
            old_size, proof, note = parse_add_checkpoint(raw)
            fields["old_size"] = old_size
            line = await run_in_threadpool(add, old_size, proof, note, fields)
        except _TooLarge:
            return _answer(fields, 413, "too-large", f"body over {MAX_BODY_BYTES} bytes")
        except _SizeConflict as exc:
            fields["witness_size"] = exc.size
            _log(fields, 409, "stale-old-size", exc.message)
            # Exactly the spec's media type (no charset parameter): the body is ASCII digits.
            return Response(
                f"{exc.size}\n".encode(),
                status_code=409,
                headers={"Content-Type": SIZE_CONTENT_TYPE},
            )
        except _Refusal as exc:
            return _answer(fields, exc.status, exc.reason, exc.message)
        except BadInput as exc:
            return _answer(fields, 400, "bad-request", exc.message)
        except DisarmError as exc:  # e.g. time going backwards (409)
            return _answer(fields, exc.http_status, "refused", exc.message)
        _log(fields, 200, "cosigned", "")
        return PlainTextResponse(line)

    return app


class _SizeConflict(Exception):
    def __init__(self, size: int, message: str) -> None:
        super().__init__(message)
        self.size, self.message = size, message


def _answer(fields: dict[str, object], status: int, reason: str, message: str) -> Response:
    _log(fields, status, reason, message)
    return PlainTextResponse(message + "\n", status_code=status)


def _log(fields: dict[str, object], status: int, reason: str, message: str) -> None:
    record = {**fields, "status": status, "reason": reason}
    if message:
        record["message"] = message
    log.info(json.dumps(record, sort_keys=True))
