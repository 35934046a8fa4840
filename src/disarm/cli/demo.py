"""`disarm demo`: the whole verification regime on the 2024 world inventory, into a directory."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import typer

from disarm.cli.app import app
from disarm.cli.data import write_text_atomic
from disarm.cli.output import emit, print_json, progress, stderr
from disarm.errors import BadInput

#: The files of the New START part (kept here so that importing the CLI stays light).
DEMO_FILES = (
    "new-start-report.html",
    "new-start-verdicts.json",
    "model-report.html",
    "model-schedule.json",
    "model-schedule.csv",
)
#: What a previous run left in DIR (removed by --force, and nothing else).
REGIME_PATHS = (
    "log",
    "keys",
    "checkpoints",
    "data",
    "checkpoint.cosigned",
    "report.html",
    "findings.json",
)
#: The terminal table's columns (the JSON has every figure of `summary_rows`).
TABLE_COLUMNS = ("party", "headline", "findings", "aggregates", "declared", "limit")
#: Said on stderr by every run (issue 14.6).
SIMULATION_KEYS_NOTE = (
    "note: every key of this run is a simulation key derived from --seed {seed}: anyone who "
    "knows the seed can sign as any party, the witnesses included (two runs form a cosigned "
    "fork); disarm verify refuses them unless given --allow-simulation-keys"
)
CHEAT_HELP = (
    "How one state cheats: none (default); omit (k warheads left out of its committed list "
    "and aggregates); redeclare (dismantled warheads declared again as new items); divert "
    "(plutonium taken from its dismantlement facility in small amounts every balance period)."
)


def _prepare(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise BadInput(f"--out {str(out)!r} exists and is not a directory")
    if out.is_dir() and any((out / p).exists() for p in REGIME_PATHS):
        if not force:
            raise BadInput(
                f"--out {str(out)!r} already holds a demo run (a log cannot be overwritten); "
                "choose another directory or pass --force to replace that run"
            )
        for name in REGIME_PATHS:
            path = out / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create --out {str(out)!r}: {exc.strerror or exc}") from None


@app.command("demo")
def demo(
    out: Path = typer.Option(
        Path("demo-out"), "--out", "-o", help="Directory for the log, keys and reports (created)."
    ),
    seed: int = typer.Option(
        1, "--seed", help="Seed of the simulation: the same seed gives a byte-identical log."
    ),
    years: int = typer.Option(
        5, "--years", help="Years of the programme to run (1-15; two rounds a year)."
    ),
    cheat: str = typer.Option("none", "--cheat", help=CHEAT_HELP),
    cheater: str | None = typer.Option(
        None,
        "--cheater",
        help="The cheating state (ISO3, e.g. FRA); needs --cheat. Default: drawn by the seed.",
    ),
    scale: float = typer.Option(
        1.0, "--scale", help="Scale every inventory by this factor (0-1] for a quick run."
    ),
    force: bool = typer.Option(False, "--force", help="Replace a previous run in --out."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Run the whole verification regime of the model programme (2024 world).

    Nine states (SIPRI 2024 estimates as baselines, synthetic items), an
    inspectorate and two witnesses: escrowed declarations every six months,
    random inspections seeded by the log, chain of custody of every
    dismantlement, material balances with Page's test, compliance verdicts.
    Everything is signed into a transparency log in OUT, with its cosigned
    checkpoints and public keys; also report.html, findings.json, data/*.csv
    and the New START files. Check the run with
    `disarm verify OUT --allow-simulation-keys`.

    Every key is a simulation key derived from --seed (marked so in the
    log's registry): anyone who knows the seed can sign as any party. A
    real deployment draws its keys from the operating system only.
    """
    from disarm.demo.model import RegimeConfig

    config = RegimeConfig(seed=seed, years=years, cheat=cheat, cheater=cheater, scale=scale)
    config.check()
    created = not out.exists()
    _prepare(out, force)
    try:
        files, result, legacy = _run(out, config, years, quiet)
    except BadInput:
        if created and out.is_dir() and not any(out.iterdir()):
            out.rmdir()  # a refused run leaves no empty directory behind
        raise
    stderr.print(SIMULATION_KEYS_NOTE.format(seed=seed), highlight=False, markup=False)
    _print_summary(out, result, files, legacy, as_json)


def _run(out: Path, config: Any, years: int, quiet: bool) -> tuple[dict[str, str], Any, Any]:
    """Run the regime and the New START part into `out`; return the files and results."""
    from disarm.demo.outputs import output_files  # heavy: load on use
    from disarm.demo.regime import run_regime
    from disarm.demo.runner import STEPS, run_demo

    rounds = 2 * years + 1
    with progress(enabled=not quiet and stderr.is_terminal) as bar:
        task = bar.add_task("demo", total=1 + rounds + 1 + len(STEPS) + len(DEMO_FILES))

        def step(label: str, n: int = 1) -> None:
            bar.update(task, advance=n, description=label)

        result = run_regime(out, config, step)
        files = output_files(result)
        for name, text in files.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(out / name, text)
        step("wrote report, findings and CSVs")
        legacy = run_demo(lambda label: step(label))
        for name in DEMO_FILES:
            write_text_atomic(out / name, legacy.files[name])
            step(f"wrote {name}")
    return files, result, legacy


def _print_summary(
    out: Path, result: Any, files: dict[str, str], legacy: Any, as_json: bool
) -> None:
    from disarm.demo.outputs import summary_rows
    from disarm.render.cells import kg_sq

    summary = summary_rows(result)
    info = {
        "out": str(out),
        "log_size": result.log_size,
        "checkpoints": result.checkpoints,
        "findings": len(result.findings),
        "cheat": result.cheat,
        "files": sorted([*files, *DEMO_FILES]),
    }
    if as_json:
        print_json(
            {
                **info,
                "states": summary,
                "final_checkpoint": result.final_checkpoint,
                "new_start": legacy.new_start_summary,
            }
        )
        return
    emit(
        summary,
        columns=TABLE_COLUMNS,
        title=f"Verification regime, {result.rounds[0]} to {result.rounds[-1]}. findings: "
        "verification findings in the log; aggregates: the compliance verdict on the declared "
        "aggregates; headline: both, findings first; declared and limit: total inventory on "
        "the last date (--json gives every figure)",
    )
    stderr.print(
        f"log: {result.log_size} entries, {result.checkpoints} checkpoints cosigned by "
        f"2 witnesses; {len(result.findings)} finding(s)",
        highlight=False,
    )
    c = result.cheat
    if c["strategy"] != "none":
        p = c["stated_probability"]
        stated = "n/a" if p is None else f"{100 * p:.1f} %"
        if c["detected"]:
            d = c["first_detection"]
            outcome = f"DETECTED on {d['date']} (finding at log index {d['index']}, {d['kind']})"
        else:
            outcome = "NOT detected in this run"
        amount = "" if c["diverted_kg"] is None else f" ({kg_sq(c['diverted_kg'])} diverted)"
        stderr.print(
            f"cheat {c['strategy']} by {c['party']}{amount}: stated detection probability "
            f"{stated}; {outcome}",
            highlight=False,
        )
    stderr.print(
        f"wrote {out}/report.html, findings.json, data/*.csv, log/, keys/, "
        f"checkpoints/; check it with: disarm verify {out} --allow-simulation-keys",
        highlight=False,
    )
