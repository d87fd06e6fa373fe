"""A new year's report started from last year's: carried-over cells pre-filled, narrative copied as a draft.

Which cells carry over is read from the format's year checks: a check with no plus/minus terms says
`cell = last year's previous`, so the new report starts with that value. Checks with terms (documents in
force) need nothing stored; the YEAR.* rules compare against last year's report when they run.
"""

from __future__ import annotations

from core.format import CURRENT
from core.model.report import Report
from core.rules.table import resolved_values


def new_from_previous(previous: Report, year: int, format_id: str = CURRENT) -> Report:
    """This year's draft: last year's texts as a starting point, carry-over cells filled, the rest blank."""
    report = Report.blank(previous.agency, year, format_id)
    before = resolved_values(previous)
    for check in report.spec.year_checks:
        derived = report.spec.cells[check.cell].derived  # a total stays computed, not a given number
        if not check.plus and not check.minus and not derived:
            report.values[check.cell] = before[check.previous]
    for key in report.texts:
        text = previous.texts.get(key, "")
        if text.strip():
            report.texts[key] = text
    return report
