"""A report's summary as lists show it: its error and warning counts, and its status in words.

Storage keeps each report's counts with the report (so a list of 2,000 reports reads them instead of
running every rule over every report) but knows no rules: it is given `counts` to call whenever a
report, or the report of the year before it, changes.
"""

from __future__ import annotations

from core import __version__
from core.report import Report
from core.rules import check, severity_counts, without_dismissed
from core.vocabulary import ReportStatus

STATUS_NAMES = {s.value: s.chinese for s in ReportStatus}  # the names, declared in core.vocabulary
# Kept counts made by another version are counted again: bump the revision when a rule changes what it
# finds between releases (a release changes __version__ anyway).
_RULES_REVISION = 1


class _Counts:
    version = f"{__version__}/{_RULES_REVISION}"

    def __call__(
        self, report: Report, previous: Report | None, dismissed: frozenset[str] = frozenset()
    ) -> tuple[int, int]:
        """(errors, warnings) of `report`, checked against last year's report when there is one; a
        dismissed warning counts nowhere."""
        return severity_counts(without_dismissed(check(report, previous), dismissed)[0])


counts = _Counts()
