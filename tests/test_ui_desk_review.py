"""汇总台 → 核对读入…: published files received at the desk reviewed on the import review screen.

A desk folder with a Word file whose cell was printed damaged (「13l」), the published seed PDF sent in a
package holding only it, and an exchange file. The desk window is driven with real widgets: the summary
says how many rows 须核对读入, the filter finds them, the review opens beside the source (the PDF's pages
from inside the package), a cell is changed to a distinct value and saved; the reviewed exchange file
stands on the board, the original untouched and listed among the row's other files. Cancelled: nothing
written. Screenshots go to /tmp/deskreview/ to be looked at.
"""

from __future__ import annotations

import io
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QTabWidget
from pytestqt.qtbot import QtBot

from core import desk
from core.documents.exchange import read_report, write_report
from core.documents.write import render
from tests.conftest import FIXTURES
from tests.helpers import distinct_report
from tests.qt_helpers import answer_boxes, open_desk
from ui.desk_window import DeskWindow, ReportViewer
from ui.import_review import UNREAD, ImportReview

SHOTS = Path(os.environ.get("NIANBAO_SHOTS", "/tmp/deskreview"))
WORD, OTHER, OFFICE = "温县第一局", "温县第二局", "温县人民政府办公室"
DAMAGED = "requests.3.2.other"  # printed 「13l」 in the Word file: not a number, so unread
PDF_CELL = "requests.1.natural_person"


def _damaged_docx() -> bytes:
    """The report as Word writes it, one cell's digits mistyped (a letter l for the 4)."""
    report = distinct_report(WORD, 2022, base=101)
    printed = str(report.values[DAMAGED])
    document = docx.Document(io.BytesIO(render(report, ".docx")))
    runs = [
        run
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for paragraph in cell.paragraphs
        for run in paragraph.runs
        if run.text.strip() == printed
    ]
    assert len({id(r._r) for r in runs}) == 1  # the distinct number is printed once
    runs[0].text = printed[:-1] + "l"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    box = tmp_path / "收件"
    box.mkdir()
    (box / f"{WORD}.docx").write_bytes(_damaged_docx())
    write_report(distinct_report(OTHER, 2022, base=301), box / f"{OTHER}.json")
    with zipfile.ZipFile(box / f"{OFFICE}报送.zip", "w") as package:  # a package holding only its PDF
        package.write(FIXTURES / "published" / "seed-hard.pdf", "温县政府办2021年报.pdf")
    return box


def _open(qtbot: QtBot, inbox: Path, tmp_path: Path, year: int) -> DeskWindow:
    window = open_desk(qtbot, inbox, [WORD, OTHER, OFFICE], year, tmp_path)
    qtbot.waitUntil(lambda: len(window.received) == 3, timeout=60_000)
    return window


def _row(window: DeskWindow, agency: str) -> desk.BoardRow:
    return next(r for r in window.board.rows if r.agency == agency)


def _notes(window: DeskWindow, agency: str) -> str:
    return next(
        str(window.model.item(i, 11).text())
        for i in range(window.model.rowCount())
        if window.model.item(i, 0).text() == agency
    )


def _review(qtbot: QtBot, window: DeskWindow, agency: str) -> ImportReview:
    window.select(agency)
    window.actions_by_name["核对读入…"].trigger()
    qtbot.waitUntil(lambda: bool(_shown(window)), timeout=30_000)
    (review,) = _shown(window)
    qtbot.waitExposed(review)
    return review


def _shown(window: DeskWindow) -> list[ImportReview]:
    return [r for r in window.findChildren(ImportReview) if r.isVisible()]  # not one closed before


def _button(review: ImportReview, which: QDialogButtonBox.StandardButton) -> object:
    box = review.findChild(QDialogButtonBox)
    assert box is not None
    return box.button(which)


def _shot(widget: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.resize(1366, 768)  # type: ignore[attr-defined]
    widget.grab().save(str(SHOTS / name))  # type: ignore[attr-defined]


def _files(folder: Path) -> list[Path]:
    """The folder's files but the desk's own memory (`.nianbao-desk.json`, written with the roster)."""
    return [p for p in folder.iterdir() if p.name != desk.MEMORY_FILE]


def test_word_file_reviewed_and_saved_as_the_standing_report(
    qtbot: QtBot, inbox: Path, tmp_path: Path
) -> None:
    original = inbox / f"{WORD}.docx"
    before = original.read_bytes()
    window = _open(qtbot, inbox, tmp_path, 2022)
    assert "须核对读入 1 个单位" in window.summary.text()
    assert "没有把握或没有读到" in _notes(window, WORD)
    window.status_filter.setCurrentText("须核对")
    assert [window.proxy.index(i, 0).data() for i in range(window.proxy.rowCount())] == [WORD]
    _shot(window, "board-to-review.png")
    window.status_filter.setCurrentText("全部状态")

    review = _review(qtbot, window, WORD)
    assert review.windowTitle() == f"核对读入：{WORD}.docx"
    assert _button(review, QDialogButtonBox.StandardButton.Ok).text() == "保存核对结果"  # type: ignore[attr-defined]
    assert review.agency.text() == WORD and review.year.value() == 2022
    assert review.cell_item(DAMAGED).background().color() == UNREAD
    assert review.cell_item(DAMAGED).text() == ""
    tabs = review.findChild(QTabWidget)
    assert tabs is not None and tabs.tabText(tabs.currentIndex()) == "第三部分"  # the unread cell
    _shot(review, "review-docx.png")
    review.cell_item(DAMAGED).setText("4321")  # the user reads the source and types what it should say
    assert review.cell_item(DAMAGED).background().color() != UNREAD
    _button(review, QDialogButtonBox.StandardButton.Ok).click()  # type: ignore[attr-defined]

    saved = inbox / f"{WORD}.docx（已核对）.json"
    qtbot.waitUntil(lambda: _row(window, WORD).file == saved, timeout=10_000)
    assert read_report(saved).values[DAMAGED] == Decimal(4321)
    assert read_report(saved).agency == WORD
    assert original.read_bytes() == before
    row = _row(window, WORD)
    assert row.received is not None and row.received.doubtful == ()
    assert row.received.report.values[DAMAGED] == Decimal(4321)
    assert row.others == [original]
    assert "已对照原件核对读入" in _notes(window, WORD) and "用的是已核对的这一个" in _notes(window, WORD)
    assert "没有把握或没有读到" not in _notes(window, WORD)
    assert "须核对读入" not in window.summary.text()
    assert "已保存核对结果" in window.statusBar().currentMessage()
    assert sorted(p.name for p in _files(inbox)) == sorted(
        [f"{WORD}.docx", saved.name, f"{OTHER}.json", f"{OFFICE}报送.zip"]
    )

    review = _review(qtbot, window, WORD)  # reviewed again: the saved cells beside the same source
    assert review.windowTitle() == f"核对读入：{WORD}.docx"
    assert review.cell_item(DAMAGED).text() == "4321"
    assert review.cell_item(DAMAGED).background().color() != UNREAD
    review.cell_item(DAMAGED).setText("4322")
    _button(review, QDialogButtonBox.StandardButton.Ok).click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: read_report(saved).values[DAMAGED] == Decimal(4322), timeout=10_000)
    assert len(_files(inbox)) == 4 and original.read_bytes() == before  # its own copy overwritten
    assert _row(window, WORD).received.report.values[DAMAGED] == Decimal(4322)  # type: ignore[union-attr]
    assert _row(window, WORD).others == [original]

    window.close()  # a desk opened on the folder again reads the same board
    board = desk.open_desk(inbox, 2022, [WORD, OTHER, OFFICE])
    again = next(r for r in board.rows if r.agency == WORD)
    assert again.file == saved and again.others == [original]


def test_pdf_inside_a_package_shows_its_pages_and_is_saved_beside_the_package(
    qtbot: QtBot, inbox: Path, tmp_path: Path
) -> None:
    window = _open(qtbot, inbox, tmp_path, 2021)
    package = inbox / f"{OFFICE}报送.zip"
    before = package.read_bytes()
    review = _review(qtbot, window, OFFICE)
    assert review.windowTitle() == "核对读入：温县政府办2021年报.pdf"
    pages = [w for w in review.findChildren(QLabel) if w.pixmap() is not None and not w.pixmap().isNull()]
    assert len(pages) == 6 and pages[0].pixmap().width() == 520  # the PDF's pages, from inside the zip
    assert review.agency.text() == OFFICE and review.year.value() == 2021
    read = review.cell_item(PDF_CELL).text()
    qtbot.wait(200)
    _shot(review, "review-pdf-package.png")
    review.cell_item(PDF_CELL).setText("8765")
    _button(review, QDialogButtonBox.StandardButton.Ok).click()  # type: ignore[attr-defined]

    saved = inbox / f"{OFFICE}报送.zip（已核对）.json"
    qtbot.waitUntil(lambda: _row(window, OFFICE).file == saved, timeout=10_000)
    assert read != "8765" and read_report(saved).values[PDF_CELL] == Decimal(8765)
    assert package.read_bytes() == before
    row = _row(window, OFFICE)
    assert row.others == [package] and row.received is not None
    assert row.received.report.values[PDF_CELL] == Decimal(8765)


def test_cancelled_review_writes_nothing(qtbot: QtBot, inbox: Path, tmp_path: Path) -> None:
    listing = {p.name: p.read_bytes() for p in _files(inbox)}
    window = _open(qtbot, inbox, tmp_path, 2022)
    review = _review(qtbot, window, WORD)
    review.cell_item(DAMAGED).setText("4321")
    _button(review, QDialogButtonBox.StandardButton.Cancel).click()  # type: ignore[attr-defined]
    qtbot.wait(100)
    assert {p.name: p.read_bytes() for p in _files(inbox)} == listing
    row = _row(window, WORD)
    assert row.file == inbox / f"{WORD}.docx" and row.received is not None and row.received.doubtful
    assert "须核对读入 1 个单位" in window.summary.text()


def test_double_click_offers_the_review_only_where_cells_are_to_review(
    qtbot: QtBot, inbox: Path, tmp_path: Path
) -> None:
    window = _open(qtbot, inbox, tmp_path, 2022)

    def double_click(agency: str) -> None:
        window.select(agency)
        index = window.table.selectionModel().selectedRows()[0]
        rect = window.table.visualRect(index)
        for click in (qtbot.mouseClick, qtbot.mouseDClick):  # a hand: one press, then the second
            click(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    double_click(OTHER)  # an exchange file: read-only, as before
    qtbot.waitUntil(lambda: any(isinstance(d, ReportViewer) for d in window.dialogs), timeout=5_000)
    assert window.findChild(ImportReview) is None
    seen: list[str] = []
    answer_boxes("核对读入", seen, once=True)
    double_click(WORD)
    qtbot.waitUntil(lambda: bool(_shown(window)), timeout=30_000)
    assert seen and "1 个格" in seen[0] and f"{WORD}.docx" in seen[0]
    (review,) = _shown(window)
    assert review.agency.text() == WORD
    review.reject()
    window.select(OTHER)
    window.actions_by_name["核对读入…"].trigger()  # a row not read from a published file
    assert "无须核对读入" in window.statusBar().currentMessage()


def test_reviewed_copy_overwrites_only_itself_and_stands_even_at_the_same_time(tmp_path: Path) -> None:
    original = tmp_path / "a.pdf"
    original.write_bytes(b"%PDF published")
    report = distinct_report(WORD, 2022, base=7)
    first = desk.save_reviewed(report, original)
    assert first == tmp_path / "a.pdf（已核对）.json" and desk.is_reviewed(first)
    report.values[DAMAGED] = Decimal(999)
    assert desk.save_reviewed(report, original) == first  # its own earlier copy, overwritten
    assert read_report(first).values[DAMAGED] == Decimal(999)
    assert original.read_bytes() == b"%PDF published" and len(list(tmp_path.iterdir())) == 2
    long = tmp_path / ("很长的名字" * 40 + ".docx")
    assert desk.is_reviewed(desk.reviewed_path(long))  # the mark survives the length limit

    mtime = original.stat().st_mtime
    os.utime(first, (mtime, mtime))  # a clock too coarse to tell them apart
    read = desk.Received(original, distinct_report(WORD, 2022, base=7), desk.receive(first).arrived)
    read.published = original.name
    board = desk.make_board(2022, [read, desk.receive(first)], [WORD])
    assert board.rows[0].file == first and board.rows[0].others == [original]
