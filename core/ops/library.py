"""The reports of a database, as a user manages them: list, create (with last year's carry-over),
import, rename, delete and undelete — free of Qt, the same for the window, the command line and the desk.

Each operation returns data: what it did, and what to ask first (`replacement`: how much an import
would replace). An operation touching the open report (`open_session`) keeps that session right: an
import over it replaces what it shows — a stale edit the database had refused is dropped, not written
over the import — and an import of its last year's report checks it again at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import UserError
from core.model.report import Report
from core.model.vocabulary import ChangeField, FieldKind, ReportStatus
from core.ops.carry import new_from_previous
from core.ops.policy import Readiness, submission_readiness
from core.rules.summary import current_counts, recounting_followers

if TYPE_CHECKING:
    from core.documents.read import Imported as Read
    from core.documents.read.cells import Line
    from core.ops.session import ReportSession
    from core.storage import Database, ReportSummary


@dataclass(frozen=True)
class Created:
    report_id: int
    carried_over: bool  # started from last year's report of the same agency


@dataclass(frozen=True)
class Replacement:
    """What an import would replace in a stored report (the question asked before it)."""

    title: str
    cells: int  # input cells that differ (not the totals they make)
    texts: int
    signature: bool


@dataclass(frozen=True)
class Imported:
    report_id: int
    created: bool
    title: str
    changed: bool = True  # False: the stored report already had this content
    open_report_reloaded: bool = False  # the open report was the one imported over
    dropped_unsaved: bool = False  # …and an edit the database had refused was dropped for the import
    open_report_rechecked: bool = False  # the open report's last year was imported: checked again

    @property
    def message(self) -> str:
        if self.created:
            return f"已导入「{self.title}」。"
        text = (
            f"「{self.title}」原来已经有了。导入的内容已替换它，原来的内容作为一个历史版本保留，"
            "可以在修改历史中恢复。"
        )
        if self.dropped_unsaved:
            text += "窗口中还没能保存的修改已放弃，以导入的内容为准。"
        return text


class Library:
    """The reports of one database (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _all(self) -> list[ReportSummary]:
        """Every report, live and deleted, with current counts (the cross-year recount is done here)."""
        return current_counts(self.db, [*self.db.list_reports(), *self.db.deleted_reports()])

    def reports(self) -> list[ReportSummary]:
        """Live reports by agency, then newest year first, with current error and warning counts."""
        return [s for s in self._all() if s.deleted_at is None]

    def year_reports(self, year: int) -> list[ReportSummary]:
        """The live reports of one year (a desk's board), with current counts and a 定稿's kept 校验码."""
        return current_counts(self.db, self.db.year_reports(year))

    def deleted(self) -> list[ReportSummary]:
        """The recycle bin, most recently deleted first."""
        return [s for s in self._all() if s.deleted_at is not None]

    def agencies(self) -> list[str]:
        return self.db.agencies()

    def is_taken(self, agency: str, year: int) -> bool:
        return self.db.find_report(agency, year) is not None

    def submission_readiness(self, report_id: int) -> Readiness:
        """What 报送 of a stored report (not the open one) would send: see `ReportSession`'s."""
        final = self.db.status(report_id) == ReportStatus.FINAL
        dismissed = self.db.dismissals(report_id)
        report, previous = self.db.load_report(report_id), self.db.previous_report(report_id)
        return submission_readiness(report, final, previous, dismissed)

    def last_year_of(self, agency: str, year: int) -> Report | None:
        """Last year's live report of `agency` before `year`, when there is one that can be read."""
        found = self.db.find_report(agency, year - 1)
        if found is None:
            return None
        try:
            return self.db.load_report(found)
        except UserError:  # e.g. in a format this version does not know: read without it
            return None

    def read_published(self, path: Path) -> Read:
        """A published report read as `main.py import --previous` reads it: the file once, then, when the
        database holds last year's report of the agency it names, mapped again with that report, which
        settles digits run together."""
        from core.documents.read import read_lines  # the readers load only when a report is imported

        return self._with_last_year(read_lines(path), path.name)

    def read_pasted(self, html: str | None, text: str | None) -> Read:
        """A published report pasted (粘贴已发布的报告), mapped with last year's report like a file."""
        from core.documents.read import pasted_lines

        return self._with_last_year(*pasted_lines(html, text))

    def _with_last_year(self, lines: list[Line], where: str) -> Read:
        """The lines mapped; again with last year's report of the agency they name when the database
        holds it and the first mapping left something doubtful or unread."""
        from core.documents.read.limits import within_time
        from core.documents.read.mapper import map_lines

        first = within_time(lambda: map_lines(lines), where)
        previous = self.last_year_of(first.report.agency, first.report.year)
        if previous is None or not (first.doubtful or first.unread):
            return first
        return within_time(lambda: map_lines(lines, previous=previous), where)

    def title(self, report_id: int) -> str:
        return self.db.load_report(report_id).title

    def create(self, agency: str, year: int, from_previous: bool) -> Created:
        """A new draft; `from_previous`: started from last year's report of the agency when there is one
        (carry-over cells filled, last year's texts as a first draft)."""
        previous_id = self.db.find_report(agency, year - 1) if from_previous else None
        if previous_id is not None:
            report = new_from_previous(self.db.load_report(previous_id), year)
        else:
            report = Report.blank(agency, year)
        return Created(self.db.create_report(report), previous_id is not None)

    def replacement(self, report: Report) -> Replacement | None:
        """How much importing `report` would replace; None when nothing needs asking (a new report, the
        same content, or one the storage will refuse and explain: a 定稿, another format)."""
        existing = self.db.find_report(report.agency, report.year)
        if existing is None or self.db.status(existing) == ReportStatus.FINAL:
            return None
        stored = self.db.load_report(existing)
        if stored.format != report.format:
            return None
        from core.storage import report_changes

        fields = [ChangeField.parse(c.field) for c in report_changes(stored, report)]
        typed = report.spec.cells
        cells = sum(
            1 for f in fields if f.kind is FieldKind.CELL and f.key in typed and not typed[f.key].derived
        )
        texts = sum(1 for f in fields if f.kind is FieldKind.TEXT)
        signature = any(f.kind in (FieldKind.SIGNATURE_NAME, FieldKind.SIGNATURE_DATE) for f in fields)
        if not (cells or texts or signature):
            return None
        return Replacement(stored.title, cells, texts, signature)

    def import_report(
        self, report: Report, note: str | None = None, open_session: ReportSession | None = None
    ) -> Imported:
        """Store `report`: a new report, or a new revision of the live one of its agency and year."""
        existing = self.db.find_report(report.agency, report.year)
        before = self.db.latest_revisions([existing]).get(existing) if existing is not None else None
        report_id, created = self.db.import_report(report, note=note)
        changed = created or self.db.latest_revisions([report_id])[report_id] != before
        reloaded = dropped = rechecked = False
        if open_session is not None:
            if open_session.report_id == report_id:
                dropped = open_session.unsaved
                open_session.reload(keep_pending=False)
                reloaded = True
            elif self._is_previous_of(report, open_session.report):
                open_session.previous_changed()
                rechecked = True
        return Imported(report_id, created, report.title, changed, reloaded, dropped, rechecked)

    @staticmethod
    def _is_previous_of(earlier: Report, report: Report) -> bool:
        return earlier.agency.strip() == report.agency and earlier.year == report.year - 1

    def rename(
        self, report_id: int, agency: str, year: int, open_session: ReportSession | None = None
    ) -> None:
        """Another 机关名称 or 年度; the open report changes through its session, as every edit does."""
        if open_session is not None and open_session.report_id == report_id:
            open_session.rename(agency, year)
        else:
            with recounting_followers(self.db, report_id):
                self.db.rename_report(report_id, agency, year)
            if open_session is not None:
                open_session.previous_changed()  # it may now be, or no longer be, the open one's last year

    def delete(self, report_id: int, open_session: ReportSession | None = None) -> str:
        """To the recycle bin (nothing is removed; close it first when it is the open report); returns
        what the user is told."""
        title = self.title(report_id)
        self.db.delete_report(report_id)
        if open_session is not None:
            open_session.previous_changed()
        return f"已删除「{title}」。可在「已删除的报告」中恢复。"

    def undelete(self, report_id: int, open_session: ReportSession | None = None) -> None:
        self.db.undelete_report(report_id)
        if open_session is not None:
            open_session.previous_changed()
