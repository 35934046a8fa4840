from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from disarm import data


@pytest.fixture
def decls(tmp_path: Path) -> Path:
    path = tmp_path / "new-start.csv"
    data.new_start_declarations().to_csv(path, index=False)
    return path


def test_report_writes_self_contained_html(cli, decls: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.html"
    r = cli("report", "--programme", "new-start", "--declarations", str(decls), "--out", str(out))
    assert r.exit_code == 0, r.stderr
    assert f"wrote {out} (6 charts)" in r.stderr
    html = out.read_text()
    assert len(re.findall(r'<figure class="chart"', html)) == 6
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", html)
    assert "USA" in r.stdout and "RUS" in r.stdout and "verdict" in r.stdout  # summary table
    assert oct(out.stat().st_mode & 0o777) == "0o644"
    assert "Russian Federation (RUS)" in html


def test_report_json_summary(cli, decls: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.html"
    r = cli("report", "-p", "new-start", "-d", str(decls), "-o", str(out), "--json")
    assert r.exit_code == 0
    rows = {(x["party"], x["phase"]): x for x in json.loads(r.stdout)}
    # the 2022-09-01 figures are not in the dataset: no-data for both, never a pass
    assert rows[("USA", "central-limits")]["verdict"] == "no-data"
    assert rows[("USA", "central-limits")]["non_compliant"] == 0
    assert rows[("USA", "central-limits")]["no_data"] == 3
    # ... and Russia gave no data in March 2023
    assert rows[("RUS", "central-limits")]["no_data"] == 6
    assert rows[("RUS", "central-limits")]["verdict"] == "no-data"


def test_report_as_of_before_the_deadline(cli, decls: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.html"
    r = cli("report", "-p", "new-start", "-d", str(decls), "-o", str(out), "--as-of",
            "2017-12-31", "--csv")  # fmt: skip
    assert r.exit_code == 0
    lines = [x for x in r.stdout.splitlines() if ",central-limits," in x]
    assert len(lines) == 2 and all(x.endswith(",not-yet-due") for x in lines)
    assert "2017-12-31" in out.read_text()


def test_report_with_bundled_baselines(cli, decls: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.html"
    r = cli("report", "-p", "new-start", "-d", str(decls), "-o", str(out),
            "--baselines", "SIPRI:2024", "--title", "With baselines")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert "With baselines" in out.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "no-such-programme"], "no-such-programme"),
        (["--as-of", "2018-13-45"], "2018-13-45"),
        (["--baselines", "SIPRI"], "SOURCE:YEAR"),
        (["--baselines", "IAEA:2024"], "IAEA"),
        (["--json", "--csv"], "--json"),
    ],
)
def test_report_bad_input_exit_2_and_writes_nothing(  # type: ignore[no-untyped-def]
    cli, decls: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "r.html"
    out.write_text("previous")
    base = ["report", "-p", "new-start", "-d", str(decls), "-o", str(out)]
    r = cli(*base, *args)
    assert r.exit_code == 2
    assert message in r.stderr
    assert out.read_text() == "previous"


def test_report_missing_or_bad_declarations(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.html"
    r = cli("report", "-p", "new-start", "-d", str(tmp_path / "nope.csv"), "-o", str(out))
    assert r.exit_code == 2 and not out.exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("date,party,category,value\n2018-02-05,USA,deployed_warheads,-3\n")
    r = cli("report", "-p", "new-start", "-d", str(bad), "-o", str(out))
    assert r.exit_code == 2 and not out.exists()
    assert "bad.csv" in r.stderr


def test_report_out_directory_missing(cli, decls: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("report", "-p", "new-start", "-d", str(decls), "-o", str(tmp_path / "no" / "r.html"))
    assert r.exit_code == 2
    assert "does not exist" in r.stderr
