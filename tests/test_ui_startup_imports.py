"""The window a user sees first loads only what it shows: not ReportLab (the PDF), not Qt's printing,
not the import readers — each is loaded when its action is used (they were a good part of start-up)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

NOT_AT_START = ("reportlab", "PySide6.QtPrintSupport", "core.pdf", "core.read", "docx", "xlsxwriter")

_PROBE = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from ui.main_window import MainWindow
window = MainWindow(None)
window.show()
app.processEvents()
print(json.dumps(sorted(m for m in sys.argv[1:] if m in sys.modules)))
"""


def test_the_first_window_loads_no_pdf_printing_or_reader_modules() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *NOT_AT_START],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == []
