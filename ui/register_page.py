"""The register window (依申请公开登记台账): the list of requests with its filters, the form for one request,
and the register's commands (导入台账…, 导出 Excel, 由台账生成, 核对报告表格, 放假安排…).

Every rule is core's (`core.register`): this window shows what core returns, asks the clerk, and forwards
the answer. The list and the form are `ui.register_form`'s. Undo and redo put back a whole saved change,
as a new revision of the register's history (nothing is erased from it). Also here: what is due, said
on start, and the question asked when a clerk types over a cell counted from the register.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QSize,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core.errors import UserError, os_reason
from core.register import report_link
from core.register.calendar import WorkCalendar
from core.register.deadlines import Deadline, deadline, summarize
from core.register.export import register_xlsx, status
from core.register.ledger import Preview
from core.register.model import (
    Request,
)
from core.register.ops import ImportOutcome, Register, kind_label, register_agencies
from ui.crash import APP_TITLE, confirmed, show_message
from ui.dialogs import fit_agency_names
from ui.register_form import RequestForm, RequestListModel
from ui.screen_fit import fit_to_screen
from ui.worker import run_in_background

if TYPE_CHECKING:
    from core.ops.handles import Database
    from ui.document import ReportDocument
    from ui.main_window import MainWindow

FILTERS = ("全部", "办理中", "即将到期", "已逾期", "已办结")
_IN_HAND = ("办理中", "即将到期", "已逾期", "等待补正")


def open_register_window(window: MainWindow) -> RegisterWindow | None:
    if not window.attached:
        return None
    agencies = window.db.agencies()
    agency = window.document.report.agency if window.document is not None else (agencies or [""])[0]
    if not agency:
        agency, ok = QInputDialog.getText(window, APP_TITLE, "请输入本机关名称（登记台账按机关分开保存）：")
        if not ok or not agency.strip():
            return None
    register_window = RegisterWindow(window.db, agency, window.today, window)
    register_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # each 登记台账… opens a new one
    window.database_replaced.connect(register_window.use_database)
    register_window.show()
    return register_window


def watch_counted_cells(window: MainWindow, document: ReportDocument) -> None:
    """A clerk who types over a cell counted from the register is asked whether to change the register
    instead (the count comes back), or to keep the typed number with a reason."""

    def changed(addresses: list[str]) -> None:
        if document.read_only:
            return
        found = report_link.typed_over(window.db, document.report, document.report_id, addresses)
        if found:
            QTimer.singleShot(0, lambda: _ask_about_counted(window, document, found))

    document.valuesChanged.connect(changed)


def _ask_about_counted(window: MainWindow, document: ReportDocument, found: list[tuple[str, int]]) -> None:
    for address, counted in found:
        what = document.spec.cells[address].description
        box = QMessageBox(QMessageBox.Icon.Question, APP_TITLE, "", parent=window)
        box.setText(
            f"{what}是由登记台账统计的（{counted}）。所填的数字与台账不一致。\n"
            "台账有误，请在登记台账中改正后再「由台账生成」；台账无误而此处另有原因，可保留所填数字并写明原因。"
        )
        fix = box.addButton("恢复台账数字，去改台账", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("保留所填数字…", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is keep:
            reason, ok = QInputDialog.getText(window, APP_TITLE, f"为什么{what}不采用台账统计的数字？")
            if ok and reason.strip():
                report_link.keep_override(window.db, document.report_id, address, reason)
                continue
        if box.clickedButton() is fix:  # no reason given: the typed number stays, asked again next time
            document.set_values({address: Decimal(counted)}, "恢复台账统计的数字")
            open_register_window(window)


# ---------------------------------------------------------------- the window


class RegisterWindow(QMainWindow):
    """One agency's register: the list, the form and the register's commands."""

    def __init__(
        self,
        db: Database,
        agency: str,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today
        self.register = Register(db, agency)
        self.main_window = parent
        self.undo_revisions: list[int] = []
        self.redo_revisions: list[int] = []
        self.setWindowTitle(f"依申请公开登记台账 — {self.register.agency}")
        self.calendar = WorkCalendar()
        self.requests: list[Request] = []
        self._deadlines: dict[Request, Deadline] = {}  # on `_deadlines_on`: a refresh computes only new ones
        self._deadlines_on: dt.date | None = None

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.agency = QComboBox()  # one register per agency
        self.agency.setEditable(True)
        fit_agency_names(self.agency)  # a 100-character name must not widen the window past the screen
        known = sorted(set(db.agencies()) | set(register_agencies(db)) | {self.register.agency})
        self.agency.addItems(known)
        self.agency.setCurrentText(self.register.agency)
        self.filter = QComboBox()
        self.filter.addItems(FILTERS)
        self.year = QComboBox()
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索编号、申请内容、事项类别")
        self.search.setClearButtonEnabled(True)
        bar = QHBoxLayout()
        for label, widget in (("机关", self.agency), ("显示", self.filter), ("年度", self.year)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.search, 1)
        self.model = RequestListModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # one line per request; laying out wrapped text costs every repaint
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        samples = [
            "2026-0001",
            "2026-03-05",
            "法律服务机构",
            "",
            "2026-03-05（仅扣周末）",
            "逾期 20 个工作日",
            "部分公开",
        ]
        for column, sample in enumerate(samples):
            if sample:
                header.resizeSection(column, metrics.horizontalAdvance(sample) + 16)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.table)

        self.form = RequestForm(today)
        self.save_button = QPushButton("保存（Enter）")
        self.new_button = QPushButton("新登记（Ctrl+N）")
        self.delete_button = QPushButton("删除")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.save_button, self.delete_button):
            buttons.addWidget(button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        right_layout.addWidget(scroll)
        right_layout.addLayout(buttons)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.splitter = splitter
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.addWidget(self.summary)
        central_layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self._build_toolbar()

        self.filter.currentIndexChanged.connect(self._show_rows)
        self.agency.activated.connect(lambda _index: self.switch_agency(self.agency.currentText()))
        self.year.currentIndexChanged.connect(self._show_rows)
        self.search.textChanged.connect(self._show_rows)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.form.saveRequested.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.new_button.clicked.connect(self.new_request)
        self.delete_button.clicked.connect(self.delete)
        self.reload()
        self.new_request()
        self._fit_screen()

    def _fit_screen(self) -> None:
        fit_to_screen(self, QSize(1280, 760))
        self.splitter.setSizes([self.width() * 62 // 100, self.width() * 38 // 100])

    def _build_toolbar(self) -> None:
        tools = QToolBar("台账")
        tools.setMovable(False)
        self.addToolBar(tools)

        def add(text: str, slot: Callable[[], object], shortcut: str | None = None) -> QAction:
            action = QAction(text, self)
            action.triggered.connect(lambda _checked=False: slot())
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            tools.addAction(action)
            return action

        self.undo_action = add("撤销", self.undo, "Ctrl+Z")
        self.redo_action = add("重做", self.redo, "Ctrl+Y")
        add("新登记", self.new_request, "Ctrl+N")
        tools.addSeparator()
        add("导入台账…", self.import_ledger)
        add("导出 Excel…", self.export_excel)
        tools.addSeparator()
        add("由台账生成", self.fill_report)
        add("核对报告表格", self.compare_report)
        add("写入申请情况", self.write_sentence)
        tools.addSeparator()
        add("复议诉讼案件…", self.show_cases)
        add("放假安排…", self.enter_arrangement)
        add("修改历史…", self.show_history)

    # ------------------------------------------------------------ showing

    def reload(self, changed: int | None = None) -> None:
        """Show the register again after a change: only request `changed` read again when given (a save
        in a register of 10,000 stays quick), else all of it."""
        if changed is None:
            self.calendar = self.register.calendar()
            self.requests = self.register.requests()
            self._deadlines.clear()
        else:
            kept = [r for r in self.requests if r.id != changed]
            found = self.register.requests_by_id([changed])
            self.requests = sorted(kept + found, key=lambda r: (r.received, r.number))
        years = sorted({r.received.year for r in self.requests} | {self.today().year}, reverse=True)
        chosen = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem("全部年度", None)
        for year in years:
            self.year.addItem(f"{year} 年", year)
        self.year.setCurrentIndex(max(0, self.year.findData(chosen)))
        self.year.blockSignals(False)
        self.form.set_topics(sorted({r.topic for r in self.requests if r.topic}))
        summary = summarize(self._deadline(r) for r in self.requests if r.open)
        self.summary.setText(
            summary.sentence if self.requests else "台账中还没有申请。按 Ctrl+N 登记第一件。"
        )
        self.undo_action.setEnabled(bool(self.undo_revisions))
        self.redo_action.setEnabled(bool(self.redo_revisions))
        self._show_rows()

    @Slot(object)
    def use_database(self, db: Database) -> None:
        """The main window's database was replaced (恢复备份): the register is read from the restored
        one; undo and redo belonged to the old file. What the form holds stays; a request the restored
        file does not have is saved as a new one. A closed window (never shown again) is left alone."""
        if not self.isVisible():
            return
        self.db = db
        self.register = Register(db, self.register.agency)
        self.undo_revisions.clear()
        self.redo_revisions.clear()
        self.reload()
        if self.form.request_id not in {r.id for r in self.requests}:
            self.form.request_id = None
        self.statusBar().showMessage("主窗口已恢复备份：现在显示的是恢复后的登记台账。", 60_000)

    def switch_agency(self, agency: str) -> None:
        """Show another agency's register (undo and redo stay with the register they were made in)."""
        try:
            register = Register(self.db, agency)
        except UserError as exc:
            show_message(self, exc.message)
            self.agency.setCurrentText(self.register.agency)
            return
        if register.agency == self.register.agency:
            return
        self.register = register
        self.undo_revisions.clear()
        self.redo_revisions.clear()
        self.setWindowTitle(f"依申请公开登记台账 — {register.agency}")
        self.reload()
        self.new_request()

    def _deadline(self, request: Request) -> Deadline:
        today = self.today()
        if today != self._deadlines_on:
            self._deadlines.clear()
            self._deadlines_on = today
        found = self._deadlines.get(request)
        if found is None:
            found = self._deadlines[request] = deadline(request, self.calendar, today)
        return found

    def _show_rows(self) -> None:
        wanted = self.filter.currentText()
        year = self.year.currentData()
        words = self.search.text().strip()
        rows = []
        for request in self.requests:
            if (
                year is not None
                and request.received.year != year
                and not (request.answered and request.answered.year == year)
            ):
                continue
            if words and not any(words in t for t in (request.number, request.subject, request.topic)):
                continue
            due = self._deadline(request)
            state = status(request, due)
            if wanted == "办理中" and state not in _IN_HAND:
                continue
            if wanted in ("即将到期", "已逾期") and state != wanted:
                continue
            if wanted == "已办结" and request.open:
                continue
            rows.append((request, due, state))
        self.model.set_rows(rows)

    def _row_chosen(self, current: QModelIndex) -> None:
        if current.isValid():
            request, due, _ = self.model.rows[current.row()]
            self.form.show_request(request, due)

    def select(self, request_id: int) -> None:
        for row, (request, _, _) in enumerate(self.model.rows):
            if request.id == request_id:
                self.table.selectRow(row)
                return

    # ------------------------------------------------------------ changing

    def _changed(self, revision: int | None, message: str, request_id: int | None = None) -> None:
        if revision is not None:
            self.undo_revisions.append(revision)
            self.redo_revisions.clear()
        self.reload(request_id)
        self.statusBar().showMessage(message, 10_000)

    def new_request(self) -> None:
        self.table.clearSelection()
        self.form.show_request(None, None)
        self.form.dates["received"].setText(self.today().isoformat())
        self.form.number.setFocus()

    def save(self) -> None:
        try:
            request = self.form.request()
            if request.id is None:
                revision, request_id = self.register.register(request)
                message = "已登记。"
            else:
                revision, request_id = self.register.edit(request), request.id
                message = "已保存。" if revision is not None else "没有改动。"
        except UserError as exc:
            show_message(self, exc.message)
            return
        self._changed(revision, message, request_id)
        if request.id is None:
            self.new_request()  # the next request, at once
        else:
            self.select(request_id)

    def delete(self) -> None:
        request_id = self.form.request_id
        if request_id is None:
            return
        number = self.register.request(request_id).number
        if not confirmed(self, f"删除申请“{number}”？删除后可用「撤销」恢复，修改历史中仍有记录。"):
            return
        self._changed(self.register.delete(request_id), f"已删除“{number}”。", request_id)
        self.new_request()

    def undo(self) -> None:
        if not self.undo_revisions:
            return
        revision = self.register.undo(self.undo_revisions.pop())
        if revision is not None:
            self.redo_revisions.append(revision)
        self.reload()
        self.statusBar().showMessage("已撤销。", 5_000)

    def redo(self) -> None:
        if not self.redo_revisions:
            return
        revision = self.register.undo(self.redo_revisions.pop())
        if revision is not None:
            self.undo_revisions.append(revision)
        self.reload()
        self.statusBar().showMessage("已重做。", 5_000)

    # ------------------------------------------------------------ the register's commands

    def import_ledger(self, path: Path | None = None) -> None:
        """导入台账…: the file read and the rows stored off the GUI thread; the preview asked in between."""
        from core.register.ledger import preview

        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, "导入台账", "", "台账 (*.xlsx *.csv)")
            if not name:
                return
            path = Path(name)
        chosen = path
        self.statusBar().showMessage(f"正在读取“{chosen.name}”…")
        run_in_background(lambda: preview(chosen), self._preview_read, self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, UserError):
            raise exc  # to the crash dialog
        self.statusBar().clearMessage()
        show_message(self, exc.message)

    def _preview_read(self, found: Preview) -> None:
        from ui.register_import import LedgerImportDialog

        self.statusBar().clearMessage()
        dialog = LedgerImportDialog(found, self)
        if dialog.exec() != LedgerImportDialog.DialogCode.Accepted:
            return
        self.statusBar().showMessage(f"正在导入 {len(found.rows)} 行…")
        register = self.register  # the pool thread holds no reference to this window
        run_in_background(lambda: register.import_ledger(found), self._imported, self._failed, owner=self)

    def _imported(self, outcome: ImportOutcome) -> None:
        text = f"导入 {outcome.imported} 件，更新 {outcome.updated} 件"
        if outcome.rejected:
            listed = "\n".join(
                f"第 {r.row} 行「{r.column}」“{r.value}”：{r.why}" for r in outcome.rejected[:20]
            )
            more = f"\n……共 {len(outcome.rejected)} 行" if len(outcome.rejected) > 20 else ""
            show_message(self, f"{text}；以下各行没有导入，请在台账中改正后再导入一次：\n{listed}{more}")
        self._changed(outcome.revision, text + "。")

    def export_excel(self, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self, "导出登记台账（内部资料）", f"{self.register.agency}登记台账.xlsx", "Excel (*.xlsx)"
            )
            if not name:
                return
            path = Path(name)
        target, requests, calendar, today = path, list(self.requests), self.calendar, self.today()
        agency = self.register.agency  # the pool thread holds no reference to this window

        def write() -> Path:
            data = register_xlsx(agency, requests, calendar, today)
            try:
                target.write_bytes(data)
            except OSError as exc:
                raise UserError(f"无法保存“{target}”：{os_reason(exc)}。") from None
            return target

        self.statusBar().showMessage("正在导出…")
        run_in_background(
            write,
            lambda done: self.statusBar().showMessage(f"已导出（内部资料，含申请人信息）：{done}", 15_000),
            self._failed,
            owner=self,
        )

    def _chosen_year(self) -> int:
        year = self.year.currentData()
        return int(year) if year is not None else self.today().year - 1

    def fill_report(self) -> None:
        """「由台账生成」: the year's table 三 and 四, one undoable change of the report."""
        year = self._chosen_year()
        document = self._open_document(year)
        try:
            if document is not None:  # the open report changes through its document (its undo)
                count = report_link.counted(self.register, year)
                document.push_values(report_link.counted_change(document.session, count), "由台账生成")
                report_link.mark_counted(self.register, document.report_id, count)
            else:
                report_link.fill(self.db, self.register, year)
        except UserError as exc:
            show_message(self, exc.message)
            return
        if self.main_window is not None and hasattr(self.main_window, "refresh_list"):
            self.main_window.refresh_list()
        self.statusBar().showMessage(f"已由台账生成 {year} 年度报告的第三、四部分表格。", 15_000)

    def _open_document(self, year: int) -> Any:
        document = getattr(self.main_window, "document", None)
        report = document.report if document is not None else None
        if report is not None and (report.agency, report.year) == (self.register.agency, year):
            return document
        return None

    def compare_report(self) -> None:
        year = self._chosen_year()
        report_id = self.db.find_report(self.register.agency, year)
        if report_id is None:
            show_message(self, f"还没有“{self.register.agency}”{year} 年度的报告。")
            return
        found = report_link.differences(self.db, self.register, report_id)
        if not found:
            show_message(self, f"{year} 年度报告的第三、四部分与台账统计一致。")
            return
        lines = "\n".join(
            f"{d.description}：报告中为 {d.typed or 0}，台账统计为 {d.counted}" for d in found[:30]
        )
        show_message(self, f"{year} 年度报告中有 {len(found)} 个格子与台账统计不同：\n{lines}")

    def write_sentence(self) -> None:
        """「其中书面申请 N 件、网上申请 M 件」 and the top 事项类别 into the year's report (undoable)."""
        year = self._chosen_year()
        sentence = report_link.narrative_sentence(self.requests, year)
        document = self._open_document(year)
        report_id = self.db.find_report(self.register.agency, year)
        if document is None and report_id is None:
            from PySide6.QtWidgets import QApplication

            QApplication.clipboard().setText(sentence)
            self.statusBar().showMessage(f"还没有 {year} 年度的报告；已复制：{sentence}", 15_000)
            return
        try:
            if document is not None:  # the open report changes through its document (its undo)
                sentence, change = report_link.sentence_change(document.session, self.register, year)
                document.push_text(change)
            elif report_id is not None:
                sentence = report_link.write_sentence(self.db, self.register, report_id, year)
        except UserError as exc:
            show_message(self, exc.message)
            return
        self.statusBar().showMessage(f"已写入 {year} 年度报告：{sentence}", 15_000)

    def show_cases(self) -> None:
        from ui.register_dialogs import CasesDialog

        CasesDialog(self.register, self.today, self).exec()

    def enter_arrangement(self) -> None:
        from ui.register_dialogs import ArrangementDialog

        if ArrangementDialog(self.register, self.today().year + 1, self).exec():
            self.reload()

    def show_history(self) -> None:
        lines = []
        for revision in self.register.history(limit=50):
            at = revision.at.strftime("%Y-%m-%d %H:%M")
            lines.append(
                f"{at} {kind_label(revision.kind)}（{len(revision.changes)} 处）{revision.note or ''}"
            )
        show_message(self, "\n".join(lines) or "还没有修改记录。")
