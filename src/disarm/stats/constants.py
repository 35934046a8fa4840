"""Safeguards constants with their sources: significant quantities and the sigma-MUF goal.

Significant quantity (SQ): "the approximate amount of nuclear material for which the
possibility of manufacturing a nuclear explosive device cannot be excluded" -- IAEA Safeguards
Glossary, 2001 edition (International Nuclear Verification Series No. 3), para. 3.14 and its
Table II; the values are unchanged in the 2022 edition. Direct-use material is listed first.

sigma-MUF goal: a material balance test that alarms when MUF > c has false-alarm probability
alpha = P(MUF > c | no loss) and detection probability 1 - beta = P(MUF > c | loss M). With
MUF ~ N(0, s^2) under no loss and N(M, s^2) under loss M: c = z_(1-alpha) s and
M = (z_(1-alpha) + z_(1-beta)) s, so detecting one SQ with probability 1 - beta at false-alarm
probability alpha needs s <= SQ / (z_(1-alpha) + z_(1-beta)). For alpha = beta = 0.05:
z_0.95 = 1.6449 and s <= SQ / 3.29 (the "SQ / 3.3" rule of thumb).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

from disarm.errors import BadInput

GLOSSARY_SOURCE = (
    "IAEA Safeguards Glossary, 2001 Edition, International Nuclear Verification Series No. 3, "
    "para. 3.14, Table II (values unchanged in the 2022 Edition)"
)


@dataclass(frozen=True)
class SignificantQuantity:
    material: str
    amount_kg: float
    basis: str
    direct_use: bool
    source: str = GLOSSARY_SOURCE


SIGNIFICANT_QUANTITIES: dict[str, SignificantQuantity] = {
    "Pu": SignificantQuantity("Pu", 8.0, "total element (Pu with < 80 % Pu-238)", True),
    "U-233": SignificantQuantity("U-233", 8.0, "total isotope", True),
    "HEU": SignificantQuantity("HEU", 25.0, "U-235 contained (U enriched to >= 20 %)", True),
    "LEU": SignificantQuantity("LEU", 75.0, "U-235 contained (U enriched to < 20 %)", False),
    "natural-U": SignificantQuantity("natural-U", 10_000.0, "total element", False),
    "depleted-U": SignificantQuantity("depleted-U", 20_000.0, "total element", False),
    "Th": SignificantQuantity("Th", 20_000.0, "total element", False),
}

#: 1 SQ of plutonium, kg.
SQ_PU_KG = SIGNIFICANT_QUANTITIES["Pu"].amount_kg
#: 1 SQ of high-enriched uranium, kg of U-235.
SQ_HEU_KG = SIGNIFICANT_QUANTITIES["HEU"].amount_kg


def detection_factor(false_alarm: float = 0.05, detection: float = 0.95) -> float:
    """z_(1-alpha) + z_(1-beta): the loss, in sigma-MUF, detected with these probabilities."""
    for name, p in (("false-alarm probability", false_alarm), ("detection probability", detection)):
        if not 0.0 < p < 1.0:
            raise BadInput(f"the {name} must be in (0, 1), got {p}")
    # The standard library's normal quantile (Wichura's AS 241, ~1e-16 relative): no SciPy.
    z = NormalDist().inv_cdf
    return z(1.0 - false_alarm) + z(detection)


def sigma_muf_goal(
    significant_quantity: float, false_alarm: float = 0.05, detection: float = 0.95
) -> float:
    """Largest sigma-MUF that detects a loss of `significant_quantity` in one balance test."""
    if not significant_quantity > 0:
        raise BadInput(f"the significant quantity must be positive, got {significant_quantity}")
    return significant_quantity / detection_factor(false_alarm, detection)


def significant_quantity(material: str) -> SignificantQuantity:
    try:
        return SIGNIFICANT_QUANTITIES[material]
    except KeyError:
        known = ", ".join(SIGNIFICANT_QUANTITIES)
        raise BadInput(f"unknown material {material!r}: use one of {known}") from None
