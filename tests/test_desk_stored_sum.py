"""The 汇总 of a database desk from storage's packed values (`make_stored_sum`): the same sum, list of
included reports (status, 校验码, errors), mark and blanks counted as 0 as `make_sum` over the reports
read in full, on the command line's path and in the 汇总 dialog (real widgets over a real database);
the drafts' 校验码 worked out in chunks, stopped when cancelled, never of an older content."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core import desk
from core.desk.sums import work_out_codes
from core.documents.fingerprint import fingerprint
from core.errors import UserError
from core.rules.findings import resolved_values
from core.storage import Database
from tests.helpers import distinct_report
from ui.desk_window import DeskWindow
from ui.fonts import ensure_chinese_font

YEAR = 2022
AGENCIES = ["温县财政局", "温县教育局", "温县民政局", "温县水利局"]


def _fill(db: Database) -> dict[str, int]:
    """Four reports of YEAR (distinct numbers): one 定稿, one with an error, one with blanks; and one
    of another year, not summed."""
    ids = {}
    for i, agency in enumerate(AGENCIES):
        report = distinct_report(agency, YEAR, base=1 + 300 * i)
        if i == 1:
            report.values["requests.3.2.other"] += 9  # type: ignore[operator]
        if i == 2:
            for address in report.spec.input_addresses[:6]:
                report.values[address] = None
        ids[agency] = db.create_report(report)
    db.set_status(ids[AGENCIES[0]], "final")
    db.create_report(distinct_report(AGENCIES[3], YEAR - 1, base=77))
    return ids


def test_the_stored_sum_is_the_sum_of_the_reports_read(tmp_path: Path) -> None:
    with Database.open(tmp_path / "db.sqlite3", create=True) as db:
        ids = _fill(db)
        session = desk.DeskSession.of_database(tmp_path / "db.sqlite3")
        board = session.board(YEAR, db)
        read_in_full = session.sum(board, "温县", session.reports(board, db))
        kept: dict[int, tuple[int, str]] = {}
        rows = [r for r in board.rows if r.report_id is not None]
        stored = desk.make_stored_sum(db, rows, "温县", YEAR, board.missing, {}, kept.update)
        assert stored == read_in_full
        assert session.sum(board, "温县", db=db) == read_in_full  # the session's path for a database
        # a draft's code was worked out once and kept; a 定稿's came from storage, not kept
        drafts = {ids[a] for a in AGENCIES[1:]}
        latest = db.latest_revisions(list(drafts))
        assert kept == {i: (latest[i], fingerprint(db.load_report(i))) for i in drafts}
    assert set(stored.blanks) == {AGENCIES[2]} and stored.blanks[AGENCIES[2]] == 6
    errors = {i.agency: i.errors for i in stored.contents.reports}
    assert errors[AGENCIES[1]] > 0 and errors[AGENCIES[0]] == 0
    assert stored.total.values["requests.1.natural_person"] == sum(
        distinct_report(a, YEAR, base=1 + 300 * i).values["requests.1.natural_person"]  # type: ignore[misc]
        for i, a in enumerate(AGENCIES)
    )


def database_desk(qtbot: QtBot, db: Database, year: int) -> DeskWindow:
    """The desk window at 1366×768 showing the board of `year` of the database `db`."""
    ensure_chinese_font()
    window = DeskWindow(None, db)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.year_box.setValue(year)
    window.open_database()
    return window


def test_the_sum_dialog_of_the_database(qtbot: QtBot, db: Database) -> None:
    ids = _fill(db)
    window = database_desk(qtbot, db, YEAR)
    dialog = window.show_sum()
    items = [dialog.included.item(i) for i in range(dialog.included.count())]
    assert sorted(i.text() for i in items) == sorted(AGENCIES)
    next(i for i in items if i.text() == AGENCIES[3]).setCheckState(Qt.CheckState.Unchecked)
    ticked = AGENCIES[:3]
    reports = {a: db.load_report(ids[a]) for a in ticked}
    assert dialog.total == desk.add_up(list(reports.values()), "本级汇总", YEAR)  # the figures at once
    assert dialog.summed is None and dialog.codes_pending()  # the drafts' codes: off the GUI thread
    qtbot.waitUntil(lambda: dialog.summed is not None, timeout=30_000)
    assert dialog.summed is not None and not dialog.codes_pending()
    listed = [(i.agency, i.code) for i in dialog.summed.contents.reports]
    assert listed == [
        (a, fingerprint(reports[a])) for a in sorted(ticked, key=[r.agency for r in window.board.rows].index)
    ]
    assert dialog.list_heading.text() == "附：本汇总包括的报告（共 3 份）"
    model = dialog.list_model
    shown = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert [(row[1], row[3]) for row in shown] == listed and AGENCIES[3] not in str(shown)


def test_a_total_given_in_some_reports_counts_as_given_and_as_its_parts_in_the_others(
    tmp_path: Path,
) -> None:
    """Totals: one report leaves them all blank, one gives a row's total (not its parts' sum), one the
    total of totals; the sum of each total is what each report's total stands for, blank in all: blank."""
    given = {"requests.3.2.total": 7, "requests.3.7.total": 11, "requests.3.7.natural_person": 13}
    reports = [distinct_report(a, YEAR, base=1 + 300 * i) for i, a in enumerate(AGENCIES[:3])]
    for n, (address, extra) in enumerate(given.items()):
        report = reports[1 + n % 2]
        report.values[address] = resolved_values(report)[address] + extra
    with Database.open(tmp_path / "db.sqlite3", create=True) as db:
        ids = [db.create_report(r) for r in reports]
        stored = desk.add_up_stored(db, ids, "温县", YEAR)
    spec = reports[0].spec
    for total, _parts in spec.derivations:
        blank = all(r.values[total] is None for r in reports)
        expected = None if blank else sum(resolved_values(r)[total] for r in reports)
        assert stored.values[total] == expected, total
    assert stored.values["requests.3.2.total"] is not None and stored.values["requests.1.total"] is None
    assert stored == desk.add_up(reports, "温县", YEAR)


def test_codes_are_worked_out_in_chunks_and_stop_when_cancelled(tmp_path: Path) -> None:
    with Database.open(tmp_path / "db.sqlite3", create=True) as db:
        ids = [db.create_report(distinct_report(f"温县第{n:03d}局", YEAR, base=n * 7)) for n in range(120)]
        said: list[tuple[int, int]] = []
        worked = work_out_codes(db, ids, lambda done, total: said.append((done, total)))
        latest = db.latest_revisions(ids)
        assert worked == {i: (latest[i], fingerprint(db.load_report(i))) for i in ids}
        codes = {i: code for i, (_revision, code) in worked.items()}
        assert said == [(50, 120), (100, 120), (120, 120)]  # after each chunk read

        asked = []

        def cancelled() -> bool:
            asked.append(1)
            return len(asked) > 60  # stops in the second chunk

        some = work_out_codes(db, ids, cancelled=cancelled)
        assert 50 <= len(some) < 100 and all(some[i][1] == codes[i] for i in some)
        with pytest.raises(UserError, match="没有编号为 99999 的报告"):  # a list of another version
            work_out_codes(db, [*ids[:3], 99999])


def test_a_draft_written_to_while_its_code_is_worked_out_is_read_again_alone(tmp_path: Path) -> None:
    """An edit elsewhere does not start the reckoning over (typing in the main window would keep it from
    ever ending): only the report written to while it was read is read again."""
    with Database.open(tmp_path / "db.sqlite3", create=True) as db:
        ids = [db.create_report(distinct_report(f"温县第{n:03d}局", YEAR, base=n * 7)) for n in range(80)]
        old = fingerprint(db.load_report(ids[0]))
        asked: list[int] = []

        def edit_once() -> bool:  # asked before each report: the 10th time, ids[0] is read already
            asked.append(1)
            if len(asked) == 10:
                db.set_values(ids[0], {"requests.1.natural_person": Decimal(98765)})
            return False

        said: list[int] = []
        worked = work_out_codes(db, ids, lambda done, _total: said.append(done), edit_once)
        assert said == [49, 80]  # the first chunk less the draft written to; the rest with it read again
        latest = db.latest_revisions(ids)
        assert (
            worked[ids[0]] == (latest[ids[0]], fingerprint(db.load_report(ids[0]))) != (latest[ids[0]], old)
        )
        assert {i: revision for i, (revision, _code) in worked.items()} == latest
        session = desk.DeskSession.of_database(tmp_path / "db.sqlite3")
        session.keep_draft_codes(worked)
        assert session.draft_codes(db) == {i: code for i, (_revision, code) in worked.items()}
        db.set_values(ids[1], {"requests.1.natural_person": Decimal(4321)})
        assert set(session.draft_codes(db)) == set(ids) - {
            ids[1]
        }  # only that report's code is of older content


def test_a_drafts_code_is_kept_until_its_report_changes(tmp_path: Path) -> None:
    with Database.open(tmp_path / "db.sqlite3", create=True) as db:
        ids = _fill(db)
        session = desk.DeskSession.of_database(tmp_path / "db.sqlite3")
        board = session.board(YEAR, db)
        first = session.sum(board, "温县", db=db)
        kept = session.draft_codes(db)
        assert kept == {ids[a]: fingerprint(db.load_report(ids[a])) for a in AGENCIES[1:]}
        assert session.sum(board, "温县", db=db) == first and session.draft_codes(db) == kept

        db.set_values(ids[AGENCIES[1]], {"requests.1.natural_person": Decimal(4321)})
        assert session.draft_codes(db) == {  # an edit: that report's code is forgotten, not the others'
            rid: code for rid, code in kept.items() if rid != ids[AGENCIES[1]]
        }
        board = session.board(YEAR, db)
        again = session.sum(board, "温县", db=db)
        codes = {i.agency: i.code for i in again.contents.reports}
        assert codes[AGENCIES[1]] == fingerprint(db.load_report(ids[AGENCIES[1]]))
        assert codes[AGENCIES[1]] != {i.agency: i.code for i in first.contents.reports}[AGENCIES[1]]
        assert again == session.sum(board, "温县", session.reports(board, db))


def test_typing_on_in_a_drafts_text_makes_its_kept_code_old(tmp_path: Path) -> None:
    """Typing that goes on in one text rewrites its revision in place (one undo step): the revision id
    stayed, so a 汇总 listed the draft with the code of its text as it was before the last words."""
    with Database.open(tmp_path / "db.sqlite3", create=True) as db:
        ids = _fill(db)
        draft = ids[AGENCIES[1]]
        key = next(iter(db.load_report(draft).texts))
        assert db.set_text(draft, key, "本年度新收申请若干件。") is not None
        session = desk.DeskSession.of_database(tmp_path / "db.sqlite3")
        board = session.board(YEAR, db)
        session.sum(board, "温县", db=db)
        assert session.draft_codes(db)[draft] == fingerprint(db.load_report(draft))
        db.set_text(draft, key, "本年度新收申请若干件，均已答复。")  # the same burst: the same revision
        assert draft not in session.draft_codes(db)
        listed = {i.agency: i.code for i in session.sum(board, "温县", db=db).contents.reports}
        assert listed[AGENCIES[1]] == fingerprint(db.load_report(draft))
