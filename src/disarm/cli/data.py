"""`disarm data`: the bundled public data sets."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from disarm import data as bundled
from disarm.cli.app import group
from disarm.cli.output import emit, stderr, to_jsonable
from disarm.data.nuclear_forces import normalise_source
from disarm.data.treaties import STATUS_DATES
from disarm.data.treaty_timeline import LAST_DATE
from disarm.errors import BadInput
from disarm.io import write_atomic
from disarm.model.quantity import Quantity
from disarm.render.csv import frame_csv

if TYPE_CHECKING:
    import pandas as pd

data_app = group(
    "data", "Bundled public data: world nuclear forces, New START exchanges, treaty status."
)

JSON_OPT = typer.Option(False, "--json", help="Print JSON (a list of objects) instead of a table.")
CSV_OPT = typer.Option(False, "--csv", help="Print CSV instead of a table.")


#: Kept for the command modules that import it from here; the one helper is `disarm.io`.
write_text_atomic = write_atomic


def records(df: pd.DataFrame, *, as_json: bool) -> list[dict[str, Any]]:
    """DataFrame rows for `emit`: Quantity as its JSON object (``--json``) or its text."""
    out: list[dict[str, Any]] = []
    for rec in df.to_dict("records"):
        out.append({str(k): _value(v, as_json) for k, v in rec.items()})
    return out


def _value(v: Any, as_json: bool) -> Any:
    import pandas as pd

    if isinstance(v, Quantity):
        return v.to_json() if as_json else v.text
    if isinstance(v, float) and pd.isna(v):
        return None
    return v


def _check_flags(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        raise BadInput("choose one of --json and --csv")


@data_app.command("list")
def list_datasets(as_json: bool = JSON_OPT, as_csv: bool = CSV_OPT) -> None:
    """List the bundled data sets with their row counts, contents and sources."""
    _check_flags(as_json, as_csv)
    rows = [
        {
            "name": d.name,
            "rows": len(bundled.load(d.name)),
            "description": d.description,
            "sources": d.sources,
        }
        for d in bundled.datasets()
    ]
    emit(rows, as_json=as_json, as_csv=as_csv, title="Bundled data sets (see SOURCES.md)")


@data_app.command("show")
def show(
    name: str = typer.Argument(..., help="Data set name, e.g. world_nuclear_forces (see `list`)."),
    limit: int | None = typer.Option(
        None, "--limit", "-n", min=0, help="Show only the first N rows."
    ),
    as_json: bool = JSON_OPT,
    as_csv: bool = CSV_OPT,
) -> None:
    """Show the rows of one bundled data set (qualified numbers keep their qualifier)."""
    _check_flags(as_json, as_csv)
    df = bundled.load(name)
    if limit is not None:
        df = df.head(limit)
    emit(
        records(df, as_json=as_json),
        as_json=as_json,
        as_csv=as_csv,
        columns=list(df.columns),
        title=bundled.dataset(name).file,
    )


@data_app.command("states")
def states(
    nuclear_armed: bool = typer.Option(
        False, "--nuclear-armed", help="Only the nine nuclear-armed states."
    ),
    npt: str | None = typer.Option(
        None, "--npt", help="NPT status: party, non-party, disputed (DPRK) or unknown."
    ),
    tpnw: str | None = typer.Option(None, "--tpnw", help="TPNW status: party, signatory or none."),
    ctbt: str | None = typer.Option(None, "--ctbt", help="CTBT status: ratified, signed or none."),
    nwfz: str | None = typer.Option(
        None,
        "--nwfz",
        help="Nuclear-weapon-free zone treaty name (pelindaba, tlatelolco, rarotonga, bangkok, "
        "semipalatinsk, mongolia); case-insensitive substring.",
    ),
    as_of: str = typer.Option(
        STATUS_DATES[0],
        "--as-of",
        help="Date of the TPNW/CTBT status: 2026-02-03 or 2024-02-22.",
    ),
    as_json: bool = JSON_OPT,
    as_csv: bool = CSV_OPT,
) -> None:
    """States with their NPT, TPNW, CTBT and NWFZ memberships and the nuclear-armed flag."""
    _check_flags(as_json, as_csv)
    df = bundled.states(
        nuclear_armed=True if nuclear_armed else None,
        npt=npt,
        tpnw=tpnw,
        ctbt=ctbt,
        nwfz=nwfz,
        as_of=as_of,
    )
    cols = list(df.columns)
    if not (as_json or as_csv):
        cols = ["iso3", "name", "nuclear_armed", "npt", "tpnw", "ctbt", "nwfz"]
        for c in ("nuclear_armed", "npt_nuclear_weapon_state", "ctbt_annex2"):
            df[c] = df[c].map({True: "yes", False: "no"})
    emit(
        records(df, as_json=as_json),
        as_json=as_json,
        as_csv=as_csv,
        columns=cols,
        title=f"{len(df)} states (TPNW/CTBT status as of {as_of})",
    )


@data_app.command("treaties")
def treaties(
    treaty: str = typer.Option(
        "tpnw", "--treaty", "-t", help="Treaty to show: tpnw, npt, ctbt or nwfz (the zones)."
    ),
    as_of: str = typer.Option(
        LAST_DATE,
        "--as-of",
        help="Date YYYY-MM-DD. TPNW and CTBT: any date from the opening for signature to "
        "2026-02-03, derived from the signature, deposit and ratification dates; NPT and "
        "nuclear-weapon-free zones: only 2024-02-22 or 2026-02-03.",
    ),
    map_out: Path | None = typer.Option(
        None,
        "--map",
        help="Write the world map to this file: .svg (the map alone) or .html (a standalone "
        "page with the map and a table of every state); nothing is printed unless --json "
        "or --csv is given.",
    ),
    as_json: bool = JSON_OPT,
    as_csv: bool = CSV_OPT,
) -> None:
    """Each state's status under one treaty on one date, as a table or a world map."""
    from disarm.web.treaty_map import treaty_map

    _check_flags(as_json, as_csv)
    kind = None
    if map_out is not None:
        kind = map_out.suffix.lower()
        if kind not in (".svg", ".html", ".htm"):
            raise BadInput(f"--map {map_out}: the file name must end in .svg or .html")
    m = treaty_map(treaty, as_of)
    if map_out is not None:
        from disarm.cli.treaty_page import treaty_page

        text = m.svg if kind == ".svg" else treaty_page(m)
        write_text_atomic(map_out, text)
        stderr.print(f"wrote {m.title} to {map_out} ({len(text.encode())} bytes)", highlight=False)
        if not (as_json or as_csv):
            return
    cols = ["iso3", "name", "status", "since", "note"]
    counts = ", ".join(f"{e.status} {e.count}" for e in m.legend)
    emit(
        [{c: r[c] for c in (*cols, "drawn_as")} for r in m.rows] if as_json else list(m.rows),
        as_json=as_json,
        as_csv=as_csv,
        columns=cols,
        title=f"{m.title} ({counts})",
    )


@data_app.command("forces")
def forces(
    year: int = typer.Option(..., "--year", "-y", help="Year of the estimates, e.g. 2024."),
    source: str = typer.Option("SIPRI", "--source", "-s", help="SIPRI or FAS."),
    as_json: bool = JSON_OPT,
    as_csv: bool = CSV_OPT,
) -> None:
    """Warhead estimates per nuclear-armed state for one year, from SIPRI or FAS."""
    _check_flags(as_json, as_csv)
    df = bundled.forces(year, source)
    cols = ["iso3", "as_of", *bundled.CATEGORIES, "other_nondeployed"]
    if as_json or as_csv:
        cols = ["iso3", "state", *cols[1:], "source_org", "source_quality", "source", "notes"]
    emit(
        records(df[cols], as_json=as_json),
        as_json=as_json,
        as_csv=as_csv,
        columns=cols,
        title=f"{normalise_source(source)} estimates, {year} (~ approximate, a-b range, < bound)",
    )
    if not (as_json or as_csv):
        srcs = sorted({str(s) for s in df["source"].dropna()})
        for s in srcs:
            stderr.print(f"source: {s}", highlight=False)


@data_app.command("new-start")
def new_start(
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Write the tidy declarations to this file (CSV; JSON Lines with --json) "
        "instead of printing them.",
    ),
    as_json: bool = JSON_OPT,
    as_csv: bool = CSV_OPT,
) -> None:
    """Convert the New START exchanges into tidy declarations (date, party, category, value).

    Categories: deployed_launchers (limit 700), deployed_warheads (1,550), launchers (800).
    A figure missing from the data set gives a row with an empty value (limits: no-data).
    An exchange a party did not make (Russia, 2023-03-01) gives no row: a missed report.
    """
    _check_flags(as_json, as_csv)
    df = bundled.new_start_declarations()
    if out is not None:
        text = to_jsonl(df) if as_json else to_csv(df)
        write_text_atomic(out, text)
        stderr.print(f"wrote {len(df)} declarations to {out}", highlight=False)
        return
    cols = list(df.columns) if (as_json or as_csv) else ["date", "party", "category", "value"]
    emit(
        records(df, as_json=as_json),
        as_json=as_json,
        as_csv=as_csv,
        columns=cols,
        title="New START declarations (US State Department fact sheets)",
    )


def to_csv(df: pd.DataFrame) -> str:
    """Tidy declarations as CSV text (ISO dates)."""
    return frame_csv(df)


def to_jsonl(df: pd.DataFrame) -> str:
    """Tidy declarations as JSON Lines text."""
    lines = [
        json.dumps(to_jsonable(dict(rec)), ensure_ascii=False)
        for rec in _plain(df.to_dict("records"))
    ]
    return "".join(line + "\n" for line in lines)


def _plain(rows: list[dict[Any, Any]]) -> list[Mapping[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in rows]
