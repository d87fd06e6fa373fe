"""One desk session over a folder of received files or over the app's database: its roster, what it
received, its board of a year, its 汇总, year over year, and what it learned (kept in its memory file).
The same object behind the desk window and `main.py desk`, so both say the same thing.

The database's board and the sum of its reports each go through one small function
(`database_board`, `make_stored_sum`), kept apart so that storage's packed values can replace their reading.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.desk.board import Board, database_board, database_memory, make_board, standing_reports
from core.desk.receiving import Received, Unusable, receive_all, report_files
from core.desk.roster import MEMORY_FILE, Memory, Roster
from core.desk.roster_file import RosterFile, read_roster_file
from core.desk.sums import (
    Cancelled,
    DatabaseVersion,
    KeptCode,
    Packed,
    Progress,
    SumResult,
    database_version,
    make_stored_sum,
    make_sum,
)
from core.errors import UserError
from core.model.report import Report

if TYPE_CHECKING:
    from core.storage import Database


@dataclass
class DeskSession:
    """A desk over `folder` or over the database at `db_path` (exactly one of them)."""

    folder: Path | None = None
    db_path: Path | None = None
    memory: Memory = field(default_factory=Memory)
    roster_file: Path | None = None  # a roster file read from inside the folder is not a received file
    received: list[Received] = field(default_factory=list)
    unusable: list[Unusable] = field(default_factory=list)
    files_total: int | None = None  # files in the folder at the last read
    # what a 汇总 read: packed values, good while the database is unchanged; and the drafts' 校验码 it
    # worked out, each good while its report is unchanged (report id → its latest revision, code)
    _kept: tuple[DatabaseVersion, Packed] | None = field(default=None, repr=False)
    _codes: dict[int, KeptCode] = field(default_factory=dict, repr=False)

    @classmethod
    def of_folder(cls, folder: Path | str) -> DeskSession:
        folder = Path(folder)
        if not folder.is_dir():
            raise UserError(f"找不到文件夹“{folder}”。")
        return cls(folder=folder, memory=Memory.load(folder / MEMORY_FILE))

    @classmethod
    def of_database(cls, db_path: Path | str) -> DeskSession:
        db_path = Path(db_path)
        return cls(db_path=db_path, memory=Memory.load(database_memory(db_path)))

    @property
    def memory_path(self) -> Path:
        if self.folder is not None:
            return self.folder / MEMORY_FILE
        assert self.db_path is not None
        return database_memory(self.db_path)

    @property
    def notes(self) -> list[str]:
        """What the session has to say before any board (a damaged memory file set aside)."""
        return [self.memory.note] if self.memory.note else []

    @property
    def roster(self) -> list[str]:
        return self.memory.roster.names if self.memory.roster is not None else []

    @property
    def roster_columns(self) -> dict[str, dict[str, str]]:
        return self.memory.roster.columns() if self.memory.roster is not None else {}

    def use_roster_file(self, path: Path | str) -> RosterFile:
        """A roster file in place of the kept roster: names already on it keep their numbers, and
        their other columns (联系人, 电话 …) come with them."""
        read = read_roster_file(path)
        self.apply_roster(read, Path(path))
        return read

    def apply_roster(self, read: RosterFile, path: Path | None = None) -> None:
        """A roster read (off the GUI thread, say) taken as the desk's roster."""
        self.memory.set_roster((self.memory.roster or Roster()).replaced_by(read.names, read.columns))
        self.roster_file = path

    def read(self, progress: Progress | None = None, cancelled: Cancelled | None = None) -> None:
        """Every file of the folder received afresh; a read cancelled part way is remembered as such."""
        paths = self.files()
        self.accept(*receive_all(paths, progress, cancelled), len(paths))

    def files(self) -> list[Path]:
        """The files of the folder the desk reads (a reading off the GUI thread starts from these)."""
        if self.folder is None:
            raise UserError("本机数据库中的报告无须读取文件。")
        return report_files(self.folder, self.roster_file)

    def accept(self, received: list[Received], unusable: list[Unusable], total: int) -> None:
        """What a reading of `total` files gave (fewer read: cancelled, and the board says so)."""
        self.received, self.unusable, self.files_total = received, unusable, total

    def receive_files(self, paths: Sequence[Path]) -> None:
        """Only these files received again (a file taken in, a reviewed copy saved): the rest of the
        folder stays as read."""
        wanted = set(paths)
        known = {r.file for r in self.received} | {u.file for u in self.unusable}
        received, unusable = receive_all(list(paths))
        self.received = [r for r in self.received if r.file not in wanted] + received
        self.unusable = [u for u in self.unusable if u.file not in wanted] + unusable
        if self.files_total is not None:  # a partial read stays partial
            self.files_total += len(wanted - known)

    def forget_file(self, path: Path) -> None:
        """A file that is not a received report after all (the roster read from the folder)."""
        self.received = [r for r in self.received if r.file != path]
        self.unusable = [u for u in self.unusable if u.file != path]

    def board(self, year: int, db: Database | None = None) -> Board:
        """The board of `year`: of the files read, or of the database `db` (a database session)."""
        if self.db_path is not None:
            if db is None:
                raise UserError("请先打开数据库。")
            return database_board(db, year, self.roster, self.memory)
        return make_board(
            year, self.received, self.roster, self.memory, self.unusable, files_total=self.files_total
        )

    def reports(self, board: Board, db: Database | None = None) -> dict[str, Report]:
        return standing_reports(board, db)

    def sum(
        self,
        board: Board,
        agency: str,
        reports: Mapping[str, Report] | None = None,
        db: Database | None = None,
    ) -> SumResult:
        """The 汇总 of what the board includes (no conflict to resolve, no 汇总 set aside), marked.
        A database session given its `db` sums the kept packed values, reading only drafts (for their
        校验码)."""
        rows = board.included() + [
            r for r in board.rows if r.received is None and r.report_id is not None and not r.conflict
        ]
        if self.db_path is not None and db is not None and reports is None:
            codes = self.draft_codes(db)
            return make_stored_sum(db, rows, agency, board.year, board.missing, codes, self.keep_draft_codes)
        chosen = reports if reports is not None else self.reports(board)
        return make_sum(rows, chosen, agency, board.year, board.missing)

    def draft_codes(self, db: Database) -> dict[int, str]:
        """The drafts' 校验码 a 汇总 of `db` worked out before (report id → code), of each report as it
        now stands: a report written to since (here or by another program) has none until worked out
        again; the others are not read again."""
        current = db.latest_revisions(list(self._codes))
        return {rid: code for rid, (revision, code) in self._codes.items() if current.get(rid) == revision}

    def packed_values(self, db: Database) -> Packed:
        """The packed values a 汇总 of `db` read before (report id → format and values), to be added
        to: forgotten as soon as anything in the database changed (a write of this connection or a
        commit of another)."""
        version = database_version(db)
        if self._kept is None or self._kept[0] != version:
            self._kept = (version, {})
        return self._kept[1]

    def keep_draft_codes(self, codes: Mapping[int, KeptCode]) -> None:
        """Codes worked out (`work_out_codes`, e.g. off the GUI thread), kept with the revision each is
        of: `draft_codes` gives only those still of their report's content."""
        self._codes.update(codes)

    def save(self) -> None:
        """What the desk learned, kept for next time."""
        self.memory.note = None
        self.memory.save(self.memory_path)

    def reports_of_year(self, year: int, db: Database | None = None) -> dict[str, Report]:
        """The reports a 汇总 of `year` would add up (agency → report): for 同比 against this desk or
        another one (last year's folder or database)."""
        board = self.board(year, db)
        rows = {r.agency for r in board.included()} | {
            r.agency for r in board.rows if r.received is None and r.report_id is not None
        }
        return {a: r for a, r in self.reports(board, db).items() if a in rows}
