"""Self-contained HTML reports: charts of declared series against ceiling schedules, verdict tables.

`render_html(ReportData)` renders; `disarm.report.build` turns an engine evaluation (or a
programme's schedule alone) into `ReportData`. The package does no I/O beyond reading its
template (package data) and reads no clock; the CLI writes the file.
"""

from disarm.report.document import CategoryInfo, PhaseInfo, ReportData, Table
from disarm.report.render import render_html

__all__ = ["CategoryInfo", "PhaseInfo", "ReportData", "Table", "render_html"]
