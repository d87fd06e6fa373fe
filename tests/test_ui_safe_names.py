"""The export dialogs (exchange file, PDF, Word, Excel, web page) suggest a safe file name in the chosen
folder, whatever the agency (issue 9, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from core.model.names import safe_file_name
from core.model.report import Report
from core.storage import Database
from tests.qt_helpers import open_window
from ui.export_actions import documents_folder
from ui.settings import Settings

HOSTILE = "../../x: * ? \\ CON"


@pytest.fixture
def suggested(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The path each save dialog suggests; the user then cancels."""
    seen: list[str] = []

    def dialog(parent: object, caption: str, path: str, filters: str) -> tuple[str, str]:
        seen.append(path)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    return seen


def test_both_export_dialogs_suggest_a_safe_name_inside_the_folder(
    qtbot: QtBot, db: Database, seed: Report, tmp_path: Path, suggested: list[str]
) -> None:
    seed.agency = seed.signature.name = HOSTILE
    report_id = db.create_report(seed)
    settings = Settings()
    settings.last_folder = str(tmp_path)
    window = open_window(qtbot, db, settings)
    assert window.export_report(report_id) is None
    window.open_report(report_id)
    assert window.editor is not None
    assert window.editor.sign_page.export_pdf() is None
    for suffix in (".docx", ".xlsx", ".html"):
        window.export_actions.export(suffix)
    json_path, pdf_path, *office = map(Path, suggested)
    # a first export of each kind goes to 文档, not the last import's folder (issue 18 item 11)
    documents = documents_folder()
    assert office == [documents / safe_file_name(seed.title, s) for s in (".docx", ".xlsx", ".html")]
    assert json_path == tmp_path / safe_file_name(seed.title, ".json")
    assert pdf_path == documents / safe_file_name(seed.title, ".pdf")
    for path in (json_path, pdf_path):
        assert ".." not in path.parts and not set(':*?\\"') & set(path.name)
