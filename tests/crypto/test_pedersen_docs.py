"""docs/escrow.md states the Pedersen second generator completely (issue 15, point 25): a reader
re-implementing the sum check from the docs alone gets the same H as the code."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from nacl.bindings import crypto_core_ed25519_from_uniform

from disarm.crypto.pedersen import H_DOMAIN, H

DOC = Path(__file__).resolve().parents[2] / "docs" / "escrow.md"


def test_the_docs_give_the_domain_string_and_h_that_the_code_uses() -> None:
    text = DOC.read_text(encoding="utf-8")
    domain = re.search(r'H_DOMAIN = "([^"]+)"', text)
    assert domain is not None, "docs/escrow.md must state H_DOMAIN in full"
    stated_length = re.search(r"those (\d+) ASCII bytes", text)
    assert stated_length is not None
    assert domain.group(1).encode("ascii") == H_DOMAIN
    assert int(stated_length.group(1)) == len(H_DOMAIN)
    derived = crypto_core_ed25519_from_uniform(
        hashlib.sha512(domain.group(1).encode()).digest()[:32]
    )
    assert bytes(derived) == H
    stated_h = re.search(r"=\s+([0-9a-f]{64})\s", text)
    assert stated_h is not None and bytes.fromhex(stated_h.group(1)) == H
