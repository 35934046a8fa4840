"""Without the ``postgres`` extra (psycopg), a postgresql:// log is one sentence and exit 2."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from disarm.errors import BadInput
from disarm.store import create_log, open_log

URL = "postgresql://nobody@127.0.0.1:1/none?schema=s"


@pytest.fixture
def no_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import psycopg`` fail as it does when the extra is not installed."""
    for name in [m for m in sys.modules if m == "psycopg" or m.startswith("psycopg.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delitem(sys.modules, "disarm.store.postgres", raising=False)
    monkeypatch.setitem(sys.modules, "psycopg", None)


@pytest.mark.usefixtures("no_psycopg")
def test_opening_or_creating_names_the_extra() -> None:
    for attempt in (lambda: create_log(URL, "example.org/x"), lambda: open_log(URL)):
        with pytest.raises(BadInput, match=r"disarm\[postgres\]") as info:
            attempt()
        assert info.value.exit_code == 2


@pytest.mark.usefixtures("no_psycopg")
def test_the_cli_says_so_in_one_sentence(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("log", "info", URL)
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "disarm[postgres]" in message
    assert "\n" not in message and "Traceback" not in message


def test_a_directory_log_needs_no_extra(no_psycopg: None, tmp_path: Path) -> None:
    create_log(tmp_path / "log", "example.org/x").close()
    assert "psycopg" not in {m for m, v in sys.modules.items() if v is not None}
