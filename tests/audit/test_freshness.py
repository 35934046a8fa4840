"""`disarm verify DIR --checkpoint/--min-size/--max-age`: the verifier's own memory of the log
(issue 14, finding 3: a directory cut back to an earlier cosigned state verified, and its later
findings disappeared; now a verifier that kept a later checkpoint refuses it, naming both sizes).

The attacker here is the log operator, who holds the log key: the demo's keys follow from its
seed (issue 14, finding 6), so the test re-derives the log signer to sign a checkpoint of a later
(or forked) state than the directory shows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disarm.cli.main import app
from disarm.demo import statements as S
from disarm.demo.drbg import Drbg
from disarm.demo.regime import Keys
from disarm.rules import load_programme
from disarm.tlog.checkpoint import Checkpoint, sign_checkpoint, split_note
from tests.audit.demos import SEED
from tests.audit.demos import demo_dir as shared_demo

# End to end: verifies a `disarm demo` directory, many times.
pytestmark = pytest.mark.slow

ROLLBACK_WARNING = "no trusted checkpoint was given"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_demo(tmp_path_factory, "omit")


def _latest(demo: Path) -> Checkpoint:
    text = (demo / S.FINAL_CHECKPOINT_FILE).read_text()
    return Checkpoint.parse(split_note(text)[0])


def _operator_signs(checkpoint: Checkpoint) -> str:
    """A checkpoint signed with the demo's log key, re-derived from the seed."""
    parties = tuple(load_programme("model").parties)
    return sign_checkpoint(checkpoint, Keys(Drbg(SEED), parties).log)


def _verify(demo: Path, *args: str) -> tuple[int, dict[str, object], str]:
    result = CliRunner().invoke(
        app, ["verify", str(demo), "--allow-simulation-keys", "--json", *args]
    )
    return result.exit_code, json.loads(result.stdout or "{}"), result.stderr


def test_without_a_trusted_state_it_passes_and_says_a_rollback_cannot_be_detected(
    demo: Path,
) -> None:
    code, report, _ = _verify(demo)
    assert code == 0
    assert any(ROLLBACK_WARNING in w for w in report["warnings"])  # type: ignore[union-attr]


def test_its_own_latest_checkpoint_is_accepted_without_the_warning(
    demo: Path, tmp_path: Path
) -> None:
    trusted = tmp_path / "seen.note"
    trusted.write_text((demo / S.FINAL_CHECKPOINT_FILE).read_text())
    code, report, _ = _verify(demo, "--checkpoint", str(trusted))
    assert code == 0
    assert not any(ROLLBACK_WARNING in w for w in report["warnings"])  # type: ignore[union-attr]


def test_an_earlier_checkpoint_of_the_same_log_is_extended(demo: Path, tmp_path: Path) -> None:
    history = sorted((demo / S.COSIGNED_DIR).iterdir())
    trusted = tmp_path / "early.note"
    trusted.write_text(history[len(history) // 2].read_text())
    code, _, stderr = _verify(demo, "--checkpoint", str(trusted))
    assert code == 0, stderr


def test_a_rollback_below_the_trusted_checkpoint_fails_naming_both_sizes(
    demo: Path, tmp_path: Path
) -> None:
    latest = _latest(demo)
    later = Checkpoint(latest.origin, latest.size + 100, b"\x11" * 32)
    trusted = tmp_path / "later.note"
    trusted.write_text(_operator_signs(later))
    code, report, _ = _verify(demo, "--checkpoint", str(trusted))
    assert code == 1
    message = report["first_disagreement"]["message"]  # type: ignore[index]
    assert message.startswith("rollback:")
    assert f"tree size {latest.size}" in message
    assert f"size {latest.size + 100}" in message


def test_a_fork_at_the_same_size_fails(demo: Path, tmp_path: Path) -> None:
    latest = _latest(demo)
    trusted = tmp_path / "fork.note"
    trusted.write_text(_operator_signs(Checkpoint(latest.origin, latest.size, b"\x22" * 32)))
    code, report, _ = _verify(demo, "--checkpoint", str(trusted))
    assert code == 1
    assert report["first_disagreement"]["message"].startswith("fork:")  # type: ignore[index]


def test_min_size_above_the_log_is_a_rollback(demo: Path) -> None:
    latest = _latest(demo)
    code, report, _ = _verify(demo, "--min-size", str(latest.size + 1))
    assert code == 1
    assert "rollback" in report["first_disagreement"]["message"]  # type: ignore[index]
    assert _verify(demo, "--min-size", str(latest.size))[0] == 0


def test_a_trusted_checkpoint_signed_by_another_key_is_refused(demo: Path, tmp_path: Path) -> None:
    from disarm.tlog.note import Signer, generate_key

    latest = _latest(demo)
    other = Signer.from_key_string(generate_key(latest.origin)[0])
    trusted = tmp_path / "other.note"
    trusted.write_text(sign_checkpoint(latest, other))
    code, report, _ = _verify(demo, "--checkpoint", str(trusted))
    assert code == 1
    assert "does not verify" in report["first_disagreement"]["message"]  # type: ignore[index]


def test_max_age_refuses_the_simulated_clock(demo: Path) -> None:
    """The demo's witnesses cosign on a simulated clock, not today's: --max-age refuses it
    (stale, or dated after now) rather than passing."""
    code, report, _ = _verify(demo, "--max-age", "3600", "--min-size", "0")
    assert code == 1
    message = report["first_disagreement"]["message"]  # type: ignore[index]
    assert message.startswith("stale:") or "after now" in message


def test_max_age_against_the_verifiers_clock(demo: Path) -> None:
    from disarm.audit.directory import verify_directory
    from disarm.audit.freshness import Memory

    far = 1 << 40
    stale = verify_directory(
        demo, allow_simulation_keys=True, memory=Memory(min_size=0, max_age=60, now=far)
    )
    assert stale.disagreement is not None
    assert stale.disagreement.message.startswith("stale:")
    cosigned_at = int(stale.disagreement.computed)
    fresh = verify_directory(
        demo,
        allow_simulation_keys=True,
        memory=Memory(min_size=0, max_age=60, now=cosigned_at + 60),
    )
    assert fresh.ok
    late = verify_directory(
        demo,
        allow_simulation_keys=True,
        memory=Memory(min_size=0, max_age=60, now=cosigned_at + 61),
    )
    assert late.disagreement is not None and late.disagreement.message.startswith("stale:")
    future = verify_directory(
        demo,
        allow_simulation_keys=True,
        memory=Memory(min_size=0, max_age=60, now=cosigned_at - 400),
    )
    assert future.disagreement is not None and "after now" in future.disagreement.message


def test_bad_memory_options_are_bad_input(demo: Path, tmp_path: Path) -> None:
    assert _verify(demo, "--checkpoint", str(tmp_path / "missing.note"))[0] == 2
    seen = tmp_path / "seen.note"
    seen.write_text((demo / S.FINAL_CHECKPOINT_FILE).read_text())
    assert _verify(demo, "--checkpoint", str(seen), "--min-size", "1")[0] == 2
    assert _verify(demo, "--min-size", "-1")[0] == 2
