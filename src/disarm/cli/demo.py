"""`disarm demo`: the main job on bundled data."""

from __future__ import annotations

from pathlib import Path

import typer

from disarm.cli.app import app
from disarm.cli.data import write_text_atomic
from disarm.cli.output import emit, print_json, progress, stderr
from disarm.errors import BadInput

#: The files `disarm demo` writes (kept here so that importing the CLI stays light).
DEMO_FILES = (
    "new-start-report.html",
    "new-start-verdicts.json",
    "model-report.html",
    "model-schedule.json",
    "model-schedule.csv",
)


@app.command("demo")
def demo(
    out: Path = typer.Option(
        Path("demo-out"), "--out", "-o", help="Directory for the reports and JSON (created)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Run New START on its real data and the model programme's schedule on 2024 baselines.

    Writes new-start-report.html, new-start-verdicts.json, model-report.html,
    model-schedule.json and model-schedule.csv into OUT, then prints a summary.
    """
    from disarm.demo.runner import STEPS, run_demo  # heavy (pandas, matplotlib): load on use

    if out.exists() and not out.is_dir():
        raise BadInput(f"--out {str(out)!r} exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create --out {str(out)!r}: {exc.strerror or exc}") from None
    total = len(STEPS) + len(DEMO_FILES)
    with progress(enabled=not quiet and stderr.is_terminal) as bar:
        task = bar.add_task("demo", total=total)

        def step(label: str) -> None:
            bar.update(task, advance=1, description=label)

        result = run_demo(step)
        for name in DEMO_FILES:
            write_text_atomic(out / name, result.files[name])
            step(f"wrote {name}")
    if as_json:
        print_json(
            {
                "out": str(out),
                "files": list(DEMO_FILES),
                "new_start": result.new_start_summary,
                "model": result.model_summary,
            }
        )
        return
    emit(result.new_start_summary, title="New START on the bundled exchanges (2011-2023)")
    emit(
        result.model_summary,
        title="Model convention: total_inventory ceiling per state after each phase "
        "(from SIPRI 2024 estimates)",
    )
    for name in DEMO_FILES:
        stderr.print(f"wrote {out / name}", highlight=False)
