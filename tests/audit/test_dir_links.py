"""A verified directory: symbolic links refused, key material never echoed, extra directories
reported (issue 14, points 9 and 16), at the level a user meets them (`disarm verify DIR`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .demos import demo_dir

# End to end: verifies copies of a `disarm demo` directory.
pytestmark = pytest.mark.slow


@pytest.fixture
def copy(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    target = tmp_path / "d"
    shutil.copytree(demo_dir(tmp_path_factory, "none"), target, symlinks=True)
    return target


@pytest.fixture
def private_key(cli, tmp_path: Path) -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    path = tmp_path / "secret.key"
    assert cli("keys", "generate", "--party", "X", "--out", str(path)).exit_code == 0
    return path, path.read_text()


def _assert_no_key_material(text: str, secret: str) -> None:
    for line in secret.splitlines():
        for chunk in line.replace('"', " ").split():
            if len(chunk) >= 16:
                assert chunk not in text, f"key material {chunk[:8]}… echoed"


@pytest.mark.parametrize("as_json", [False, True])
def test_symlinked_key_to_a_private_key_is_refused_and_not_echoed(
    cli, copy: Path, private_key: tuple[Path, str], as_json: bool
) -> None:  # type: ignore[no-untyped-def]
    path, secret = private_key
    pub = copy / "keys" / "inspectorate.pub"
    pub.unlink()
    pub.symlink_to(path)
    result = cli(
        "verify", str(copy), "--allow-simulation-keys", "-q", *(["--json"] if as_json else [])
    )
    assert result.exit_code == 1
    assert "keys/inspectorate.pub is a symbolic link" in result.stderr
    _assert_no_key_material(result.stdout + result.stderr, secret)


def test_a_private_key_copied_as_a_public_key_is_not_echoed(
    cli, copy: Path, private_key: tuple[Path, str]
) -> None:  # type: ignore[no-untyped-def]
    path, secret = private_key
    shutil.copy(path, copy / "keys" / "inspectorate.pub")
    for args in ([], ["--json"]):
        result = cli("verify", str(copy), "--allow-simulation-keys", "-q", *args)
        assert result.exit_code == 1
        assert "not hex" in (result.stdout + result.stderr)
        _assert_no_key_material(result.stdout + result.stderr, secret)


def test_symlinked_folder_is_refused(cli, copy: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "report.html").write_text("<p>all compliant</p>")
    (copy / "reports").symlink_to(fake)
    result = cli("verify", str(copy), "--allow-simulation-keys", "-q")
    assert result.exit_code == 1
    assert "reports is a symbolic link" in result.stderr


def test_an_empty_extra_directory_is_reported(cli, copy: Path) -> None:  # type: ignore[no-untyped-def]
    (copy / "extra").mkdir()
    result = cli("verify", str(copy), "--allow-simulation-keys", "-q", "--json")
    assert result.exit_code == 1
    text = result.stdout + result.stderr
    assert "a directory no check verified" in text and "extra/" in text
    json.loads(result.stdout)  # still the JSON report


def test_untouched_copy_still_verifies(cli, copy: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("verify", str(copy), "--allow-simulation-keys", "-q").exit_code == 0
