"""`disarm declare` and `disarm reveal`: committed declarations and step-by-step reveals.

Item CSV (`--items`): header `id,category,region,status`, one item per row; identifiers unique.
Counts CSV (`--public`): header `category,count`, one row per category; the counts must equal
the number of items of each category (they are the public part of the declaration).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import typer

from disarm.cli.app import app
from disarm.cli.keys import (
    JSON_OPT,
    KEY_OPT,
    LOG_KEY_OPT,
    LOG_OPT,
    TIME_OPT,
    load_signer,
    now_or,
    opened_log,
    read_json,
    write_secret_file,
)
from disarm.cli.output import print_json
from disarm.crypto.commitments import Item
from disarm.crypto.escrow import EscrowOpening
from disarm.crypto.reveal import RevealKind
from disarm.errors import BadInput
from disarm.io import parse_csv, read_text
from disarm.model.identifiers import ASCII_SPACE, check_identifier
from disarm.service import escrow as esc

ITEM_COLUMNS = ["id", "category", "region", "status"]
COUNT_COLUMNS = ["category", "count"]


def _rows(path: Path, columns: list[str], what: str) -> list[dict[str, str]]:
    text = read_text(path, what).removeprefix("\ufeff")
    parse_csv(text, f"{what} {path}")  # a malformed file is one sentence, not csv.Error
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != columns:
        raise BadInput(
            f"{what} must have the header {','.join(columns)}",
            source=str(path),
        )
    rows, problems = [], []
    for line, row in enumerate(reader, start=2):
        if None in row or any(v is None for v in row.values()):
            problems.append(f"line {line}: expected {len(columns)} fields")
            continue
        rows.append({k.strip(): v.strip() for k, v in row.items()})
    if problems:
        raise BadInput(f"malformed {what}", source=str(path), problems=problems[:20])
    return rows


def read_items(path: Path) -> list[Item]:
    items, problems, seen = [], [], set()
    for line, row in enumerate(_rows(path, ITEM_COLUMNS, "item CSV"), start=2):
        try:
            item = Item.from_json(row)
        except BadInput as exc:
            problems.append(f"line {line}: {exc.message}")
            continue
        if item.id in seen:
            problems.append(f"line {line}: duplicate identifier {item.id!r}")
        seen.add(item.id)
        items.append(item)
    if problems:
        raise BadInput("malformed item CSV", source=str(path), problems=problems[:20])
    return items


def read_counts(path: Path) -> dict[str, int]:
    counts, problems = {}, []
    for line, row in enumerate(_rows(path, COUNT_COLUMNS, "counts CSV"), start=2):
        try:
            n = int(row["count"])
            if n < 0 or not row["category"]:
                raise ValueError
        except ValueError:
            problems.append(f"line {line}: need a category and a non-negative integer count")
            continue
        if row["category"] in counts:
            problems.append(f"line {line}: category {row['category']!r} listed twice")
        counts[row["category"]] = n
    if problems:
        raise BadInput("malformed counts CSV", source=str(path), problems=problems[:20])
    return counts


@app.command("declare")
def declare(
    log: str = LOG_OPT,
    key: Path = KEY_OPT,
    log_key: Path | None = LOG_KEY_OPT,
    items: Path = typer.Option(..., "--items", help="Item CSV: id,category,region,status."),
    public: Path = typer.Option(..., "--public", help="Public counts CSV: category,count."),
    programme: str = typer.Option(..., "--programme", help="Programme name (bound into leaves)."),
    declaration_id: str = typer.Option(..., "--declaration-id", help="Declaration identifier."),
    region_size: int = typer.Option(
        ..., "--region-size", help="Agreed number of leaves per region (padded with dummies)."
    ),
    regions: str | None = typer.Option(
        None,
        "--regions",
        help="Comma-separated list of all regions (default: the regions in the item CSV).",
    ),
    opening: Path = typer.Option(
        ..., "--opening", help="Opening file to create (secret; mode 0600; never overwritten)."
    ),
    supersedes: int | None = typer.Option(
        None, "--supersedes", help="Log index of the earlier declaration this one follows."
    ),
    time: str | None = TIME_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Commit a declaration: write the opening file, log the commitment, print the log index."""
    signer = load_signer(key)
    item_list, counts = read_items(items), read_counts(public)
    region_list = (
        [r.strip() for r in regions.split(",") if r.strip()]
        if regions
        else sorted({it.region for it in item_list})
    )
    if opening.exists():
        raise BadInput(f"{opening} already exists; refusing to overwrite an opening file")

    def keep(op: EscrowOpening) -> None:
        write_secret_file(opening, (json.dumps(op.to_json()) + "\n").encode())

    with opened_log(log, log_key) as store:
        index, part = esc.declare(
            store,
            signer,
            item_list,
            counts,
            programme=programme,
            declaration_id=declaration_id,
            regions=region_list,
            region_size=region_size,
            time=now_or(time),
            random=os.urandom,
            supersedes=supersedes,
            keep_opening=keep,
        )
    if as_json:
        print_json({"index": index, "root": part.root.hex(), "total": part.total})
    else:
        typer.echo(f"declaration committed at log index {index}; keep {opening} secret", err=True)
        typer.echo(str(index))


@app.command("reveal")
def reveal(
    log: str = LOG_OPT,
    key: Path = KEY_OPT,
    log_key: Path | None = LOG_KEY_OPT,
    opening: Path = typer.Option(..., "--opening", help="The declaration's opening file."),
    region: str | None = typer.Option(None, "--region", help="Reveal a whole region."),
    category: str | None = typer.Option(None, "--category", help="Reveal a whole category."),
    select: Path | None = typer.Option(
        None, "--select", help="Reveal the items listed in FILE (one identifier per line)."
    ),
    time: str | None = TIME_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Open part of a committed declaration and log the reveal; print its index."""
    chosen = [x for x in (region, category, select) if x is not None]
    if len(chosen) != 1:
        raise BadInput("give exactly one of --region, --category, --select")
    signer = load_signer(key)
    op = EscrowOpening.from_json(read_json(opening, "opening file"))
    ids: list[str] = []
    if select is not None:
        lines = read_text(select, "selection").splitlines()
        ids = [
            check_identifier(x.strip(ASCII_SPACE), f"item in {select}:")
            for x in lines
            if x.strip(ASCII_SPACE)
        ]
    kind = (
        RevealKind.REGION
        if region is not None
        else RevealKind.CATEGORY
        if category is not None
        else RevealKind.SELECTION
    )
    with opened_log(log, log_key) as store:
        indexes, parts = esc.reveal(
            store, signer, op, kind, target=region or category, ids=ids, time=now_or(time)
        )
    leaves = [lf for p in parts for lf in p.leaves().values()]
    opened = sum(1 for lf in leaves if lf.item is not None)
    result = {
        "index": indexes.start,
        "indexes": list(indexes),
        "kind": kind.value,
        "leaves": len(leaves),
        "items": opened,
    }
    if as_json:
        print_json(result)
    else:
        typer.echo(
            f"reveal logged at index {indexes.start}"
            + (f"..{indexes.stop - 1} ({len(parts)} parts)" if len(parts) > 1 else "")
            + f": {len(leaves)} leaves, {opened} items",
            err=True,
        )
        typer.echo(str(indexes.start))
