"""The board: one row per roster agency for a year (未交 / 已交（草稿） / 已定稿) with the rules' counts,
from received files or from a database's kept counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from core.desk.names import Match, Matcher
from core.desk.receiving import Received, Unusable, is_reviewed, receive_all, report_files
from core.desk.review import reviewable
from core.desk.roster import MEMORY_FILE, Memory, typed_key
from core.desk.standing import spoken_year, standing, wrong_year_note
from core.documents.fingerprint import fingerprint, verify
from core.errors import UserError
from core.model.report import Report, Signature
from core.model.vocabulary import ReportStatus
from core.rules.table import Finding, check, severity_counts

if TYPE_CHECKING:
    from core.storage import Database


class Status(StrEnum):
    """A board row's status, each value its Chinese name."""

    MISSING = "未交"
    DRAFT = "已交（草稿）"
    FINAL = "已定稿"


MISSING, DRAFT, FINAL = Status.MISSING, Status.DRAFT, Status.FINAL


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


# ---------------------------------------------------------------- the board


@dataclass
class BoardRow:
    agency: str  # the roster's name (or the file's own when it is not on the roster)
    status: Status
    received: Received | None = None
    findings: list[Finding] = field(default_factory=list)  # empty for a row read with kept counts
    errors: int = 0
    warnings: int = 0
    cross_year: int | None = 0  # YEAR.* findings, against the agency's previous report (None: not read)
    fingerprint: str | None = None
    on_roster: bool | None = True  # None: no roster yet, so no row is on it or off it
    suggestion: str | None = None  # the roster name to ask about when the match was not sure
    others: list[Path] = field(default_factory=list)  # more files for the same agency and year
    confirmed: bool | None = None  # the paper copy's code typed: matched or not; None: not typed
    notes: list[str] = field(default_factory=list)
    conflict: list[Path] = field(default_factory=list)  # files that differ from it and no rule orders
    report_id: int | None = None  # kept in the database: read when opened
    arrived: dt.datetime | None = None
    signature: Signature = field(default_factory=Signature)

    @property
    def remarks(self) -> list[str]:
        """Its notes, the roster question first: the board's 备注 and the command line's lines alike."""
        return ([f"名单中没有，是否为“{self.suggestion}”？"] if self.suggestion else []) + self.notes

    @classmethod
    def checked(cls, agency: str, received: Received, previous: Report | None) -> BoardRow:
        findings = check(received.report, previous)
        errors, warnings = severity_counts(findings)
        cross = sum(1 for f in findings if f.rule.startswith("YEAR."))
        status = FINAL if received.final_code else DRAFT
        code = fingerprint(received.report)
        row = cls(
            agency, status, received, findings, errors, warnings, cross, code, notes=list(received.notes)
        )
        row.arrived, row.signature = received.arrived, received.report.signature
        return row

    @property
    def file(self) -> Path | None:
        return self.received.file if self.received else None

    def as_json(self) -> dict[str, object]:
        r = self.received
        sig = self.signature
        return {
            "agency": self.agency,
            "file": str(r.file) if r and r.file else None,
            "errors": self.errors,
            "warnings": self.warnings,
            "fingerprint": self.fingerprint,
            "status": self.status,
            "name_in_file": r.report.agency if r else None,
            "on_roster": self.on_roster,
            "suggestion": self.suggestion,
            "cross_year": self.cross_year,
            "doubtful": list(r.doubtful) if r else [],
            "signature": {"name": sig.name, "date": sig.date.isoformat() if sig.date else None},
            "arrived": self.arrived.isoformat(timespec="seconds") if self.arrived else None,
            "confirmed": self.confirmed,
            "other_files": [str(p) for p in self.others],
            "conflict": [str(p) for p in self.conflict],
            "notes": self.notes,
        }


@dataclass
class Board:
    year: int
    rows: list[BoardRow]
    unusable: list[Unusable]
    sums: list[Unusable] = field(default_factory=list)  # 汇总 files set aside, never counted
    partial: tuple[int, int] | None = None  # (files read, files in the folder) after a cancelled read

    @property
    def partial_note(self) -> str | None:
        """What a board read only in part says until a full read."""
        if self.partial is None:
            return None
        read, total = self.partial
        return f"只读了 {read} / {total} 个文件（读取被取消），这张表不完整，请重新读取。"

    def included(self) -> list[BoardRow]:
        """The rows a 汇总 adds up by default: a report received, no conflict to resolve."""
        return [r for r in self.rows if r.received is not None and not r.conflict]

    @property
    def missing(self) -> list[str]:
        return [r.agency for r in self.rows if r.status == MISSING]

    def count(self, name: BoardFilter | str) -> int:
        """How many rows one of `BOARD_FILTERS` shows (the summary lines of the app and of `desk`)."""
        return sum(1 for r in self.rows if BOARD_FILTERS[BoardFilter(name)](r))

    def counts(self) -> str:
        """The count of each status, as the top of the board and the printed board show it."""
        shown = (MISSING, DRAFT, FINAL, BoardFilter.CONFLICT, BoardFilter.ERRORS)
        return "，".join(f"{BoardFilter(s)} {self.count(s)}" for s in shown)

    def summary(self, roster: Sequence[str]) -> str:
        """The board's sentence: how many should report (the roster, else the agencies on the board),
        the count of each status and the files not counted — the window's top line, the printed board's
        subtitle and the command line's last line alike."""
        return (
            f"{self.year} 年度：应报 {len(roster) or len(self.rows)} 个单位，{self.counts()}，"
            f"不能使用的文件 {len(self.unusable)} 个，未计入的汇总文件 {len(self.sums)} 个。"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "agencies": [r.as_json() for r in self.rows if r.received is not None],
            "missing": self.missing,
            "unusable": [{"file": str(u.file), "reason": u.reason} for u in self.unusable],
            "sums_set_aside": [{"file": str(u.file), "reason": u.reason} for u in self.sums],
            "partial": {"read": self.partial[0], "total": self.partial[1]} if self.partial else None,
        }


def _rank(r: Received) -> tuple[bool, bool, dt.datetime, bool]:
    """Which of several files for one agency and year stands: a 定稿, then a fully read one, then the
    latest to arrive (a reviewed copy before its original when the clock cannot tell them apart)."""
    return (r.final_code is not None, not r.doubtful, r.arrived, is_reviewed(r.file))


def make_board(
    year: int,
    received: Sequence[Received],
    roster: Sequence[str] = (),
    memory: Memory | None = None,
    unusable: Sequence[Unusable] = (),
    previous: Mapping[str, Report] | None = None,
    files_total: int | None = None,
) -> Board:
    """One row per roster agency (then per agency not on the roster) for `year`. Last year's report of
    an agency is taken from `previous` (roster name → report) or else from the received files.
    A 汇总 written by the app is set aside (never a department); a 汇总 package sent up the chain is
    one row. `files_total`: how many files the folder holds, when fewer were read (a cancelled read)."""
    memory = memory or Memory()
    matcher = Matcher(roster, memory.answers)
    by_agency: dict[str, list[Received]] = {}
    last_year: dict[str, list[Received]] = {}
    wrong_year: dict[str, list[Received]] = {}
    asked: dict[str, Match] = {}
    sums: list[Unusable] = []
    for r in received:
        if r.summary is not None and not r.sent_up:
            sums.append(Unusable(r.file or Path("?"), SET_ASIDE))
            continue
        m = matcher.match(r.report.agency)
        key = m.agency if m.sure and m.agency else r.report.agency.strip()
        if not m.sure:
            asked[key] = m
        spoken = spoken_year(r.report)
        if spoken is not None:  # shown on the row of the year it names and of the year it claims
            if year in (spoken, r.report.year):
                wrong_year.setdefault(key, []).append(r)
        elif r.report.year == year:
            by_agency.setdefault(key, []).append(r)
        elif r.report.year == year - 1:
            last_year.setdefault(key, []).append(r)
    names = list(roster) + sorted(k for k in {*by_agency, *wrong_year} if k not in roster)
    rows = []
    for name in names:
        files = sorted(by_agency.get(name, []), key=_rank, reverse=True)
        odd = [wrong_year_note(r, spoken_year(r.report) or year) for r in wrong_year.get(name, [])]
        if not files:
            rows.append(BoardRow(name, MISSING, on_roster=_on(name, roster), notes=odd))
            continue
        before, before_notes = _last_year(name, previous, last_year.get(name, []), year)
        best = standing(files)
        row = BoardRow.checked(name, best.best, before)
        row.on_roster, row.others = _on(name, roster), [f.file for f in files[1:] if f.file]
        row.conflict = [f.file for f in best.conflict if f.file]
        if name in asked:
            row.suggestion = asked[name].agency
        if best.best.doubtful:
            row.notes.insert(0, f"读入时有 {len(best.best.doubtful)} 个格没有把握或没有读到，须对照原件核对")
        row.notes[:0] = best.notes + odd
        row.notes += before_notes
        if best.best.sent_up and best.best.summary is not None:
            row.notes.insert(0, best.best.summary.describe(name))
        _apply_typed(row, memory, year)
        rows.append(row)
    _note_counted_in_sums(rows)
    read = len(received) + len(unusable)
    partial = (read, files_total) if files_total is not None and read < files_total else None
    return Board(year, rows, list(unusable), sums, partial)


def inside_sums(rows: Sequence[BoardRow]) -> dict[str, str]:
    """The agencies a county's 汇总 package on the board already includes: that department's row
    (if it also sent straight here) → the county's row, by agency name."""
    from core.desk.names import normalize_name

    inside = {
        normalize_name(a): r.agency
        for r in rows
        if r.received is not None and r.received.sent_up and r.received.summary is not None
        for a in r.received.summary.agencies
    }
    found = ((row.agency, inside.get(normalize_name(row.agency))) for row in rows)
    return {agency: county for agency, county in found if county is not None and county != agency}


def _note_counted_in_sums(rows: Sequence[BoardRow]) -> None:
    """A department a county's 汇总 already includes: its row says so (`make_sum` counts it once)."""
    inside = inside_sums(rows)
    for row in rows:
        if row.agency in inside:
            row.notes.append(f"已含在“{inside[row.agency]}”的汇总中，汇总时不重复计算")


SET_ASIDE = "这是本软件导出的汇总，不是单位的报告，不计入（汇总不要存到收件文件夹中）"


def _last_year(
    name: str, previous: Mapping[str, Report] | None, files: list[Received], year: int
) -> tuple[Report | None, list[str]]:
    """The agency's report of last year to check against, and a note when two files disagree."""
    given = (previous or {}).get(name)
    if given is not None or not files:
        return given, []
    last = standing(sorted(files, key=_rank, reverse=True))
    if last.conflict:
        return None, [f"{year - 1} 年度收到内容不同的文件，未与上年比较：{last.notes[0]}"]
    return last.best.report, []


def _apply_typed(row: BoardRow, memory: Memory, year: int) -> None:
    typed = memory.confirmed.get(typed_key(row.agency, year))
    if typed is not None and row.received is not None:
        row.confirmed = verify(row.received.report, typed)
        if row.confirmed:
            row.status = FINAL


def database_board(
    db: Database, year: int, roster: Sequence[str] = (), memory: Memory | None = None
) -> Board:
    """The board of the reports of `year` kept in a database, from its kept status and counts (no rule
    runs, no draft is read): one row per roster agency, then the database's other agencies of that
    year. Only a 定稿 (or a report whose paper code was typed) is read, for its 校验码; 署名 comes with the
    kept counts. `load_row` reads a row in full when it is opened."""
    memory = memory or Memory()
    matcher = Matcher(roster, memory.answers)
    found: dict[str, BoardRow] = {}
    from core.ops.library import Library

    for s in Library(db).year_reports(year):  # the kept counts, counted again where the content changed
        m = matcher.match(s.agency)
        name = m.agency if m.sure and m.agency else s.agency
        status = FINAL if s.status == ReportStatus.FINAL else DRAFT
        row = BoardRow(
            name, status, errors=s.errors, warnings=s.warnings, cross_year=None, on_roster=_on(name, roster)
        )
        row.report_id, row.arrived = s.id, s.updated_at
        row.fingerprint = s.final_code  # kept when it was made 定稿: the report is not read for it
        row.signature = Signature(name=s.signed_by, date=s.signed_on)
        row.suggestion = None if m.sure else m.agency
        if name in found:  # two stored reports are this agency (two spellings): both must be seen
            found[name].notes.append(
                f"库中另有“{s.agency}”的 {year} 年度报告，也是这个单位，请核对后删去一份"
            )
            continue
        found[name] = row
    wanted = {
        r.report_id: r
        for r in found.values()
        if (r.status == FINAL and r.fingerprint is None) or typed_key(r.agency, year) in memory.confirmed
    }
    for report_id, report in db.load_reports([i for i in wanted if i is not None]).items() if wanted else ():
        row = wanted[report_id]
        row.fingerprint = fingerprint(report)
        row.received = Received(
            None, report, row.arrived or _EPOCH, row.fingerprint if row.status == FINAL else None
        )
        _apply_typed(row, memory, year)
    rows = [found.pop(name) if name in found else BoardRow(name, MISSING) for name in roster]
    return Board(year, rows + [found[k] for k in sorted(found)], [])


def load_row(db: Database, row: BoardRow) -> None:
    """A row of the database board read in full (to open it, confirm its code, list its errors): its
    report, checked against the agency's report of the year before when the database has one."""
    if row.report_id is None or row.findings:
        return  # a file, or read already (a report with no findings is cheap to read again)
    report = db.load_report(row.report_id)
    before = db.find_report(report.agency, report.year - 1)
    full = BoardRow.checked(
        row.agency, Received(None, report, row.arrived or _EPOCH), db.load_report(before) if before else None
    )
    row.received, row.findings, row.cross_year = full.received, full.findings, full.cross_year
    row.fingerprint = full.fingerprint  # the counts stay the kept ones: they leave out dismissed warnings
    if row.status == FINAL and row.received is not None:
        row.received.final_code = row.fingerprint


def keep_in_database(db: Database, received: Sequence[Received]) -> tuple[int, list[Unusable]]:
    """Received reports stored in the database of a desk: each as an import revision naming its file,
    a 定稿 package's report marked 定稿. One read without certainty is not stored (it must be checked
    against the original first), nor one that would change a 定稿; the very same 定稿 again is no news.
    Returns how many were stored and the others with their reasons."""
    kept, refused = 0, []
    for r in received:
        shown = r.file or Path("?")
        if r.doubtful:
            reason = f"有 {len(r.doubtful)} 个格没有把握或没有读到，请用「导入已发布的报告…」核对后再导入。"
            refused.append(Unusable(shown, reason))
            continue
        existing = db.find_report(r.report.agency, r.report.year)
        if (
            existing is not None
            and db.status(existing) == ReportStatus.FINAL
            and db.load_report(existing) == r.report
        ):
            continue
        try:
            report_id, _ = db.import_report(r.report, note=f"汇总台收取：{shown.name}")
            if r.final_code and db.status(report_id) != ReportStatus.FINAL:
                db.set_status(report_id, ReportStatus.FINAL)
        except UserError as exc:
            refused.append(Unusable(shown, exc.message))
            continue
        kept += 1
    return kept, refused


def standing_reports(board: Board, db: Database | None = None) -> dict[str, Report]:
    """The standing report of each agency on a board: as received, or (a database board's rows read
    with kept counts only) read from `db` in one go."""
    unread = {r.report_id: r.agency for r in board.rows if r.received is None and r.report_id is not None}
    loaded = db.load_reports(list(unread)) if db is not None and unread else {}
    found = {r.agency: r.received.report for r in board.rows if r.received is not None}
    found |= {unread[i]: report for i, report in loaded.items()}
    return {r.agency: found[r.agency] for r in board.rows if r.agency in found}  # in the board's order


def database_memory(db_path: Path) -> Path:
    """Where the desk of a database keeps its memory: beside the database file."""
    return db_path.with_name(f".{db_path.name}.desk.json")


def _on(name: str, roster: Sequence[str]) -> bool | None:
    """Whether `name` is on the roster; None when there is none yet."""
    return name in roster if roster else None


def received_names(board: Board) -> list[str]:
    """The agencies of the received reports that are not on the roster and not like a roster name
    (those are asked about instead): what 「从收到的报告加入」 adds to the roster."""
    return [r.agency for r in board.rows if r.on_roster is not True and r.suggestion is None]


def open_desk(
    folder: Path | str,
    year: int,
    roster: Sequence[str] = (),
    skip: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Board:
    """The board of a folder: every file received (but `skip`, the roster file when it lies there), the
    folder's remembered answers applied; without `roster`, the one kept in the folder (if any). A read
    cancelled part way gives a board that says it is partial."""
    folder = Path(folder)
    paths = report_files(folder, skip)
    received, unusable = receive_all(paths, progress, cancelled)
    memory = Memory.load(folder / MEMORY_FILE)
    if not roster and memory.roster is not None:
        roster = memory.roster.names  # the roster the desk in the app keeps in the folder
    return make_board(year, received, roster, memory, unusable, files_total=len(paths))


def confirm_code(memory: Memory, row: BoardRow, year: int, code: str) -> bool:
    """The paper copy's 校验码 typed in: remembered, and whether it matches the file's content."""
    from core.documents.fingerprint import parse_code

    parse_code(code)
    if row.received is None:
        raise UserError(f"“{row.agency}”还没有交报告，无法核对校验码。")
    memory.confirmed[typed_key(row.agency, year)] = code
    _apply_typed(row, memory, year)
    return bool(row.confirmed)


class BoardFilter(StrEnum):
    """What the board can be narrowed to, each value its Chinese name (the filter box shows them)."""

    ALL = "全部状态"
    MISSING = Status.MISSING.value
    DRAFT = Status.DRAFT.value
    FINAL = Status.FINAL.value
    CONFLICT = "内容冲突"
    ERRORS = "有错误"
    WARNINGS = "有提示"
    CROSS_YEAR = "有跨年问题"
    PAPER_DIFFERS = "纸质件校验码不一致"
    NOT_ON_ROSTER = "不在名单中"
    DUPLICATES = "另有重复文件"
    TO_REVIEW = "须核对"


BOARD_FILTERS: dict[BoardFilter, Callable[[BoardRow], bool]] = {
    BoardFilter.ALL: lambda r: True,
    BoardFilter.MISSING: lambda r: r.status == MISSING,
    BoardFilter.DRAFT: lambda r: r.status == DRAFT,
    BoardFilter.FINAL: lambda r: r.status == FINAL,
    BoardFilter.CONFLICT: lambda r: bool(r.conflict),
    BoardFilter.ERRORS: lambda r: r.errors > 0,
    BoardFilter.WARNINGS: lambda r: r.warnings > 0,
    BoardFilter.CROSS_YEAR: lambda r: bool(r.cross_year),
    BoardFilter.PAPER_DIFFERS: lambda r: r.confirmed is False,
    BoardFilter.NOT_ON_ROSTER: lambda r: r.received is not None and r.on_roster is False,
    BoardFilter.DUPLICATES: lambda r: bool(r.others),
    BoardFilter.TO_REVIEW: lambda r: needs_review(r),
}


def needs_review(row: BoardRow) -> bool:
    """Whether a row's standing report was read with cells not vouched for (须核对读入)."""
    return reviewable(row.received) and row.received is not None and bool(row.received.doubtful)


def to_review(board: Board) -> list[BoardRow]:
    return [r for r in board.rows if needs_review(r)]
