"""The log in PostgreSQL (psycopg 3): the same tiles as the directory backend, in tables.

``postgresql://user@host:port/db?schema=NAME`` selects the database and the schema holding the
log (default ``disarm_log``); the ``schema`` parameter is ours and is not passed to libpq.

Tables (in that schema): ``log`` (origin, size: one row), ``tiles`` (level, index, hashes,
interior nodes; the current partial tile of a level is one row rewritten in place), ``bundles``
(entry bundles, same rule) and ``checkpoints`` (every signed checkpoint, in order). A batch is one
transaction that also checks the size it started from, so two writers cannot interleave.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from disarm.errors import BadInput, Conflict, NotFound, VerificationError
from disarm.store.batch import Frontier, Update
from disarm.store.tiled import TiledLog
from disarm.tlog.hashing import HASH_SIZE
from disarm.tlog.tiles import TILE_HEIGHT, TILE_WIDTH, decode_bundle, entries_path, tile_path

DEFAULT_SCHEMA = "disarm_log"

_DDL = [
    "CREATE TABLE {s}.log (id int PRIMARY KEY CHECK (id = 1), origin text NOT NULL,"
    " size bigint NOT NULL)",
    "CREATE TABLE {s}.tiles (level smallint NOT NULL, idx bigint NOT NULL, hashes bytea NOT NULL,"
    " interior bytea, PRIMARY KEY (level, idx))",
    "CREATE TABLE {s}.bundles (idx bigint PRIMARY KEY, data bytea NOT NULL)",
    "CREATE TABLE {s}.checkpoints (seq bigserial PRIMARY KEY, size bigint NOT NULL,"
    " note text NOT NULL)",
    # Hashes do not compress: skip TOAST compression attempts.
    "ALTER TABLE {s}.tiles ALTER COLUMN hashes SET STORAGE EXTERNAL",
    "ALTER TABLE {s}.tiles ALTER COLUMN interior SET STORAGE EXTERNAL",
]


def split_url(url: str) -> tuple[str, str]:
    """(libpq URL without our ``schema`` parameter, schema name)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = DEFAULT_SCHEMA
    rest = []
    for key, value in query:
        if key == "schema":
            schema = value
        else:
            rest.append((key, value))
    if not schema or not schema.replace("_", "a").isalnum() or schema[0].isdigit():
        raise BadInput(f"schema name {schema!r} must be letters, digits and underscores")
    return urlunsplit(parts._replace(query=urlencode(rest))), schema


def connect(url: str) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError as exc:
        raise NotFound(f"cannot connect to PostgreSQL at {_redact(url)}: {exc}") from exc


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


class PostgresLog(TiledLog):
    """A tlog-tiles log in PostgreSQL tables."""

    def __init__(
        self, conn: psycopg.Connection[Any], schema: str, origin: str, frontier: Frontier
    ) -> None:
        super().__init__(origin, frontier)
        self._conn = conn
        self.schema = schema
        self._s = sql.Identifier(schema)

    @classmethod
    def create(cls, url: str, origin: str) -> PostgresLog:
        if not origin or "\n" in origin or origin != origin.strip():
            raise BadInput(f"log origin {origin!r} must be one non-empty line")
        libpq, schema = split_url(url)
        conn = connect(libpq)
        s = sql.Identifier(schema)
        try:
            with conn.transaction():
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(s))
                exists = conn.execute(
                    "SELECT 1 FROM information_schema.tables WHERE table_schema = %s"
                    " AND table_name = 'log'",
                    (schema,),
                ).fetchone()
                if exists:
                    raise Conflict(f"schema {schema} already holds a log")
                for ddl in _DDL:
                    conn.execute(sql.SQL(ddl).format(s=s))
                conn.execute(sql.SQL("INSERT INTO {}.log VALUES (1, %s, 0)").format(s), (origin,))
        except BaseException:
            conn.close()
            raise
        return cls(conn, schema, origin, Frontier())

    @classmethod
    def open(cls, url: str) -> PostgresLog:
        libpq, schema = split_url(url)
        conn = connect(libpq)
        try:
            row = conn.execute(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = %s"
                " AND table_name = 'log'",
                (schema,),
            ).fetchone()
            if row is None:
                raise NotFound(f"no log in schema {schema} of {_redact(libpq)}")
            s = sql.Identifier(schema)
            row = conn.execute(sql.SQL("SELECT origin, size FROM {}.log").format(s)).fetchone()
            if row is None:
                raise NotFound(f"schema {schema} has an empty log table")
            origin, size = row
            log = cls(conn, schema, origin, Frontier(size))
            log._frontier = log._load_frontier(size)
        except BaseException:
            conn.close()
            raise
        return log

    def _q(self, text: str) -> sql.Composed:
        return sql.SQL(text).format(s=self._s)

    def _load_frontier(self, size: int) -> Frontier:
        partials: list[bytes] = []
        level = 0
        while size >> (TILE_HEIGHT * level):
            width = (size >> (TILE_HEIGHT * level)) & (TILE_WIDTH - 1)
            index = size >> (TILE_HEIGHT * (level + 1))
            hashes = b""
            if width:
                hashes = self._hashes(level, index)[: width * HASH_SIZE]
                if len(hashes) != width * HASH_SIZE:
                    raise VerificationError(
                        f"{tile_path(level, index, width)} is short in schema {self.schema}",
                        expected=width * HASH_SIZE,
                        computed=len(hashes),
                    )
            partials.append(hashes)
            level += 1
        width = size & (TILE_WIDTH - 1)
        bundle = b""
        if width:
            data = self._bundle(size >> TILE_HEIGHT)
            entries = decode_bundle(data, source=entries_path(size >> TILE_HEIGHT, width))
            if len(entries) < width:
                raise VerificationError(
                    f"{entries_path(size >> TILE_HEIGHT, width)} is short",
                    expected=width,
                    computed=len(entries),
                )
            bundle = data[: sum(len(e) + 2 for e in entries[:width])]
        return Frontier(size, partials, bundle)

    # --- reads -------------------------------------------------------------------------------

    def _hashes(self, level: int, index: int) -> bytes:
        row = self._conn.execute(
            self._q("SELECT hashes FROM {s}.tiles WHERE level = %s AND idx = %s"), (level, index)
        ).fetchone()
        if row is None:
            raise VerificationError(f"{tile_path(level, index)} is missing from the log")
        return bytes(row[0])

    def _fetch_tile(self, level: int, index: int) -> bytes:
        return self._hashes(level, index)

    def _fetch_interior(self, level: int, index: int) -> bytes:
        row = self._conn.execute(
            self._q("SELECT interior FROM {s}.tiles WHERE level = %s AND idx = %s"),
            (level, index),
        ).fetchone()
        if row is None or row[0] is None:
            raise VerificationError(f"interior nodes of {tile_path(level, index)} are missing")
        return bytes(row[0])

    def _bundle(self, index: int) -> bytes:
        row = self._conn.execute(
            self._q("SELECT data FROM {s}.bundles WHERE idx = %s"), (index,)
        ).fetchone()
        if row is None:
            raise VerificationError(f"{entries_path(index)} is missing from the log")
        return bytes(row[0])

    def _fetch_bundle(self, index: int) -> bytes:
        return self._bundle(index)

    def checkpoints(self) -> list[str]:
        rows = self._conn.execute(self._q("SELECT note FROM {s}.checkpoints ORDER BY seq"))
        return [str(r[0]) for r in rows]

    def checkpoint_rows(self) -> list[tuple[int, str]]:
        rows = self._conn.execute(self._q("SELECT seq, note FROM {s}.checkpoints ORDER BY seq"))
        return [(int(r[0]), str(r[1])) for r in rows]

    def latest_checkpoint(self) -> str | None:
        row = self._conn.execute(
            self._q("SELECT note FROM {s}.checkpoints ORDER BY seq DESC LIMIT 1")
        ).fetchone()
        return None if row is None else str(row[0])

    # --- writes ------------------------------------------------------------------------------

    def _commit(self, update: Update | None, note: str | None, staged: object = None) -> None:
        with self._conn.transaction(), self._conn.cursor() as cur:
            (size,) = cur.execute(self._q("SELECT size FROM {s}.log FOR UPDATE")).fetchone() or (
                -1,
            )
            if size != self.size:
                raise Conflict(
                    f"the log in schema {self.schema} changed under us (another writer?)"
                )
            if update is not None:
                interiors = {(lv, ix): bytes(data) for lv, ix, data in update.interiors}
                rows = [
                    (t.level, t.index, bytes(data), interiors.get((t.level, t.index)))
                    for t, data in update.tiles
                ]
                cur.executemany(
                    self._q(
                        "INSERT INTO {s}.tiles VALUES (%s, %s, %s, %s) ON CONFLICT (level, idx)"
                        " DO UPDATE SET hashes = EXCLUDED.hashes, interior = EXCLUDED.interior"
                    ),
                    rows,
                )
                cur.executemany(
                    self._q(
                        "INSERT INTO {s}.bundles VALUES (%s, %s) ON CONFLICT (idx)"
                        " DO UPDATE SET data = EXCLUDED.data"
                    ),
                    [(t.index, bytes(data)) for t, data in update.bundles],
                )
                cur.execute(self._q("UPDATE {s}.log SET size = %s"), (update.new_size,))
            if note is not None:
                at = update.new_size if update is not None else self.size
                cur.execute(
                    self._q("INSERT INTO {s}.checkpoints (size, note) VALUES (%s, %s)"),
                    (at, note),
                )

    def where(self, kind: str, level: int, index: int, byte: int) -> str:
        table = f"{self.schema}.tiles"
        if kind == "hash":
            tile, slot = divmod(index, TILE_WIDTH)
            return f"{table} row ({level}, {tile}) hashes byte {slot * HASH_SIZE + byte}"
        if kind == "interior":
            return f"{table} row ({level}, {index}) interior byte {byte}"
        if kind == "entry":
            return f"{self.schema}.bundles row {index >> TILE_HEIGHT} (entry {index})"
        if kind == "bundle":
            return f"{self.schema}.bundles row {index}"
        if kind == "history":
            return f"{self.schema}.checkpoints row {index + 1} in order"
        if kind == "origin":
            return f"{self.schema}.log"
        return kind

    def _close(self) -> None:
        self._conn.close()

    def drop(self) -> None:
        """Delete the log's schema and everything in it (tests and tooling)."""
        self._conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(self._s))
