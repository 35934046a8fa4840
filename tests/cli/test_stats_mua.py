"""`disarm stats mua`: constants, plan, simulate, evaluate; bad input exits 2."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
import yaml

EXAMPLES = Path(str(resources.files("disarm.stats") / "examples"))
MAPIT = str(EXAMPLES / "mapit-sized.yaml")
STORE = str(EXAMPLES / "pu-store.yaml")
FLOWS = str(EXAMPLES / "pu-store-flows.csv")
INVENTORIES = str(EXAMPLES / "pu-store-inventories.csv")


def test_constants_json(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("stats", "mua", "constants", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    pu = next(m for m in doc["materials"] if m["material"] == "Pu")
    assert pu["significant_quantity_kg"] == 8.0
    assert pu["sigma_muf_goal_kg"] == pytest.approx(2.4318, abs=1e-4)
    assert "Glossary" in doc["source"]


def test_plan_json_and_covariance_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cov = tmp_path / "cov.csv"
    result = cli("stats", "mua", "plan", MAPIT, "--json", "--covariance", str(cov))
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["schema"] == "disarm-mua-plan/1"
    assert doc["periods"] == 15 and doc["points"] == 31
    assert doc["sigma_muf_goal"]["value"] == pytest.approx(2.4318, abs=1e-4)
    assert len(doc["rows"]) == 15
    matrix = pd.read_csv(cov)
    assert matrix.shape == (15, 16)
    assert matrix.iloc[0, 1] == pytest.approx(doc["rows"][0]["sigma_muf"] ** 2)


def test_plan_table_and_csv(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("stats", "mua", "plan", STORE).exit_code == 0
    result = cli("stats", "mua", "plan", STORE, "--csv")
    assert result.stdout.splitlines()[0].startswith("period,sigma_muf")


def test_simulate_json_out_and_plot(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out, png, times = tmp_path / "r.json", tmp_path / "r.png", tmp_path / "t.csv"
    result = cli(
        "stats", "mua", "simulate", MAPIT, "-n", "2000", "--seed", "3", "--json",
        "--out", str(out), "--plot", str(png), "--times", str(times), "--no-progress",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc == json.loads(out.read_text())
    assert doc["schema"] == "disarm-mua-simulation/1"
    assert doc["diversion"]["amount"] == pytest.approx(8.0)
    tests = {t["test"]: t for t in doc["tests"]}
    assert set(tests) == {"page-sitmuf", "cusum-muf", "muf"}
    for t in tests.values():
        assert sum(t["detection_time_counts"]) + t["never_detected"] == 2000
        assert t["detection_probability"] > t["false_alarm_probability"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = pd.read_csv(times)
    assert list(table.columns) == ["period", "page-sitmuf", "cusum-muf", "muf"]
    assert len(table) == 16 and table["period"].iloc[-1] == "never"
    for name in ("page-sitmuf", "cusum-muf", "muf"):
        assert table[name].sum() == 2000
        assert table[name].iloc[-1] == tests[name]["never_detected"]


def test_simulate_csv_abrupt_and_custom(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "stats", "mua", "simulate", STORE, "-n", "500", "--pattern", "abrupt", "--period", "3",
        "--csv", "--no-progress",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("test,threshold")
    result = cli(
        "stats", "mua", "simulate", STORE, "-n", "2000", "--pattern", "abrupt", "--period", "20",
        "--json", "--no-progress",
    )  # fmt: skip
    for t in json.loads(result.stdout)["tests"]:
        # first alarms before period 20 are false alarms of the same draws
        assert t["alarms_before_loss"] == sum(t["detection_time_counts"][:19])
        assert t["alarms_before_loss"] == sum(t["false_alarm_time_counts"][:19])
    custom = tmp_path / "d.csv"
    pd.DataFrame({"period": range(1, 31), "amount": [0.2] * 30}).to_csv(custom, index=False)
    result = cli(
        "stats", "mua", "simulate", STORE, "-n", "500", "--pattern", "custom",
        "--custom", str(custom), "--json", "--no-progress",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["diversion"]["amount"] == pytest.approx(6.0)


def test_evaluate_example_alarms_with_exit_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svg = tmp_path / "e.svg"
    result = cli(
        "stats", "mua", "evaluate", STORE, "--flows", FLOWS, "--inventories", INVENTORIES,
        "--json", "--plot", str(svg), "-n", "5000",
    )  # fmt: skip
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["schema"] == "disarm-mua-evaluation/1"
    assert doc["alarm"] is True
    assert doc["first_alarms"]["page-sitmuf"] > 15  # the loss starts in period 16
    assert len(doc["periods"]) == 30
    assert "ALARM" in result.stderr
    assert svg.read_text().lstrip().startswith("<?xml")


def test_evaluate_no_alarm_exit_0(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    flows = pd.read_csv(FLOWS)
    inv = pd.read_csv(INVENTORIES).iloc[:11]  # first 10 periods: before the loss
    flows.iloc[:240].to_csv(tmp_path / "f.csv", index=False)
    inv.to_csv(tmp_path / "i.csv", index=False)
    doc = yaml.safe_load(Path(STORE).read_text())
    doc["periods"] = 10
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(doc))
    result = cli(
        "stats", "mua", "evaluate", str(tmp_path / "a.yaml"), "--flows", str(tmp_path / "f.csv"),
        "--inventories", str(tmp_path / "i.csv"), "--csv", "-n", "2000", "--h", "100",
    )  # fmt: skip
    assert result.stdout.splitlines()[0].startswith("period,muf,")
    assert result.exit_code in (0, 1)  # MUF tests may alarm by chance; Page's cannot at h=100
    assert "page-sitmuf" not in result.stderr


def write_area(tmp_path: Path, **over: object) -> str:
    doc = yaml.safe_load(Path(STORE).read_text())
    doc.update(over)
    path = tmp_path / "area.yaml"
    path.write_text(yaml.safe_dump(doc))
    return str(path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "missing.yaml"], "does not exist"),
        (["simulate", "{zero}", "-n", "10", "--no-progress"], "singular"),
        (["simulate", "{leak}", "-n", "10", "--no-progress"], "unbalanced series"),
        (["simulate", "{store}", "-n", "10", "--pattern", "abrupt", "--period", "99"], "period"),
        (["simulate", "{store}", "--plot", "x.gif", "-n", "10"], ".png"),
        (["plan", "{store}", "--material", "Am"], "unknown material"),
        (["evaluate", "{store}", "--flows", "{flows}"], "inventories"),
        (["evaluate", "{store}", "--flows", "{negflows}", "--inventories", "{inv}"], "negative"),
        (["evaluate", "{store}", "--flows", "{shortflows}", "--inventories", "{inv}"], "whole"),
        (["evaluate", "{store}", "--flows", "{flows}", "--inventories", "{badgrid}"], "time grid"),
        (
            ["evaluate", "{store}", "--flows", "{flows}", "--inventories", "x.parquet"],
            "does not exist",
        ),
        (["plan", "{broken}"], "YAML"),
    ],
)
def test_bad_input_exits_2_naming_the_problem(
    cli, tmp_path: Path, args: list[str], message: str
) -> None:  # type: ignore[no-untyped-def]
    doc = yaml.safe_load(Path(STORE).read_text())
    zero = json.loads(json.dumps(doc))
    for p in zero["points"]:
        p["random"], p["systematic"] = 0.0, 0.0
    (tmp_path / "zero.yaml").write_text(yaml.safe_dump(zero))
    leak = json.loads(json.dumps(doc))
    leak["points"][0]["nominal"] = 0.6
    (tmp_path / "leak.yaml").write_text(yaml.safe_dump(leak))
    (tmp_path / "broken.yaml").write_text("points: [unclosed\n")
    flows = pd.read_csv(FLOWS)
    neg = flows.copy()
    neg.loc[10, "receipts"] = -1.0
    neg.to_csv(tmp_path / "neg.csv", index=False)
    flows.iloc[:700].to_csv(tmp_path / "short.csv", index=False)
    grid = pd.read_csv(INVENTORIES)
    grid.loc[3, "sample"] = 73
    grid.to_csv(tmp_path / "grid.csv", index=False)
    names = {
        "zero": str(tmp_path / "zero.yaml"),
        "leak": str(tmp_path / "leak.yaml"),
        "broken": str(tmp_path / "broken.yaml"),
        "store": STORE,
        "flows": FLOWS,
        "inv": INVENTORIES,
        "negflows": str(tmp_path / "neg.csv"),
        "shortflows": str(tmp_path / "short.csv"),
        "badgrid": str(tmp_path / "grid.csv"),
    }
    result = cli("stats", "mua", *[a.format(**names) for a in args])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_json_description_and_series_named_in_it(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = yaml.safe_load(Path(STORE).read_text())
    doc["series"] = {"flows": "f.csv", "inventories": "i.csv"}
    pd.read_csv(FLOWS).to_csv(tmp_path / "f.csv", index=False)
    pd.read_csv(INVENTORIES).to_csv(tmp_path / "i.csv", index=False)
    (tmp_path / "area.json").write_text(json.dumps(doc))
    result = cli("stats", "mua", "evaluate", str(tmp_path / "area.json"), "--json", "-n", "2000")
    assert result.exit_code == 1  # the example campaign contains a loss
    assert json.loads(result.stdout)["first_alarms"]["page-sitmuf"] > 15
    # The measured series do not balance, so they cannot serve as nominal values.
    result = cli("stats", "mua", "simulate", str(tmp_path / "area.json"), "-n", "10")
    assert result.exit_code == 2
    assert "unbalanced series" in result.stderr


def test_non_finite_reference_value(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("stats", "mua", "simulate", STORE, "-n", "10", "--k", "nan", "--no-progress")
    assert result.exit_code == 2
    assert "reference value" in result.stderr


def test_threshold_for_one_period_is_normal_quantile_minus_k(cli) -> None:  # type: ignore[no-untyped-def]
    from scipy.stats import norm

    result = cli("stats", "mua", "threshold", "--periods", "1", "--k", "0.5", "--json")
    assert result.exit_code == 0
    h = json.loads(result.stdout)["h"]
    # quantile standard error sqrt(a (1 - a) / N) / phi(z) = 0.0047 for N = 200,000
    assert abs(h - (norm.ppf(0.95) - 0.5)) < 0.02
    assert cli("stats", "mua", "threshold", "--periods", "0").exit_code == 2
    assert cli("stats", "mua", "threshold", "--periods", "15", "-n", "1000").exit_code == 0


def test_unreadable_tables_are_bad_input(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x.parquet").write_bytes(b"not parquet")
    (tmp_path / "empty.csv").write_text("")
    for flows, words in ((tmp_path / "x.parquet", ("pyarrow", "cannot read")),
                         (tmp_path / "empty.csv", ("cannot read",))):  # fmt: skip
        result = cli(
            "stats", "mua", "evaluate", STORE, "--flows", str(flows), "--inventories", INVENTORIES
        )
        assert result.exit_code == 2, result.stderr
        assert any(w in result.stderr for w in words)
        assert str(flows) in result.stderr
