"""Identifiers: full matches and one ASCII alphabet (issue 14, points 10 and 11)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from disarm.model.identifiers import check_identifier, is_identifier

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CAFE_NFC = unicodedata.normalize("NFC", "W-caf\u00e9")
CAFE_NFD = unicodedata.normalize("NFD", "W-caf\u00e9")


@pytest.mark.parametrize(
    "value",
    ["USA\n", "USA\r\n", " USA", "W 1", CAFE_NFC, CAFE_NFD, "W-1\u200b", "", "-W", "W" * 129, 7],
)
def test_not_identifiers(value: object) -> None:
    assert not is_identifier(value)


@pytest.mark.parametrize("value", ["W-0001", "R01", "warhead", "a.b:c/d@e_f", "W" * 128])
def test_identifiers(value: str) -> None:
    assert check_identifier(value, "id") == value


def test_party_id_with_trailing_newline_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("keys", "generate", "--party", "USA\n", "--out", str(tmp_path / "k.key"))
    assert result.exit_code == 2
    assert "party" in result.stderr
    assert not (tmp_path / "k.key").exists()


def test_inspect_commit_party_with_trailing_newline_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("inspect", "commit", "--party", "inspectorate\n", "--contribution", "00" * 16)
    assert result.exit_code == 2, result.stdout
    assert "not valid" in result.stderr


@pytest.mark.parametrize("spelling", [CAFE_NFD, "W-0001\u200b", "W-\uff10\uff10\uff11"])
def test_declaration_refuses_non_ascii_item_ids(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelling: str
) -> None:  # type: ignore[no-untyped-def]
    for name in ("items.csv", "counts.csv"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    items = Path("items.csv")
    items.write_text(items.read_text().replace("W-0002,", f"{spelling},", 1), encoding="utf-8")
    assert cli("keys", "generate", "--party", "A", "--out", "a.key").exit_code == 0
    assert cli("keys", "generate", "--party", "I", "--out", "i.key").exit_code == 0
    reg = ("party", "register", "--log", "lg", "--key", "i.key")
    assert (
        cli(*reg, "--party", "I", "--role", "inspectorate", "--origin", "x.example/l").exit_code
        == 0
    )
    result = cli(
        *("declare", "--log", "lg", "--key", "a.key", "--items", "items.csv"),
        *("--public", "counts.csv", "--programme", "model", "--declaration-id", "A/1"),
        *("--region-size", "8", "--opening", "a.opening.json"),
    )
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "not an identifier" in result.stderr
    assert not Path("a.opening.json").exists()


def test_custody_refuses_two_spellings_of_one_item(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    events = tmp_path / "events.csv"
    events.write_text(
        "item,time,location,event,actor\n"
        f"{CAFE_NFC},2026-01-05T08:00:00Z,Base-A,in_storage,host\n"
        f"{CAFE_NFD},2026-01-05T08:00:00Z,Base-B,in_storage,host\n",
        encoding="utf-8",
    )
    result = cli("inspect", "custody", str(events))
    assert result.exit_code == 2
    assert "line 2: item" in result.stderr and "not an identifier" in result.stderr


def test_custody_inventory_refuses_trailing_space_spelling(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    items = tmp_path / "items.txt"
    items.write_text("W-0001\nW-0001\u00a0\n", encoding="utf-8")
    result = cli("inspect", "custody", str(EXAMPLES / "events.csv"), "--items", str(items))
    assert result.exit_code == 2
    assert "not an identifier" in result.stderr
