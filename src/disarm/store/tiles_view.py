"""The C2SP tlog-tiles view of a stored log: serve any ``tile/...`` path, or export them all.

Backends pack tiles into files or tables; this module turns a tlog-tiles path back into its
bytes, and writes the standard static layout (``checkpoint``, ``tile/<L>/<N>[.p/<W>]``,
``tile/entries/<N>[.p/<W>]``) that any tlog-tiles client or static web server can use.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from disarm.errors import BadInput, NotFound
from disarm.store.tiled import TiledLog
from disarm.tlog.hashing import HASH_SIZE
from disarm.tlog.tiles import (
    TILE_HEIGHT,
    TILE_WIDTH,
    Tile,
    bundles_for_size,
    encode_bundle,
    parse_tile_path,
    tiles_for_size,
)


def read_tile(log: TiledLog, path: str) -> bytes:
    """The bytes of ``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]``.

    A partial tile of width W exists once the tree has at least ``N * 256 + W`` hashes at that
    level; it is the prefix of the tile at any later size.
    """
    tile = parse_tile_path(path)
    return _tile_bytes(log, tile)


def _tile_bytes(log: TiledLog, tile: Tile) -> bytes:
    size = log.size
    level = max(tile.level, 0)
    available = size >> (TILE_HEIGHT * level)  # hashes (or entries) at this level
    if tile.index * TILE_WIDTH + tile.width > available:
        raise NotFound(f"{tile.path} does not exist in a log of size {size}")
    if tile.is_entries:
        start = tile.index * TILE_WIDTH
        return encode_bundle(list(log.entries(start, start + tile.width)))
    if tile.index < available >> TILE_HEIGHT:
        return log._tile(tile.level, tile.index)[: tile.width * HASH_SIZE]
    return log.frontier.partial(tile.level)[: tile.width * HASH_SIZE]


def export_tiles(log: TiledLog, out: Path, *, sizes: Iterable[int] = ()) -> int:
    """Write the static tlog-tiles layout of the current tree into ``out``; return file count.

    ``sizes`` adds the partial tiles of earlier tree sizes (e.g. those of old checkpoints), as
    the spec asks a log to keep serving them. The latest checkpoint is written as
    ``out/checkpoint``.
    """
    wanted: dict[str, Tile] = {}
    for size in {*sizes, log.size}:
        if not 0 <= size <= log.size:
            raise BadInput(f"tree size {size} is outside the log (size {log.size})")
        for tile in (*tiles_for_size(size), *bundles_for_size(size)):
            wanted.setdefault(tile.path, tile)
    count = 0
    for rel, tile in sorted(wanted.items()):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(_tile_bytes(log, tile))
        os.replace(tmp, target)
        count += 1
    note = log.latest_checkpoint()
    if note is not None:
        (out / "checkpoint").write_text(note, "utf-8")
    return count
