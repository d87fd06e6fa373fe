"""报告 → 导出为 Word / Excel / 网页 and 复制为网页内容 in the real window on a real database file."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import lxml.html
import openpyxl
import pytest
from docx.oxml.ns import qn
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from core.documents.fingerprint import fingerprint
from core.documents.write import SUFFIXES
from core.storage import Database
from tests.qt_helpers import import_seed, open_seed_report, open_window
from ui.export_actions import NO_REPORT, OPEN_FOLDER, documents_folder
from ui.main_window import MainWindow


def menu_texts(window: MainWindow) -> list[str]:
    menu = window.menuBar().actions()[0].menu()
    return [a.text() for a in menu.actions()]


def test_the_report_menu_offers_the_three_exports_and_the_copy(qtbot: QtBot, db: Database) -> None:
    window = open_window(qtbot, db)
    texts = menu_texts(window)
    for text in ("导出为 Word…", "导出为 Excel…", "导出为网页…", "复制为网页内容"):
        assert text in texts
    window.export_actions.actions[".docx"].trigger()  # nothing open, nothing chosen
    assert window.statusBar().currentMessage() == NO_REPORT


def test_each_save_dialog_offers_its_kind_as_the_writer_names_it_with_all_its_suffixes(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[str] = []

    def dialog(parent: object, caption: str, path: str, filters: str) -> tuple[str, str]:
        offered.append(filters)
        return "", ""  # the user cancels

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    window = open_seed_report(qtbot, db)
    for suffix in window.export_actions.actions:
        window.export_actions.export(suffix)
    assert len(offered) == len(window.export_actions.actions) == 3
    for suffix, filters in zip(window.export_actions.actions, offered, strict=True):
        kind = SUFFIXES[suffix]
        listed = " ".join(f"*{s}" for s, k in SUFFIXES.items() if k == kind)
        assert filters.split(";;")[0] == f"{kind} ({listed})"
    assert "*.htm)" in offered[-1]  # a web page may also be saved as .htm


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".html"])
def test_export_of_the_open_report_writes_the_file_in_the_background(
    qtbot: QtBot, db: Database, tmp_path: Path, suffix: str
) -> None:
    window = open_seed_report(qtbot, db)
    assert window.document is not None
    report = window.document.report
    path = tmp_path / f"报告{suffix}"
    window.export_actions.export(suffix, path)
    qtbot.waitUntil(lambda: "已导出到" in window.statusBar().currentMessage(), timeout=10_000)
    data = path.read_bytes()
    if suffix == ".docx":
        assert docx.Document(io.BytesIO(data)).paragraphs[0].text.replace("\n", "") == report.title
    elif suffix == ".xlsx":
        ws = openpyxl.load_workbook(io.BytesIO(data), data_only=True).worksheets[1]
        assert ws.cell(1, 1).value == report.title
    else:
        assert lxml.html.fromstring(data.decode("utf-8")).find(".//h1").text_content() == report.title


def test_a_final_report_chosen_in_the_list_goes_out_with_its_code(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    window = open_window(qtbot, db)
    report_id = import_seed(window)
    window._message.close()
    db.set_status(report_id, "final")
    window.refresh_list()
    window.report_list.tree.setCurrentItem(window.report_list.item_for(report_id))
    path = tmp_path / "定稿.docx"
    window.export_actions.export(".docx", path)
    qtbot.waitUntil(path.exists, timeout=10_000)
    footer = docx.Document(io.BytesIO(path.read_bytes())).sections[0].footer._element
    code = fingerprint(db.load_report(report_id))
    assert f"校验码 {code}" in "".join(t.text for t in footer.iter(qn("w:t")))


def test_copy_puts_the_html_and_the_plain_text_on_the_clipboard(qtbot: QtBot, db: Database) -> None:
    window = open_seed_report(qtbot, db)
    assert window.document is not None
    report = window.document.report
    window.export_actions.copy_action.trigger()
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasHtml() and mime.hasText()
    fragment = lxml.html.fragment_fromstring(mime.html(), create_parent="div")
    assert fragment.find(".//h1").text_content() == report.title
    assert len(fragment.findall(".//table")) == 3
    assert mime.text().splitlines()[0] == report.title
    assert report.texts["other"] in mime.text()


def test_a_file_that_cannot_be_written_is_explained_in_chinese(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    window = open_seed_report(qtbot, db)
    path = tmp_path / "没有这个文件夹" / "报告.docx"
    window.export_actions.export(".docx", path)
    qtbot.waitUntil(lambda: window.export_actions.message is not None, timeout=10_000)
    assert window.export_actions.message is not None
    assert (
        "无法写入文件" in window.export_actions.message.text()
        and str(path) in window.export_actions.message.text()
    )
    assert not path.exists()


def _written_box(box: QMessageBox | None) -> QMessageBox:
    assert box is not None and box.isVisible()
    assert [b.text() for b in box.buttons()].count(OPEN_FOLDER) == 1
    return box


def test_every_export_ends_with_a_message_that_opens_its_folder_and_each_kind_keeps_its_folder(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18 item 11: the message names the file and offers 「打开所在文件夹」; Word, Excel, web page and
    PDF each open where that kind was saved last, the first time in 文档 (not the import folder)."""
    window = open_seed_report(qtbot, db)
    assert window.editor is not None and window.document is not None
    window.settings.last_folder = str(tmp_path / "imports")  # where last year's report came from
    suggested: list[Path] = []
    folders = {kind: tmp_path / f"folder{kind}" for kind in (".docx", ".xlsx", ".html", ".pdf")}
    for folder in folders.values():
        folder.mkdir()

    def save_as(parent: object, caption: str, path: str, filters: str) -> tuple[str, str]:
        suggested.append(Path(path))
        kind = Path(path).suffix
        return str(folders[kind] / f"报告{kind}"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    documents = documents_folder()
    for round_ in range(2):
        for suffix in (".docx", ".xlsx", ".html"):
            window.export_actions.export(suffix)
            qtbot.waitUntil(lambda s=suffix: (folders[s] / f"报告{s}").exists(), timeout=10_000)
            qtbot.waitUntil(lambda: window.export_actions.message is not None, timeout=10_000)
            box = _written_box(window.export_actions.message)
            assert str(folders[suffix] / f"报告{suffix}") in box.text()
            button = next(b for b in box.buttons() if b.text() == OPEN_FOLDER)
            button.click()
            assert opened[-1].toLocalFile() == str(folders[suffix])
            window.export_actions.message = None
            (folders[suffix] / f"报告{suffix}").unlink()
        page = window.editor.sign_page
        assert page.export_pdf() == folders[".pdf"] / "报告.pdf"
        box = _written_box(page._message)
        assert str(folders[".pdf"]) in box.text() and "已导出PDF" in box.text()
        box.close()
        if round_ == 0:
            assert [p.parent for p in suggested] == [documents] * 4
    assert [p.parent for p in suggested[4:]] == [folders[k] for k in (".docx", ".xlsx", ".html", ".pdf")]
