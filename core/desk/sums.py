"""The sum (汇总) cell by cell, and the errors to send back to each agency."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import UserError
from core.format import get_format
from core.model.report import Report, Signature

if TYPE_CHECKING:
    from core.desk.board import Board, BoardRow
    from core.desk.included import SumContents
    from core.desk.marks import SumMark
    from core.format.definition import ReportFormat
    from core.storage import Database, RevisionMark

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
KeptCode = tuple["RevisionMark", str]  # a report's latest revision when its 校验码 was worked out, the code

# ---------------------------------------------------------------- what to send back


@dataclass(frozen=True)
class SendBack:
    """One error for an agency to mend: 哪个单位、哪张表、哪一格、差多少 (the message says by how much)."""

    agency: str
    table: str
    cell: str
    message: str


def send_back(board: Board) -> list[SendBack]:
    out = []
    for row in board.rows:
        if row.received is None:
            continue
        spec = row.received.report.spec
        for f in row.findings:
            if f.severity != "error":
                continue
            info = spec.cells.get(f.cells[0]) if f.cells else None
            table = next(
                (s.full_heading for s in spec.sections if info and s.table_key == info.table.key), ""
            )
            out.append(SendBack(row.agency, table, info.description if info else "", f.message))
    return out


# ---------------------------------------------------------------- the sum (汇总)


def add_up(reports: Sequence[Report], agency: str, year: int) -> Report:
    """The reports of one year added cell by cell: a blank counts as 0, a cell blank in every report
    stays blank, a total left blank counts as its parts. The narrative is empty."""
    if not reports:
        raise UserError("没有可以汇总的报告。")
    formats = {r.format for r in reports}
    if len(formats) > 1:
        raise UserError("这些报告的格式不同，不能汇总。")
    for r in reports:
        if r.year != year:
            raise UserError(f"“{r.agency}”的报告是 {r.year} 年度的，不是 {year} 年度，不能一起汇总。")
    spec = reports[0].spec
    rows: list[list[int | Decimal | None]] = [[r.values[a] for a in spec.cells] for r in reports]
    return _sum_report(spec, rows, agency, year)


def add_up_stored(db: Database, report_ids: Sequence[int], agency: str, year: int) -> Report:
    """`add_up` of reports kept in a database, from their packed values: a year of 2,000 reports is
    added up without reading their cells or making a `Report` of each."""
    spec, rows = _packed_rows(db, report_ids)
    return _sum_report(spec, list(rows.values()), agency, year)


Packed = dict[int, tuple[str, list[int | Decimal | None]]]  # report id → (format, values in cell order)


def _packed_rows(
    db: Database, report_ids: Sequence[int], kept: Packed | None = None
) -> tuple[ReportFormat, dict[int, list[int | Decimal | None]]]:
    """The format and each report's packed values (report id → values in the format's cell order);
    those in `kept` are not read again, those read are added to it."""
    kept = {} if kept is None else kept
    unread = [rid for rid in report_ids if rid not in kept]
    if unread:
        kept.update(db.packed_values(unread))
    packed = {rid: kept[rid] for rid in report_ids if rid in kept}  # a report deleted: not there
    if not packed:
        raise UserError("没有可以汇总的报告。")
    if len({format_id for format_id, _ in packed.values()}) > 1:
        raise UserError("这些报告的格式不同，不能汇总。")
    format_id = next(iter(packed.values()))[0]
    return get_format(format_id), {rid: values for rid, (_, values) in packed.items()}


def _sum_report(spec: ReportFormat, rows: list[list[int | Decimal | None]], agency: str, year: int) -> Report:
    """Rows of cell values (in the format's cell order) added up cell by cell, as `add_up` says; a
    column at a time, and report by report only where a total is given in some reports and left blank
    in others (2,000 reports are summed in a few tens of ms)."""
    given = list(zip(*rows, strict=True))  # a column per cell
    index = {address: i for i, address in enumerate(spec.cells)}
    parts_of = {index[total]: [index[p] for p in parts] for total, parts in spec.derivations}
    each: dict[int, list[int | Decimal]] = {}  # a column as added, report by report, when needed
    sums: dict[int, int | Decimal] = {}

    def added(i: int) -> list[int | Decimal]:
        """Column `i` with a blank as 0 and a total left blank as its parts."""
        if i not in each:
            if i in parts_of:
                part_sums = map(sum, zip(*(added(p) for p in parts_of[i]), strict=True))
                each[i] = [s if v is None else v for v, s in zip(given[i], part_sums, strict=True)]
            else:
                each[i] = [0 if v is None else v for v in given[i]]
        return each[i]

    def column_sum(i: int) -> int | Decimal:
        if i not in sums:
            if i not in parts_of:
                sums[i] = sum(filter(None, given[i]))  # a blank counts as 0
            elif given[i].count(None) == len(rows):  # left blank everywhere: its parts' sums
                sums[i] = sum(column_sum(p) for p in parts_of[i])
            else:
                sums[i] = sum(added(i))
        return sums[i]

    # a cell blank in every report stays blank: a total blank everywhere is derived again from the sum
    values = {
        a: None if given[i].count(None) == len(rows) else Decimal(column_sum(i))
        for i, a in enumerate(spec.cells)
    }
    return Report(
        format=spec.id,
        agency=agency,
        year=year,
        texts={k: "" for k in spec.text_keys},
        values=values,
        signature=Signature(name=agency),
    )


# ---------------------------------------------------------------- a 汇总 of a board


def _blanks_note(blanks: Mapping[str, int]) -> str:
    """「按 0 计入的空格：共 166 个，在 2 份报告中（温县财政局 160 个，…）」, or that there were none."""
    if not blanks:
        return "各报告中没有按 0 计入的空格。"
    shown = "，".join(f"{a} {n} 个" for a, n in blanks.items())
    return f"按 0 计入的空格共 {sum(blanks.values())} 个，在 {len(blanks)} 份报告中：{shown}。"


@dataclass(frozen=True)
class SumResult:
    """A 汇总 as the desk makes it: the sum, the list of the reports it includes, its mark, the blanks
    it counted as 0 (agency → how many cells) and the rows left out so as not to count twice."""

    total: Report
    contents: SumContents
    mark: SumMark
    blanks: dict[str, int]
    left_out: dict[str, str]  # agency → why it is not added (already inside a county's 汇总)

    @property
    def blanks_note(self) -> str:
        return _blanks_note(self.blanks)


def blanks_counted(reports: Mapping[str, Report]) -> dict[str, int]:
    """Per report, the cells it left blank that `add_up` counted as 0 (another report gave a figure;
    a blank total counts as its parts, not as 0)."""
    if not reports:
        return {}
    spec = next(iter(reports.values())).spec
    return _blanks(spec, {name: [r.values[a] for a in spec.cells] for name, r in reports.items()})


def _blanks(spec: ReportFormat, rows: Mapping[str, Sequence[int | Decimal | None]]) -> dict[str, int]:
    """`blanks_counted` over rows of values in the format's cell order (name → values)."""
    derived = set(spec.derived_addresses)
    given = [
        i
        for i, a in enumerate(spec.cells)
        if a not in derived and any(values[i] is not None for values in rows.values())
    ]
    counts = {name: sum(1 for i in given if values[i] is None) for name, values in rows.items()}
    return {name: n for name, n in counts.items() if n}


def make_sum(
    rows: Sequence[BoardRow], reports: Mapping[str, Report], agency: str, year: int, missing: Sequence[str]
) -> SumResult:
    """The 汇总 of the board rows `rows` (their reports in `reports`, agency → report), marked as a 汇总.
    A county's 汇总 package counts once: a department it already includes is not added again."""
    from core.desk.board import inside_sums
    from core.desk.included import included
    from core.desk.marks import mark_for

    left_out = {
        agency: f"已含在“{county}”的汇总中，未重复计入" for agency, county in inside_sums(rows).items()
    }
    kept = [r for r in rows if r.agency not in left_out and r.agency in reports]
    chosen = {r.agency: reports[r.agency] for r in kept}
    total = add_up(list(chosen.values()), agency, year)
    contents = included(kept, reports)
    mark = mark_for([(i.agency, i.code) for i in contents.reports], missing)
    return SumResult(total, contents, mark, blanks_counted(chosen), left_out)


@dataclass(frozen=True)
class StoredFigures:
    """The figures of a 汇总 of a database board's rows, which need no 校验码: the sum, the blanks
    counted as 0 and the rows left out; and the rows added up (with their report ids), whose list and
    mark wait for each draft's code (a 定稿's is kept on the board row)."""

    total: Report
    blanks: dict[str, int]
    left_out: dict[str, str]
    added: tuple[tuple[BoardRow, int], ...]  # in the board's order
    missing: tuple[str, ...]

    @property
    def blanks_note(self) -> str:
        return _blanks_note(self.blanks)

    def uncoded(self, codes: Mapping[int, str]) -> list[int]:
        """The drafts added up whose 校验码 is not in `codes` (report id → code) yet."""
        return [rid for row, rid in self.added if row.fingerprint is None and rid not in codes]

    def listed(self, codes: Mapping[int, str]) -> SumContents:
        """The list of the reports added up, a code not worked out yet left empty: to be looked at,
        never written (`complete` is what is written)."""
        from core.desk.included import IncludedReport, SumContents

        return SumContents(
            tuple(
                IncludedReport(row.agency, row.status, row.fingerprint or codes.get(rid, ""), row.errors)
                for row, rid in self.added
            )
        )

    def complete(self, codes: Mapping[int, str]) -> SumResult:
        """The whole 汇总 with its list and mark, once `codes` has every draft's code."""
        from core.desk.marks import mark_for

        if self.uncoded(codes):
            raise ValueError("a 汇总 without every draft's 校验码")
        contents = self.listed(codes)
        mark = mark_for([(i.agency, i.code) for i in contents.reports], self.missing)
        return SumResult(self.total, contents, mark, self.blanks, self.left_out)


def stored_figures(
    db: Database,
    rows: Sequence[BoardRow],
    agency: str,
    year: int,
    missing: Sequence[str],
    packed: Packed | None = None,
) -> StoredFigures:
    """The figures of the 汇总 of a database board's rows from storage's packed values: no report is
    read in full, no 校验码 worked out. Values already in `packed` are not read again (the dialog sums
    on every tick), those read are kept there."""
    from core.desk.board import inside_sums

    left_out = {
        agency: f"已含在“{county}”的汇总中，未重复计入" for agency, county in inside_sums(rows).items()
    }
    chosen = [(r, r.report_id) for r in rows if r.agency not in left_out and r.report_id is not None]
    spec, values = _packed_rows(db, [rid for _, rid in chosen], packed)
    added = tuple((r, rid) for r, rid in chosen if rid in values)  # a report deleted since the board was read
    total = _sum_report(spec, [values[rid] for _, rid in added], agency, year)
    blanks = _blanks(spec, {r.agency: values[rid] for r, rid in added})
    return StoredFigures(total, blanks, left_out, added, tuple(missing))


DatabaseVersion = tuple[int, int]
CODE_CHUNK = 50  # drafts read at a time for their 校验码 (≈ 15 ms of the database's lock)


def database_version(db: Database) -> DatabaseVersion:
    """What changes as soon as anything in the database changed: a write of this connection or a
    commit of another."""
    return db.data_version(), db.change_count()


def work_out_codes(
    db: Database,
    report_ids: Sequence[int],
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> dict[int, KeptCode]:
    """The 校验码 of these reports (drafts: a 定稿's is kept), read CODE_CHUNK at a time, each with the
    report's latest revision it is of. `progress(done, total)` after each chunk; `cancelled()` stops it
    between reports, with the codes worked out so far. A report written to while it was read is read
    again (only it: an edit elsewhere in the database, however frequent, does not start all over)."""
    from core.documents.fingerprint import fingerprint

    ids = list(dict.fromkeys(report_ids))
    pending = list(ids)
    stop = cancelled or (lambda: False)
    codes: dict[int, KeptCode] = {}
    while pending and not stop() and not db.closed:  # closed: e.g. a backup restored meanwhile
        chunk, pending = pending[:CODE_CHUNK], pending[CODE_CHUNK:]
        before = db.latest_revisions(chunk)
        loaded = db.load_reports(chunk)
        gone = [rid for rid in chunk if rid not in loaded]
        if gone:  # the caller's list is of another version: its figures too
            raise UserError(f"数据库中已没有编号为 {gone[0]} 的报告，请关闭后重新打开「汇总」。")
        worked = {}
        for rid in chunk:
            if stop():
                break
            worked[rid] = fingerprint(loaded[rid])
        after = db.latest_revisions(chunk)
        for rid, code in worked.items():
            if before.get(rid) == after.get(rid):
                codes[rid] = (after[rid], code)
            else:
                pending.append(rid)  # written to while it was read
        if progress is not None:
            progress(len(codes), len(ids))
    return codes


def make_stored_sum(
    db: Database,
    rows: Sequence[BoardRow],
    agency: str,
    year: int,
    missing: Sequence[str],
    codes: Mapping[int, str] | None = None,
    keep: Callable[[Mapping[int, KeptCode]], None] | None = None,
) -> SumResult:
    """`make_sum` of a database board's rows: `stored_figures`, then the drafts' 校验码 not in `codes`
    (report id → code) worked out and handed to `keep` for the next sum of the same rows."""
    figures = stored_figures(db, rows, agency, year, missing)
    codes = {} if codes is None else codes
    unknown = figures.uncoded(codes)
    if unknown:
        worked = work_out_codes(db, unknown)
        if keep is not None:
            keep(worked)
        codes = {**codes, **{rid: code for rid, (_revision, code) in worked.items()}}
    return figures.complete(codes)


def write_sum(result: SumResult, path: Path) -> None:
    """The 汇总 as a file of the kind its suffix says, marked as a 汇总 in every kind: the exchange JSON
    with its `summary`, the others with the list of reports after the sum and the mark in their
    properties."""
    suffix = path.suffix.lower()
    appendix = result.contents.appendix()
    if suffix == ".json":
        from core.desk.marks import sum_json
        from core.paths import write_atomically

        write_atomically(path, sum_json(result.total, result.mark).encode("utf-8"))
    elif suffix == ".pdf":
        from core.documents.pdf.render import write_pdf

        write_pdf(result.total, path, appendix=appendix)
    else:
        from core.documents.write import export

        export(result.total, path, appendix=appendix)
