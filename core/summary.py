"""A report's summary as lists show it: its error and warning counts, and its status in words.

Storage keeps each report's counts with the report (so a list of 2,000 reports reads them instead of
running every rule over every report) but knows no rules: it is given `counts` to call whenever a
report, or the report of the year before it, changes.
"""

from __future__ import annotations

from core.report import Report
from core.rules import check, severity_counts

STATUS_NAMES = {"draft": "草稿", "final": "定稿"}


def counts(report: Report, previous: Report | None) -> tuple[int, int]:
    """(errors, warnings) of `report`, checked against last year's report when there is one."""
    return severity_counts(check(report, previous))
