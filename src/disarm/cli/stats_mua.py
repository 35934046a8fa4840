"""`disarm stats mua`: material accountancy (MUF, sigma-MUF, SITMUF, Page's test, Monte Carlo).

The commands read a balance-area description (YAML or JSON) and measurement series (CSV, or
Parquet when pyarrow is installed), call `disarm.stats.mua`, and print tables, `--json` or
`--csv`. See docs/material-accountancy.md.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from disarm.cli.output import dumps, print_csv, print_json, print_table, progress, stderr
from disarm.cli.stats import stats_app
from disarm.errors import BadInput
from disarm.io import parse_yaml, read_bytes, read_text, write_atomic, write_atomic_with
from disarm.render.csv import frame_csv
from disarm.stats.constants import SIGNIFICANT_QUANTITIES, detection_factor, significant_quantity

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from disarm.stats.mua.model import BalanceArea

mua_app = typer.Typer(
    name="mua",
    help="Material accountancy: MUF, σMUF, SITMUF, Page's test and detection probabilities.",
    no_args_is_help=True,
)
stats_app.add_typer(mua_app, name="mua")

PLOT_SUFFIXES = (".png", ".svg", ".pdf")

AreaArg = typer.Argument(
    ...,
    help="Balance-area description (YAML or JSON); see docs/material-accountancy.md.",
    show_default=False,
)
JsonOpt = typer.Option(False, "--json", help="Print the result as JSON (stable shape).")
CsvOpt = typer.Option(False, "--csv", help="Print the result rows as CSV.")
AlphaOpt = typer.Option(
    0.05, "--alpha", help="Target false-alarm probability over all balance periods."
)
KOpt = typer.Option(0.5, "--k", help="Reference value k of Page's test on SITMUF (in σ units).")
KMufOpt = typer.Option(
    None, "--k-muf", help="Reference value of the CUSUM on standardised MUF (default: --k)."
)
SeedOpt = typer.Option(0, "--seed", help="Seed of the random number generator (reproducible).")
PlotOpt = typer.Option(
    None, "--plot", help="Write a plot of MUF, SITMUF and Page's statistic (.png, .svg or .pdf)."
)


# --------------------------------------------------------------------------------- reading


def _read_table(path: Path) -> tuple[pd.DataFrame, str]:
    import pandas as pd

    name = str(path)
    data = io.BytesIO(read_bytes(path, "series"))
    try:
        if path.suffix.lower() == ".parquet":
            try:
                import pyarrow  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
            except ImportError:
                raise BadInput(
                    "reading Parquet needs pyarrow, which is not installed; use CSV",
                    source=name,
                ) from None
            return pd.read_parquet(data), name
        return pd.read_csv(data), name
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read the table: {exc}", source=name) from None


def _load_area(
    path: Path,
    *,
    flows: Path | None = None,
    inventories: Path | None = None,
    measured: bool = False,
) -> BalanceArea:
    from disarm.stats.mua.formats import parse_balance_area

    name = str(path)
    doc = parse_yaml(read_text(path, "balance-area description"), name)

    def relative(p: str) -> tuple[pd.DataFrame, str]:
        return _read_table(path.parent / p)

    return parse_balance_area(
        doc,
        source=name,
        read_table=relative,
        flows=_read_table(flows) if flows else None,
        inventories=_read_table(inventories) if inventories else None,
        require_series=measured,
    )


# --------------------------------------------------------------------------------- writing


def _check_plot_path(path: Path | None) -> None:
    if path is not None and path.suffix.lower() not in PLOT_SUFFIXES:
        raise BadInput(f"the plot file must end in {', '.join(PLOT_SUFFIXES)}", source=str(path))


def _save_figure(path: Path, **kwargs: Any) -> None:
    from disarm.stats.mua.plot import balance_figure

    fig = balance_figure(**kwargs)
    write_atomic_with(path, lambda tmp: fig.savefig(tmp, dpi=120, format=path.suffix[1:].lower()))
    stderr.print(f"plot written to {path}")


def _write_json(path: Path, value: Any) -> None:
    write_atomic(path, dumps(value) + "\n")
    stderr.print(f"results written to {path}")


# --------------------------------------------------------------------------------- commands


@mua_app.command("constants")
def constants_cmd(
    alpha: float = typer.Option(0.05, "--alpha", help="False-alarm probability of one test."),
    detection: float = typer.Option(0.95, "--detection", help="Required detection probability."),
    as_json: bool = JsonOpt,
    as_csv: bool = CsvOpt,
) -> None:
    """Significant quantities (IAEA Safeguards Glossary) and the σMUF goal SQ / (z₁₋α + z₁₋β)."""
    factor = detection_factor(alpha, detection)
    rows = [
        {
            "material": sq.material,
            "significant_quantity_kg": sq.amount_kg,
            "basis": sq.basis,
            "direct_use": sq.direct_use,
            "sigma_muf_goal_kg": sq.amount_kg / factor,
        }
        for sq in SIGNIFICANT_QUANTITIES.values()
    ]
    if as_json:
        source = next(iter(SIGNIFICANT_QUANTITIES.values())).source
        print_json(
            {
                "false_alarm_probability": alpha,
                "detection_probability": detection,
                "factor": factor,
                "source": source,
                "materials": rows,
            }
        )
    elif as_csv:
        print_csv(rows)
    else:
        print_table(_rounded(rows), title=f"σMUF goal = SQ / {factor:.4f}")


@mua_app.command("threshold")
def threshold_cmd(
    periods: int = typer.Option(..., "--periods", help="Number of balance periods n."),
    k: float = KOpt,
    alpha: float = AlphaOpt,
    iterations: int = typer.Option(
        200_000, "--iterations", "-n", help="Simulated standard normal sequences."
    ),
    seed: int = SeedOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Threshold h of Page's test on SITMUF for false-alarm probability α over n periods.

    SITMUF is i.i.d. N(0, 1) under no loss, so h depends only on (k, n, α) and is the
    (1 - α) quantile of max S_i over simulated standard normal sequences.
    """
    import numpy as np

    from disarm.stats.mua.sequential import check_reference, page_threshold

    if periods < 1:
        raise BadInput(f"--periods must be a positive integer, got {periods}")
    check_reference(k)
    h = page_threshold(k, periods, alpha, iterations=iterations, rng=np.random.default_rng(seed))
    doc = {
        "periods": periods,
        "k": k,
        "alpha": alpha,
        "iterations": iterations,
        "seed": seed,
        "h": h,
    }
    if as_json:
        print_json(doc)
    else:
        print_table([_rounded([doc])[0]], title="Page's test on SITMUF")


@mua_app.command("plan")
def plan_cmd(
    area_file: Path = AreaArg,
    material: str = typer.Option("Pu", "--material", help="Material whose SQ sets the goal."),
    alpha: float = typer.Option(0.05, "--alpha", help="False-alarm probability of the goal."),
    detection: float = typer.Option(0.95, "--detection", help="Detection probability of the goal."),
    covariance: Path | None = typer.Option(
        None, "--covariance", help="Also write the full MUF covariance matrix to this CSV file."
    ),
    as_json: bool = JsonOpt,
    as_csv: bool = CsvOpt,
) -> None:
    """σMUF per period and cumulated, lag-1 correlation, and the SQ goal (no simulation)."""
    import numpy as np
    import pandas as pd

    from disarm.stats.mua.results import make_plan, plan_dict, plan_rows

    area = _load_area(area_file)
    significant_quantity(material)
    plan = make_plan(
        area, material=material, alpha=alpha, detection=detection, source=str(area_file)
    )
    if covariance is not None:
        labels = [f"period_{i + 1}" for i in range(area.periods)]
        frame = pd.DataFrame(plan.covariance, columns=labels)
        frame.insert(0, "period", np.arange(1, area.periods + 1))
        write_atomic(covariance, frame_csv(frame))
        stderr.print(f"covariance written to {covariance}")
    if as_json:
        print_json(plan_dict(plan))
    elif as_csv:
        print_csv(plan_rows(plan))
    else:
        print_table(_rounded(plan_rows(plan)), title=f"{area.name}: σMUF ({area.unit})")
        stderr.print(
            f"σMUF goal for 1 SQ {material} ({significant_quantity(material).amount_kg:g} kg), "
            f"detection {detection:g} at false alarm {alpha:g}: {plan.goal:.4g}"
        )


@mua_app.command("simulate")
def simulate_cmd(
    area_file: Path = AreaArg,
    pattern: str = typer.Option(
        "protracted", "--pattern", help="Diversion: none, abrupt, protracted or custom."
    ),
    amount: float | None = typer.Option(
        None, "--amount", help="Total diverted amount (default: 1 SQ of --material)."
    ),
    material: str = typer.Option("Pu", "--material", help="Material of the default amount."),
    period: int | None = typer.Option(None, "--period", help="Period of an abrupt diversion."),
    first: int = typer.Option(1, "--first", help="First period of a protracted diversion."),
    last: int | None = typer.Option(None, "--last", help="Last period of a protracted diversion."),
    custom: Path | None = typer.Option(
        None, "--custom", help="CSV with columns period, amount for a custom diversion."
    ),
    iterations: int = typer.Option(10_000, "--iterations", "-n", help="Monte Carlo iterations."),
    calibration_iterations: int | None = typer.Option(
        None,
        "--calibration-iterations",
        help="Iterations used to choose the thresholds (default: --iterations).",
    ),
    seed: int = SeedOpt,
    alpha: float = AlphaOpt,
    k: float = KOpt,
    k_muf: float | None = KMufOpt,
    out: Path | None = typer.Option(None, "--out", help="Also write the JSON result to this file."),
    times: Path | None = typer.Option(
        None, "--times", help="Write the detection-time distribution (CSV: period x test)."
    ),
    plot: Path | None = PlotOpt,
    as_json: bool = JsonOpt,
    as_csv: bool = CsvOpt,
    show_progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar."),
) -> None:
    """Detection and false-alarm probabilities and detection times, by Monte Carlo."""
    import numpy as np
    import pandas as pd

    from disarm.stats.mua.montecarlo import diversion_pattern, simulate
    from disarm.stats.mua.results import detection_time_rows, simulation_dict, simulation_rows

    _check_plot_path(plot)
    area = _load_area(area_file)
    total = significant_quantity(material).amount_kg if amount is None else amount
    values = _custom_diversion(custom, area.periods) if pattern == "custom" else None
    d = diversion_pattern(
        pattern, total, area.periods, period=period, first=first, last=last, values=values
    )
    with progress(show_progress) as bar:
        task = bar.add_task("simulating", total=iterations)
        result = simulate(
            area,
            d,
            iterations=iterations,
            seed=seed,
            alpha=alpha,
            k=k,
            k_muf=k_muf,
            calibration_iterations=calibration_iterations,
            on_progress=lambda b: bar.advance(task, b),
            source=str(area_file),
        )
    doc = simulation_dict(result, pattern=pattern, amount=float(d.sum()))
    if out is not None:
        _write_json(out, doc)
    if times is not None:
        frame = pd.DataFrame(detection_time_rows(result))
        write_atomic(times, frame_csv(frame))
        stderr.print(f"detection times written to {times}")
    if plot is not None:
        page = result.outcome("page-sitmuf")
        first_alarm = np.flatnonzero(result.sample.page > page.threshold)
        _save_figure(
            plot,
            title=f"{area.name}: one simulated campaign, {pattern} loss of {d.sum():g} {area.unit}",
            unit=area.unit,
            muf=result.sample.muf,
            sigma_muf=result.sigma_muf,
            sitmuf=result.sample.sitmuf,
            page=result.sample.page,
            threshold=page.threshold,
            k=k,
            first_alarm=int(first_alarm[0]) + 1 if first_alarm.size else None,
        )
    if as_json:
        print_json(doc)
    elif as_csv:
        print_csv(simulation_rows(result))
    else:
        title = f"{area.name}: {iterations} iterations, {pattern} loss of {d.sum():g} {area.unit}"
        print_table(_rounded(simulation_rows(result)), title=title)


@mua_app.command("evaluate")
def evaluate_cmd(
    area_file: Path = AreaArg,
    flows: Path | None = typer.Option(
        None, "--flows", help="Measured flows (CSV: sample, one column per input/output point)."
    ),
    inventories: Path | None = typer.Option(
        None, "--inventories", help="Measured inventories (CSV: sample at period boundaries)."
    ),
    alpha: float = AlphaOpt,
    k: float = KOpt,
    k_muf: float | None = KMufOpt,
    h: float | None = typer.Option(
        None, "--h", help="Alarm threshold of Page's test (default: chosen by simulation)."
    ),
    iterations: int = typer.Option(
        20_000, "--iterations", "-n", help="Iterations used to choose the thresholds."
    ),
    seed: int = SeedOpt,
    plot: Path | None = PlotOpt,
    out: Path | None = typer.Option(None, "--out", help="Also write the JSON result to this file."),
    as_json: bool = JsonOpt,
    as_csv: bool = CsvOpt,
) -> None:
    """MUF, SITMUF and the tests on one measured campaign; exit 1 if a test alarms."""
    from disarm.stats.mua.evaluation import evaluate
    from disarm.stats.mua.results import evaluation_dict

    _check_plot_path(plot)
    area = _load_area(area_file, flows=flows, inventories=inventories, measured=True)
    result = evaluate(
        area,
        alpha=alpha,
        k=k,
        k_muf=k_muf,
        h=h,
        iterations=iterations,
        seed=seed,
        source=str(area_file),
    )
    doc = evaluation_dict(result)
    if out is not None:
        _write_json(out, doc)
    if plot is not None:
        _save_figure(
            plot,
            title=f"{area.name}: measured campaign",
            unit=area.unit,
            muf=result.muf,
            sigma_muf=result.sigma_muf,
            sitmuf=result.sitmuf,
            page=result.page,
            threshold=result.thresholds["page-sitmuf"],
            k=k,
            first_alarm=result.first_alarms["page-sitmuf"],
        )
    if as_json:
        print_json(doc)
    elif as_csv:
        print_csv(result.rows())
    else:
        print_table(_rounded(result.rows()), title=f"{area.name} ({area.unit})")
    alarms = {t: p for t, p in result.first_alarms.items() if p is not None}
    if alarms:
        detail = ", ".join(f"{t} at period {p}" for t, p in alarms.items())
        stderr.print(f"ALARM: {detail}")
        raise typer.Exit(1)
    stderr.print("no alarm")


def _rounded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Four significant digits for terminal tables (JSON and CSV keep full precision)."""
    return [
        {k: (float(f"{v:.4g}") if isinstance(v, float) else v) for k, v in row.items()}
        for row in rows
    ]


def _custom_diversion(path: Path | None, periods: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    import numpy as np
    import pandas as pd

    if path is None:
        raise BadInput("--pattern custom needs --custom FILE (CSV with columns period, amount)")
    frame, name = _read_table(path)
    if list(frame.columns) != ["period", "amount"]:
        raise BadInput("expected exactly the columns period, amount", source=name)
    got = pd.to_numeric(frame["period"], errors="coerce").to_numpy(dtype=np.float64)
    if not np.array_equal(got, np.arange(1, periods + 1)):
        raise BadInput(f"column 'period' must be 1..{periods} (mismatched time grid)", source=name)
    values = pd.to_numeric(frame["amount"], errors="coerce").to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise BadInput("column 'amount' must hold numbers", source=name)
    return values
