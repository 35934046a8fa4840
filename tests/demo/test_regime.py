"""End-to-end runs of the verification regime (small settings): detection of each cheat with
the right finding and evidence, an honest run without findings, reproducibility, and the
log's own verifiability (signatures, cosignatures, selections)."""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from math import comb
from pathlib import Path
from typing import Any

import pytest

from disarm.crypto import registry as reg
from disarm.crypto.statements import decode
from disarm.demo import statements as S
from disarm.demo.outputs import output_files
from disarm.demo.regime import RegimeConfig, RegimeResult, run_regime
from disarm.errors import BadInput
from disarm.inspect.record import verify_selection
from disarm.store import open_log
from disarm.tlog.cosignature import verify_checkpoint
from disarm.tlog.note import Verifier

SMALL = {"years": 2, "scale": 0.05}


def _run(tmp: Path, **kw: Any) -> tuple[Path, RegimeResult]:
    out = tmp / "out"
    res = run_regime(out, RegimeConfig(**{**SMALL, **kw}))
    for name, text in output_files(res).items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    return out, res


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, RegimeResult]]:
    cases = {
        "none": {"seed": 1},
        "omit": {"seed": 1, "cheat": "omit"},
        "redeclare": {"seed": 2, "cheat": "redeclare"},  # seed 1 misses it (whole ceilings)
        "divert": {"seed": 1, "cheat": "divert", "cheater": "USA"},
    }
    return {k: _run(tmp_path_factory.mktemp(k), **v) for k, v in cases.items()}


def _entries(out: Path) -> list[bytes]:
    with open_log(out / S.LOG_DIR) as log:
        return list(log.entries(0, log.size))


def _statement(out: Path, index: int) -> tuple[str, dict[str, Any]]:
    st = decode(_entries(out)[index]).statement
    return st.type, dict(st.payload)


def _hypergeometric_run(sites: int, per_round: int, rounds: int) -> float:
    miss = Fraction(comb(sites - 1, per_round), comb(sites, per_round))
    return float(1 - miss**rounds)


@pytest.mark.slow
def test_honest_run_has_no_finding_and_no_violation(runs: dict[str, Any]) -> None:
    out, res = runs["none"]
    assert res.findings == []
    assert res.cheat == {"strategy": "none"}
    assert {v["status"] for v in res.verdicts} <= {"compliant", "not-yet-due"}
    doc = json.loads((out / S.FINDINGS_FILE).read_text())
    assert doc["findings"] == [] and doc["format"] == S.DEMO_FORMAT


@pytest.mark.slow
def test_omit_is_detected_by_an_inspection_with_its_evidence(runs: dict[str, Any]) -> None:
    out, res = runs["omit"]
    c = res.cheat
    assert c["detected"], c
    hidden = [f for f in res.findings if f["kind"] == "hidden-item"]
    assert hidden and {f["party"] for f in hidden} == {c["party"]}
    assert {f["item"] for f in hidden} <= set(c["items"])
    first = c["first_detection"]
    kind, payload = _statement(out, first["index"])
    assert kind == "finding.issued" and payload["kind"] == "hidden-item"
    roles = {e["role"]: e["index"] for e in first["evidence"]}
    assert _statement(out, roles["declaration"])[0] == "declaration.commit"
    assert _statement(out, roles["region reveal"])[0] == "declaration.reveal"
    kind, result = _statement(out, roles["inspection result"])
    assert kind == "inspection.result"
    found = {i["id"] for site in result["sites"] for i in site["found"]}
    assert payload["item"] in found
    det = res.detection[c["party"]]
    rounds = len(res.rounds)
    expected = _hypergeometric_run(det["sites"], det["sites_per_round"], rounds)
    assert c["stated_probability"] == pytest.approx(expected)
    assert 0.3 < c["stated_probability"] < 1  # likely, not certain


@pytest.mark.slow
def test_redeclare_is_detected_by_the_tag_of_a_dismantled_item(runs: dict[str, Any]) -> None:
    out, res = runs["redeclare"]
    c = res.cheat
    assert c["detected"], c
    f = c["first_detection"]
    assert f["kind"] == "dismantled-item-reappeared"
    kind, payload = _statement(out, f["index"])
    assert kind == "finding.issued" and payload["item"] in c["aliases"]
    old = c["aliases"][payload["item"]]
    roles = {e["role"]: e["index"] for e in f["evidence"]}
    kind, custody = _statement(out, roles["recorded dismantled"])
    assert kind == "custody.event"
    assert [old, "dismantled"] in [[r[0], r[3]] for r in custody["events"]]
    kind, tagged = _statement(out, roles["tag applied"])
    assert kind == "custody.event"
    tags = {r[5] for r in tagged["events"] if r[0] == old and r[3] == "tag_applied"}
    _, result = _statement(out, roles["inspection result"])
    found = {i["id"]: i["tag"] for s in result["sites"] for i in s["found"]}
    assert found[payload["item"]] in tags
    assert 0 < c["stated_probability"] < 1


@pytest.mark.slow
def test_divert_is_detected_by_pages_test_on_sitmuf(runs: dict[str, Any]) -> None:
    out, res = runs["divert"]
    c = res.cheat
    assert c["detected"] and c["party"] == "USA" and c["diverted_kg"] > 0
    f = c["first_detection"]
    assert f["kind"] == "balance-alarm"
    for e in f["evidence"]:
        kind, payload = _statement(out, e["index"])
        assert kind == "inspection.balance" and payload["party"] == "USA"
    assert payload["evaluation"]["first_alarm"] is not None
    assert max(payload["evaluation"]["page"]) > payload["evaluation"]["page_threshold"]
    assert c["stated_probability"] == res.detection["USA"]["p_balance_page"]
    assert 0.2 < c["stated_probability"] < 1  # a Monte Carlo estimate, not a certainty


@pytest.mark.slow
def test_every_statement_verifies_and_matches_its_model(runs: dict[str, Any]) -> None:
    for out, _ in runs.values():
        entries = _entries(out)
        anchor = bytes.fromhex((out / S.TRUST_ANCHOR_FILE).read_text().strip())
        registry = reg.Registry.replay(entries, anchor)  # signatures, chains, roles
        assert {p.role for p in registry.parties.values()} == set(reg.Role)
        for data in entries:
            st = decode(data).statement
            if st.type in S.PAYLOADS:
                S.parse_payload(st.type, st.payload)


@pytest.mark.slow
def test_every_checkpoint_is_cosigned_by_both_witnesses(runs: dict[str, Any]) -> None:
    out, res = runs["omit"]
    log_key = Verifier.from_key_string((out / S.LOG_KEY_FILE).read_text().strip())
    witnesses = [
        Verifier.from_key_string((out / f).read_text().strip()) for f in S.WITNESS_KEY_FILES
    ]
    files = sorted((out / S.COSIGNED_DIR).iterdir())
    assert len(files) == res.checkpoints
    for path in files:
        cp = verify_checkpoint(path.read_text(), log_key, witnesses, S.WITNESS_QUORUM)
        assert len(cp.cosigners) == 2 and path.name == f"{cp.checkpoint.size:012d}.note"
    assert (out / S.FINAL_CHECKPOINT_FILE).read_text() == files[-1].read_text()


@pytest.mark.slow
def test_selections_verify_against_the_log_key(runs: dict[str, Any]) -> None:
    out, _ = runs["none"]
    key = (out / S.LOG_KEY_FILE).read_text().strip()
    n = 0
    for data in _entries(out):
        st = decode(data).statement
        if st.type == "inspection.selection":
            rec = st.payload["record"]
            verify_selection(
                rec, trusted_key=key, min_tree_size=st.payload["aggregates"]["index"] + 1
            )
            n += 1
    assert n == 9 * len(runs["none"][1].rounds)


@pytest.mark.slow
def test_no_private_key_is_written(runs: dict[str, Any]) -> None:
    out, _ = runs["omit"]
    for path in out.rglob("*"):
        if path.is_file():
            assert b"PRIVATE+KEY" not in path.read_bytes(), path
    assert not (out / "private").exists()


def _digest(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.mark.slow
def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    a, _ = _run(tmp_path / "a", seed=5, years=1, scale=0.02, cheat="omit")
    b, _ = _run(tmp_path / "b", seed=5, years=1, scale=0.02, cheat="omit")
    da, db = _digest(a), _digest(b)
    assert any(k.startswith("log/") for k in da)
    assert da == db


@pytest.mark.slow
def test_different_seeds_give_different_selections(tmp_path: Path) -> None:
    def selected(out: Path) -> list[list[str]]:
        return [
            decode(d).statement.payload["record"]["selected"]
            for d in _entries(out)
            if decode(d).statement.type == "inspection.selection"
        ]

    a, _ = _run(tmp_path / "a", seed=11, years=1, scale=0.02)
    b, _ = _run(tmp_path / "b", seed=12, years=1, scale=0.02)
    sa, sb = selected(a), selected(b)
    assert len(sa) == len(sb) and sa != sb


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"cheat": "bribe"}, "--cheat"),
        ({"years": 0}, "--years"),
        ({"scale": 0.0}, "--scale"),
        ({"cheat": "omit", "cheater": "XXX"}, "--cheater"),
        ({"cheat": "redeclare", "years": 1, "cheater": "FRA"}, "no dismantlement to fake"),
    ],
)
def test_bad_settings_are_bad_input(tmp_path: Path, kw: dict[str, Any], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        run_regime(tmp_path / "out", RegimeConfig(**{**SMALL, **kw}))


@pytest.mark.slow
def test_the_p3_deadline_reveals_every_declaration_completely(tmp_path: Path) -> None:
    out, res = _run(tmp_path, seed=2, years=5, scale=0.02)
    assert res.rounds[-1].isoformat() == "2030-01-01"  # the P3 deadline
    regions: dict[int, set[str]] = {}
    layout: dict[int, set[str]] = {}
    for index, data in enumerate(_entries(out)):
        st = decode(data).statement
        if st.type == "declaration.commit":
            layout[index] = set(st.payload["regions"])
        elif st.type == "declaration.reveal" and st.payload["kind"] == "region":
            regions.setdefault(st.payload["declaration"]["index"], set()).add(st.payload["target"])
    last = sorted(layout)[-9:]
    assert all(regions[i] == layout[i] for i in last)
    earlier = sorted(layout)[:-9]
    assert all(regions.get(i, set()) != layout[i] for i in earlier if len(layout[i]) > 1)
    assert res.findings == []
