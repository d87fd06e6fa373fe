"""What a 汇总 includes: the reports added up, listed after the sum in every file exported of it.

Per report: 序号, the agency as on the board, its status there (已定稿 / 已交（草稿）), its 校验码 (the
12-character code a 定稿 prints in its footer, of the content that was added up: a draft has one too)
and how many errors the rules found in it. The writers print it as an `Appendix`: a page of its own
after the report (PDF, Word), a sheet 「汇总范围」 (Excel), a table after the signature (web page). The
headers are the desk's, not the national format's. The exchange JSON of a sum carries none of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.desk.marks import APPENDIX_WORDS, SUM_MARK
from core.documents.fingerprint import fingerprint
from core.documents.write.content import Appendix
from core.format.definition import GridCell, Table
from core.model.report import Report

if TYPE_CHECKING:
    from core.desk.board import BoardRow

HEADERS = ("序号", "单位", "状态", "校验码", "错误")
# the columns as `rows` places them
AGENCY_COLUMN, STATUS_COLUMN, CODE_COLUMN = (HEADERS.index(h) for h in ("单位", "状态", "校验码"))
# Shares of the text block: 校验码 (ABCD-EFGH-JKLM) and 已交（草稿） on one line in 5号, the name wraps.
WIDTHS = (0.07, 0.43, 0.16, 0.26, 0.08)
SHEET_NAME = "汇总范围"


@dataclass(frozen=True)
class IncludedReport:
    agency: str
    status: str
    code: str
    errors: int


def included_heading(count: int) -> str:
    """The heading of a 汇总's list of the reports it includes, on paper and in the 汇总 dialog (the
    words `marks` knows a 汇总 by)."""
    return f"附：{APPENDIX_WORDS}（共 {count:,} 份）"


@dataclass(frozen=True)
class SumContents:
    """The reports a 汇总 adds up, in the order they are listed."""

    reports: tuple[IncludedReport, ...]

    @property
    def heading(self) -> str:
        return included_heading(len(self.reports))

    def rows(self) -> list[tuple[str, ...]]:
        return [
            (str(i), r.agency, r.status, r.code, str(r.errors)) for i, r in enumerate(self.reports, start=1)
        ]

    def appendix(self) -> Appendix:
        """The list as a table the writers print after the report: the name left, the rest centred."""
        header = tuple(GridCell(role="header", text=h) for h in HEADERS)
        lines = [header] + [
            tuple(
                GridCell(role="label" if col == AGENCY_COLUMN else "value", text=t)
                for col, t in enumerate(row)
            )
            for row in self.rows()
        ]
        table = Table(
            key="included",
            section="",
            columns=(),
            rows=(),
            grid_columns=len(HEADERS),
            header_lines=1,
            lines=tuple(lines),
            print_column_widths=WIDTHS,
        )
        return Appendix(self.heading, table, SHEET_NAME, mark=SUM_MARK)


def included(rows: Iterable[BoardRow], reports: Mapping[str, Report] | None = None) -> SumContents:
    """The board rows whose reports are added up: received, or (a database board's rows, read with
    kept counts only) found in `reports` (agency → report); rows with no report are not in a sum."""
    out = []
    for row in rows:
        report = row.received.report if row.received is not None else (reports or {}).get(row.agency)
        if row.fingerprint is not None:  # e.g. a 定稿 on a database board: its kept code, not read
            code = row.fingerprint
        elif report is not None:
            code = fingerprint(report)
        else:
            continue
        out.append(IncludedReport(row.agency, row.status, code, row.errors))
    return SumContents(tuple(out))
