"""Inputs that used to crash or hang: each is one sentence, exit 2, in bounded time (issue 14.15).

The limits are documented in docs/limits.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from disarm.tlog.note import Signer, generate_key, sign_note


def _checkpoint(tmp_path: Path) -> Path:
    sk, _ = generate_key("log.example")
    path = tmp_path / "checkpoint.txt"
    path.write_text(sign_note("log.example\n77\n" + "A" * 43 + "=\n", [Signer.from_key_string(sk)]))
    return path


def _refused(result, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert message.startswith("error: ") and len(message.splitlines()) == 1, message
    for word in words:
        assert word in message, message


def test_select_too_many_items(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cp = str(_checkpoint(tmp_path))
    args = ("inspect", "select", "--n", str(10**18), "--k", str(10**7), "--checkpoint", cp)
    _refused(cli(*args), "k=10000000", "limit")


def test_verify_selection_deeply_nested_json(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "record.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    _refused(cli("inspect", "verify-selection", str(path)), str(path), "nest")


def test_verify_selection_moderately_nested_json(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "record.json"
    value: object = []
    for _ in range(70):
        value = [value]
    path.write_text(json.dumps({"algorithm": value}))
    _refused(cli("inspect", "verify-selection", str(path)), "64 levels")


def test_programme_validate_deeply_nested_yaml(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.yaml"
    path.write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    result = cli("programme", "validate", str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "nest" in result.stderr and str(path) in result.stderr


def test_threshold_too_many_periods(cli) -> None:  # type: ignore[no-untyped-def]
    _refused(cli("stats", "mua", "threshold", "--periods", str(10**9)), "periods", "limit")


def test_threshold_too_many_draws(cli) -> None:  # type: ignore[no-untyped-def]
    _refused(cli("stats", "mua", "threshold", "--periods", "10000"), "draws", "limit")


def test_sample_size_huge_population(cli) -> None:  # type: ignore[no-untyped-def]
    args = ("--population", str(10**18), "--defects", "5", "--beta", "0.05")
    _refused(cli("stats", "sample-size", *args), "population", "limit")


def test_sample_size_too_many_exact_factors(cli) -> None:  # type: ignore[no-untyped-def]
    args = ("--population", str(10**12), "--defects", str(10**5), "--beta", "0.05")
    _refused(cli("stats", "sample-size", *args), "factors", "limit")


def test_sample_size_large_but_allowed(cli) -> None:  # type: ignore[no-untyped-def]
    args = ("--population", str(10**12), "--defects", "1000", "--beta", "0.05", "--json")
    result = cli("stats", "sample-size", *args)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["exact_n"] == 2991249544  # decided exactly, in bounded time
    assert data["exact_beta"] <= 0.05 <= 1.0


@pytest.mark.parametrize(
    "values",
    [
        ("--regions", str(10**18), "--opened", "1", "--hidden", "1"),
        ("--regions", "100", "--opened", "10", "--hidden", str(10**18)),
    ],
)
def test_completeness_huge_values(cli, values: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    _refused(cli("stats", "completeness", *values, "--find-probability", "0.5"), "limit")


def test_completeness_large_values_answer_quickly(cli) -> None:  # type: ignore[no-untyped-def]
    args = ("--regions", str(10**12), "--opened", str(10**11), "--hidden", str(10**11))
    result = cli("stats", "completeness", *args, "--find-probability", "0.5", "--json")
    assert result.exit_code == 0, result.stderr
    probability = json.loads(result.stdout)["probability"]
    assert set(probability) == {"independent", "clustered"}
    assert probability["independent"] == pytest.approx(1.0)
    assert probability["clustered"] == pytest.approx(0.1)


def test_completeness_distinct_large_regions(cli) -> None:  # type: ignore[no-untyped-def]
    args = ("--regions", str(10**6), "--opened", "1000", "--hidden", "1000", "--spread", "distinct")
    result = cli("stats", "completeness", *args, "--find-probability", "0.5", "--json")
    assert result.exit_code == 0, result.stderr
    # 1 − E[0.5^K], K ~ hypergeometric(10^6, 1000, 1000) with mean 1: close to 1 − e^(−0.5)
    assert json.loads(result.stdout)["probability"]["distinct"] == pytest.approx(0.3935, abs=1e-3)
