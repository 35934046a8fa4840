"""`disarm effects summary|at|casualties|fallout`: outputs, plots, and bad input exiting 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import tifffile


def _doc(result) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_summary_json_lists_rings_and_sources(cli) -> None:  # type: ignore[no-untyped-def]
    doc = _doc(cli("effects", "summary", "--yield", "100kt", "--json"))
    assert doc["schema"] == "disarm-effects/1"
    assert [r["threshold"] for r in doc["rings"]][1:4] == ["20 psi", "5 psi", "1 psi"]
    assert doc["rings"][1]["reaches_ground"] is False  # 20 psi from the 5-psi optimum height
    assert {s["key"] for s in doc["sources"]} >= {"brode-1986", "thermal-enw"}
    assert doc["fallout"]["local_fallout"] is False


def test_summary_surface_burst_table_and_csv(cli) -> None:  # type: ignore[no-untyped-def]
    table = cli("effects", "summary", "--yield", "1.2Mt", "--burst", "surface")
    assert table.exit_code == 0 and "H+1" in table.stdout and "wseg10" in table.stdout
    rows = cli("effects", "summary", "-y", "1200kt", "-b", "surface", "--csv").stdout.splitlines()
    assert rows[0] == "effect,threshold,radius_km,reaches_ground,model,note"
    assert len(rows) == 7


def test_at_json_is_unit_invariant(cli) -> None:  # type: ignore[no-untyped-def]
    a = _doc(cli("effects", "at", "-y", "100kt", "-r", "2km", "--json"))
    b = _doc(cli("effects", "at", "-y", "0.1Mt", "-r", "6561.679790026247ft", "--json"))
    assert a["schema"] == "disarm-effects-at/1"
    for key, value in a["values"].items():
        assert b["values"][key] == pytest.approx(value, rel=1e-9)
    assert a["models"]["overpressure_pa"] == "brode-1986"


@pytest.mark.slow
def test_casualties_for_a_city_with_plot(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    png = tmp_path / "geneva.png"
    doc = _doc(
        cli("effects", "casualties", "-y", "15kt", "--city", "Geneva", "--country", "CH",
            "--plot", str(png), "--json")
    )  # fmt: skip
    killed = doc["casualties"]["killed"]
    assert 0 < killed["low"] < killed["high"] < doc["casualties"]["population"]["total"]
    assert "GeoNames" in doc["casualties"]["population"]["source"]
    assert doc["burst"]["place"] == "Geneva (CH)"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = cli("effects", "casualties", "-y", "15kt", "--city", "geneva")
    assert table.exit_code == 0 and "band across models" in table.stdout
    assert "caveat" in table.stderr


def _sidecar(path: Path, **extra: object) -> None:
    meta = {"crs": "EPSG:4326", "west": 5.9, "north": 46.4, "cell_deg": [0.01, 0.01], **extra}
    path.with_name(path.name + ".json").write_text(json.dumps(meta))


def test_casualties_on_user_grids(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    grid = np.full((40, 50), 100.0)
    csv = tmp_path / "pop.csv"
    np.savetxt(csv, grid, delimiter=",")
    _sidecar(csv)
    npy = tmp_path / "pop.npy"
    np.save(npy, grid)
    _sidecar(npy)
    results = [
        _doc(cli("effects", "casualties", "-y", "20kt", "--lat", "46.2", "--lon", "6.15",
                 "--population", str(p), "--json"))
        for p in (csv, npy)
    ]  # fmt: skip
    assert results[0]["casualties"] == results[1]["casualties"] | {
        "population": results[0]["casualties"]["population"]
    }
    assert results[0]["casualties"]["population"]["total"] == pytest.approx(200_000)
    csv_out = cli("effects", "casualties", "-y", "20kt", "--lat", "46.2", "--lon", "6.15",
                  "--population", str(csv), "--csv")  # fmt: skip
    assert csv_out.stdout.splitlines()[0] == "model,killed,injured"


def test_casualties_on_a_geotiff(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tif = tmp_path / "pop.tif"
    keys = (1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326)
    tifffile.imwrite(
        tif,
        np.full((30, 30), 50.0, dtype=np.float32),
        extratags=[
            (33550, "d", 3, (0.01, 0.01, 0.0), False),
            (33922, "d", 6, (0.0, 0.0, 0.0, 6.0, 46.35, 0.0), False),
            (34735, "H", len(keys), keys, False),
        ],
    )
    doc = _doc(cli("effects", "casualties", "-y", "10kt", "--lat", "46.2", "--lon", "6.15",
                   "--population", str(tif), "--json"))  # fmt: skip
    assert doc["casualties"]["population"]["total"] == pytest.approx(45_000)
    bare = tmp_path / "bare.tif"
    tifffile.imwrite(bare, np.ones((5, 5), dtype=np.float32))
    result = cli("effects", "casualties", "-y", "10kt", "--lat", "46.2", "--lon", "6.15",
                 "--population", str(bare))  # fmt: skip
    assert result.exit_code == 2 and "no CRS" in result.stderr


def test_fallout_json_and_svg(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svg = tmp_path / "plume.svg"
    doc = _doc(
        cli("effects", "fallout", "-y", "1Mt", "--wind", "15mph", "--direction", "45",
            "--lat", "46.2", "--lon", "6.15", "--plot", str(svg), "--json")
    )  # fmt: skip
    contours = doc["fallout"]["contours"]
    assert {c["model"] for c in contours} == {"wseg10", "enw-table-9.93"}
    assert all(len(c["polygon"]) > 10 for c in contours)
    assert svg.read_text().lstrip().startswith("<?xml")
    rows = cli("effects", "fallout", "-y", "1Mt", "--wind", "24.14km/h", "--csv").stdout
    assert rows.splitlines()[0].startswith("model,h1_rate_rad_h,downwind_km")
    air = cli("effects", "fallout", "-y", "100kt", "--burst", "air")
    assert air.exit_code == 0 and "no significant local fallout" in air.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["summary", "--yield=-5kt"], "positive"),
        (["summary", "--yield", "five kt"], "not a number with a unit"),
        (["summary", "--yield", "5kg"], "unknown unit"),
        (["summary", "--yield", "5kt", "--burst=-100m"], "below ground"),
        (["summary", "--yield", "5kt", "--fission", "1.5"], "fission fraction"),
        (["at", "--yield", "5kt", "--range=-2km"], "negative"),
        (["casualties", "--yield", "5kt", "--city", "Atlantis-sur-Mer"], "no city called"),
        (["casualties", "--yield", "5kt", "--lat", "46"], "both --lat and --lon"),
        (["casualties", "--yield", "5kt", "--lat", "100", "--lon", "6"], "not a place"),
        (["casualties", "--yield", "5kt", "--lat", "46", "--lon", "6"], "give --city"),
        (["casualties", "-y", "5kt", "--city", "Geneva", "--plot", "x.pdf"], ".png or .svg"),
        (["fallout", "--yield", "5kt", "--wind", "0mph"], "wind speed"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(cli, args: list[str], words: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("effects", *args)
    assert result.exit_code == 2, result.stdout
    assert words in result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_a_grid_without_crs_exits_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "pop.csv"
    np.savetxt(csv, np.ones((3, 3)), delimiter=",")
    args = ["effects", "casualties", "-y", "5kt", "--lat", "46", "--lon", "6"]
    missing = cli(*args, "--population", str(csv))
    assert missing.exit_code == 2 and "no georeference" in missing.stderr
    csv.with_name("pop.csv.json").write_text(json.dumps({"west": 6, "north": 46}))
    no_crs = cli(*args, "--population", str(csv))
    assert no_crs.exit_code == 2 and "has no CRS" in no_crs.stderr
    _sidecar(csv, crs="EPSG:3857")
    projected = cli(*args, "--population", str(csv))
    assert projected.exit_code == 2 and "only EPSG:4326" in projected.stderr
