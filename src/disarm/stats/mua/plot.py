"""A figure of MUF, SITMUF and Page's statistic over the balance periods (matplotlib).

The figure is built without pyplot (no GUI backend, no global state); the caller saves it with
`Figure.savefig`, which renders PNG or SVG by the file name's suffix (Agg for raster).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from disarm.stats.mua.model import FloatArray


def balance_figure(
    *,
    title: str,
    unit: str,
    muf: FloatArray,
    sigma_muf: FloatArray,
    sitmuf: FloatArray,
    page: FloatArray,
    threshold: float,
    k: float,
    first_alarm: int | None,
) -> Figure:
    """Three stacked panels sharing the period axis; the alarm threshold h on Page's panel."""
    periods = np.arange(1, muf.shape[0] + 1)
    fig = Figure(figsize=(9, 8), layout="constrained")
    ax_muf, ax_sit, ax_page = fig.subplots(3, 1, sharex=True)
    ax_muf.bar(periods, muf, color="#4c72b0", label="MUF")
    ax_muf.plot(periods, 2 * sigma_muf, "k--", lw=1, label="±2 σMUF")
    ax_muf.plot(periods, -2 * sigma_muf, "k--", lw=1)
    ax_muf.plot(periods, np.cumsum(muf), color="#dd8452", marker=".", label="cumulative MUF")
    ax_muf.axhline(0, color="grey", lw=0.5)
    ax_muf.set_ylabel(f"MUF ({unit})")
    ax_muf.legend(loc="best", fontsize="small")

    ax_sit.plot(periods, sitmuf, color="#55a868", marker="o", ms=3, label="SITMUF")
    ax_sit.axhline(0, color="grey", lw=0.5)
    ax_sit.axhline(k, color="#55a868", ls=":", lw=1, label=f"reference value k = {k:g}")
    ax_sit.set_ylabel("SITMUF (σ)")
    ax_sit.legend(loc="best", fontsize="small")

    ax_page.plot(periods, page, color="#c44e52", marker="o", ms=3, label="Page's statistic S")
    ax_page.axhline(
        threshold, color="k", ls="--", lw=1, label=f"alarm threshold h = {threshold:.3g}"
    )
    if first_alarm is not None:
        ax_page.axvline(first_alarm, color="#c44e52", ls=":", lw=1)
        ax_page.annotate(
            f"first alarm: period {first_alarm}",
            (first_alarm, threshold),
            xytext=(5, 10),
            textcoords="offset points",
            fontsize="small",
        )
    ax_page.set_ylim(0, 1.3 * max(threshold, float(page.max(initial=0.0))))
    ax_page.set_ylabel("S")
    ax_page.set_xlabel("balance period")
    ax_page.legend(loc="upper left", fontsize="small")
    fig.suptitle(title)
    return fig
