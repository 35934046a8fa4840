"""verify.js against a log, witnesses and proofs made by the Python side (the `disarm` CLI),
served from a loopback server and fetched by the page as the dashboard will: valid data passes;
a tampered proof, a wrong checkpoint signature or too few cosignatures fail with their reason
shown. Python's own verifier is asked the same questions and must agree.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner

from disarm.cli.main import app
from disarm.errors import BadInput, VerificationError
from disarm.tlog.bundle import make_bundle, verify_bundle
from disarm.tlog.checkpoint import Checkpoint, open_checkpoint
from disarm.tlog.cosignature import cosign, verify_checkpoint
from disarm.tlog.hashing import leaf_hash
from disarm.tlog.merkle import InMemoryTree
from disarm.tlog.merkle import verify_inclusion as py_verify_inclusion
from disarm.tlog.note import ALG_COSIGNATURE_V1, Signer, Verifier, generate_key, split_note
from tests.web.conftest import LoopbackServer, VerifyJs

# End to end (a log, three witnesses and eleven proofs made with the CLI, then Chromium).
pytestmark = pytest.mark.slow

ORIGIN = "example.org/disarm-webtest"
ENTRIES = ["alpha", "bravo", "charlie", "delta", "echo"]
MORE = ["foxtrot", "golf", "hotel", "india", "juliett", "kilo"]
T0 = 1_790_000_000  # cosignature times, POSIX seconds (2026-09-21)

# A page that fetches the checkpoint, the entry and its proof from its own origin, verifies
# them with verify.js and shows the result, as the dashboard's "verify in my browser" does.
ENTRY_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>verify an entry</title></head>
<body><main><h1>Entry</h1><div id="result" aria-live="polite"></div></main>
<script type="module">
import * as verify from "/static/verify.js";
window.verify = verify;
window.verifyServed = async (index, pins) => {
  const get = async (path) => {
    const response = await fetch(path);
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return response;
  };
  const note = await (await get("/log/checkpoint")).text();
  const proof = await (await get(`/log/proof/${index}.json`)).json();
  const entry = new Uint8Array(await (await get(`/log/entry/${index}`)).arrayBuffer());
  const result = await verify.verifyEntry({
    checkpoint: note, entry, leafHash: verify.fromHex(proof.leaf_hash), index: proof.index,
    proof: proof.proof.map(verify.fromHex), ...pins,
  });
  verify.renderResult(result, document.getElementById("result"));
  return result;
};
</script></body></html>
"""


@dataclass(frozen=True)
class MadeLog:
    """What the CLI made: keys, checkpoints (plain and cosigned), proofs and entries."""

    log_key: str
    witness_keys: list[str]
    small_note: str  # size 5, log signature only
    note: str  # size 11, log signature only
    cosignatures: list[str]  # one line per witness on `note`
    proofs: list[dict[str, Any]]  # `disarm log prove --json` per index at size 11
    consistency: dict[str, Any]  # `disarm log consistency --old 5 --json`
    bundle: str  # `disarm log prove --index 3 --out` (c2sp.org/tlog-proof) at size 11

    def cosigned(self, count: int | None = None) -> str:
        return self.note + "".join(line + "\n" for line in self.cosignatures[:count])

    def pins(self, quorum: int = 2, **extra: Any) -> dict[str, Any]:
        return {"logKey": self.log_key, "witnessKeys": self.witness_keys, "quorum": quorum} | extra


def _run(runner: CliRunner, *args: str, stdin: str | None = None) -> Any:
    result = runner.invoke(app, [*args, "--json"], input=stdin, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> MadeLog:
    tmp = tmp_path_factory.mktemp("cli-log")
    runner = CliRunner()
    log = str(tmp / "log")
    log_key = _run(runner, "log", "init", log, "--origin", ORIGIN)["verifier_key"]
    small = _run(runner, "log", "append", log, "-q", stdin="\n".join(ENTRIES) + "\n")
    (tmp / "small.cp").write_text(small["checkpoint"])
    witnesses, keys = [], []
    for n in (1, 2, 3):
        w = str(tmp / f"w{n}")
        keys.append(
            _run(runner, "witness", "init", w, "--name", f"w{n}.example/witness")["verifier_key"]
        )
        witnesses.append(w)
        _run(
            runner, "witness", "add-log", w, "--log-key", log_key
        )  # witnesses cosign only known logs
        cosign = ["--checkpoint", str(tmp / "small.cp"), "--log-key", log_key, "--time", str(T0)]
        _run(runner, "witness", "cosign", w, *cosign)
    big = _run(runner, "log", "append", log, "-q", stdin="\n".join(MORE) + "\n")
    (tmp / "big.cp").write_text(big["checkpoint"])
    proof_file = tmp / "5-to-11.proof"
    consistency = _run(runner, "log", "consistency", log, "--old", "5", "--out", str(proof_file))
    lines = []
    for w in witnesses:
        args = ["--checkpoint", str(tmp / "big.cp"), "--proof", str(proof_file)]
        out = _run(
            runner, "witness", "cosign", w, *args, "--log-key", log_key, "--time", str(T0 + 60)
        )
        lines.append(out["cosignature"])
    proofs = [_run(runner, "log", "prove", log, "--index", str(i)) for i in range(11)]
    _run(runner, "log", "prove", log, "--index", "3", "--out", str(tmp / "e3.tlog-proof"))
    bundle = (tmp / "e3.tlog-proof").read_text()
    note = big["checkpoint"]
    return MadeLog(log_key, keys, small["checkpoint"], note, lines, proofs, consistency, bundle)


def _serve_log(server: LoopbackServer, made: MadeLog, note: str) -> None:
    server.add("/entry.html", ENTRY_PAGE, "text/html; charset=utf-8")
    server.add("/log/checkpoint", note)
    for i, entry in enumerate(ENTRIES + MORE):
        server.add(f"/log/entry/{i}", entry.encode(), "application/octet-stream")
        server.add(f"/log/proof/{i}.json", json.dumps(made.proofs[i]), "application/json")


class EntryPage:
    def __init__(self, verify_js: VerifyJs, made: MadeLog, note: str) -> None:
        _serve_log(verify_js.server, made, note)
        self.page = verify_js.web.goto("/entry.html")
        self.page.wait_for_function("() => window.verifyServed !== undefined")

    def verify(self, index: int, pins: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.page.evaluate(
            "([i, pins]) => window.verifyServed(i, pins)", [index, pins]
        )
        return result

    def shown(self) -> tuple[str, str]:
        """The status line the page shows and its class."""
        status = self.page.locator("#result p")
        return status.inner_text(), status.get_attribute("class") or ""


def _checks(result: dict[str, Any]) -> list[str]:
    return [c["check"] for c in result["checks"]]


# ----------------------------------------------------------------------------- valid data


def test_every_entry_of_the_python_log_verifies_in_the_browser(
    verify_js: VerifyJs, made: MadeLog
) -> None:
    page = EntryPage(verify_js, made, made.cosigned())
    for index in range(11):
        result = page.verify(index, made.pins(quorum=3, origin=ORIGIN, notAfter=T0 + 3600))
        assert result["reason"] is None, index
        assert result["ok"] is True
        assert _checks(result) == [
            "note",
            "log signature",
            "checkpoint",
            "origin",
            *["cosignature"] * 3,
            "quorum",
            "leaf hash",
            "inclusion proof",
        ]
        assert result["leafHash"] == made.proofs[index]["leaf_hash"]
        assert result["checkpoint"]["size"] == "11"
    assert page.shown() == ("Verified.", "verify-ok")
    items = page.page.locator("#result li.verify-ok")
    assert items.count() == 10 and items.nth(1).inner_text().startswith("✓ log signature")


def test_python_accepts_what_the_browser_accepts(verify_js: VerifyJs, made: MadeLog) -> None:
    result = verify_js.call("verifyCheckpoint", made.cosigned(), made.pins(quorum=3))
    assert result["ok"]
    witnesses = [Verifier.from_key_string(k) for k in made.witness_keys]
    python = verify_checkpoint(
        made.cosigned(), Verifier.from_key_string(made.log_key), witnesses, 3, origin=ORIGIN
    )
    assert [(c["name"], int(c["timestamp"])) for c in result["cosigners"]] == list(python.cosigners)
    assert (
        result["checkpoint"]["rootHash"] == base64.b64encode(python.checkpoint.root_hash).decode()
    )
    assert [c["keyId"] for c in result["cosigners"]] == [w.key_id for w in witnesses]


def test_the_python_consistency_proof_verifies_and_a_rollback_does_not(
    verify_js: VerifyJs, made: MadeLog
) -> None:
    c = made.consistency
    proof = [base64.b64encode(bytes.fromhex(h)).decode() for h in c["proof"]]
    old = base64.b64encode(bytes.fromhex(c["old_root"])).decode()
    new = base64.b64encode(bytes.fromhex(c["new_root"])).decode()
    ok = verify_js.call(
        "verifyConsistency", {"size1": 5, "size2": 11, "proof": proof, "root1": old, "root2": new}
    )
    assert (
        ok["ok"]
        and ok["checks"][-1]["detail"] == "the tree of size 5 is a prefix of the tree of size 11"
    )
    rollback = verify_js.call(
        "verifyConsistency", {"size1": 11, "size2": 5, "proof": proof, "root1": new, "root2": old}
    )
    assert rollback["reason"] == "old tree size 11 is larger than new tree size 5 (a rollback)"
    # The checkpoints the CLI signed carry these roots.
    small = verify_js.call("verifyCheckpoint", made.small_note, made.pins(quorum=0))
    assert small["checkpoint"]["rootHash"] == old


def test_the_key_ids_match_the_python_ones(verify_js: VerifyJs, made: MadeLog) -> None:
    results = verify_js.call_many(
        "parseVerifierKey", [[k] for k in [made.log_key, *made.witness_keys]]
    )
    for key, result in zip([made.log_key, *made.witness_keys], results, strict=True):
        v = Verifier.from_key_string(key)
        assert (
            result["ok"] and result["key"]["keyId"] == v.key_id and result["key"]["type"] == v.alg
        )
    name, kid, b64 = made.log_key.split("+", 2)
    wrong_id = f"{name}+{int(kid, 16) ^ 1:08x}+{b64}"
    bad = verify_js.call("parseVerifierKey", wrong_id)
    assert (
        bad["reason"]
        == f"verifier key {name}: key ID {int(kid, 16) ^ 1:08x} does not match the key"
    )
    with pytest.raises(BadInput):
        Verifier.from_key_string(wrong_id)


# ----------------------------------------------------------------------------- failures shown


def _flip_last_signature_byte(note: str, line_no: int) -> str:
    """Flip one bit in the signature of the `line_no`-th signature line."""
    text, sigs = split_note(note)
    lines = note[len(text) + 1 :].splitlines()
    name, b64 = lines[line_no].split(" ")[1:]
    raw = bytearray(base64.b64decode(b64))
    raw[-1] ^= 0x01
    lines[line_no] = f"— {name} {base64.b64encode(bytes(raw)).decode()}"
    assert len(sigs) == len(lines)
    return text + "\n" + "".join(line + "\n" for line in lines)


def test_a_tampered_proof_fails_with_its_reason_shown(verify_js: VerifyJs, made: MadeLog) -> None:
    page = EntryPage(verify_js, made, made.cosigned())
    tampered = dict(made.proofs[4])
    hashes = list(tampered["proof"])
    hashes[1] = ("0" if hashes[1][0] != "0" else "1") + hashes[1][1:]
    tampered["proof"] = hashes
    verify_js.server.add("/log/proof/4.json", json.dumps(tampered), "application/json")
    result = page.verify(4, made.pins())
    assert not result["ok"]
    assert result["reason"].startswith(
        "inclusion proof for leaf 4 does not lead to the root of tree size 11"
    )
    assert result["checks"][-1] == {
        "check": "inclusion proof",
        "ok": False,
        "detail": result["reason"],
    }
    text, cls = page.shown()
    assert cls == "verify-fail"
    assert text == f"Verification FAILED: {result['reason']}"
    assert page.page.locator("#result li.verify-fail").count() == 1
    with pytest.raises(VerificationError):  # Python agrees
        py_verify_inclusion(
            bytes.fromhex(tampered["leaf_hash"]),
            4,
            11,
            [bytes.fromhex(h) for h in hashes],
            bytes.fromhex(tampered["root"]),
        )


def test_a_wrong_checkpoint_signature_fails_with_its_reason_shown(
    verify_js: VerifyJs, made: MadeLog
) -> None:
    forged = _flip_last_signature_byte(made.cosigned(), 0)  # the log's own line
    page = EntryPage(verify_js, made, forged)
    result = page.verify(0, made.pins())
    kid = made.log_key.split("+")[1]
    assert result["reason"] == f"signature by {ORIGIN} ({kid}) does not verify"
    assert _checks(result) == ["note", "log signature"]
    assert page.shown() == (f"Verification FAILED: {result['reason']}", "verify-fail")
    with pytest.raises(VerificationError):
        open_checkpoint(forged, Verifier.from_key_string(made.log_key))


def test_a_checkpoint_signed_by_another_key_of_the_same_name_fails(
    verify_js: VerifyJs, made: MadeLog
) -> None:
    impostor = Signer.from_key_string(generate_key(ORIGIN, b"\x07" * 32)[0])
    text, _ = split_note(made.note)
    note = text + "\n" + impostor.sign(text) + "".join(line + "\n" for line in made.cosignatures)
    page = EntryPage(verify_js, made, note)
    result = page.verify(0, made.pins())
    assert result["reason"] == (
        f"checkpoint is not signed by the pinned log key {'+'.join(made.log_key.split('+', 2)[:2])}"
    )
    with pytest.raises(VerificationError):
        open_checkpoint(note, Verifier.from_key_string(made.log_key))


def test_too_few_cosignatures_fail_with_the_quorum_shown(
    verify_js: VerifyJs, made: MadeLog
) -> None:
    page = EntryPage(verify_js, made, made.cosigned(1))
    result = page.verify(2, made.pins(quorum=2))
    assert result["reason"] == (
        "checkpoint has 1 valid cosignatures from pinned witnesses; the quorum is 2"
    )
    assert _checks(result)[-2:] == ["cosignature", "quorum"]
    assert page.shown()[1] == "verify-fail"
    witnesses = [Verifier.from_key_string(k) for k in made.witness_keys]
    with pytest.raises(VerificationError, match="the quorum is 2"):
        verify_checkpoint(made.cosigned(1), Verifier.from_key_string(made.log_key), witnesses, 2)


def test_cosignature_rules(verify_js: VerifyJs, made: MadeLog) -> None:
    """Unknown cosigners are ignored; a bad cosignature by a pinned witness rejects; a
    cosignature dated after `notAfter` rejects; the quorum must be given."""
    stranger = Signer.from_key_string(
        generate_key("stranger.example/w", b"\x09" * 32, alg=ALG_COSIGNATURE_V1)[0]
    )
    text, _ = split_note(made.note)
    with_stranger = made.cosigned(2) + cosign(Checkpoint.parse(text), stranger, T0)
    forged_w2 = _flip_last_signature_byte(made.cosigned(), 2)
    cases = [
        [with_stranger, made.pins(quorum=2)],
        [with_stranger, made.pins(quorum=3)],
        [forged_w2, made.pins(quorum=1)],
        [made.cosigned(), made.pins(quorum=1, notAfter=T0)],
        [made.cosigned(), {"logKey": made.log_key, "witnessKeys": made.witness_keys}],
        [made.cosigned(), made.pins(quorum=0, logKey=made.witness_keys[0])],
        [made.cosigned(), made.pins(quorum=1, witnessKeys=[made.log_key])],
    ]
    reasons = [r["reason"] for r in verify_js.call_many("verifyCheckpoint", cases)]
    w2 = made.witness_keys[1].split("+")
    assert reasons == [
        None,
        "checkpoint has 2 valid cosignatures from pinned witnesses; the quorum is 3",
        f"cosignature by {w2[0]} ({w2[1]}) does not verify",
        f"cosignature by w1.example/witness is dated in the future ({_iso(T0 + 60)})",
        "the witness quorum must be given, between 0 and 3",
        "log key w1.example/witness is not an Ed25519 (type 0x01) key",
        f"witness key {ORIGIN} is not a cosignature (type 0x04) key",
    ]


def _iso(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


# ----------------------------------------------------------------------------- parsing agrees


NOTE_CASES = [
    "a\n\n— k AAAAAAA=\n",
    "a\n\n— k AAAAAAA=",  # last line without newline
    "a\n— k AAAAAAA=\n",  # no blank line
    "a\r\n\n— k AAAAAAA=\n",  # CR
    "a\n\n— k AAAAAAA\n",  # not padded
    "a\n\n— k AAAA\n",  # too short for key ID and signature
    "a\n\n-- k AAAAAAA=\n",  # not an em dash
    "a\n\n— k+x AAAAAAA=\n",  # '+' in the name
    "a\n\n— k  AAAAAAA=\n",  # two spaces
    "a\n\n",
    "a\n\n— k AAAAAAA=\n— j AAAAAAAA\n",
]


def test_note_parsing_agrees_with_python(verify_js: VerifyJs) -> None:
    results = verify_js.call_many("splitNote", [[n] for n in NOTE_CASES])
    for note, result in zip(NOTE_CASES, results, strict=True):
        try:
            text, sigs = split_note(note)
        except BadInput:
            assert not result["ok"], note
        else:
            assert result["ok"], (note, result["reason"])
            assert result["text"] == text
            assert [(s["name"], s["keyId"]) for s in result["signatures"]] == [
                (s.name, s.key_id) for s in sigs
            ]


CHECKPOINT_CASES = [
    "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
    "o\n18446744073709551615\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
    "o\n18446744073709551616\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
    "o\n01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
    "o\n-1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
    "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n",
    "o\n1\nZG9uJ3QgY2FyZSAy\n",
    " o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
    "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\n",
    "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    "o\n1\n",
    "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next\tone\n",
    "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n",
]


def test_checkpoint_parsing_agrees_with_python(verify_js: VerifyJs) -> None:
    results = verify_js.call_many("parseCheckpoint", [[c] for c in CHECKPOINT_CASES])
    for text, result in zip(CHECKPOINT_CASES, results, strict=True):
        try:
            cp = Checkpoint.parse(text)
        except BadInput:
            assert not result["ok"], text
        else:
            assert result["ok"], (text, result["reason"])
            assert result["checkpoint"]["size"] == str(cp.size)
            assert result["checkpoint"]["extensions"] == list(cp.extensions)


def test_a_reason_is_shown_as_text_never_as_markup(verify_js: VerifyJs) -> None:
    shown = verify_js.page.evaluate(
        """() => {
          const box = document.getElementById("result");
          const reason = "checkpoint is for another log: <img src=x onerror=alert(1)>";
          window.verify.renderResult(
            { ok: false, reason, checks: [{ check: "origin", ok: false, detail: reason }] }, box);
          return [box.querySelectorAll("img").length, box.querySelector("p").textContent];
        }"""
    )
    assert shown == [
        0,
        "Verification FAILED: checkpoint is for another log: <img src=x onerror=alert(1)>",
    ]


# ----------------------------------------------------------------------------- proof bundles


def _bundles(made: MadeLog) -> list[str]:
    tree = InMemoryTree([leaf_hash(e.encode()) for e in ENTRIES + MORE])
    return [
        make_bundle(tree, e.encode(), i, made.cosigned()).format()
        for i, e in enumerate(ENTRIES + MORE)
    ]


def test_proof_bundles_verify_in_the_browser_as_in_python(
    verify_js: VerifyJs, made: MadeLog
) -> None:
    bundles = _bundles(made)
    results = verify_js.call_many("verifyProofBundle", [[b, made.pins(quorum=3)] for b in bundles])
    assert [r["reason"] for r in results] == [None] * 11
    for i, (bundle, result) in enumerate(zip(bundles, results, strict=True)):
        python = verify_bundle(bundle, made.log_key, made.witness_keys, 3)
        assert result["index"] == str(python.index) == str(i)
        assert result["leafHash"] == python.leaf_hash.hex()
        assert [(c["name"], int(c["timestamp"])) for c in result["cosigners"]] == list(
            python.cosigners
        )
    # The bundle the CLI wrote (its checkpoint carries the log's signature only).
    cli = verify_js.call("verifyProofBundle", made.bundle, made.pins(quorum=0))
    assert cli["ok"] and cli["leafHash"] == made.proofs[3]["leaf_hash"]
    assert verify_bundle(made.bundle, made.log_key, made.witness_keys, 0).index == 3


def test_bad_proof_bundles_fail_with_their_reason(verify_js: VerifyJs, made: MadeLog) -> None:
    bundle = _bundles(made)[6]
    head, _, note = bundle.partition("\n\n")
    lines = head.split("\n")
    flipped = base64.b64decode(lines[3])
    lines[3] = base64.b64encode(bytes([flipped[0] ^ 0x80]) + flipped[1:]).decode()
    tampered_proof = "\n".join(lines) + "\n\n" + note
    other_entry = bundle.replace(
        "extra " + base64.b64encode(b"golf").decode(), "extra " + base64.b64encode(b"gulf").decode()
    )
    no_entry = "\n".join(x for x in head.split("\n") if not x.startswith("extra ")) + "\n\n" + note
    cases = [
        [tampered_proof, made.pins()],
        [other_entry, made.pins()],
        [no_entry, made.pins()],
        [no_entry, made.pins(entry=base64.b64encode(b"golf").decode())],
        [bundle, made.pins(entry=base64.b64encode(b"gulf").decode())],
        [bundle.replace("@v1", "@v2", 1), made.pins()],
        [bundle, made.pins(quorum=3, witnessKeys=made.witness_keys, logKey=made.witness_keys[0])],
    ]
    results = verify_js.call_many("verifyProofBundle", cases)
    reasons = [r["reason"] for r in results]
    assert reasons[0].startswith("inclusion proof for leaf 6 does not lead to the root")
    assert reasons[1].startswith("inclusion proof for leaf 6 does not lead to the root")
    assert reasons[2:] == [
        "the bundle carries no entry (no 'extra' line); give the entry",
        None,
        "the entry given differs from the entry in the bundle",
        "proof bundle must start with the line c2sp.org/tlog-proof@v1",
        "log key w1.example/witness is not an Ed25519 (type 0x01) key",
    ]
    # Python agrees on each, including a witness (type 0x04) key given as the log key.
    for (text, pins), result in zip(cases, results, strict=True):
        entry = base64.b64decode(pins["entry"]) if "entry" in pins else None
        try:
            verify_bundle(text, pins["logKey"], pins["witnessKeys"], pins["quorum"], entry=entry)
        except (BadInput, VerificationError):
            assert not result["ok"]
        else:
            assert result["ok"]
