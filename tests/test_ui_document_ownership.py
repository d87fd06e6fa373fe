"""Every change to the open report goes through `ReportDocument`: 定稿, 解除定稿, restoring a revision,
renaming, and reading its history — no view reaches past the document into the storage."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from core.errors import UserError
from core.model.report import Report
from core.storage import Database
from tests.conftest import ROOT
from tests.qt_helpers import WriteLock
from ui.document import ReportDocument


def test_no_view_reaches_the_storage_through_the_document() -> None:
    reaching = re.compile(r"document\.db\b")
    found = [
        f"{path.name}:{number}"
        for path in sorted((ROOT / "ui").glob("*.py"))
        if path.name != "document.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if reaching.search(line)
    ]
    assert found == []


@pytest.fixture
def document(qtbot: QtBot, db: Database, seed: Report) -> ReportDocument:
    return ReportDocument(db, db.create_report(seed))


def test_finalize_and_unfinalize_through_the_document(
    qtbot: QtBot, document: ReportDocument, db: Database
) -> None:
    with qtbot.waitSignal(document.reloaded):
        document.finalize()
    assert document.read_only and db.status(document.report_id) == "final"
    with pytest.raises(UserError):
        document.set_values({"requests.1.natural_person": Decimal(23)})
    with qtbot.waitSignal(document.reloaded):
        document.unfinalize("第三部分数字有误")
    assert not document.read_only
    newest = document.history()[0]
    assert newest.kind == "status" and newest.note == "第三部分数字有误"


def test_restore_a_revision_through_the_document(
    qtbot: QtBot, document: ReportDocument, db: Database
) -> None:
    document.set_values({"requests.1.natural_person": Decimal(23)})
    document.set_values({"requests.1.natural_person": Decimal(24)})
    first_edit = document.history()[1]
    with qtbot.waitSignal(document.valuesChanged):
        document.restore_revision(first_edit.id)
    assert document.report.values["requests.1.natural_person"] == 23
    assert db.load_report(document.report_id).values["requests.1.natural_person"] == 23
    assert document.history()[0].kind == "restore"
    assert document.undo_stack.count() == 0  # the undo steps referred to the state before


def test_restore_is_refused_while_an_edit_is_unsaved(qtbot: QtBot, db_path: Path, seed: Report) -> None:
    db = Database.open(db_path, timeout=0.2)  # a busy database refuses soon
    try:
        document = ReportDocument(db, db.create_report(seed))
        first = document.history()[0]
        lock = WriteLock(db_path)
        try:
            document.set_values({"requests.1.natural_person": Decimal(25)})
            assert document.unsaved
            with pytest.raises(UserError) as refused:
                document.restore_revision(first.id)
            assert "还没有保存" in refused.value.message
        finally:
            lock.close()
        assert document.flush()
        assert db.load_report(document.report_id).values["requests.1.natural_person"] == 25
    finally:
        db.close()


def test_rename_through_the_document_keeps_an_unsaved_edit(qtbot: QtBot, db_path: Path, seed: Report) -> None:
    db = Database.open(db_path, timeout=0.2)
    try:
        document = ReportDocument(db, db.create_report(seed))
        lock = WriteLock(db_path)
        try:
            document.set_values({"requests.1.natural_person": Decimal(26)})
            with pytest.raises(UserError) as refused:
                document.rename("温县人民政府办公室", 2022)
            assert "还没有保存" in refused.value.message and "不能改名" in refused.value.message
        finally:
            lock.close()
        assert db.load_report(document.report_id).agency == seed.agency  # nothing renamed
        with qtbot.waitSignal(document.reloaded):
            document.rename("温县人民政府办公室", 2022)
        stored = db.load_report(document.report_id)
        assert (stored.agency, stored.year) == ("温县人民政府办公室", 2022)
        assert stored.values["requests.1.natural_person"] == 26  # the edit saved first, under the new name
        assert document.report.title == stored.title and document.history()[0].kind == "rename"
    finally:
        db.close()
