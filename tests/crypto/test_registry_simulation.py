"""The simulation marker (issue 14.6): a key registered with ``"simulation": true`` is recorded
as a simulation key, per key, and every other value of the field is refused."""

from __future__ import annotations

from typing import Any

import pytest

from disarm.crypto.registry import SIMULATION, Registry
from disarm.crypto.statements import Reason, StatementRejected, key_id

from .helpers import Chain, bootstrap, key, pub


def _genesis(extra: dict[str, Any]) -> tuple[Registry, Chain]:
    insp = key(1)
    reg, ic = Registry(pub(insp)), Chain("IAEA-X", insp)
    payload = {"party": "IAEA-X", "role": "inspectorate", "public_key": pub(insp).hex(), **extra}
    reg.apply(ic.make("registry.genesis", payload))
    return reg, ic


def _register(ic: Chain, party: str, seed: int, extra: dict[str, Any]) -> Any:
    payload = {"party": party, "role": "state", "public_key": pub(key(seed)).hex(), **extra}
    return ic.make("registry.register", payload)


def test_a_key_registered_without_the_marker_is_a_real_key() -> None:
    reg, _, _ = bootstrap()
    assert reg.simulation_keys() == []
    assert all(not k.simulation for p in reg.parties.values() for k in p.keys.values())
    listed = reg.parties["STATE-A"].to_json()["keys"]
    assert [k["simulation"] for k in listed] == [False]


def test_the_marker_is_recorded_per_key_in_registration_order() -> None:
    reg, ic = _genesis({SIMULATION: True})
    reg.apply(_register(ic, "STATE-A", 2, {}))
    reg.apply(_register(ic, "STATE-B", 3, {SIMULATION: True}))
    marked = [(party, rec.key_id) for party, rec in reg.simulation_keys()]
    assert marked == [("IAEA-X", key_id(pub(key(1)))), ("STATE-B", key_id(pub(key(3))))]
    assert not reg.parties["STATE-A"].keys[key_id(pub(key(2)))].simulation
    assert reg.parties["STATE-B"].to_json()["keys"][0]["simulation"] is True


def test_a_rotation_keeps_the_retired_simulation_key_visible() -> None:
    """Rotating a demo key to a fresh key does not launder the statements the demo key signed:
    the retired key is still listed as a simulation key."""
    reg, ic = _genesis({})
    reg.apply(_register(ic, "STATE-A", 2, {SIMULATION: True}))
    sc = Chain("STATE-A", key(2))
    reg.apply(sc.make("registry.rotate", {"new_public_key": pub(key(5)).hex()}))
    assert [p for p, _ in reg.simulation_keys()] == ["STATE-A"]
    sc.key = key(5)
    reg.apply(sc.make("registry.rotate", {"new_public_key": pub(key(6)).hex(), SIMULATION: True}))
    assert len(reg.simulation_keys()) == 2


@pytest.mark.parametrize("value", [False, "true", 1, None, {}])
def test_any_other_value_of_the_marker_is_refused(value: Any) -> None:
    """One encoding only: absent (a real key) or exactly true, in every statement that adds a
    key, the genesis included."""
    with pytest.raises(StatementRejected) as info:
        _genesis({SIMULATION: value})
    assert info.value.reason is Reason.MALFORMED
    reg, ic = _genesis({})
    with pytest.raises(StatementRejected) as info:
        reg.apply(_register(ic, "STATE-A", 2, {SIMULATION: value}))
    assert info.value.reason is Reason.MALFORMED and SIMULATION in info.value.message
    assert "STATE-A" not in reg.parties
