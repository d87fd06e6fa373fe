"""The window a user sees first loads only what it shows: not ReportLab (the PDF), not Qt's printing,
not the import readers, not the models (pydantic, the format) nor the menus' desk, import review and
find — each is loaded when its action is used or the database opens (they were most of start-up)."""

from __future__ import annotations

import os

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
