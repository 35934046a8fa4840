"""Significant quantities and the sigma-MUF goal."""

from __future__ import annotations

import pytest
from scipy.stats import norm

from disarm.errors import BadInput
from disarm.stats.constants import (
    SIGNIFICANT_QUANTITIES,
    SQ_HEU_KG,
    SQ_PU_KG,
    detection_factor,
    sigma_muf_goal,
    significant_quantity,
)


def test_significant_quantities_from_the_glossary() -> None:
    assert SQ_PU_KG == 8.0
    assert SQ_HEU_KG == 25.0
    assert SIGNIFICANT_QUANTITIES["U-233"].amount_kg == 8.0
    assert SIGNIFICANT_QUANTITIES["LEU"].amount_kg == 75.0
    for sq in SIGNIFICANT_QUANTITIES.values():
        assert "Safeguards Glossary" in sq.source and "3.14" in sq.source


def test_goal_factor_is_two_normal_quantiles() -> None:
    # z_0.95 = 1.644853626951...; 2 z_0.95 = 3.2897 (the "SQ / 3.3" rule).
    assert detection_factor() == pytest.approx(3.289707253902945, rel=1e-12)
    assert detection_factor(0.05, 0.95) == pytest.approx(2 * norm.isf(0.05))
    assert detection_factor(0.01, 0.90) == pytest.approx(norm.isf(0.01) + norm.isf(0.10))


def test_sigma_muf_goal_values() -> None:
    assert sigma_muf_goal(SQ_PU_KG) == pytest.approx(8.0 / 3.2897072539, rel=1e-9)
    assert sigma_muf_goal(SQ_PU_KG) == pytest.approx(2.4318, abs=1e-4)
    assert sigma_muf_goal(SQ_HEU_KG) == pytest.approx(7.5994, abs=1e-4)


def test_a_loss_of_one_sq_at_the_goal_is_detected_with_95_percent() -> None:
    s = sigma_muf_goal(SQ_PU_KG)
    threshold = norm.isf(0.05, scale=s)
    assert norm.sf(threshold, loc=SQ_PU_KG, scale=s) == pytest.approx(0.95, abs=1e-12)


def test_bad_arguments() -> None:
    with pytest.raises(BadInput):
        detection_factor(0.0, 0.95)
    with pytest.raises(BadInput):
        sigma_muf_goal(-1.0)
    with pytest.raises(BadInput, match="unknown material"):
        significant_quantity("Am")
