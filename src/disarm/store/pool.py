"""Hashing parallelism for big batches: a standard process pool, opt-in, never a bare fork.

Worker processes come from `concurrent.futures.ProcessPoolExecutor` started by ``forkserver``
(``spawn`` where there is none): a clean process, safe beside threads, unlike a bare fork of a
threaded server or a Dask worker. Nothing uses the pool unless a caller asks for more than one
worker (`TiledLog.workers`, `--workers` on the command line); libraries, servers and workers keep
the default of one process.

Data moves through one shared-memory file per batch (``/dev/shm`` where it exists): the parent
writes the encoded entries of the tile-aligned segments it hands out, each worker maps the file,
hashes its segment and writes its leaf hashes, interior nodes and tile roots back at an offset the
parent chose. No pickling of entries, no pipes; a job carries only the path and offsets.
"""

from __future__ import annotations

import atexit
import mmap
import multiprocessing
import os
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from disarm.tlog.tiles import full_tile_trees, leaf_hashes, split_bundle

_POOLS: dict[int, ProcessPoolExecutor] = {}


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def pool(processes: int) -> ProcessPoolExecutor:
    """A pool of ``processes`` worker processes, started once and kept for later batches."""
    executor = _POOLS.get(processes)
    if executor is None:
        executor = _POOLS[processes] = ProcessPoolExecutor(processes, mp_context=_context())
    return executor


def discard(processes: int) -> None:
    """Drop a pool that failed (a worker died); the next batch starts a new one."""
    executor = _POOLS.pop(processes, None)
    if executor is not None:
        executor.shutdown(wait=False, cancel_futures=True)


@atexit.register
def shutdown() -> None:
    """Stop every pool (also run at interpreter exit)."""
    for processes in list(_POOLS):
        executor = _POOLS.pop(processes)
        executor.shutdown(wait=True, cancel_futures=True)


def shared_file(size: int) -> tuple[str, int]:
    """A new file of ``size`` bytes in shared memory (or the temporary directory): (path, fd)."""
    where = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    fd, path = tempfile.mkstemp(prefix="disarm-hash-", dir=where)
    os.ftruncate(fd, max(1, size))
    return path, fd


def hash_job(path: str, start: int, length: int, out: int) -> int:
    """Worker side: hash the entry bundle bytes ``[start, start + length)`` of the shared file.

    Writes ``leaf hashes | interiors | roots`` at ``out`` and returns how many bytes that is.
    The segment starts at a tile boundary, so its full tiles are its own.
    """
    fd = os.open(path, os.O_RDWR)
    try:
        with mmap.mmap(fd, 0) as shared:
            view = memoryview(shared)
            try:
                entries = split_bundle(view[start : start + length], source=path)
            finally:
                view.release()
            hashes = leaf_hashes(entries)
            interiors, roots = full_tile_trees(hashes)
            at = out
            for part in (hashes, interiors, roots):
                shared[at : at + len(part)] = part
                at += len(part)
            return at - out
    finally:
        os.close(fd)


def submit(processes: int, path: str, start: int, length: int, out: int) -> Future[int]:
    return pool(processes).submit(hash_job, path, start, length, out)


def remove(path: str) -> None:
    Path(path).unlink(missing_ok=True)


__all__ = ["discard", "hash_job", "pool", "shared_file", "shutdown", "submit"]
