"""The one adapter between the register and a year's report: every call the register makes into the
report's storage and edit path is here, so it can follow the report session when that changes.

「由台账生成」 (fill): table 三 and 四 counted from the register written into the report as one revision
(kind `register`), each cell marked as counted; the narrative's 「其中书面申请 N 件、网上申请 M 件」 and the
most frequent 事项类别 (`core.register.sentence`); and the check of a typed table against the count.
Every write goes through the report session (`core.ops.session`): the window applies the change records
made here on its undo stack; `fill` and `write_sentence` apply them at once (the command line, a report
that is not open).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.errors import UserError
from core.format import get_format
from core.model.report import Report
from core.model.vocabulary import RevisionKind
from core.ops.session import ReportSession, TextChange, ValuesChange
from core.register.counting import Count, Difference, compare
from core.register.ops import Register
from core.register.sentence import narrative_sentence, with_sentence
from core.storage import Database
from core.storage.register import CountedCell, RegisterStore

__all__ = ["narrative_sentence", "with_sentence"]  # the sentence's own module, reached from here too


@dataclass(frozen=True)
class FillOutcome:
    report_id: int
    created: bool
    revision: int | None  # None: the report already held these numbers
    count: Count


def counted_values(count: Count) -> dict[str, Decimal | None]:
    """The input cells of table 三 and 四 as counted (the totals are left to compute from them)."""
    cells = get_format().cells
    return {a: Decimal(n) for a, n in count.values.items() if not cells[a].derived}


def problems_message(count: Count) -> str:
    listed = "；".join(f"{p.number}：{p.why}" for p in count.problems[:10])
    more = f"等 {len(count.problems)} 件" if len(count.problems) > 10 else ""
    return f"台账中有申请无法统计，{count.year} 年的表格没有写入，请先修改：{listed}{more}。"


def report_for(db: Database, agency: str, year: int) -> tuple[int, bool]:
    """The report of that agency and year: (its id, whether it was made now)."""
    found = db.find_report(agency, year)
    if found is not None:
        return found, False
    return db.create_report(Report.blank(agency, year)), True


def counted(register: Register, year: int) -> Count:
    """The year's count, refused (`UserError`, naming them) while some request cannot be counted."""
    count = register.count(year)
    if count.problems:
        raise UserError(problems_message(count))
    return count


def counted_change(session: ReportSession, count: Count) -> ValuesChange | None:
    """The change record of writing the count into the session's report (None: it already holds it)."""
    return session.values_change(counted_values(count), RevisionKind.REGISTER)


def mark_counted(register: Register, report_id: int, count: Count) -> None:
    """Each written cell remembered as counted, so typing over it later asks why."""
    register.store.mark_counted(report_id, {a: str(v) for a, v in counted_values(count).items()})


def sentence_change(session: ReportSession, register: Register, year: int) -> tuple[str, TextChange | None]:
    """(the register's sentence, the change record placing it in the session's report; None when it
    is already there)."""
    sentence = narrative_sentence(register.requests(), year)
    placed = with_sentence(session.report, sentence)
    return sentence, session.text_change(*placed) if placed is not None else None


def _saved(session: ReportSession) -> None:
    result = session.flush()
    if result.error is not None:
        raise UserError(result.error)


def fill(db: Database, register: Register, year: int) -> FillOutcome:
    """Write the counted tables into that year's report (made if absent) as one revision, through the
    report session as the window's 「由台账生成」 does (drafted number sentences follow the numbers)."""
    count = counted(register, year)
    report_id, created = report_for(db, register.agency, year)
    session = ReportSession(db, report_id)
    change = counted_change(session, count)
    revision = None
    if change is not None:
        session.apply_values(change.after, change.kind)
        _saved(session)
        revision = db.latest_revisions([report_id])[report_id].id
    mark_counted(register, report_id, count)
    return FillOutcome(report_id, created, revision, count)


def write_sentence(db: Database, register: Register, report_id: int, year: int) -> str:
    """「写入申请情况」 into a stored report that is not open, through its session; the sentence."""
    session = ReportSession(db, report_id)
    sentence, change = sentence_change(session, register, year)
    if change is not None:
        session.apply_text(change.key, change.after)
        _saved(session)
    return sentence


def differences(db: Database, register: Register, report_id: int) -> list[Difference]:
    """The cells of the stored report's table 三 and 四 that differ from the register's count."""
    report = db.load_report(report_id)
    return compare(dict(report.values), register.count(report.year))


def counted_marks(db: Database, report_id: int) -> dict[str, CountedCell]:
    """The cells of a report written by 「由台账生成」, with their counts and any override's reason."""
    return RegisterStore(db).counted_cells(report_id)


def typed_over(db: Database, report: Report, report_id: int, addresses: list[str]) -> list[tuple[str, int]]:
    """The counted cells among `addresses` that now hold a typed number other than the count and have
    no kept reason: (address, the count) — the clerk is asked whether to change the register instead.
    A cell emptied (e.g. 「由台账生成」 undone) is not asked about."""
    marks = counted_marks(db, report_id)
    found = []
    for address in addresses:
        mark = marks.get(address)
        value = report.values.get(address)
        if mark and mark.override_reason is None and value is not None and value != Decimal(mark.counted):
            found.append((address, int(mark.counted)))
    return found


def keep_override(db: Database, report_id: int, address: str, reason: str) -> None:
    """A clerk typed over a counted cell and keeps the typed value: why."""
    if not reason.strip():
        raise UserError("请写明为什么不采用台账统计的数字。")
    RegisterStore(db).set_override(report_id, address, reason.strip())
