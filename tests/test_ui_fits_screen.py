"""Every window, page and dialog fits the office screen (issue 18, item 1, 5 and «Done when»).

Three settings office laptops use: 1366×768 at 100 % and 125 %, 1920×1080 at 150 %, each with a Windows
task bar taken off the bottom. Qt's offscreen platform is given a screen of that available size (a
config file) and QT_SCALE_FACTOR, which must be set before Qt starts, so each setting runs this module as
a child process (one per setting, one app state for the whole walk). The child opens the main window
on the seed report, every page of the editor (the sign page before and after 定稿 and after 核对校验码),
the other top-level windows and every dialog; for each it writes the minimum size, where it stands and a
PNG under the test's tmp folder. The parent asserts that each fits: minimum size within the available
area, and the window wholly on it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from core.errors import UserError
from core.storage import Database
from tests.qt_helpers import import_seed, open_window
from ui.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

LONG_AGENCY = "温县人民政府办公室" * 11 + "一"  # 100 characters, the longest 机关名称 allowed

# name: (physical screen width, height without the task bar, scale factor)
SETTINGS = {
    "1366x768@100": (1366, 768 - 40, 1.0),
    "1366x768@125": (1366, 768 - 50, 1.25),
    "1920x1080@150": (1920, 1080 - 60, 1.5),
}


def run_setting(name: str, tmp_path: Path) -> list[dict[str, Any]]:
    width, height, scale = SETTINGS[name]
    config = tmp_path / "screen.json"
    screen = {"name": "office", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96, "dpr": 1}]}), encoding="utf-8")
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        QT_SCALE_FACTOR=str(scale),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    )
    out = tmp_path / "fits.json"
    shots = tmp_path / "shots"
    shots.mkdir()
    done = subprocess.run(
        [sys.executable, __file__, str(tmp_path / "db.sqlite3"), str(shots), str(out)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
    return results


# Windows whose sizing another change owns (the desk's windows are issue 18's helper `desk`'s); listed
# so the walk still photographs them. Remove an entry when its window fits.
SIZED_ELSEWHERE: set[str] = set()


def misfits(results: list[dict[str, Any]]) -> list[str]:
    bad = []
    for r in results:
        if r["name"] in SIZED_ELSEWHERE:
            continue
        ax, ay, aw, ah = r["available"]
        x, y, w, h = r["frame"]
        mw, mh = r["minimum"]
        if mw > aw or mh > ah:
            bad.append(f"{r['name']}: minimum {mw}×{mh} > available {aw}×{ah}")
        if x < ax or y < ay or x + w > ax + aw or y + h > ay + ah:
            bad.append(f"{r['name']}: at {x},{y} {w}×{h}, off the available {ax},{ay} {aw}×{ah}")
    return bad


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_everything_fits_the_screen(setting: str, tmp_path: Path) -> None:
    results = run_setting(setting, tmp_path)
    names = [r["name"] for r in results]
    assert len(names) == len(set(names)) and len(names) >= 20, names  # the walk saw it all
    assert misfits(results) == []
    shown = {r["name"]: r for r in results}
    for name in ("rename", "new-report"):  # room for a usual agency name (issue 18 item 13)
        assert shown[name]["frame"][2] >= 26 * shown[name]["char"], name
    for r in results:
        assert (tmp_path / "shots" / f"{r['name']}.png").stat().st_size > 1000


# ---------------------------------------------------------------------------------------------- child


def walk(db_path: Path, shots: Path) -> list[dict[str, Any]]:
    """Open everything, one after the other, and measure each (runs in the child process)."""
    from PySide6.QtCore import QCoreApplication, QEventLoop
    from PySide6.QtWidgets import QApplication, QWidget

    from core.documents.fingerprint import fingerprint
    from core.documents.read import read_file
    from core.storage import Database
    from tests.conftest import FIXTURES
    from tests.helpers import distinct_report
    from tests.qt_helpers import TODAY, import_seed
    from ui.about import show_about
    from ui.app import create_application
    from ui.crash import CrashDialog
    from ui.desk_roster import RosterDialog
    from ui.desk_window import open_desk_window
    from ui.dialogs import (
        DeletedReportsDialog,
        NewReportDialog,
        RenameDialog,
        UnfinalizeDialog,
        UnsavedDialog,
        confirm_delete,
    )
    from ui.help import HelpWindow
    from ui.history import HistoryDialog
    from ui.import_review import ImportReview
    from ui.main_window import MainWindow
    from ui.settings import Settings

    PUBLISHED = FIXTURES / "published"

    create_application()
    results: list[dict[str, Any]] = []

    def settle() -> None:
        for _ in range(3):
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

    def measure(name: str, widget: QWidget) -> None:
        settle()
        available = widget.screen().availableGeometry()
        hint, least = widget.minimumSizeHint(), widget.minimumSize()
        frame = widget.frameGeometry()
        results.append(
            {
                "name": name,
                "available": [available.x(), available.y(), available.width(), available.height()],
                "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                "minimum": [max(hint.width(), least.width()), max(hint.height(), least.height())],
                "char": widget.fontMetrics().horizontalAdvance("中"),
            }
        )
        assert widget.grab().save(str(shots / f"{name}.png"))

    def dialog(name: str, make: Callable[[], QWidget]) -> None:
        widget = make()
        widget.show()
        measure(name, widget)
        widget.close()
        widget.deleteLater()

    db = Database.open(db_path)
    window = MainWindow(db, Settings(), today=lambda: TODAY)
    window.show()
    report_id = import_seed(window)
    window._message.close()
    db.rename_report(report_id, LONG_AGENCY, 2021)  # the longest name allowed, on every page
    window.refresh_list()
    measure("main-list", window)
    window.open_report(report_id)
    editor = window.editor
    assert editor is not None
    for index in range(editor.nav.count()):
        editor.show_page(index)
        measure(f"main-page{index + 1:02d}", window)
    page = editor.sign_page
    document = editor.document
    document.finalize()
    page._status_changed()
    measure("main-sign-final", window)
    page.code_edit.setText(fingerprint(document.report))
    measure("main-sign-code-ok", window)
    page.code_edit.setText("0000-0000-0000")
    measure("main-sign-code-bad", window)
    editor.show_page(0)
    measure("main-page01-final", window)

    # the report menu's dialogs
    taken = lambda a, y: False  # noqa: E731
    dialog("new-report", lambda: NewReportDialog(db.agencies(), taken, TODAY, window))
    dialog("rename", lambda: RenameDialog(db.agencies(), LONG_AGENCY, 2021, taken, TODAY, window))
    dialog("delete", lambda: confirm_delete(document.report.title, window))
    dialog("deleted", lambda: DeletedReportsDialog(db.deleted_reports(), lambda _id: None, window))
    dialog("unsaved", lambda: UnsavedDialog("磁盘已满", window))
    dialog("unfinalize", lambda: UnfinalizeDialog(document.report.title, window))
    dialog("history", lambda: HistoryDialog(document, window))
    dialog("about", lambda: show_about(db.path, window))
    dialog("guide", lambda: HelpWindow(window))
    dialog("crash", lambda: CrashDialog("Traceback …\n" * 40, db_path.parent / "nianbao.log", window))
    for name in ("seed.docx", "seed.pdf"):
        pdf = PUBLISHED / name if name.endswith(".pdf") else None
        imported = read_file(PUBLISHED / name)
        dialog(f"import-review-{name}", lambda i=imported, n=name, p=pdf: ImportReview(i, n, p, window))  # type: ignore[misc]

    # the desk and its dialogs, on the reports of this database
    db.create_report(distinct_report("温县水利局", 2021, base=8))
    desk_window = open_desk_window(window)
    desk_window.year_box.setValue(2021)
    desk_window.open_database()
    measure("desk", desk_window)
    desk_window.select("温县水利局")
    viewer = desk_window.open_selected()
    assert viewer is not None
    measure("desk-viewer", viewer)
    viewer.close()
    for name, show in (("desk-sum", desk_window.show_sum), ("desk-years", desk_window.show_years)):
        shown = show()
        measure(name, shown)
        shown.close()
    dialog("desk-roster", lambda: RosterDialog(None, [LONG_AGENCY, "温县水利局"], desk_window))
    desk_window.close()

    # the register (登记台账…), its ledger import preview and its dialogs
    from core.register.ledger import preview
    from core.register.ops import Register
    from tests.test_register_ledger import ROWS, write_ledger
    from ui.register_dialogs import ArrangementDialog, CasesDialog
    from ui.register_import import LedgerImportDialog
    from ui.register_page import RegisterWindow

    register_window = RegisterWindow(db, LONG_AGENCY, lambda: TODAY, window)
    register_window.show()
    measure("register", register_window)
    found = preview(write_ledger(db_path.parent / "台账.xlsx", ROWS))
    dialog("register-import", lambda: LedgerImportDialog(found, register_window))
    register = Register(db, LONG_AGENCY)
    dialog("register-cases", lambda: CasesDialog(register, lambda: TODAY, register_window))
    dialog("register-arrangement", lambda: ArrangementDialog(register, 2027, register_window))
    register_window.close()

    window.close()
    QApplication.closeAllWindows()
    db.close()
    return results


if __name__ == "__main__":
    found = walk(Path(sys.argv[1]), Path(sys.argv[2]))
    Path(sys.argv[3]).write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")


def test_a_window_saved_larger_or_elsewhere_reopens_on_the_screen(qtbot: QtBot, db: Database) -> None:
    """Issue 18 item 1: the size and place saved on a large monitor (or at another scale) do not put the
    window past this screen's edges when it opens again, on the page it was left at."""
    window = open_window(qtbot, db)
    report_id = import_seed(window)
    window._message.close()
    window.open_report(report_id)
    assert window.editor is not None
    window.editor.show_page(window.editor.nav.count() - 1)  # the sign page, the tallest
    area = window.screen().availableGeometry()
    window.setGeometry(area.right() - 100, area.bottom() - 80, area.width() + 700, area.height() + 500)
    window.close()
    again = open_window(qtbot, db, Settings.load())  # what the closed window remembered
    assert again.editor is not None and again.editor.page_index == again.editor.nav.count() - 1
    QApplication.processEvents()
    assert area.contains(again.frameGeometry()), (again.frameGeometry(), area)
    hint = again.minimumSizeHint()
    assert hint.width() <= area.width() and hint.height() <= area.height()


def test_a_long_agency_name_is_elided_in_the_header_and_the_title_whole_in_the_tooltip(
    qtbot: QtBot, db: Database
) -> None:
    """Issue 18 item 4: the longest name allowed (100 characters, the exchange limit) never widens the
    window; the header shows what fits and 「…」, its tooltip the whole title."""
    window = open_window(qtbot, db)
    report_id = import_seed(window)
    window._message.close()
    db.rename_report(report_id, LONG_AGENCY, 2021)
    window.open_report(report_id)
    editor = window.editor
    assert editor is not None
    title = editor.document.report.title
    area = window.screen().availableGeometry()
    assert window.minimumSizeHint().width() <= area.width()
    shown = QLabel.text(editor.title)  # what the label paints
    assert shown.endswith("…") and title.startswith(shown[:-1]) and len(shown) < len(title)
    assert editor.title.toolTip() == title and editor.title.text() == title
    assert window.windowTitle().startswith(title[:20]) and len(window.windowTitle()) < 80
    with pytest.raises(UserError, match="最多 100 个字"):
        db.rename_report(report_id, LONG_AGENCY + "局", 2021)
