"""`disarm stats sample-size`, `nondetection`, `completeness`."""

from __future__ import annotations

import json

import pytest
from scipy.stats import hypergeom


def test_sample_size_reference_values(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("stats", "sample-size", "--population", "1000", "--defects", "10", "--beta", "0.1")
    assert result.exit_code == 0
    assert "n = 205" in result.stdout and "n = 206" in result.stdout


def test_sample_size_json(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "stats", "sample-size", "--population", "100", "--defects", "5", "--beta", "0.1", "--json"
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["exact_n"] == 37 and data["approximate_n"] == 37
    assert data["exact_beta"] == pytest.approx(hypergeom(100, 5, 37).pmf(0))


def test_nondetection_json(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "stats",
        "nondetection",
        "--population",
        "1000",
        "--defects",
        "10",
        "--sample",
        "205",
        "--json",
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["nondetection"] == pytest.approx(
        hypergeom(1000, 10, 205).pmf(0)
    )


def test_completeness_all_spreads(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "stats",
        "completeness",
        "--regions",
        "20",
        "--opened",
        "5",
        "--hidden",
        "3",
        "--find-probability",
        "0.8",
        "--json",
    )
    assert result.exit_code == 0
    probs = json.loads(result.stdout)["probability"]
    assert probs["clustered"] == pytest.approx(0.25 * (1 - 0.2**3))
    assert probs["independent"] == pytest.approx(1 - (1 - 0.8 * 5 / 20) ** 3)
    assert set(probs) == {"independent", "distinct", "clustered"}


@pytest.mark.parametrize(
    "args",
    [
        ("--population", "1000", "--defects", "10", "--beta", "1.5"),
        ("--population", "1000", "--defects", "10", "--beta", "0"),
        ("--population", "1000", "--defects", "10", "--beta", "abc"),
        ("--population", "-1", "--defects", "10", "--beta", "0.1"),
        ("--population", "10.5", "--defects", "1", "--beta", "0.1"),
        ("--population", "10", "--defects", "11", "--beta", "0.1"),
        ("--population", "10", "--defects", "0", "--beta", "0.1"),
    ],
)
def test_sample_size_bad_input_exits_2(cli, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    result = cli("stats", "sample-size", *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr + result.stdout


def test_completeness_bad_input(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "stats",
        "completeness",
        "--regions",
        "5",
        "--opened",
        "6",
        "--hidden",
        "1",
        "--find-probability",
        "0.5",
    )
    assert result.exit_code == 2
    assert "cannot exceed" in result.stderr


def test_combine_stages(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("stats", "combine", "0.5", "0.2", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["nondetection"] == pytest.approx(0.1)
    assert cli("stats", "combine", "0.5", "1.5").exit_code == 2
    assert cli("stats", "combine", "half").exit_code == 2
