"""The register's operations, one owner each (no Qt): register, edit, answer, reopen, delete, undo,
import a ledger, record a case, enter a year's 放假安排, count a year and fill it into the report.

Each returns what changed (the revision id, the ids, what was rejected); the UI only asks the clerk and
forwards the answer. Every change is one revision of the agency's register (core/storage/register.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.errors import UserError
from core.model.report import YEARS, agency_name
from core.model.vocabulary import RegisterChangeKind
from core.register.calendar import Arrangement, WorkCalendar
from core.register.counting import Count, Counted, count_year
from core.register.deadlines import Deadline, DueSummary, deadline, due_summary
from core.register.ledger import Preview, Rejected, numbered, read_rows
from core.register.model import DATE_FIELDS, FIELD_NAMES, Case, Request, applicants, results
from core.register.values import register_year
from core.storage import Database
from core.storage.register import CASE, REQUEST, RegisterRevision, RegisterStore


def kind_label(kind: str) -> str:
    """A register revision's kind as its history names it (a word this version does not know as it is)."""
    known = RegisterChangeKind.of(kind)
    return known.chinese if known is not None else kind


def problems(request: Request) -> list[tuple[str, str]]:
    """(field, what is wrong in Chinese) that keep a request from being stored; empty: it may be."""
    out = []
    name = FIELD_NAMES
    if not request.number.strip():
        out.append(("number", f"{name['number']}不能为空"))
    if request.applicant not in applicants():
        out.append(("applicant", f"请选择{name['applicant']}"))
    if request.answered is not None:
        if request.answered < request.received:
            out.append(("answered", f"{name['answered']}早于{name['received']}"))
        if request.result not in results():
            out.append(("result", f"已答复的申请要选择{name['result']}"))
    elif request.result is not None:
        out.append(("answered", f"有{name['result']}的申请要填写{name['answered']}"))
    pairs = (
        ("received", "correction_asked"),
        ("correction_asked", "correction_received"),
        ("consult_sent", "consult_received"),
    )
    for before, after in pairs:
        first, second = getattr(request, before), getattr(request, after)
        if first is not None and second is not None and second < first:
            out.append((after, f"{name[after]}早于{name[before]}"))
    if request.correction_received is not None and request.correction_asked is None:
        out.append(("correction_asked", f"有{name['correction_received']}就要有{name['correction_asked']}"))
    if request.consult_received is not None and request.consult_sent is None:
        out.append(("consult_sent", f"有{name['consult_received']}就要有{name['consult_sent']}"))
    for field in DATE_FIELDS:  # a year 9999 deadline runs past the calendar's end: every start would fail
        day = getattr(request, field)
        if day is not None and day.year not in YEARS:
            out.append((field, f"{name[field]}的年份 {day.year} 不在 {YEARS.start}–{YEARS.stop - 1} 年之间"))
    return out


def _checked(request: Request) -> Request:
    found = problems(request)
    if found:
        number = request.number or "（未编号）"
        raise UserError(f"申请“{number}”不能保存：" + "；".join(why for _, why in found) + "。")
    return request


@dataclass(frozen=True)
class ImportOutcome:
    imported: int
    updated: int
    rejected: list[Rejected]
    revision: int | None

    def as_json(self) -> dict[str, object]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "rejected": [r.as_json() for r in self.rejected],
        }


class Register:
    """One agency's register in an open database."""

    def __init__(self, db: Database, agency: str) -> None:
        self.store = RegisterStore(db)
        self.agency = agency_name(agency)

    # ------------------------------------------------------------ reading

    def requests(self) -> list[Request]:
        return self.store.requests(self.agency)

    def request(self, request_id: int) -> Request:
        return self.store.request(request_id)

    def requests_by_id(self, ids: list[int]) -> list[Request]:
        """The live requests among those ids (a deleted one is left out)."""
        return self.store.requests_by_id(ids)

    def cases(self) -> list[Case]:
        return self.store.cases(self.agency)

    def calendar(self) -> WorkCalendar:
        return WorkCalendar(self.store.arrangements())

    def history(self, limit: int | None = None) -> list[RegisterRevision]:
        return self.store.history(self.agency, limit)

    def deadline(self, request: Request, on: dt.date) -> Deadline:
        return deadline(request, self.calendar(), on)

    def due(self, on: dt.date) -> list[tuple[Request, Deadline]]:
        """The open requests with their deadlines on day `on`, soonest first (等待补正 last)."""
        calendar = self.calendar()
        found = [(r, deadline(r, calendar, on)) for r in self.requests() if r.open]
        return sorted(found, key=lambda p: (p[1].due is None, p[1].due or on, p[0].number))

    def due_summary(self, on: dt.date) -> DueSummary:
        return due_summary(self.requests(), self.calendar(), on)

    def count(self, year: int) -> Count:
        """Table 三 and 四 of `year`, from only the requests that year's table can use."""
        register_year(year)
        rows = self.store.counted_fields(self.agency, dt.date(year, 1, 1), dt.date(year, 12, 31))
        return count_year([Counted.of(r) for r in rows], self.cases(), year)

    def next_number(self, received: dt.date) -> str:
        taken = self.store.numbers(self.agency, f"{received.year}-")
        return numbered(Request("", received, ""), taken).number

    # ------------------------------------------------------------ changing

    def register(self, request: Request) -> tuple[int | None, int]:
        """A new request (its default 编号 when none is given): (revision, its id)."""
        if not request.number.strip():
            request = request.with_changes(number=self.next_number(request.received))
        revision, ids = self.store.save_requests(
            self.agency, [_checked(request.with_changes(id=None))], RegisterChangeKind.REGISTER
        )
        return revision, ids[0]

    def edit(self, request: Request, kind: RegisterChangeKind = RegisterChangeKind.EDIT) -> int | None:
        """Store a changed request (its id set); the revision, or None when nothing changed."""
        if request.id is None:
            raise ValueError("edit needs a stored request")
        revision, _ = self.store.save_requests(self.agency, [_checked(request)], kind.value)
        return revision

    def answer(self, request_id: int, answered: dt.date, result: str) -> int | None:
        request = self.request(request_id).with_changes(answered=answered, result=result)
        return self.edit(request, RegisterChangeKind.ANSWER)

    def reopen(self, request_id: int) -> int | None:
        """An answered request open again (e.g. answered by mistake): its answer and result cleared."""
        request = self.request(request_id).with_changes(answered=None, result=None)
        return self.edit(request, RegisterChangeKind.REOPEN)

    def delete(self, request_id: int) -> int:
        return self.store.delete(self.agency, REQUEST, request_id, RegisterChangeKind.DELETE)

    def undo(self, revision_id: int) -> int | None:
        """Put back what a revision changed, as a new revision (undoing an undo redoes)."""
        return self.store.undo(self.agency, revision_id, RegisterChangeKind.UNDO)

    def record_case(self, case: Case) -> tuple[int | None, int]:
        if case.decided is not None and case.decided < case.filed:
            raise UserError("案件的审结日期早于立案日期，请核对。")
        return self.store.save_case(self.agency, case, RegisterChangeKind.CASE)

    def delete_case(self, case_id: int) -> int:
        return self.store.delete(self.agency, CASE, case_id, RegisterChangeKind.DELETE)

    def enter_arrangement(self, arrangement: Arrangement) -> None:
        """The office's 放假安排 for a year the calendar package does not know."""
        if WorkCalendar().kind(arrangement.year).value == "official":
            raise UserError(f"{arrangement.year} 年的放假安排本软件已经知道，不需要录入。")
        self.store.set_arrangement(arrangement)

    def import_ledger(self, found: Preview) -> ImportOutcome:
        """Every readable row of a previewed ledger, in one revision; importing again adds nothing twice
        (the key is the 编号, or 收到日期 + 申请内容 when the ledger has none)."""
        read, rejected = read_rows(found)
        stored = self.requests()
        by_number = {r.number: r for r in stored}
        by_content = {(r.received, r.subject): r for r in stored}
        taken = set(by_number)
        mapped = set(found.columns.values()) - {"number"}
        batch: dict[str, Request] = {}
        first_row: dict[object, tuple[int, Request]] = {}  # the key -> the file's first row with it
        imported = updated = 0
        for row, request in read:
            key = (request.received, request.subject)
            first, earlier = first_row.setdefault(request.number or key, (row, request))
            if first != row:  # a key twice in one file: the later row would overwrite the earlier
                if earlier != request:
                    rejected.append(_same_key(found, row, first, by_number=bool(request.number)))
                continue
            old = by_number.get(request.number) if request.number else by_content.get(key)
            new = request if old is None else old.with_changes(**{f: getattr(request, f) for f in mapped})
            wrong = problems(new.with_changes(number=new.number or "—"))
            if wrong:
                field, why = wrong[0]
                rejected.append(found.rejected(row, field, why))
                continue
            if old is None:
                new = numbered(new, taken)
                imported += 1
            elif new == old or (old.number in batch and batch[old.number] == new):
                continue
            elif old.id is not None:
                updated += 1
            batch[new.number] = by_number[new.number] = by_content[key] = new
        revision, _ = self.store.save_requests(
            self.agency, list(batch.values()), RegisterChangeKind.IMPORT, note=found.name
        )
        return ImportOutcome(imported, updated, sorted(rejected, key=lambda r: r.row), revision)


def _same_key(found: Preview, row: int, first: int, by_number: bool) -> Rejected:
    """A row whose key (编号, or 收到日期 + 申请内容) an earlier row of the file has, its content not."""
    if by_number:
        return found.rejected(row, "number", f"{FIELD_NAMES['number']}与第 {first} 行相同，内容却不同")
    why = f"{FIELD_NAMES['received']}和{FIELD_NAMES['subject']}与第 {first} 行相同，内容却不同"
    return found.rejected(row, "subject", why + "（台账没有编号时据此区分申请，请加上编号）")


def register_agencies(db: Database) -> list[str]:
    """The agencies that keep a register in this database."""
    return RegisterStore(db).agencies()


def due_message(db: Database, today: dt.date) -> str:
    """On start: what falls due within 5 working days and what is overdue, per agency with a register."""
    lines = []
    for agency in register_agencies(db):
        summary = Register(db, agency).due_summary(today)
        if summary.soon or summary.overdue:
            lines.append(f"{agency}：{summary.sentence}")
    return " ".join(lines)
