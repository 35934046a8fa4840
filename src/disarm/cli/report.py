"""`disarm report`: a self-contained HTML compliance report (charts and verdict tables)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from disarm.cli.app import app
from disarm.cli.baselines import HELP as BASELINES_HELP
from disarm.cli.baselines import baselines_option
from disarm.cli.data import write_text_atomic
from disarm.cli.output import emit, stderr
from disarm.errors import BadInput

if TYPE_CHECKING:
    pass


@app.command("report")
def report(
    programme: str = typer.Option(
        ..., "--programme", "-p", help="Built-in programme name (new-start, model) or a YAML file."
    ),
    declarations: Path = typer.Option(
        ..., "--declarations", "-d", help="Tidy declarations: CSV or JSON Lines."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Evaluate as of this date (YYYY-MM-DD); later rows are ignored."
    ),
    out: Path = typer.Option(
        Path("report.html"), "--out", "-o", help="Where to write the HTML report."
    ),
    baselines: str | None = typer.Option(None, "--baselines", help=BASELINES_HELP),
    title: str | None = typer.Option(None, "--title", help="Title of the report."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="Print the summary as CSV."),
) -> None:
    """Evaluate declarations against a programme and write a self-contained HTML report.

    One chart per party and category: the declared series against the ceiling schedule.
    Verdict tables per party and phase, a summary at the top, the sources at the end.
    Prints the summary. Exit 0 when the report is written, whatever the verdicts; 2 on bad input.
    """
    from disarm.report.build import from_evaluation, state_names  # heavy: load on use
    from disarm.report.document import json_records
    from disarm.report.render import render_html
    from disarm.rules import evaluate, load_declarations, load_programme

    if as_json and as_csv:
        raise BadInput("choose one of --json and --csv")
    if not out.parent.is_dir():
        raise BadInput(f"cannot write {out}: directory {out.parent} does not exist")
    prog = load_programme(programme)
    decls = load_declarations(declarations, programme=prog)
    base = baselines_option(baselines, prog)
    result = evaluate(prog, decls, as_of=as_of, baselines=base)
    doc = from_evaluation(
        prog,
        decls,
        result,
        as_of=result.as_of,
        baselines=base,
        title=title,
        data_sources=[("Declarations", str(declarations))],
        party_names=state_names(),
    )
    with stderr.status("rendering charts"):
        html = render_html(doc)
    write_text_atomic(out, html)
    stderr.print(f"wrote {out} ({len(doc.chart_keys())} charts)", highlight=False)
    emit(
        json_records(result.summary),
        as_json=as_json,
        as_csv=as_csv,
        title=f"{prog.id}: verdicts per party and phase",
    )
