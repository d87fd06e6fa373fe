"""报告 → 导入已发布的报告… and 粘贴已发布的报告: read off the GUI thread, the review screen, the import.

Real windows on a real database file: the review shows unread cells marked and the published 勾稽
errors, the user fixes a cell, 导入 stores one revision naming the file and its SHA-256.
"""

from __future__ import annotations

import copy
import hashlib
import os
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QListWidget, QMessageBox, QTableWidget, QTabWidget
from pytestqt.qtbot import QtBot

from core.model.report import Report
from core.storage import Database
from tests.conftest import FIXTURES
from tests.qt_helpers import answer_next_box, open_seed_report, open_window
from ui.fonts import ensure_chinese_font
from ui.import_review import DOUBTFUL, ERROR_TEXT, UNREAD, ImportReview, open_published
from ui.main_window import MainWindow

PUBLISHED = FIXTURES / "published"
SHOTS = Path(os.environ.get("NIANBAO_SHOTS", "/tmp/import-review"))


def _review(qtbot: QtBot, window: MainWindow) -> ImportReview:
    qtbot.waitUntil(lambda: window.findChild(ImportReview) is not None, timeout=20_000)
    review = window.findChild(ImportReview)
    assert review is not None
    qtbot.waitExposed(review)
    return review


def _shot(review: ImportReview, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    review.resize(1366, 768)
    review.grab().save(str(SHOTS / name))


def test_review_marks_unread_cells_shows_published_errors_and_imports_with_the_files_digest(
    qtbot: QtBot, db: Database
) -> None:
    window = open_window(qtbot, db)
    path = PUBLISHED / "real-013.txt"
    open_published(window, path)
    review = _review(qtbot, window)
    issued = "active_disclosure.normative_documents.issued"
    assert review.cell_item(issued).background().color() == UNREAD  # 「5066」 could not be cut
    assert review.cell_item("requests.1.total").text() == "18"
    assert review.cell_item("requests.1.total").background().color() not in (UNREAD, DOUBTFUL)
    errors = [review.findings.item(i).text() for i in range(review.findings.count())]
    assert any("社会公益组织列" in e for e in errors)  # published with an error: kept, shown
    assert review.agency.text() == "平潭综合实验区自然资源与生态环境局" and review.year.value() == 2021
    _shot(review, "review-text.png")
    review.findChild(QTabWidget).setCurrentIndex(1)
    assert review.cell_item("requests.3.7.social_welfare").foreground().color() == ERROR_TEXT
    _shot(review, "review-text-b.png")

    review.cell_item(issued).setText("5")  # the user reads the source and types what it says
    assert review.cell_item(issued).background().color() not in (UNREAD, DOUBTFUL)
    review.cell_item("active_disclosure.normative_documents.in_force").setText("abc")
    assert "数字" in review.problem.text()
    assert review.report().values["active_disclosure.normative_documents.in_force"] is None

    review.accept()
    qtbot.waitUntil(lambda: isinstance(window.findChild(QMessageBox), QMessageBox), timeout=5_000)
    box = window.findChild(QMessageBox)
    assert box is not None and "以此为基础新建" in box.button(QMessageBox.StandardButton.Yes).text()
    box.button(QMessageBox.StandardButton.Yes).click()  # 以此为基础新建本年度报告
    assert db.find_report("平潭综合实验区自然资源与生态环境局", 2022) is not None
    report_id = db.find_report("平潭综合实验区自然资源与生态环境局", 2021)
    assert report_id is not None
    stored = db.load_report(report_id)
    assert stored.values[issued] == Decimal(5) and stored.values["requests.1.social_welfare"] == 2
    note = db.history(report_id)[0].note or ""
    assert path.name in note and hashlib.sha256(path.read_bytes()).hexdigest() in note


def test_pasted_text_is_reviewed_before_anything_is_saved(qtbot: QtBot, db: Database) -> None:
    window = open_window(qtbot, db)
    QGuiApplication.clipboard().setText((PUBLISHED / "real-001.txt").read_text("utf-8"))
    menu = window.menuBar().actions()[0].menu()
    entries = {a.text(): a for a in menu.actions()}
    assert "导入已发布的报告…" in entries
    entries["粘贴已发布的报告"].trigger()
    review = _review(qtbot, window)
    assert review.cell_item("active_disclosure.fees.amount").text() == "24252.311082"
    assert review.cell_item("review_litigation.litigation_direct.upheld").text() == "12"
    assert db.list_reports() == []  # nothing stored before 导入
    review.reject()
    assert db.list_reports() == []


def test_pdf_review_shows_the_pages_beside_the_tables(qtbot: QtBot, db: Database) -> None:
    window = open_window(qtbot, db)
    open_published(window, PUBLISHED / "seed-hard.pdf")
    review = _review(qtbot, window)
    pages = [w for w in review.findChildren(QLabel) if w.pixmap() is not None and not w.pixmap().isNull()]
    assert len(pages) == 6 and pages[0].pixmap().width() == 520
    assert review.cell_item("requests.3.4.1.natural_person").text() == ""  # printed as —
    assert review.cell_item("requests.3.4.1.total").text() == "5"
    qtbot.wait(300)
    _shot(review, "review-pdf.png")
    review.reject()


def test_importing_over_the_open_report_shows_the_imported_content(qtbot: QtBot, db: Database) -> None:
    window = open_seed_report(qtbot, db)
    document = window.document
    assert document is not None
    open_published(window, PUBLISHED / "real-013.txt")
    review = _review(qtbot, window)
    review.agency.setText(document.report.agency)  # the published report replaces the open one
    review.year.setValue(document.report.year)
    asked = answer_next_box(QMessageBox.StandardButton.Yes)  # 「替换」
    review.accept()
    assert asked and window.document is document
    stored = db.load_report(document.report_id)
    assert stored.values["requests.1.total"] == 18  # real-013's, not the seed's
    assert document.report == stored  # the editor shows what is stored, not the seed it had
    key = document.spec.sections[0].text_key
    assert key is not None
    document.set_text(key, stored.texts[key] + "补充。")  # no question about a text changed elsewhere
    assert db.load_report(document.report_id).texts[key] == stored.texts[key] + "补充。"


def test_an_unrecognised_agency_is_an_empty_field_with_a_hint_and_import_refuses_it(
    qtbot: QtBot, db: Database
) -> None:
    """Issue 18 item 7: a page pasted without its title gives no agency; the stand-in is a grey hint."""
    window = open_window(qtbot, db)
    lines = (PUBLISHED / "real-001.txt").read_text("utf-8").splitlines()
    QGuiApplication.clipboard().setText("\n".join(lines[2:]))  # without the source line and the title
    entries = {a.text(): a for a in window.menuBar().actions()[0].menu().actions()}
    entries["粘贴已发布的报告"].trigger()
    review = _review(qtbot, window)
    assert review.agency.text() == "" and "请填写" in review.agency.placeholderText()
    assert review.year.value() == 2021
    ok = review.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)  # type: ignore[union-attr]
    assert ok.text() == "导入"
    ok.click()
    assert review.isVisible() and review.problem.text() == "请填写机关名称。"
    assert db.list_reports() == []  # nothing stored under a stand-in name
    review.agency.setText("平潭综合实验区管委会")
    answer_next_box(QMessageBox.StandardButton.No)  # any question after the import (e.g. next year's report)
    ok.click()
    [stored] = db.list_reports()
    assert stored.agency == "平潭综合实验区管委会"


def test_the_review_tables_get_the_height_and_never_scroll_sideways_for_a_sliver(
    qtbot: QtBot, db: Database
) -> None:
    """Issue 18 item 13: at 1093×574 (1366×768 at 125 %) each table has most of the right column's height
    and fits its width — table 四's fifteen number columns included."""
    from core.documents.read import read_file

    ensure_chinese_font()  # the app's font, as every window has it
    review = ImportReview(read_file(PUBLISHED / "seed.docx"), "seed.docx", None)
    qtbot.addWidget(review)
    review.show()
    qtbot.waitExposed(review)
    review.resize(1005, 528)  # after it is shown: the test screen is smaller than this
    tabs = review.findChild(QTabWidget)
    assert tabs is not None and tabs.count() == 3
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        qtbot.wait(20)
        table = tabs.currentWidget()
        assert isinstance(table, QTableWidget)
        widths = [table.columnWidth(c) for c in range(table.columnCount())]
        assert table.horizontalScrollBar().maximum() == 0, (
            tabs.tabText(index),
            widths,
            table.viewport().width(),
        )
        assert table.viewport().height() >= review.height() * 0.45, tabs.tabText(index)


def test_import_in_the_app_settles_digits_run_together_by_last_years_report_in_the_database(
    qtbot: QtBot, db: Database, seed: Report, tmp_path: Path
) -> None:
    from tests.test_import import _distinct, _printed

    values: dict[str, object] = dict(_distinct())
    row = "active_disclosure.normative_documents"
    values.update({f"{row}.issued": 5, f"{row}.repealed": 0, f"{row}.in_force": 66})
    page = tmp_path / "年报.txt"  # 「5066」: 5,0,66 or 50,6,6 — this year's tables cannot tell
    page.write_text(_printed(values, "\t").replace("行政规范性文件\t5\t0\t66", "行政规范性文件5066"), "utf-8")
    last_year = replace(copy.deepcopy(seed), agency="测试县人民政府办公室", year=2022)
    last_year.values[f"{row}.in_force"] = Decimal(61)  # 61 + 5 − 0 = 66: only the first cut continues it
    db.create_report(last_year)
    window = open_window(qtbot, db)
    open_published(window, page)
    review = _review(qtbot, window)
    cells = [f"{row}.{c}" for c in ("issued", "repealed", "in_force")]
    assert [review.cell_item(a).text() for a in cells] == ["5", "0", "66"]
    assert all(review.cell_item(a).background().color() not in (UNREAD, DOUBTFUL) for a in cells)
    assert all(listing.wordWrap() for listing in review.findChildren(QListWidget))  # notes wrap too
    review.reject()
