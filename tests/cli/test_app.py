from __future__ import annotations

from disarm import __version__


def test_help_lists_groups(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--help")
    assert result.exit_code == 0
    for name in ("data", "programme", "log", "witness", "inspect", "stats"):
        assert name in result.stdout


def test_version(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout
