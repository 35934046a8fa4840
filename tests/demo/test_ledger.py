"""The demo's log writer refuses a statement dated before its issuer's previous one."""

from __future__ import annotations

from pathlib import Path

import pytest
from nacl.signing import SigningKey

from disarm.demo import statements as S
from disarm.demo.ledger import Ledger, Witness
from disarm.errors import BadInput
from disarm.service.registry import Signer
from disarm.tlog.note import Signer as NoteSigner


def test_the_ledger_refuses_to_backdate_and_allows_equal_times(tmp_path: Path) -> None:
    insp = Signer(S.INSPECTORATE, SigningKey(bytes([1]) * 32))
    ledger = Ledger(
        tmp_path,
        insp,
        NoteSigner(S.LOG_ORIGIN, 0x01, bytes([2]) * 32),
        [Witness(NoteSigner(w, 0x04, bytes([3 + n]) * 32)) for n, w in enumerate(S.WITNESSES)],
    )
    genesis = {"party": insp.party, "role": "inspectorate", "public_key": insp.public_key.hex()}
    ledger.issue(insp, "registry.genesis", genesis, "2026-03-01T00:00:00Z")
    ledger.issue(insp, "programme.phase", {"n": 1}, "2026-03-01T00:00:00Z")
    with pytest.raises(BadInput, match="dated before 2026-03-01T00:00:00Z"):
        ledger.issue(insp, "programme.phase", {"n": 2}, "2026-02-28T23:59:59Z")
    assert len(ledger.pending) == 2 and ledger.positions[insp.party][0] == 2
    ledger.store.close()
