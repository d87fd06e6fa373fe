"""The window a user sees first loads only what it shows: not ReportLab (the PDF), not Qt's printing,
not the import readers — each is loaded when its action is used (they were a good part of start-up)."""

from __future__ import annotations

import os

from tests.helpers import loaded_in_fresh_process

NOT_AT_START = ("reportlab", "PySide6.QtPrintSupport", "core.pdf", "core.read", "docx", "xlsxwriter")

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
