"""The window a user sees first loads only what it shows: not ReportLab (the PDF), not Qt's printing,
not the import readers, not the models (pydantic, the format) nor the menus' desk, import review and
find — each is loaded when its action is used or the database opens (they were most of start-up)."""

from __future__ import annotations

import os
from pathlib import Path

from core.model.report import Report
from core.storage import Database
from tests.helpers import loaded_in_fresh_process

NOT_AT_START = (
    *(
        "reportlab",
        "PySide6.QtPrintSupport",
        "core.documents.pdf",
        "core.documents.read",
        "docx",
        "xlsxwriter",
    ),
    *(
        "pydantic",
        "core.format.definition",
        "rapidfuzz",
        "ui.desk_window",
        "ui.import_review",
        "ui.edit_actions",
    ),
)

_FIRST_WINDOW = """
from PySide6.QtWidgets import QApplication
app = QApplication([])
from ui.main_window import MainWindow
window = MainWindow(None)
window.show()
app.processEvents()
result = window.isVisible()
"""


def test_the_first_window_loads_no_pdf_printing_or_reader_modules() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    assert loaded_in_fresh_process(_FIRST_WINDOW, NOT_AT_START, env) == {"result": True, "loaded": []}


_OPENED_AND_LISTED = """
from core.ops.library import Library
from core.storage import Database
db = Database.open({path!r}, keep_log=True)
result = [(r.agency, r.year) for r in Library(db).reports()] + [len(db.history(1))]
"""


def test_opening_the_database_and_listing_its_reports_loads_no_sqlite_utils(db_path: Path) -> None:
    """The app's path from its first paint to the painted list: sqlite-utils (a tenth of that time)
    loads at the first write that uses it, not to open or read."""
    with Database.open(db_path) as db:
        db.create_report(Report.blank("温县人民政府办公室", 2021))
    outcome = loaded_in_fresh_process(_OPENED_AND_LISTED.format(path=str(db_path)), ("sqlite_utils",))
    assert outcome == {"result": [["温县人民政府办公室", 2021], 1], "loaded": []}
