"""Rebuild the bundled map outlines in ``src/disarm/web/data/`` from the npm registry packages.

Run once by a maintainer, not at install or run time:

    npm install --prefix /tmp/outlines world-atlas@2.0.2 i18n-iso-countries@7.14.0
    PYTHONPATH=src python3 scripts/build_world_outlines.py /tmp/outlines/node_modules

It copies ``world-atlas/countries-110m.json`` unmodified (Natural Earth 1:110m, public domain;
world-atlas ISC), writes ``outline_ids.csv`` (ISO 3166-1 numeric id -> alpha-3, from
i18n-iso-countries' ``codes.json``, MIT) and ``small_states.csv``: for each state of
``treaty_status.csv`` that the 1:110m outlines omit, the centroid of its largest polygon in the
1:10m outlines (``countries-10m.json``), where a dot marks it on the map.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

from disarm.data.treaties import treaty_status
from disarm.web.outlines import decode_arcs, polygons, stitch

OUT = Path(__file__).resolve().parent.parent / "src" / "disarm" / "web" / "data"


def _area_centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if a == 0.0:
        xs, ys = zip(*ring, strict=True)
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(a) / 2, cx / (3 * a), cy / (3 * a)


def main(modules: Path) -> None:
    atlas = modules / "world-atlas"
    codes = json.loads((modules / "i18n-iso-countries" / "codes.json").read_text())
    alpha3 = {numeric: a3 for _a2, a3, numeric, *_ in codes}
    shutil.copyfile(atlas / "countries-110m.json", OUT / "countries-110m.json")
    small = json.loads((atlas / "countries-110m.json").read_text())
    ids = sorted({str(g["id"]) for g in small["objects"]["countries"]["geometries"] if "id" in g})
    with (OUT / "outline_ids.csv").open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["numeric", "iso3"])
        w.writerows([i, alpha3[i]] for i in ids)
    on_map = {alpha3[i] for i in ids}
    states = treaty_status()
    missing = {str(r["iso3"]): str(r["name"]) for _, r in states.iterrows()}
    missing = {k: v for k, v in missing.items() if k not in on_map}
    big = json.loads((atlas / "countries-10m.json").read_text())
    arcs = decode_arcs(big)
    rows = []
    for g in big["objects"]["countries"]["geometries"]:
        iso3 = alpha3.get(str(g.get("id")))
        if iso3 not in missing:
            continue
        parts = [_area_centroid(stitch(arcs, poly[0])) for poly in polygons(g)]
        _, lon, lat = max(parts)
        rows.append([iso3, missing[iso3], f"{lon:.2f}", f"{lat:.2f}"])
    absent = sorted(set(missing) - {r[0] for r in rows})
    if absent:
        sys.exit(f"no 1:10m outline for {', '.join(absent)}")
    with (OUT / "small_states.csv").open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["iso3", "name", "lon", "lat"])
        w.writerows(sorted(rows))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
