"""The import contracts of pyproject.toml ([tool.importlinter]) hold, and they bite.

`.ci/run` runs ``lint-imports``; these tests run it too, on the real tree and on a copy of the
package with one extra module that breaks a rule, and show that the copy fails naming the import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "disarm"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the package found under ``src``, with the project's contracts."""
    command = [str(LINT_IMPORTS)] if LINT_IMPORTS.exists() else ["lint-imports"]
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [*command, "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _copy_with(tmp_path: Path, module: str, source: str) -> Path:
    """A copy of the package's Python files plus ``module`` (dotted) holding ``source``."""
    src = tmp_path / "src"
    shutil.copytree(PACKAGE, src / "disarm", ignore=_not_python)
    path = src.joinpath(*module.split(".")).with_suffix(".py")
    path.write_text(source)
    return src


def _not_python(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if not n.endswith(".py") and not (Path(directory) / n).is_dir()}


def test_the_real_tree_keeps_every_contract() -> None:
    result = _lint(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


CORE_IMPORTS_ADAPTER = [
    ("disarm.model.layering_probe", "from disarm.store import open_log\n"),
    ("disarm.rules.layering_probe", "import disarm.cli.output\n"),
    ("disarm.tlog.layering_probe", "from disarm import service\n"),
    ("disarm.crypto.layering_probe", "import disarm.web\n"),
    ("disarm.inspect.layering_probe", "import disarm.report\n"),
    ("disarm.stats.layering_probe", "import disarm.render\n"),
    ("disarm.effects.layering_probe", "def late() -> None:\n    import disarm.audit\n"),
]


@pytest.mark.parametrize(("module", "source"), CORE_IMPORTS_ADAPTER)
def test_a_core_module_importing_an_adapter_fails(tmp_path: Path, module: str, source: str) -> None:
    result = _lint(_copy_with(tmp_path, module, source))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "The core never imports the service layer, storage or an adapter BROKEN" in result.stdout
    assert f"{module} -> disarm." in result.stdout


def test_an_indirect_import_of_an_adapter_fails_too(tmp_path: Path) -> None:
    """The core reaching the store through another core module is still caught."""
    src = _copy_with(tmp_path, "disarm.stats.layering_probe", "import disarm.store\n")
    (src / "disarm" / "tlog" / "layering_probe.py").write_text(
        "import disarm.stats.layering_probe\n"
    )
    result = _lint(src)
    assert result.returncode == 1
    assert "disarm.tlog is not allowed to import disarm.store" in result.stdout


@pytest.mark.parametrize("importer", ["disarm.service.layering_probe", "disarm.web.layering_probe"])
def test_importing_the_demo_from_outside_the_cli_fails(tmp_path: Path, importer: str) -> None:
    result = _lint(_copy_with(tmp_path, importer, "from disarm.demo import statements\n"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Nothing but the CLI imports the demo BROKEN" in result.stdout
    assert f"{importer} -> disarm.demo.statements" in result.stdout


def test_the_cli_may_import_the_demo(tmp_path: Path) -> None:
    result = _lint(_copy_with(tmp_path, "disarm.cli.layering_probe", "import disarm.demo.world\n"))
    assert result.returncode == 0, result.stdout + result.stderr
