"""Take the pictures of the built-in guide (resources/guide/*.png) from the real app, on the seed report.

Run by hand after the screens change (not a test):
    QT_QPA_PLATFORM=offscreen:configfile=SCREEN.json uv run python tests/guide_screenshots.py
(SCREEN.json: {"screens": [{"name": "office", "x": 0, "y": 0, "width": 1366, "height": 728}]})
A 1366×768 screen at 100 %, a temporary database; the PNGs are scaled down by `convert` (ImageMagick).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GUIDE = ROOT / "resources" / "guide"


def main() -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop
    from PySide6.QtWidgets import QWidget

    from core.documents.read import read_file
    from core.storage import Database
    from tests.conftest import FIXTURES
    from tests.helpers import distinct_report
    from tests.qt_helpers import TODAY, import_seed
    from ui.app import create_application
    from ui.desk_window import open_desk_window
    from ui.dialogs import NewReportDialog
    from ui.import_review import ImportReview
    from ui.main_window import MainWindow
    from ui.settings import Settings

    create_application()
    folder = Path(tempfile.mkdtemp())

    def settle() -> None:
        for _ in range(5):
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 30)

    def shot(widget: QWidget, name: str, width: int = 760) -> None:
        settle()
        raw = folder / f"{name}.png"
        assert widget.grab().save(str(raw))
        out = GUIDE / f"{name}.png"
        subprocess.run(["convert", str(raw), "-resize", f"{width}x>", "-colors", "128", str(out)], check=True)

    db = Database.open(folder / "guide.sqlite3")
    window = MainWindow(db, Settings(), today=lambda: TODAY)
    window.resize(1280, 700)
    window.show()
    report_id = import_seed(window)
    window._message.close()
    db.create_report(distinct_report("温县人民政府办公室", 2020, base=2))
    window.refresh_list()
    shot(window, "list")
    dialog = NewReportDialog(db.agencies(), lambda a, y: db.find_report(a, y) is not None, TODAY, window)
    dialog.show()
    shot(dialog, "new", 420)
    dialog.close()
    window.open_report(report_id)
    editor, document = window.editor, window.document
    assert editor is not None and document is not None
    document.set_values({"requests.3.1.natural_person": Decimal(6)})  # a sum that no longer adds up
    page = next(i for i, s in enumerate(editor.sections) if s.table_key == "requests")
    editor.show_page(page)
    editor.show_cell("requests.3.1.natural_person")
    shot(window, "table")
    document.undo_stack.undo()
    editor.show_page(editor.nav.count() - 1)
    loop = QEventLoop()
    editor.sign_page.preview_ready.connect(loop.quit)
    if editor.sign_page.pdf.pageCount() == 0:
        loop.exec()
    shot(window, "sign")
    review = ImportReview(read_file(FIXTURES / "published" / "seed.docx"), "2021年报告.docx", None, window)
    review.resize(1280, 700)
    review.show()
    shot(review, "import")
    review.close()
    desk = open_desk_window(window)
    desk.year_box.setValue(2021)
    desk.open_database()
    desk.resize(1280, 600)
    shot(desk, "desk")
    desk.close()
    window.close()
    db.close()


if __name__ == "__main__":
    main()
