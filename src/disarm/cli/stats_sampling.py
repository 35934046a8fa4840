"""`disarm stats sample-size`, `nondetection`, `combine`, `completeness`: attribute sampling."""

from __future__ import annotations

import typer

from disarm.cli.output import print_json, stdout
from disarm.cli.stats import stats_app
from disarm.stats.sampling import (
    MAX_DISTINCT_REGIONS,
    combined_nondetection,
    completeness,
    nondetection,
    plan_sample_size,
)

JSON_OPT = typer.Option(False, "--json", help="Print JSON instead of text.")


@stats_app.command("sample-size")
def sample_size_command(
    population: int = typer.Option(..., "--population", help="Items in the population (N)."),
    defects: int = typer.Option(..., "--defects", help="Defective items to detect (M)."),
    beta: str = typer.Option(
        ..., "--beta", help="Target non-detection probability, strictly between 0 and 1."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Smallest sample with non-detection probability at most beta: exact and IAEA approximation."""
    plan = plan_sample_size(population, defects, beta)
    result = {
        "population": plan.population,
        "defects": plan.defects,
        "beta": plan.beta_target,
        "exact_n": plan.exact_n,
        "exact_beta": plan.exact_beta,
        "approximate_n": plan.approximate_n,
        "approximate_beta": plan.approximate_beta,
        "detection_probability": plan.detection_probability,
    }
    if as_json:
        print_json(result)
        return
    stdout.print(
        f"N={population} M={defects} beta={beta}\n"
        f"exact (hypergeometric):      n = {plan.exact_n}  achieved beta = {plan.exact_beta:.6f}\n"
        f"IAEA approximation:          n = {plan.approximate_n}  achieved beta = "
        f"{plan.approximate_beta:.6f}\n"
        f"detection probability (exact n): {plan.detection_probability:.6f}"
    )


@stats_app.command("nondetection")
def nondetection_command(
    population: int = typer.Option(..., "--population", help="Items in the population (N)."),
    defects: int = typer.Option(..., "--defects", help="Defective items (M)."),
    sample: int = typer.Option(..., "--sample", help="Items verified (n)."),
    as_json: bool = JSON_OPT,
) -> None:
    """Exact non-detection probability beta(n) = C(N-M, n) / C(N, n)."""
    beta = nondetection(population, defects, sample)
    if as_json:
        print_json(
            {
                "population": population,
                "defects": defects,
                "sample": sample,
                "nondetection": beta,
                "detection_probability": 1.0 - beta,
            }
        )
        return
    stdout.print(f"beta = {beta:.6g}  detection probability = {1.0 - beta:.6g}")


@stats_app.command("completeness")
def completeness_command(
    regions: int = typer.Option(..., "--regions", help="Regions that could hide a site (R)."),
    opened: int = typer.Option(..., "--opened", help="Regions opened to inspection (m)."),
    hidden: int = typer.Option(..., "--hidden", help="Hidden sites (h)."),
    find: float = typer.Option(
        ..., "--find-probability", help="Chance of finding a hidden site in an opened region (q)."
    ),
    spread: str = typer.Option(
        "all", "--spread", help="independent, distinct, clustered (worst case) or all."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Probability of finding at least one of h hidden sites when m of R regions are opened."""
    spreads: tuple[str, ...] = (spread,)
    if spread == "all":
        spreads = (
            ("independent", "distinct", "clustered")
            if hidden <= regions <= MAX_DISTINCT_REGIONS
            else ("independent", "clustered")
        )
    result = {s: completeness(regions, opened, hidden, find, spread=s) for s in spreads}
    if as_json:
        print_json(
            {
                "regions": regions,
                "opened": opened,
                "hidden": hidden,
                "find_probability": find,
                "probability": result,
            }
        )
        return
    for s, p in result.items():
        stdout.print(f"{s:<12} P(find at least one) = {p:.6f}")


@stats_app.command("combine")
def combine_command(
    betas: list[str] = typer.Argument(
        ..., help="Non-detection probabilities of independent stages, each in [0, 1]."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Non-detection over independent stages: the product of the stages' beta."""
    total = float(combined_nondetection(betas))
    if as_json:
        print_json(
            {"stages": len(betas), "nondetection": total, "detection_probability": 1 - total}
        )
        return
    stdout.print(f"beta = {total:.6g}  detection probability = {1.0 - total:.6g}")
