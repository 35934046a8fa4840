"""`disarm verify` on real demo directories: passes untouched, fails after any tampering, and
agrees with the findings the demo reported, for every cheating strategy.

The demo runs once per strategy (module-scoped fixture, small settings); each tamper case works
on a copy of its directory. Tampering with the log, keys and checkpoints runs the whole
verification; tampering with a published file (report, findings, CSVs, New START files) runs
the whole verification for one case per strategy and, for every other file, the two checks that
read published files (`outputs`, `inventory`) on top of the facts the earlier checks verified
once for the untouched directory: no earlier check reads those files.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disarm.audit.context import AuditContext
from disarm.audit.directory import default_checks, verify_directory
from disarm.audit.keys import Pins
from disarm.audit.model import Status
from disarm.audit.runner import AuditReport, run_checks
from disarm.demo import statements as demo
from disarm.errors import VerificationError
from tests.audit.demos import STRATEGIES
from tests.audit.demos import demo_dir as shared_demo

# End to end: runs `disarm demo` for every strategy and verifies the directories.
pytestmark = pytest.mark.slow

LATE = ("outputs", "inventory")


@pytest.fixture(scope="module", params=STRATEGIES)
def demo_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_demo(tmp_path_factory, request.param)


@pytest.fixture(scope="module")
def untouched(demo_dir: Path) -> Iterator[tuple[AuditContext, AuditReport]]:
    """The untouched directory through the whole verification (what `verify_directory` runs),
    with the context that holds the facts every check established."""
    with AuditContext(demo_dir, log_dir=demo.LOG_DIR) as ctx:
        yield ctx, run_checks(ctx, default_checks(Pins(), allow_simulation_keys=True))


@pytest.fixture
def verified(untouched: tuple[AuditContext, AuditReport]) -> AuditContext:
    ctx, report = untouched
    assert report.ok, report.disagreement and report.disagreement.text()
    return ctx


@pytest.fixture
def copy(demo_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "out"
    shutil.copytree(demo_dir, target)
    return target


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at % len(data)] ^= 0x01
    path.write_bytes(bytes(data))


def test_untouched_directory_verifies_and_agrees_with_the_demo(
    demo_dir: Path, untouched: tuple[AuditContext, AuditReport]
) -> None:
    report = untouched[1]
    assert report.ok, report.disagreement and report.disagreement.text()
    assert [r.status for r in report.results] == [Status.OK] * len(report.results)
    # keys from the directory (internal consistency only), and the demo's simulation keys
    assert len(report.warnings) == 4 and "simulation keys" in report.warnings[-1]
    # The verifier's findings are the demo's: same kinds, parties, items and log indexes.
    published = json.loads((demo_dir / demo.FINDINGS_FILE).read_text())
    ours = sorted((f["index"], f["kind"], f["party"], f["item"]) for f in report.findings)
    theirs = sorted((f["index"], f["kind"], f["party"], f["item"]) for f in published["findings"])
    assert ours == theirs
    truth = published["simulation_truth"]
    if truth["strategy"] != "none" and truth["detected"]:
        first = truth["first_detection"]
        assert (first["index"], first["kind"]) in {(f["index"], f["kind"]) for f in report.findings}


# -- tampering with the log, the keys, the checkpoints: the whole verification ---------------


def _entry_bundle(root: Path) -> None:
    _flip(root / demo.LOG_DIR / "data", 1000)


def _tile(root: Path) -> None:
    _flip(root / demo.LOG_DIR / "hashes" / "0", 40)


def _delete_last_entry(root: Path) -> None:
    data = root / demo.LOG_DIR / "data"
    raw = data.read_bytes()
    pos, last = 0, 0
    while pos < len(raw):
        last = pos
        pos += 2 + int.from_bytes(raw[pos : pos + 2], "big")
    data.write_bytes(raw[:last])


def _edit_log_checkpoint(root: Path) -> None:
    path = root / demo.LOG_DIR / "checkpoint"
    lines = path.read_text().split("\n")
    lines[1] = str(int(lines[1]) + 1)
    path.write_text("\n".join(lines))


def _edit_cosigned_root(root: Path) -> None:
    path = sorted((root / demo.COSIGNED_DIR).iterdir())[1]
    lines = path.read_text().split("\n")
    lines[2] = ("B" if lines[2][0] != "B" else "C") + lines[2][1:]
    path.write_text("\n".join(lines))


def _edit_cosignature(root: Path) -> None:
    path = sorted((root / demo.COSIGNED_DIR).iterdir())[0]
    text = path.read_text()
    last = text.rstrip("\n").split("\n")[-1]
    name, b64 = last.rsplit(" ", 1)
    b64 = b64[:30] + ("A" if b64[30] != "A" else "B") + b64[31:]
    path.write_text(text.replace(last, f"{name} {b64}"))


def _edit_final_checkpoint(root: Path) -> None:
    _flip(root / demo.FINAL_CHECKPOINT_FILE, 10)


def _swap_key(rel: str, other: str) -> Callable[[Path], None]:
    def swap(root: Path) -> None:
        (root / rel).write_text(other + "\n")

    return swap


def _swap_witness_keys(root: Path) -> None:
    a, b = (root / f for f in demo.WITNESS_KEY_FILES)
    ta, tb = a.read_bytes(), b.read_bytes()
    a.write_bytes(tb)
    b.write_bytes(ta)


def _extra_file(root: Path) -> None:
    (root / "notes.txt").write_text("hello\n")


OTHER_LOG_KEY = "disarm.example/demo-log+717f1f9a+AW56HN0psLeP0Tr0xVmP7/TvKpcWbjym8uT7/M2AUFvx"
OTHER_WITNESS = "witness-1+59317054+BIqHX/8es4RRV3rNWv7kBUVlaN18ieCQhjoFV7x69J8X"

LOG_TAMPERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "flipped byte in an entry bundle": (_entry_bundle, "log"),
    "flipped byte in a hash tile": (_tile, "log"),
    "deleted entry": (_delete_last_entry, "log"),
    "edited log checkpoint": (_edit_log_checkpoint, "log"),
    "edited cosigned checkpoint": (_edit_cosigned_root, "cosignatures"),
    "edited cosignature": (_edit_cosignature, "cosignatures"),
    "edited final checkpoint": (_edit_final_checkpoint, "cosigned-files"),
    "swapped log key": (_swap_key(demo.LOG_KEY_FILE, OTHER_LOG_KEY), "log"),
    "swapped genesis key": (_swap_key(demo.TRUST_ANCHOR_FILE, "11" * 32), "statements"),
    "swapped witness key": (_swap_key(demo.WITNESS_KEY_FILES[0], OTHER_WITNESS), "policy"),
    "witness key files exchanged": (_swap_witness_keys, "policy"),
}


@pytest.mark.parametrize("case", list(LOG_TAMPERS))
def test_tampering_with_the_log_keys_or_checkpoints_fails(copy: Path, case: str) -> None:
    tamper, check = LOG_TAMPERS[case]
    tamper(copy)
    report = verify_directory(copy, allow_simulation_keys=True)
    assert not report.ok, f"{case} was not detected"
    d = report.disagreement
    assert d is not None and d.check == check, d and d.text()
    assert d.file is not None or d.index is not None


# -- tampering with a published file -----------------------------------------------------------

PUBLISHED = (
    demo.REPORT_FILE,
    demo.FINDINGS_FILE,
    *demo.CSV_FILES,
    *demo.NEW_START_FILES,
)


def test_an_edited_findings_file_fails_the_whole_verification(copy: Path) -> None:
    _flip(copy / demo.FINDINGS_FILE, 200)
    report = verify_directory(copy, allow_simulation_keys=True)
    assert not report.ok
    assert report.disagreement is not None and report.disagreement.check == "outputs"
    assert report.disagreement.file == demo.FINDINGS_FILE


def _late(ctx: AuditContext, root: Path) -> AuditReport:
    late = [c for c in default_checks(Pins(), allow_simulation_keys=True) if c.name in LATE]
    return run_checks(dataclasses.replace(ctx, root=root, covered=set(ctx.covered)), late)


def test_late_checks_pass_on_an_untouched_copy(verified: AuditContext, copy: Path) -> None:
    assert _late(verified, copy).ok


@pytest.mark.parametrize("rel", PUBLISHED)
def test_any_edited_published_file_fails(verified: AuditContext, copy: Path, rel: str) -> None:
    path = copy / rel
    _flip(path, len(path.read_bytes()) // 2)
    report = _late(verified, copy)
    d = report.disagreement
    assert d is not None and d.check == "outputs" and d.file == rel
    assert d.byte is not None and d.expected != d.computed


@pytest.mark.parametrize("rel", PUBLISHED)
def test_a_deleted_published_file_fails(verified: AuditContext, copy: Path, rel: str) -> None:
    (copy / rel).unlink()
    d = _late(verified, copy).disagreement
    assert d is not None and d.file == rel and "missing" in d.message


def test_an_added_file_fails(verified: AuditContext, copy: Path) -> None:
    _extra_file(copy)
    (copy / demo.DATA_DIR / "extra.csv").write_text("a\n")
    report = _late(verified, copy)
    d = report.disagreement
    assert d is not None and d.check == "inventory"
    assert d.file in ("notes.txt", "data/extra.csv")
    assert [r.status for r in report.results] == [Status.OK, Status.FAILED]


# -- any single flipped bit anywhere in DIR ---------------------------------------------------


def _all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@settings(max_examples=12, deadline=None, derandomize=True)
@given(data=st.data())
def test_any_flipped_bit_in_any_file_fails(
    demo_dir: Path, untouched: tuple[AuditContext, AuditReport], data: st.DataObject
) -> None:
    files = [f for f in _all_files(demo_dir) if (demo_dir / f).stat().st_size]
    rel = data.draw(st.sampled_from(files), label="file")
    size = (demo_dir / rel).stat().st_size
    at = data.draw(st.integers(0, size - 1), label="byte")
    bit = data.draw(st.integers(0, 7), label="bit")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "out"
        shutil.copytree(demo_dir, copy)
        raw = bytearray((copy / rel).read_bytes())
        raw[at] ^= 1 << bit
        (copy / rel).write_bytes(bytes(raw))
        # A published file is read by no earlier check: the late checks on verified facts.
        late = rel in PUBLISHED
        report = (
            _late(untouched[0], copy)
            if late
            else verify_directory(copy, allow_simulation_keys=True)
        )
        assert not report.ok, f"flipping bit {bit} of byte {at} of {rel} went unnoticed"


# -- a log that ends before its scenario (issue 14, finding 3) ----------------------------------


def test_a_log_that_ends_before_its_scenario_fails(verified: AuditContext) -> None:
    """A rollback cuts the log back to an earlier round: the scenario statement at its start
    still lists every round, so the rounds after the cut have no inspection plan. The plans
    check refuses such a log even when the verifier kept no checkpoint of its own."""
    from disarm.audit.rounds import PlanCheck

    by_type = verified.facts["by_type"]
    plans = list(by_type["inspection.plan"])
    rounds = len(verified.facts["scenario"].rounds)
    assert len(plans) == rounds  # the untouched log: one plan per round
    try:
        by_type["inspection.plan"] = plans[:-1]  # the last round cut away
        with pytest.raises(VerificationError, match=r"the log ends before the scenario does"):
            PlanCheck().run(verified)
        by_type["inspection.plan"] = [*plans, plans[-1]]  # a round planned twice
        with pytest.raises(VerificationError, match=r"has a second inspection plan"):
            PlanCheck().run(verified)
    finally:
        by_type["inspection.plan"] = plans
    PlanCheck().run(verified)
