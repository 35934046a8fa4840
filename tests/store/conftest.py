"""One store test suite, run against both backends: a directory and a real PostgreSQL server.

The PostgreSQL URL comes from ``DISARM_TEST_PG_URL`` (default
``postgresql://root@127.0.0.1:5432/test``). Each test gets its own schema, dropped afterwards.
The PostgreSQL tests never skip: an unreachable server fails them with a clear message.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

PG_URL = os.environ.get("DISARM_TEST_PG_URL", "postgresql://root@127.0.0.1:5432/test")


def pg_target(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}schema={schema}"


def _drop(schema: str) -> None:
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["directory", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where to create a log: a fresh directory, or a fresh schema in PostgreSQL."""
    if request.param == "directory":
        yield str(tmp_path / "log")
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    try:
        _drop(schema)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is unreachable at {PG_URL} (set DISARM_TEST_PG_URL): {exc}",
            pytrace=False,
        )
    try:
        yield pg_target(schema)
    finally:
        _drop(schema)
