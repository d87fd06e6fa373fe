"""A text edit never overwrites a newer stored text it did not start from (issue 9, item 10): a `db import`
while the window is open, then one keystroke before the watch notices, must not revert the import."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core.errors import TextConflict
from core.model.report import Report
from core.storage import Database
from tests.helpers import run_main
from tests.qt_helpers import answer_boxes
from ui.document import ReportDocument

IMPORTED = "（一）主动公开情况\n这是另一台电脑上改好后导入的概述。"


def test_storage_refuses_a_text_edit_made_on_an_older_text(db: Database, seed: Report) -> None:
    report_id = db.create_report(seed)
    old = seed.texts["overview"]
    db.set_text(report_id, "overview", IMPORTED)
    with pytest.raises(TextConflict) as conflict:
        db.set_text(report_id, "overview", old + "。", base=old)
    assert conflict.value.stored == IMPORTED
    assert db.load_report(report_id).texts["overview"] == IMPORTED
    db.set_text(report_id, "overview", IMPORTED + "。", base=IMPORTED)
    assert db.load_report(report_id).texts["overview"] == IMPORTED + "。"


def _import_elsewhere(seed: Report, path: Path, tmp_path: Path) -> None:
    from core.documents.exchange import write_report

    changed = copy.deepcopy(seed)
    changed.texts["overview"] = IMPORTED
    write_report(changed, tmp_path / "改好的.json")
    assert run_main("db", "import", tmp_path / "改好的.json", "--db", path).returncode == 0


@pytest.mark.parametrize("keep_mine", [False, True])
def test_a_keystroke_after_an_outside_import_asks_before_overwriting(
    qtbot: QtBot, db: Database, db_path: Path, seed: Report, tmp_path: Path, keep_mine: bool
) -> None:
    report_id = db.create_report(seed)
    document = ReportDocument(db, report_id)
    _import_elsewhere(seed, db_path, tmp_path)  # the 2-second watch has not noticed yet
    typed = seed.texts["overview"] + "再补一句。"
    seen: list[str] = []
    answer_boxes(QMessageBox.StandardButton.Yes if keep_mine else QMessageBox.StandardButton.No, seen, True)
    document.set_text("overview", typed)
    assert seen and "其他程序" in seen[0]
    stored = db.load_report(report_id).texts["overview"]
    if keep_mine:
        assert stored == typed
        assert IMPORTED in [c.new for r in db.history(report_id) for c in r.changes]
    else:
        assert stored == IMPORTED and document.report.texts["overview"] == IMPORTED
