"""报告 → 导入已发布的报告… / 粘贴已发布的报告: read off the GUI thread, review, then import.

Nothing is saved before the review screen: the source (the PDF's pages, or the text the reader saw)
beside the tables as read, doubtful cells yellow, unread cells orange, 勾稽 failures in red as in the
form (an import keeps them: they are what was published). The user fixes cells there, then 导入: one
revision in the history naming the file and its SHA-256.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import math
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.documents.file_kinds import PUBLISHED, dialog_filter
from core.errors import UserError
from core.model.cell_input import CellInputError, parse_cell
from core.model.report import MAX_AGENCY, YEARS, Report
from core.model.vocabulary import CellState
from core.rules.table import check, fmt
from ui.crash import show_message
from ui.screen_fit import fit_to_screen
from ui.worker import run_in_background

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from core.documents.read import Imported
    from ui.main_window import MainWindow

PUBLISHED_FILTER = dialog_filter("已发布的报告", PUBLISHED)
DOUBTFUL = QColor("#fff2a8")
UNREAD = QColor("#ffd2a6")
FIXED = QColor("#ffffff")
BACKGROUNDS = {CellState.DOUBTFUL: DOUBTFUL, CellState.UNREAD: UNREAD}
ERROR_TEXT = QColor("#b00000")
_ADDRESS = Qt.ItemDataRole.UserRole + 1

log = logging.getLogger(__name__)


class ImportReview(QDialog):
    """The review screen: source beside the parsed tables; `report()` is what 导入 stores."""

    def __init__(
        self,
        imported: Imported,
        name: str,
        pdf: Path | bytes | None,
        parent: QWidget | None = None,
        title: str = "导入已发布的报告",
        accept_text: str = "导入",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{title}：{name}")
        self._report = copy.deepcopy(imported.report)
        self.status = {a: CellState.DOUBTFUL for a in imported.doubtful} | {
            a: CellState.UNREAD for a in imported.unread
        }
        self.spec = self._report.spec
        from core.documents.read.mapper import (
            UNKNOWN_AGENCY,  # the readers load only when a report is imported
        )

        known = self._report.agency != UNKNOWN_AGENCY  # the reader found no title: a hint, never a name
        self.agency = QLineEdit(self._report.agency if known else "")
        self.agency.setPlaceholderText("未能识别机关名称，请填写")
        self.agency.setMaxLength(MAX_AGENCY)
        self.year = QSpinBox()
        self.year.setRange(YEARS.start, YEARS.stop - 1)
        self.year.setValue(self._report.year)
        self.tables: dict[str, QTableWidget] = {}
        self.findings = QListWidget()
        self.findings.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00000")

        form = QHBoxLayout()  # one line: the height goes to the tables
        form.addWidget(QLabel("机关名称"))
        form.addWidget(self.agency, 1)
        form.addWidget(QLabel("年度"))
        form.addWidget(self.year)
        legend = QLabel(
            "黄色：没有把握，请对照原文核对；橙色：没有读到；红字：勾稽关系不符"
            "（原文如此，不会自动改正）。在格中直接修改。"
        )
        legend.setWordWrap(True)
        tabs = QTabWidget()
        tabs.currentChanged.connect(lambda _i: QTimer.singleShot(0, self._fit_width))  # once laid out
        self.tabs = tabs
        for table in self.spec.tables:
            tabs.addTab(self._table_widget(table.key), table.part)
        first = next((a for a in self.spec.cells if a in self.status), None)
        if first is not None:  # open where the first cell to look at is
            tabs.setCurrentWidget(self.tables[self.spec.cells[first].table.key])
        notes = QListWidget()
        notes.setWordWrap(True)  # a long note wraps instead of being cut at the list's edge
        notes.addItems(imported.notes or ["（没有需要说明的情况）"])
        right = QWidget()
        column = QVBoxLayout(right)
        column.addLayout(form)
        column.addWidget(legend)
        column.addWidget(tabs, 1)  # the tables get the height; the two lists share one short row
        lines = self.fontMetrics().lineSpacing()
        lists = QHBoxLayout()
        for heading, listing in (("勾稽关系不符：", self.findings), ("读取说明：", notes)):
            listing.setMaximumHeight(lines * 4)
            part = QVBoxLayout()
            part.addWidget(QLabel(heading))
            part.addWidget(listing)
            lists.addLayout(part, 1)
        column.addLayout(lists)
        column.addWidget(self.problem)

        split = QSplitter()
        split.addWidget(_source_view(imported.source, pdf))
        split.addWidget(right)
        split.setSizes([420, 880])  # the tables need the width more than the source text
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(accept_text)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(1300, 900), share=1.0)  # as much of the screen as it has, on it
        self._refresh()
        self._fit_columns()
        if first is not None:
            item = self.cell_item(first)
            item.tableWidget().scrollToItem(item)

    def _table_widget(self, key: str) -> QTableWidget:
        table = self.spec.table(key)
        widget = QTableWidget(len(table.lines), table.grid_columns)
        widget.horizontalHeader().hide()
        widget.verticalHeader().hide()
        for placed in table.placed:
            cell = placed.cell
            item = QTableWidgetItem(cell.text)
            if cell.address is None:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.setBackground(QBrush(QColor("#eef1f5")))
            else:
                item.setData(_ADDRESS, cell.address)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            widget.setItem(placed.row, placed.col, item)
            if cell.rowspan > 1 or cell.colspan > 1:
                widget.setSpan(placed.row, placed.col, cell.rowspan, cell.colspan)
        widget.itemChanged.connect(self._edited)
        self.tables[key] = widget
        return widget

    def _fit_columns(self) -> None:
        """Each column as wide as its labels and the numbers read (those set by the first refresh)."""
        for key, widget in self.tables.items():
            table = self.spec.table(key)
            widget.resizeColumnsToContents()
            value_columns = {p.col for p in table.value_positions.values()}
            least = widget.fontMetrics().horizontalAdvance("000000")  # room for a count or 万元 amount
            for col in range(table.grid_columns):
                width = min(widget.columnWidth(col), 160)
                widget.setColumnWidth(col, max(width, least) if col in value_columns else width)
            widget.setWordWrap(True)
            widget.resizeRowsToContents()  # a label cut to 160 pixels wraps onto more lines

    def _fit_width(self) -> None:
        """The shown table too wide for its place: its widest label column gives up the difference, then
        every column (down to four digits), so that a table does not scroll sideways (table 四 has
        fifteen number columns and no label column)."""
        widget = self.tabs.currentWidget()
        if not isinstance(widget, QTableWidget) or not widget.isVisible():
            return
        for _ in range(3):  # taller rows may bring a vertical scroll bar, which takes width: again
            if not self._narrow(widget):
                return
            widget.updateGeometries()

    def _narrow(self, widget: QTableWidget) -> bool:
        """Take what the table is too wide from its columns; False when it already fits."""
        over = widget.horizontalHeader().length() - widget.viewport().width()
        if over <= 0:
            return False
        value_columns = {p.col for p in self.spec.table(self._key_of(widget)).value_positions.values()}
        columns = range(widget.columnCount())
        labels = [c for c in columns if c not in value_columns]
        if labels:
            widest = max(labels, key=widget.columnWidth)
            least = widget.fontMetrics().horizontalAdvance("中") * 4
            cut = min(over, max(widget.columnWidth(widest) - least, 0))
            widget.setColumnWidth(widest, widget.columnWidth(widest) - cut)
            over -= cut
        floor = widget.fontMetrics().horizontalAdvance("0000") + 8
        room = sum(max(widget.columnWidth(c) - floor, 0) for c in columns)
        if over > 0 and room > 0:
            share = min(over / room, 1.0)
            for c in columns:
                give = max(widget.columnWidth(c) - floor, 0)
                widget.setColumnWidth(c, widget.columnWidth(c) - math.ceil(give * share))
        widget.resizeRowsToContents()  # headers and labels wrap onto more lines
        return True

    def _key_of(self, widget: QTableWidget) -> str:
        return next(key for key, shown in self.tables.items() if shown is widget)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_width()

    def cell_item(self, address: str) -> QTableWidgetItem:
        info = self.spec.cells[address]
        placed = info.table.value_positions[address]
        item = self.tables[info.table.key].item(placed.row, placed.col)
        assert item is not None
        return item

    def _edited(self, item: QTableWidgetItem) -> None:
        address = item.data(_ADDRESS)
        if address is None or item.text() == self._shown(address):
            return
        try:
            self._report.values[address] = parse_cell(self.spec, address, item.text())
        except CellInputError as exc:
            self.problem.setText(exc.message)
        else:
            self.problem.clear()
            self.status.pop(address, None)  # the user has looked at it and vouches for it now
        self._refresh()

    def _shown(self, address: str) -> str:
        value = self._report.values[address]
        return "" if value is None else fmt(value)

    def _refresh(self) -> None:
        findings = [f for f in check(self._report) if f.severity == "error"]
        failing = {a for f in findings for a in f.cells}
        messages: dict[str, list[str]] = {}
        for f in findings:
            for a in f.cells:
                messages.setdefault(a, []).append(f.message)
        for widget in self.tables.values():
            widget.blockSignals(True)
        for address in self.spec.cells:
            item = self.cell_item(address)
            item.setText(self._shown(address))
            state = self.status.get(address)
            item.setBackground(QBrush(BACKGROUNDS[state] if state else FIXED))
            item.setForeground(QBrush(ERROR_TEXT if address in failing else QColor("#000000")))
            tips = [f"{state.chinese}。"] if state else []
            item.setToolTip(
                "\n".join([self.spec.cells[address].description, *tips, *messages.get(address, [])])
            )
        for widget in self.tables.values():
            widget.blockSignals(False)
        self.findings.clear()
        self.findings.addItems([f.message for f in findings] or ["（没有）"])

    def report(self) -> Report:
        return replace(self._report, agency=self.agency.text().strip(), year=self.year.value())

    def _accept(self) -> None:
        if not self.agency.text().strip():
            self.problem.setText("请填写机关名称。")
            return
        self.accept()


def _source_view(text: str, pdf: Path | bytes | None) -> QWidget:
    """The PDF's pages as images when there is one, else the text as read."""
    if pdf is not None:
        pages = _pdf_pages(pdf)
        if pages:
            holder = QWidget()
            column = QVBoxLayout(holder)
            for image in pages:
                label = QLabel()
                label.setPixmap(QPixmap.fromImage(image))
                column.addWidget(label)
            area = QScrollArea()
            area.setWidget(holder)
            bar = area.verticalScrollBar().sizeHint().width()
            area.setMinimumWidth(holder.sizeHint().width() + bar + 2 * area.frameWidth())  # a page's width
            return area
    source = QPlainTextEdit(text)
    source.setReadOnly(True)
    source.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    return source


def _pdf_pages(pdf: Path | bytes, width: int = 520) -> list[QImage]:
    """Each page rendered once (the document is closed again: no viewer outlives this screen); a PDF
    given as bytes (one inside a package) is rendered from a temporary copy, gone afterwards."""
    from PySide6.QtPdf import QPdfDocument

    if isinstance(pdf, bytes):
        with tempfile.TemporaryDirectory() as tmp:  # QPdfDocument loads a device only asynchronously
            copy = Path(tmp) / "report.pdf"
            copy.write_bytes(pdf)
            return _pdf_pages(copy, width)
    document = QPdfDocument()
    try:
        if document.load(str(pdf)) != QPdfDocument.Error.None_:
            return []
        images = []
        for page in range(document.pageCount()):
            size = document.pagePointSize(page)
            scale = width / max(size.width(), 1.0)
            images.append(document.render(page, QSize(width, int(size.height() * scale))))
        return images
    finally:
        document.close()


# ---------------------------------------------------------------- the menu entries


def add_menu_entries(add: Callable[[str, Callable[[], object]], QAction], window: MainWindow) -> None:
    add("导入已发布的报告…", lambda: open_published(window))
    add("粘贴已发布的报告", lambda: paste_published(window))


def open_published(window: MainWindow, path: Path | None = None) -> None:
    if path is None:
        name, _ = QFileDialog.getOpenFileName(
            window, "导入已发布的报告", window.settings.last_folder, PUBLISHED_FILTER
        )
        if not name:
            return
        path = Path(name)
    window.settings.last_folder = str(path.parent)
    chosen = path

    library = window.library

    def work() -> tuple[Imported, str]:
        digest = hashlib.sha256(chosen.read_bytes()).hexdigest()
        return library.read_published(chosen), digest  # with last year's report when there is one

    pdf = path if path.suffix.lower() == ".pdf" else None
    _read(window, work, path.name, pdf)


def paste_published(window: MainWindow) -> None:
    data = QGuiApplication.clipboard().mimeData()
    html = data.html() if data.hasHtml() else None
    text = data.text() if data.hasText() else None

    library = window.library

    def work() -> tuple[Imported, str]:
        digest = hashlib.sha256((html or text or "").encode("utf-8")).hexdigest()
        return library.read_pasted(html, text), digest  # with last year's report when there is one

    _read(window, work, "剪贴板", None)


def _read(window: MainWindow, work: Callable[[], tuple[Imported, str]], name: str, pdf: Path | None) -> None:
    def show(result: tuple[Imported, str]) -> None:
        imported, digest = result
        review = ImportReview(imported, name, pdf, window)
        review.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        review.accepted.connect(lambda: _store(window, review.report(), name, digest))
        review.open()

    read_then_review(window, work, name, show)


def read_then_review[T](
    parent: QWidget,
    work: Callable[[], T],
    name: str,
    show: Callable[[T], None],
    title: str = "导入已发布的报告",
) -> None:
    """Read off the GUI thread behind a cancellable progress box, then `show` the review screen."""
    progress = QProgressDialog(f"正在读取“{name}”……", "取消", 0, 0, parent)
    progress.setWindowTitle(title)
    progress.setMinimumDuration(500)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setValue(0)  # Qt 6 starts the half-second until the box shows only here
    # 取消 stops the reader itself (core.documents.read.limits raises inside it), and the job dies with
    # the box, so nothing it might still deliver reaches the person
    stop = threading.Event()
    progress.canceled.connect(stop.set)
    progress.canceled.connect(progress.deleteLater)

    def cancellable() -> T:
        from core.documents.read.limits import cancelled_by  # the readers load only when one is used

        with cancelled_by(stop):
            return work()

    def done(result: T) -> None:
        progress.deleteLater()
        if not stop.is_set():  # a result that beat the cancel is not wanted either
            show(result)

    def failed(exc: BaseException) -> None:
        progress.deleteLater()
        if stop.is_set():
            return
        if isinstance(exc, UserError):
            show_message(parent, exc.message)
            return
        # a reader library tripped over the file: a bad file to the user, a trace in the log for us
        log.error("reading %s failed", name, exc_info=(type(exc), exc, exc.__traceback__))
        show_message(parent, f"无法读取“{name}”，它可能已损坏或不是年度报告。")

    run_in_background(cancellable, done, failed, owner=progress)


def _store(window: MainWindow, report: Report, name: str, digest: str) -> None:
    if window.store_import(report, note=f"导入已发布的报告：{name}（SHA-256 {digest}）") is None:
        return
    if window.db.find_report(report.agency, report.year + 1) is None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "导入已发布的报告",
            f"已导入「{report.title}」。\n\n以此为基础新建 {report.year + 1} 年度报告吗？"
            "（上年结转、现行有效件数等将从这份报告接续。）",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            window,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("以此为基础新建本年度报告")
        box.button(QMessageBox.StandardButton.No).setText("不用")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.clicked.connect(lambda: window.create_report(report.agency, report.year + 1, True))
        box.open()
    else:
        show_message(window, f"已导入「{report.title}」。", QMessageBox.Icon.Information)
