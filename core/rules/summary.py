"""A report's summary as lists show it: its error and warning counts, and its status in words.

Storage keeps each report's counts with the report (so a list of 2,000 reports reads them instead of
running every rule over every report) but knows no rules: it marks a report whose content changed as
not counted, and keeps what it is handed. `current_counts` is the recount the operations (the library)
run before they list: every report not counted by these rules, and the report of the year after each
(its YEAR.* checks run against it), counted and handed back to storage to keep.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from core import __version__
from core.errors import UserError
from core.model.report import Report
from core.model.vocabulary import ReportStatus
from core.rules.table import check, severity_counts, without_dismissed

if TYPE_CHECKING:
    from core.storage import Database, ReportSummary

log = logging.getLogger(__name__)

STATUS_NAMES = {s.value: s.chinese for s in ReportStatus}  # the names, declared in core.model.vocabulary
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


def following(summaries: Iterable[ReportSummary], report_ids: Iterable[int]) -> set[int]:
    """The live reports of the year after each of `report_ids` for the same agency (their YEAR.*
    checks are made against these reports)."""
    listed = list(summaries)
    live = {(s.agency, s.year): s.id for s in listed if s.deleted_at is None}
    wanted = set(report_ids)
    found = {live.get((s.agency, s.year + 1)) for s in listed if s.id in wanted}
    return {rid for rid in found if rid is not None}


def current_counts(db: Database, summaries: Sequence[ReportSummary]) -> list[ReportSummary]:
    """`summaries` with current counts: those not counted by these rules, and the next year's report
    of each, are counted now and handed to storage to keep (a read-only file only shows them). A
    report that cannot be read (a format this version does not know) keeps the counts it has."""
    stale = {s.id for s in summaries if s.counted_by != counts.version}
    if not stale:
        return list(summaries)
    stale |= following(summaries, stale)
    counted: dict[int, tuple[int, int]] = {}
    for report_id in sorted(stale):
        try:
            report = db.load_report(report_id)
        except UserError as exc:
            log.info("report %d not counted: %s", report_id, exc.message)
            continue
        dismissed = frozenset(db.dismissals(report_id))
        counted[report_id] = counts(report, db.previous_report(report_id), dismissed)
    if counted and not db.read_only:
        try:
            db.keep_counts(counted, counts.version)
        except UserError as exc:  # e.g. another program holds the file: counted again next time
            log.info("counts not kept: %s", exc.message)
    return [
        replace(s, errors=counted[s.id][0], warnings=counted[s.id][1], counted_by=counts.version)
        if s.id in counted
        else s
        for s in summaries
    ]


@contextmanager
def recounting_followers(db: Database, report_id: int) -> Iterator[None]:
    """Around a change of a report's agency or year (rename, restore): the report that was the year
    after it is no longer checked against it, so its kept counts are marked not current."""
    before = following([*db.list_reports(), *db.deleted_reports()], [report_id])
    yield
    if before:
        db.forget_counts(before)
