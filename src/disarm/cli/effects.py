"""`disarm effects`: the humanitarian consequences of one nuclear detonation.

The commands parse units at the edge, call the pure core `disarm.effects`, and print a table,
`--json` (schema `disarm-effects/1`) or `--csv`. Every result names the models used with their
sources; casualty figures are a band across models with the population source and caveats.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from disarm.cli.app import group
from disarm.cli.output import print_csv, print_json, print_table, stderr
from disarm.errors import BadInput

if TYPE_CHECKING:
    from disarm.effects import Burst
    from disarm.effects.population import PopulationGrid

__all__ = ["effects_app"]

effects_app = group(
    "effects",
    "Humanitarian consequences of a nuclear detonation: blast, heat, radiation, fallout and "
    "casualties, each with its published source, validity and accuracy (docs/effects.md).",
)

YieldOpt = typer.Option(
    ..., "--yield", "-y", help="Explosive yield with its unit: 15kt, 1.2Mt, 500t (bare number: kt)."
)
BurstOpt = typer.Option(
    "air",
    "--burst",
    "-b",
    help="'air' (the height that maximises the 5 psi radius), 'surface' (contact burst) or a "
    "height of burst such as 500m or 1800ft.",
)
FissionOpt = typer.Option(
    1.0, "--fission", help="Fission fraction of the yield, in (0, 1]; scales the fallout."
)
JsonOpt = typer.Option(False, "--json", help="Print the full result as JSON (disarm-effects/1).")
CsvOpt = typer.Option(False, "--csv", help="Print the rows as CSV.")
PlotOpt = typer.Option(
    None, "--plot", help="Write a map (.png or .svg): rings, fallout contours, scale bar, legend."
)
CityOpt = typer.Option(
    None, "--city", help="Ground zero at this city's centre (GeoNames, 15,000+ people)."
)
CountryOpt = typer.Option(
    None, "--country", help="ISO country code to pick among cities of the same name (CH, US...)."
)
LatOpt = typer.Option(None, "--lat", help="Latitude of ground zero in degrees (overrides --city).")
LonOpt = typer.Option(None, "--lon", help="Longitude of ground zero in degrees (overrides --city).")
WindOpt = typer.Option(
    "15mph", "--wind", help="Effective fallout wind speed: 15mph, 7m/s, 25km/h (bare: mph)."
)
DirectionOpt = typer.Option(
    0.0, "--direction", help="Bearing the wind blows TOWARD, degrees clockwise from north."
)
ShearOpt = typer.Option(
    "0.23", "--shear", help="Wind shear for WSEG-10 in mph per 1,000 ft (default 0.23)."
)


def _burst(yield_text: str, burst_text: str, fission: float) -> Burst:
    from disarm.cli.effects_inputs import parse_length, parse_yield
    from disarm.effects import Burst
    from disarm.effects.blast import optimum_height
    from disarm.effects.units import KILOMETRE, PSI

    w = parse_yield(yield_text)
    if not 0 < fission <= 1:
        raise BadInput(f"the fission fraction must be in (0, 1], not {fission}")
    text = burst_text.strip().lower()
    if text == "air":
        height, _ = optimum_height(5.0 * PSI, w)
    elif text in ("surface", "contact", "ground"):
        height = 0.0
    elif text.startswith("-"):
        raise BadInput(
            f"the height of burst {burst_text!r} is below ground; use 'surface' for a contact "
            "burst or a height of 0 or more"
        )
    else:
        height = parse_length(burst_text, "the height of burst")
        if height > 30 * KILOMETRE:
            raise BadInput(f"the height of burst {burst_text!r} is above 30 km, beyond the models")
    return Burst(yield_kt=w, height_m=height, fission_fraction=fission)


def _location(
    city: str | None, country: str | None, lat: float | None, lon: float | None
) -> tuple[float, float, str, PopulationGrid | None]:
    """Ground zero and, for a city, its default population grid."""
    from disarm.cli.effects_inputs import find_city
    from disarm.effects import clark_city

    if (lat is None) != (lon is None):
        raise BadInput("give both --lat and --lon, or neither")
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadInput(f"--lat {lat} / --lon {lon} is not a place on Earth")
    grid = None
    place = ""
    if city is not None:
        found = find_city(city, country)
        place = f"{found.name} ({found.country})"
        grid = clark_city(found.population, found.lat, found.lon, name=place)
        if lat is None or lon is None:
            lat, lon = found.lat, found.lon
    if lat is None or lon is None:
        return 0.0, 0.0, "", None
    return lat, lon, place, grid


def _ring_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    from disarm.effects.units import KILOMETRE

    rows = []
    for ring in result["rings"]:
        radius = ring["radius_m"]
        rows.append(
            {
                "effect": ring["effect"],
                "threshold": ring["threshold"],
                "radius_km": None if radius is None else round(radius / KILOMETRE, 3),
                "reaches_ground": ring["reaches_ground"],
                "model": ring["model"],
                "note": ring["note"],
            }
        )
    return rows


def _contour_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    from disarm.effects.units import KILOMETRE

    fallout = result.get("fallout") or {}
    rows = []
    for c in fallout.get("contours", []):
        rows.append(
            {
                "model": c["model"],
                "h1_rate_rad_h": c["rate_h1_rad_h"],
                "downwind_km": round(c["downwind_m"] / KILOMETRE, 2),
                "max_width_km": round(c["max_width_m"] / KILOMETRE, 2)
                if "max_width_m" in c
                else None,
                "gz_width_km": round(c["gz_width_m"] / KILOMETRE, 2) if "gz_width_m" in c else None,
            }
        )
    return rows


def _print_sources(result: dict[str, Any]) -> None:
    rows = [
        {"model": s["key"], "source": s["source"], "validity": s["validity"],
         "accuracy": s["accuracy"]}
        for s in result["sources"]
    ]  # fmt: skip
    print_table(rows, title="Models and their sources")
    for caveat in result["caveats"]:
        stderr.print(f"caveat: {caveat}")


def _strip_polygons(result: dict[str, Any]) -> dict[str, Any]:
    fallout = result.get("fallout")
    if fallout:
        fallout["contours"] = [
            {k: v for k, v in c.items() if k != "polygon"} for c in fallout["contours"]
        ]
    return result


@effects_app.command("summary")
def summary_cmd(
    yield_text: str = YieldOpt,
    burst_text: str = BurstOpt,
    fission: float = FissionOpt,
    wind: str = WindOpt,
    as_json: bool = JsonOpt,
    as_csv: bool = CsvOpt,
) -> None:
    """Radii of the fireball, 20, 5 and 1 psi, third-degree burns and 500 rem, and the fallout
    contours (surface bursts), each with its model."""
    from disarm.cli.effects_inputs import parse_speed
    from disarm.effects import Wind, assess

    burst = _burst(yield_text, burst_text, fission)
    result = _strip_polygons(assess(burst, lat=0.0, lon=0.0, wind=Wind(parse_speed(wind), 0.0)))
    result["burst"].pop("lat")
    result["burst"].pop("lon")
    if as_json:
        print_json(result)
        return
    rows = _ring_rows(result)
    if as_csv:
        print_csv(rows)
        return
    print_table(rows, title=f"{burst.yield_kt:g} kt, height of burst {burst.height_m:.0f} m")
    contours = _contour_rows(result)
    if contours:
        print_table(contours, title="Fallout: unit-time (H+1) dose-rate contours")
    elif result["fallout"]:
        stderr.print(result["fallout"]["note"])
    _print_sources(result)


@effects_app.command("at")
def at_cmd(
    yield_text: str = YieldOpt,
    burst_text: str = BurstOpt,
    fission: float = FissionOpt,
    ground_range: str = typer.Option(
        ..., "--range", "-r", help="Ground range from ground zero: 2km, 6500ft, 1.5mi (bare: m)."
    ),
    as_json: bool = JsonOpt,
    as_csv: bool = CsvOpt,
) -> None:
    """Every prompt effect at one ground range: overpressure, wind, arrival time, heat, burns,
    prompt dose and the probability of death by model."""
    from disarm.cli.effects_inputs import parse_length
    from disarm.effects import effects_at
    from disarm.effects.assessment import GENERAL_CAVEATS
    from disarm.effects.sources import MODELS
    from disarm.effects.units import KILOMETRE

    burst = _burst(yield_text, burst_text, fission)
    r = parse_length(ground_range, "the ground range")
    values = {k: float(v) for k, v in effects_at(burst, r).items()}
    models = {
        "overpressure_pa": "brode-1986",
        "dynamic_pressure_pa": "rankine-hugoniot",
        "peak_wind_m_s": "rankine-hugoniot",
        "arrival_time_s": "rankine-hugoniot",
        "radiant_exposure_j_m2": "thermal-enw",
        "prompt_dose_gy": "prompt-radiation",
        "p_death_radiation": "radiation-lethality",
        "p_death_direct_blast": "direct-blast-lethality",
        "ota_killed": "ota-1979-bands",
        "ota_injured": "ota-1979-bands",
        "p_death_toon": "toon-gaussian",
    }
    rows: list[dict[str, Any]] = [
        {"quantity": k, "value": round(v, 6), "model": models.get(k, _model_of(k))}
        for k, v in values.items()
    ]
    used = sorted({str(row["model"]) for row in rows if row["model"]})
    if as_json:
        print_json(
            {
                "schema": "disarm-effects-at/1",
                "burst": {"yield_kt": burst.yield_kt, "height_m": burst.height_m},
                "values": values,
                "models": {r["quantity"]: r["model"] for r in rows},
                "sources": [MODELS[k].as_dict() for k in used],
                "caveats": list(GENERAL_CAVEATS),
            }
        )
        return
    if as_csv:
        print_csv(rows)
        return
    print_table(rows, title=f"{burst.yield_kt:g} kt at {r / KILOMETRE:g} km (SI units)")
    for key in used:
        stderr.print(f"{key}: {MODELS[key].source}")


def _model_of(quantity: str) -> str:
    if "burn" in quantity:
        return "thermal-enw"
    if "dose" in quantity:
        return "prompt-radiation"
    return "" if quantity.endswith("range_m") else "brode-1986"


@effects_app.command("casualties")
def casualties_cmd(
    yield_text: str = YieldOpt,
    burst_text: str = BurstOpt,
    fission: float = FissionOpt,
    city: str | None = CityOpt,
    country: str | None = CountryOpt,
    lat: float | None = LatOpt,
    lon: float | None = LonOpt,
    population: Path | None = typer.Option(
        None,
        "--population",
        help="Population grid (people per cell): .csv or .npy with a FILE.json georeference "
        "sidecar, or an EPSG:4326 GeoTIFF. Default: the city's GeoNames population spread by "
        "Clark's density model.",
    ),
    plot: Path | None = PlotOpt,
    as_json: bool = JsonOpt,
    as_csv: bool = CsvOpt,
) -> None:
    """Killed and injured by the prompt effects (fallout excluded), as a band across models, with
    the population source and caveats."""
    from disarm.cli.effects_inputs import read_population
    from disarm.cli.effects_plot import check_plot_path, write_map
    from disarm.effects import assess

    check_plot_path(plot)
    burst = _burst(yield_text, burst_text, fission)
    lat0, lon0, place, grid = _location(city, country, lat, lon)
    if population is not None:
        grid = read_population(population)
    if grid is None:
        raise BadInput("give --city, or --lat/--lon with --population, to estimate casualties")
    if city is None and lat is None:
        raise BadInput("give --lat and --lon (ground zero) with --population")
    result = assess(burst, lat=lat0, lon=lon0, population=grid, place=place)
    if plot is not None:
        write_map(plot, result, grid)
        stderr.print(f"map written to {plot}")
    cas = result["casualties"]
    rows = [
        {"model": m, "killed": round(k), "injured": _injured(cas, m)}
        for m, k in cas["killed"]["by_model"].items()
    ]
    if as_json:
        print_json(result)
        return
    if as_csv:
        print_csv(rows)
        return
    k = cas["killed"]
    title = f"{burst.yield_kt:g} kt over {place or f'{lat0:.4f}, {lon0:.4f}'}"
    print_table(rows, title=title)
    stdout_line = (
        f"killed: {k['low']:,.0f} to {k['high']:,.0f} (band across models); injured (OTA): "
        f"{cas['injured']['low']:,.0f}; population {cas['population']['total']:,.0f}"
    )
    typer.echo(stdout_line)
    typer.echo(f"population: {cas['population']['source']}")
    for caveat in cas["caveats"]:
        stderr.print(f"caveat: {caveat}")
    _print_sources(result)


def _injured(cas: dict[str, Any], model: str) -> int | None:
    value = cas["injured"]["by_model"].get(model)
    return None if value is None else round(value)


@effects_app.command("fallout")
def fallout_cmd(
    yield_text: str = YieldOpt,
    burst_text: str = typer.Option(
        "surface",
        "--burst",
        "-b",
        help="'surface' (contact burst, the default), 'air' or a height of burst such as 100m.",
    ),
    fission: float = FissionOpt,
    wind: str = WindOpt,
    direction: float = DirectionOpt,
    shear: str = ShearOpt,
    city: str | None = CityOpt,
    country: str | None = CountryOpt,
    lat: float | None = LatOpt,
    lon: float | None = LonOpt,
    plot: Path | None = PlotOpt,
    as_json: bool = JsonOpt,
    as_csv: bool = CsvOpt,
) -> None:
    """Fallout H+1 dose-rate contours: ENW Table 9.93 (idealised) and WSEG-10, downwind of the
    wind direction; polygons in latitude/longitude with --city or --lat/--lon."""
    from disarm.cli.effects_inputs import parse_shear, parse_speed
    from disarm.cli.effects_plot import check_plot_path, write_map
    from disarm.effects import Wind, assess

    check_plot_path(plot)
    if not -360 <= direction <= 360:
        raise BadInput(f"the wind direction {direction} must be a bearing in degrees")
    burst = _burst(yield_text, burst_text, fission)
    lat0, lon0, place, grid = _location(city, country, lat, lon)
    w = Wind(parse_speed(wind), direction % 360.0, parse_shear(shear))
    result = assess(burst, lat=lat0, lon=lon0, wind=w, place=place)
    if plot is not None:
        write_map(plot, result, grid)
        stderr.print(f"map written to {plot}")
    if as_json:
        print_json(result)
        return
    rows = _contour_rows(result)
    if as_csv:
        print_csv(rows)
        return
    if not rows:
        typer.echo(result["fallout"]["note"])
        return
    print_table(
        rows, title=f"{burst.yield_kt:g} kt, wind {w.speed_m_s:.1f} m/s toward {w.toward_deg:g}°"
    )
    if result["fallout"]["note"]:
        stderr.print(result["fallout"]["note"])
    _print_sources(result)
