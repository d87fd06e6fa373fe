"""「签署与打印」: signature saved, the real PDF previewed and exported, 定稿 and 解除定稿, code check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from core.documents.fingerprint import CHECKED, fingerprint, full_fingerprint
from core.documents.pdf.coverage import unprintable_characters
from core.storage import Database
from tests.helpers import install_fangsong
from tests.qt_helpers import WriteLock, import_seed, on_next_modal, open_seed_report, open_window
from ui.dialogs import UnfinalizeDialog
from ui.main_window import MainWindow
from ui.sign_print import SignPrintPage


@pytest.fixture(autouse=True)
def _fangsong_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 仿宋 in a Windows font folder, so 定稿 does not stop to ask about it (test_ui_sign_fonts does)."""
    install_fangsong(tmp_path / "Windows", monkeypatch)


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> MainWindow:
    """The seed report open in a shown window."""
    return open_seed_report(qtbot, db)


def sign_page(window: MainWindow, qtbot: QtBot) -> SignPrintPage:
    """Go to the page and wait for its preview."""
    assert window.editor is not None
    page = window.editor.sign_page
    with qtbot.waitSignal(page.preview_ready, timeout=60_000):
        window.editor.show_page(window.editor.nav.count() - 1)
    return page


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_the_preview_shows_the_real_pdf_and_export_writes_the_same(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    page = sign_page(window, qtbot)
    assert page.pdf.pageCount() == len(PdfReader(BytesIO(page.pdf_data)).pages) > 1
    assert not page.busy_widget.isVisible()
    out = page.export_pdf(tmp_path / "报告.pdf")
    assert out is not None and out.read_bytes().startswith(b"%PDF")
    assert "温县人民政府办公室" in pdf_text(out.read_bytes())
    page._message.close()


def test_signature_name_and_date_are_saved_and_the_preview_follows(
    window: MainWindow, qtbot: QtBot, db: Database
) -> None:
    page = sign_page(window, qtbot)
    assert window.document is not None
    page.name_edit.setText("温县人民政府")
    page.name_edit.editingFinished.emit()
    with qtbot.waitSignal(page.preview_ready, timeout=60_000):
        page.date_edit.set_value(dt.date(2022, 1, 20))
    assert page.date_edit.edit.text() == "2022年1月20日"
    stored = db.load_report(window.document.report_id).signature
    assert (stored.name, stored.date) == ("温县人民政府", dt.date(2022, 1, 20))
    assert "2022年1月20日" in pdf_text(page.pdf_data)
    window.document.undo_stack.undo()  # the date is one undo step like any edit
    assert page.date_edit.edit.text() == "" and page.date_edit.value() is None


def test_finalizing_is_refused_with_reasons_while_there_are_errors(
    window: MainWindow, qtbot: QtBot, db: Database
) -> None:
    page = sign_page(window, qtbot)
    assert window.document is not None
    window.document.set_values({"requests.1.natural_person": Decimal(30)})
    assert not page.finalize()
    assert "还不能定稿" in page._message.text() and "错误" in page._message.text()
    page._message.close()
    assert db.status(window.document.report_id) == "draft" and not window.document.read_only


def test_final_report_is_read_only_carries_its_code_and_unfinalizing_asks_why(
    window: MainWindow, qtbot: QtBot, db: Database
) -> None:
    page = sign_page(window, qtbot)
    document, editor = window.document, window.editor
    assert document is not None and editor is not None
    with qtbot.waitSignal(page.preview_ready, timeout=60_000):
        assert page.finalize()
    code = fingerprint(document.report)
    assert db.status(document.report_id) == "final" and document.read_only
    assert editor.editors["overview"].edit.isReadOnly() and editor.banner.isVisible()
    assert code in page.status_label.text() and code in pdf_text(page.pdf_data)
    found = window.report_list.tree.findItems("定稿", Qt.MatchFlag.MatchRecursive, 1)
    assert [item.text(0) for item in found] == ["2021年度"]  # the list says 定稿 too

    page.code_edit.setText(code.lower().replace("-", " "))
    assert page.code_result.text() == CHECKED["short"]  # a match, and what a short code cannot rule out
    assert "不能排除有意伪造" in page.code_result.text()
    page.code_edit.setText(full_fingerprint(document.report))
    assert page.code_result.text().startswith("一致")
    page.code_edit.setText("0000-0000-0000")
    assert page.code_result.text().startswith("不一致")

    def give_reason(dialog: QWidget) -> None:
        assert isinstance(dialog, UnfinalizeDialog)
        dialog.reason_edit.setPlainText("第三部分数字需要更正")
        dialog.ok_button.click()

    on_next_modal(give_reason)
    assert page.unfinalize()
    assert db.status(document.report_id) == "draft" and not document.read_only
    assert not editor.editors["overview"].edit.isReadOnly() and not editor.banner.isVisible()
    assert any(r.note == "第三部分数字需要更正" for r in db.history(document.report_id))


def test_finalizing_needs_the_signature_name_but_not_the_date(
    window: MainWindow, qtbot: QtBot, db: Database
) -> None:
    page = sign_page(window, qtbot)
    document = window.document
    assert document is not None
    hint = page.status_label.text().replace("\n", "")
    assert "填好署名后" in hint and "成文日期可以不填" in hint
    page.name_edit.setText("")
    page.name_edit.editingFinished.emit()
    assert document.report.signature.name is None
    assert not page.finalize()
    assert "署名" in page._message.text() and db.status(document.report_id) == "draft"
    page._message.close()
    page.name_edit.setText("温县人民政府办公室")  # typed, not yet confirmed with Enter
    with qtbot.waitSignal(page.preview_ready, timeout=60_000):
        assert page.finalize()
    stored = db.load_report(document.report_id).signature
    assert (stored.name, stored.date) == ("温县人民政府办公室", None)  # the date is written by hand
    assert db.status(document.report_id) == "final"


def test_finalizing_is_refused_while_an_edit_is_not_saved(qtbot: QtBot, db_path: Path) -> None:
    db = Database.open(db_path, timeout=0.2)
    window = open_window(qtbot, db)
    try:
        report_id = import_seed(window)
        window._message.close()
        window.open_report(report_id)
        page = sign_page(window, qtbot)
        assert window.document is not None
        lock = WriteLock(db_path)
        try:
            window.document.set_signature("温县人民政府", None)
            assert window.document.unsaved
            assert not page.finalize()
            assert "还没有保存" in page._message.text() and window.document.save_error in page._message.text()
            page._message.close()
        finally:
            lock.close()
        with qtbot.waitSignal(page.preview_ready, timeout=60_000):
            assert page.finalize()  # the pending edit is saved first, then the report is final
        assert db.status(report_id) == "final" and db.load_report(report_id).signature.name == "温县人民政府"
    finally:
        window.close()
        QThreadPool.globalInstance().waitForDone()
        db.close()


def test_characters_no_font_has_are_named_and_export_print_and_finalize_ask_first(
    window: MainWindow, qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    document = window.document
    assert document is not None
    original = document.report.texts["other"]
    document.set_text("other", original + "𠀀")
    if not unprintable_characters(document.report):
        pytest.skip("this machine has a font that draws 𠀀 (CJK Extension B)")
    page = sign_page(window, qtbot)
    assert page.unprintable_label.isVisible()
    assert "打印出来会是空白" in page.unprintable_label.text() and "𠀀" in page.unprintable_label.text()

    def answer(button: QMessageBox.StandardButton) -> None:
        def act(box: QWidget) -> None:
            assert isinstance(box, QMessageBox) and "𠀀" in box.text()
            (box.button(button) or box.button(QMessageBox.StandardButton.Ok)).click()

        on_next_modal(act)

    answer(QMessageBox.StandardButton.Cancel)
    assert page.export_pdf(tmp_path / "空白.pdf") is None and not (tmp_path / "空白.pdf").exists()
    answer(QMessageBox.StandardButton.Cancel)  # the question, or the refusal if the rules forbid it
    assert not page.finalize()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert db.status(document.report_id) == "draft"
    answer(QMessageBox.StandardButton.Yes)
    assert page.export_pdf(tmp_path / "空白.pdf") == tmp_path / "空白.pdf"
    page._message.close()

    with qtbot.waitSignal(page.preview_ready, timeout=60_000):
        document.undo_stack.undo()  # Ctrl+Z takes the character out again
    assert document.report.texts["other"] == original and not page.unprintable_label.isVisible()
