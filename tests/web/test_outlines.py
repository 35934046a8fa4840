from __future__ import annotations

import hashlib
import itertools
import math
from importlib import resources

import pytest

from disarm.data.treaties import treaty_status
from disarm.web.outlines import (
    cut_antimeridian,
    decode_arcs,
    equal_earth,
    features,
    outline_ids,
    simplify,
    small_states,
    stitch,
    topology,
)


def test_equal_earth_matches_the_published_extent() -> None:
    # Šavrič et al. 2018: x(180°, 0) = 2√3·π / (3·A1); the map's width:height is about 2.05.
    assert equal_earth(0, 0) == (0.0, 0.0)
    x_max, _ = equal_earth(180, 0)
    _, y_max = equal_earth(0, 90)
    assert x_max == pytest.approx(2 * math.sqrt(3) * math.pi / (3 * 1.340264))
    assert y_max == pytest.approx(1.3173627, abs=1e-6)
    assert x_max / y_max == pytest.approx(2.05, abs=0.01)
    assert equal_earth(-30, -45) == pytest.approx(tuple(-v for v in equal_earth(30, 45)))


def test_simplify_drops_points_within_the_tolerance_and_keeps_the_ends() -> None:
    line = [(0.0, 0.0), (1.0, 0.1), (2.0, -0.1), (3.0, 5.0), (4.0, 0.0)]
    assert simplify(line, 0.5) == [(0.0, 0.0), (2.0, -0.1), (3.0, 5.0), (4.0, 0.0)]
    assert simplify(line, 10) == [(0.0, 0.0), (4.0, 0.0)]
    assert simplify(line, 0) == line


def test_topojson_arcs_are_delta_decoded_and_stitched() -> None:
    topo = {"transform": {"scale": [1, 2], "translate": [10, 20]}, "arcs": [[[0, 0], [1, 1]]]}
    assert decode_arcs(topo) == [[(10, 20), (11, 22)]]
    arcs = [[(0.0, 0.0), (1.0, 0.0)], [(1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]]
    assert stitch(arcs, [0, 1]) == [(0, 0), (1, 0), (1, 1), (0, 0)]
    assert stitch(arcs, [~1, ~0]) == [(0, 0), (1, 1), (1, 0), (0, 0)]


def test_a_ring_across_the_180th_meridian_is_cut_into_one_piece_per_side() -> None:
    ring = [(170.0, 0.0), (-170.0, 0.0), (-170.0, 10.0), (170.0, 10.0), (170.0, 0.0)]
    pieces = cut_antimeridian(ring)
    assert len(pieces) == 2
    for piece in pieces:
        lons = {lon for lon, _ in piece}
        assert lons <= {170.0, 180.0} or lons <= {-170.0, -180.0}
        assert piece[0] == piece[-1]
        assert {lat for lon, lat in piece if abs(lon) == 180.0} >= {0.0, 10.0}
    square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    assert cut_antimeridian(square) == [square]


def test_no_projected_edge_spans_the_world() -> None:
    for feature in features(equal_earth, 0.0, skip=frozenset({"ATA"})):
        for ring in feature.rings:
            for (x1, _), (x2, _) in itertools.pairwise(ring):
                assert abs(x2 - x1) < 1.0, feature.name


def test_the_bundled_outlines_are_world_atlas_unmodified() -> None:
    data = resources.files("disarm.web").joinpath("data", "countries-110m.json").read_bytes()
    sources = resources.files("disarm.web").joinpath("data", "SOURCES.md").read_text()
    assert hashlib.sha256(data).hexdigest() in sources
    assert len(topology()["objects"]["countries"]["geometries"]) == 177


def test_every_state_of_the_treaty_data_is_an_outline_or_a_dot() -> None:
    states = set(treaty_status()["iso3"])
    outlined = set(outline_ids().values()) & states
    dotted = {m.iso3 for m in small_states()}
    assert not outlined & dotted
    assert outlined | dotted == states
    assert len(dotted) == 31
    for m in small_states():
        assert -180 <= m.lon <= 180 and -90 <= m.lat <= 90
