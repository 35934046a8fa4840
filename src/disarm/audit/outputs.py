"""The published files: re-derived and compared byte for byte; and the file inventory.

* `OutputsCheck`: the New START and model-schedule files are what the bundled data give; the
  report, findings and open-data CSVs are what the log gives (the demo's own renderer run on
  the verified statements).
* `InventoryCheck`: every file of the directory was verified by some check; anything else (an
  added file) is a disagreement.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jinja2

from disarm.audit.context import AuditContext
from disarm.audit.model import CheckResult, Mismatch, compare_bytes
from disarm.demo import statements as demo

__all__ = ["InventoryCheck", "OutputsCheck"]


@functools.cache
def _bundled_files() -> dict[str, bytes]:
    """The demo files that depend only on bundled package data (computed once per process)."""
    from disarm.demo.runner import run_demo

    return {name: text.encode("utf-8") for name, text in run_demo().files.items()}


def _read(ctx: AuditContext, rel: str) -> bytes:
    try:
        return (ctx.root / rel).read_bytes()
    except FileNotFoundError:
        raise Mismatch("a published file is missing", file=rel) from None


class OutputsCheck:
    name = "outputs"
    title = "report, findings and CSV files re-derived and compared byte for byte"

    def run(self, ctx: AuditContext) -> CheckResult:
        from disarm.audit.rebuild import rebuild_result, simulation_truth
        from disarm.demo.outputs import output_files

        checked = 0
        truth = simulation_truth(ctx)
        # The files depend on the verified facts and the simulation truth only: render once
        # per truth (a context re-used on another copy of DIR renders again if it differs).
        cache: dict[str, dict[str, str]] = ctx.facts.setdefault("rendered", {})
        key = json.dumps(truth, sort_keys=True)
        if key not in cache:
            try:
                cache[key] = output_files(rebuild_result(ctx, truth))
            except jinja2.TemplateError as exc:
                raise Mismatch(
                    f"the report cannot be rendered from the log and its stated truth: {exc}",
                    file=demo.FINDINGS_FILE,
                ) from exc
        derived = cache[key]
        expected = {demo.REPORT_FILE, demo.FINDINGS_FILE, *demo.CSV_FILES}
        if set(derived) != expected:  # pragma: no cover - the demo's contract changed
            raise Mismatch(
                "the demo renders other files than its layout names",
                expected=sorted(expected),
                computed=sorted(derived),
            )
        for rel in sorted(derived):
            compare_bytes(rel, _read(ctx, rel), derived[rel].encode("utf-8"), rel)
            ctx.covered.add(rel)
            checked += 1
        bundled = _bundled_files()
        for rel in demo.NEW_START_FILES:
            compare_bytes(rel, _read(ctx, rel), bundled[rel], rel)
            ctx.covered.add(rel)
            checked += 1
        return CheckResult(self.name, self.title, checked=checked, unit="files")


class InventoryCheck:
    name = "inventory"
    title = "every file in the directory was verified"

    def run(self, ctx: AuditContext) -> CheckResult:
        files = 0
        for path in sorted(ctx.root.rglob("*")):
            rel = path.relative_to(ctx.root).as_posix()
            if path.is_dir():
                continue
            if rel not in ctx.covered:
                raise Mismatch(
                    "a file no check verified (not part of the demo's output)",
                    file=rel,
                    expected="only the files the demo writes",
                )
            files += 1
        for path in sorted(ctx.root.rglob("*")):
            rel = path.relative_to(ctx.root).as_posix()
            in_log = (rel + "/").startswith(ctx.log_dir + "/")  # its layout: the storage check
            if (
                path.is_dir()
                and not in_log
                and not any(c.startswith(rel + "/") for c in ctx.covered)
            ):
                raise Mismatch(
                    "a directory no check verified (empty, or not part of the demo's output)",
                    file=rel + "/",
                    expected="only the directories the demo writes",
                )
        missing = sorted(r for r in ctx.covered if not (ctx.root / Path(r)).is_file())
        if missing:
            raise Mismatch("a verified file disappeared during the run", file=missing[0])
        return CheckResult(self.name, self.title, checked=files, unit="files")
