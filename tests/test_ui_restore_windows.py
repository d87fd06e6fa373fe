"""「恢复备份」 in the main window closes the database the desk and the register were reading: they are
handed the restored one, so the desk's board and the register show what the backup holds and the
next entry is kept in the restored file — not refused by a closed handle, nor written nowhere; what the
register's form holds stays, and is saved as a new request when the restored file lacks it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import shiboken6
from PySide6.QtGui import QPaintEvent
from pytestqt.qtbot import QtBot

from core.register.model import Request
from core.register.ops import Register
from core.storage import Database
from tests.helpers import distinct_report
from tests.qt_helpers import open_window
from ui.desk_window import open_desk_window
from ui.register_page import open_register_window

YEAR = 2025
AGENCY = "温县第001局"


def test_the_desk_and_the_register_read_the_restored_database(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    for n, agency in enumerate((AGENCY, "温县第002局")):
        db.create_report(distinct_report(agency, YEAR, base=3 + 17 * n))
    Register(db, AGENCY).register(Request("A-1", dt.date(2026, 3, 2), "natural_person", "甲"))
    window = open_window(qtbot, db)
    backup = window.backup_database(tmp_path / "备份.sqlite3")
    assert backup is not None and window.message_box is not None
    window.message_box.close()
    # written after the backup: gone once it is restored
    db.create_report(distinct_report("温县第003局", YEAR, base=71))
    Register(db, AGENCY).register(Request("A-2", dt.date(2026, 3, 3), "commercial", "乙"))

    desk = open_desk_window(window)
    desk.year_box.setValue(YEAR)
    desk.open_database()
    assert sorted(row.agency for row in desk.board.rows) == ["温县第001局", "温县第002局", "温县第003局"]
    summed = desk.show_sum()
    register = open_register_window(window)
    assert register is not None
    register.switch_agency(AGENCY)
    assert sorted(r.number for r in register.requests) == ["A-1", "A-2"]
    register.select(next(r.id for r in register.requests if r.number == "A-2"))  # open in the form
    closed_desk = open_desk_window(window)
    closed_desk.close()

    assert window.restore_database(backup) is True
    assert db.closed and not window.db.closed

    assert desk.db is window.db and desk.source_db is window.db
    assert sorted(row.agency for row in desk.board.rows) == ["温县第001局", "温县第002局"]
    assert not summed.isVisible()  # its figures were of the old file
    assert "恢复后的本机数据库" in desk.statusBar().currentMessage()
    assert [r.number for r in register.requests] == ["A-1"]
    assert "恢复后的登记台账" in register.statusBar().currentMessage()

    assert register.form.request_id is None  # A-2 is not in the restored file: what the form holds is new
    register.save()
    assert sorted(r.number for r in Register(window.db, AGENCY).requests()) == ["A-1", "A-2"]
    assert closed_desk.db is db  # a closed desk is never shown again: left alone
    qtbot.waitUntil(lambda: not shiboken6.isValid(closed_desk))  # and deleted: closed windows do not pile up
    window.close()
    window.db.close()


def test_a_window_closed_as_its_list_is_painted_does_not_read_its_closed_database(
    qtbot: QtBot, db: Database
) -> None:
    """The register's deadlines are said just after the list's first paint: a window closed (and its
    database with it) in between read the closed file — an English error, seen once in CI."""
    Register(db, AGENCY).register(Request("A-1", dt.date(2026, 3, 2), "natural_person", "甲"))
    window = open_window(qtbot, db)
    window.eventFilter(window.stack, QPaintEvent(window.stack.rect()))  # as the list's first paint is seen
    window.close()
    db.close()
    qtbot.wait(50)  # the queued saying runs: nothing is read, nothing raised
    assert window.statusBar().currentMessage() == ""
