"""The desk's dialogs: a received report read-only, the 汇总 (with its list, exports and printing), year
over year (against this desk or last year's folder or database, like for like), and 报送… (what will be
sent, then 「打开所在文件夹」). Each shows what `core.desk` computes; the desk window opens them."""

from __future__ import annotations

import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    QStandardPaths,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QHideEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core import desk
from core.desk.included import AGENCY_COLUMN, CODE_COLUMN, STATUS_COLUMN, included_heading
from core.desk.included import HEADERS as INCLUDED_HEADERS
from core.desk.sums import StoredFigures, stored_figures, work_out_codes
from core.errors import UserError
from core.model.names import safe_file_name
from core.model.report import Report
from core.ops.library import Library
from core.ops.policy import Readiness
from core.paths import write_atomically
from core.rules.table import check, severity_counts
from ui.crash import show_message
from ui.dialogs import fit_agency_names
from ui.findings_panel import FindingsPanel
from ui.screen_fit import fit_to_screen
from ui.worker import Job, run_in_background, run_with_progress

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from core.desk.included import SumContents
    from core.documents.write.content import Appendix
    from ui.desk_window import DeskWindow
    from ui.main_window import MainWindow

BACKGROUND_BOARD = 150  # received reports from which a board is built off the GUI thread (≈ 70 ms)


def outside_inbox(folder: Path | None) -> Path:
    """Where the desk's exports start: the folder beside the inbox, never the inbox itself (Documents
    without one)."""
    if folder is not None:
        return folder.parent
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


def _report_html(report: Report, appendix: Appendix | None = None) -> str:
    from core.documents.write import render

    return render(report, ".html", appendix=appendix).decode("utf-8")


class ReportViewer(QDialog):
    """A received report, read-only, with its findings and what the desk noted."""

    def __init__(self, row: desk.BoardRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert row.received is not None
        report = row.received.report
        self.setWindowTitle(f"{report.title}（只读）")
        fit_to_screen(self, QSize(1200, 720))
        self.page = QTextBrowser()
        self.page.setHtml(_report_html(report))
        self.findings = FindingsPanel()
        self.findings.dismiss_button.hide()  # dismissing is the sender's decision, not the desk's
        self.findings.set_findings(row.findings or check(report))
        facts = [
            f"状态：{row.status}",
            f"校验码：{row.fingerprint or '（无）'}",
            f"文件：{row.file.name if row.file else '数据库'}",
            *row.notes,
        ]
        cells = report.spec.cells
        doubtful = row.received.doubtful
        if doubtful:  # an imported file: the cells to compare with the original
            shown = "；".join(cells[a].description for a in doubtful[:8] if a in cells)
            facts.append(f"须对照原件核对的格：{shown}{'等' if len(doubtful) > 8 else ''}")
        info = QLabel("\n".join(facts))
        info.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(info)
        side_layout.addWidget(self.findings, 1)
        split = QSplitter()
        split.addWidget(self.page)
        split.addWidget(side)
        split.setSizes([760, 440])
        layout = QVBoxLayout(self)
        layout.addWidget(split)


class IncludedModel(QAbstractTableModel):
    """「本汇总包括的报告」 as a table the dialog shows beside the sum (2,000 rows stay cheap: nothing
    is made per row until it is painted); a 校验码 not worked out yet reads 「计算中…」."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, ...]] = []

    def show(self, contents: SumContents | None) -> None:
        self.beginResetModel()
        self.rows = contents.rows() if contents is not None else []
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(INCLUDED_HEADERS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            text = self.rows[index.row()][index.column()]
            return text or ("计算中…" if index.column() == CODE_COLUMN else "")
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() != AGENCY_COLUMN:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return INCLUDED_HEADERS[section]
        return None


class SumDialog(QDialog):
    """汇总: the chosen reports added up, checked by every rule, exportable like any report.

    Over a database the figures come at once from storage's packed values; each draft's 校验码 (for
    the list of included reports and the 汇总's mark) is worked out off the GUI thread, with progress
    and 停止, and kept in the desk session while the database is unchanged. Until every code is known
    nothing is written: an export or a print asked for meanwhile waits for them."""

    def __init__(self, owner: DeskWindow) -> None:
        super().__init__(owner)
        self.owner = owner
        self.year = owner.board.year
        self.db = owner.source_db
        self.session = owner.session  # the codes kept are of this database: a restore makes another
        self.reports = {} if self.db is not None else owner.reports_of(self.year)
        stored = [r.agency for r in owner.board.rows if r.report_id is not None]
        agencies = stored if self.db is not None else list(self.reports)
        self.setWindowTitle(f"{self.year}年度汇总")
        fit_to_screen(self, QSize(1200, 720))
        self.name = QLineEdit("本级汇总")
        self.included = QListWidget()
        conflicts = {r.agency for r in owner.board.rows if r.conflict}
        for agency in agencies:
            item = QListWidgetItem(agency)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            # what the board includes by default: a conflict is left out until the office resolves it
            unresolved = agency in conflicts
            item.setCheckState(Qt.CheckState.Unchecked if unresolved else Qt.CheckState.Checked)
            if unresolved:
                item.setForeground(QColor("#b00020"))
                item.setToolTip("收到两份内容不同的报告，须先核实（见汇总台该单位的备注），默认不计入")
            self.included.addItem(item)
        self.included.itemChanged.connect(lambda _item: self.refresh())
        self.name.editingFinished.connect(self.refresh)
        self.page = QTextBrowser()
        self.note = QLabel()
        self.note.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(QLabel("汇总单位名称"))
        side_layout.addWidget(self.name)
        side_layout.addWidget(QLabel("包括的报告（可勾选）"))
        side_layout.addWidget(self.included, 1)
        side_layout.addWidget(self.note)
        self.findings = FindingsPanel()
        self.findings.dismiss_button.hide()
        side_layout.addWidget(self.findings, 1)
        # what is done with the 汇总: one row under everything, never scrolled away (at 125 % on
        # 1366×768 the buttons were below the findings, out of sight)
        actions = QHBoxLayout()
        for text, suffix in (
            ("导出 PDF…", ".pdf"),
            ("导出 Word…", ".docx"),
            ("导出 Excel…", ".xlsx"),
            ("导出报告文件…", ".json"),
        ):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, s=suffix: self.export(s))
            actions.addWidget(button)
        print_button = QPushButton("打印…")
        print_button.clicked.connect(lambda _c=False: self.print_sum())
        actions.addWidget(print_button)
        actions.addStretch(1)
        self.print_progress: QProgressDialog | None = None
        scroll = QScrollArea()  # a small screen scrolls the name, the list and the findings
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side.setMinimumHeight(side.sizeHint().height())
        # the list of what is added up, as every exported file but the JSON has it after the sum
        self.list_heading = QLabel()
        self.codes_note = QLabel()
        self.codes_note.setWordWrap(True)
        self.codes_bar = QProgressBar()
        self.codes_bar.setTextVisible(False)
        self.codes_button = QPushButton("停止")
        self.codes_button.clicked.connect(lambda _c=False: self._stop_or_go_on())
        codes_row = QHBoxLayout()
        codes_row.addWidget(self.codes_note, 1)
        codes_row.addWidget(self.codes_bar)
        codes_row.addWidget(self.codes_button)
        self.list_model = IncludedModel(self)
        self.list_view = QTableView()
        self.list_view.setModel(self.list_model)
        self.list_view.verticalHeader().hide()
        self.list_view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.list_view.horizontalHeader().setSectionResizeMode(AGENCY_COLUMN, QHeaderView.ResizeMode.Stretch)
        metrics = self.list_view.fontMetrics()  # widths of the widest texts: not measured over 2,000 rows
        self.list_view.verticalHeader().setDefaultSectionSize(metrics.height() + 6)
        widest = {
            STATUS_COLUMN: max(desk.DRAFT, desk.FINAL, key=metrics.horizontalAdvance),
            CODE_COLUMN: "MMMM-MMMM-MMMM",
        }
        for column, text in widest.items():
            self.list_view.setColumnWidth(column, metrics.horizontalAdvance(text) + 16)
        listing = QWidget()
        list_layout = QVBoxLayout(listing)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.list_heading)
        list_layout.addLayout(codes_row)
        list_layout.addWidget(self.list_view, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.page)
        right.addWidget(listing)
        right.setSizes([440, 280])
        split = QSplitter()
        split.addWidget(scroll)
        split.addWidget(right)
        split.setSizes([320, 880])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(actions)
        self.total: Report | None = None
        self.figures: StoredFigures | None = None  # over a database: the sum before the drafts' codes
        self.summed: desk.SumResult | None = None  # the whole 汇总, every code known: what is written
        self.codes_job: Job | None = None
        self.codes_stopped = False  # 停止 pressed: no new reckoning until asked (继续, an export)
        self.codes_done, self.codes_total = 0, 0
        self.waiting: list[tuple[str, Callable[[], object]]] = []  # exports and prints awaiting codes
        self.refresh()

    def chosen(self) -> list[str]:
        items = (self.included.item(i) for i in range(self.included.count()))
        return [i.text() for i in items if i.checkState() == Qt.CheckState.Checked]

    def refresh(self) -> None:
        names = set(self.chosen())
        self.figures = self.summed = None
        if not names:
            self.total = None
            self.page.setHtml("<p>请勾选要汇总的报告。</p>")
            self.note.setText("")
            self._show_list()
            self._drop_waiting("没有勾选任何报告")
            return
        board = self.owner.board
        rows = [r for r in board.rows if r.agency in names]
        agency = self.name.text().strip() or "本级汇总"
        figures: StoredFigures | desk.SumResult
        if self.db is not None:
            session = self.session
            packed = session.packed_values(self.db)  # read once, summed again on every tick
            figures = self.figures = stored_figures(self.db, rows, agency, self.year, board.missing, packed)
            codes = session.draft_codes(self.db)
            if not self.figures.uncoded(codes):
                self.summed = self.figures.complete(codes)
            added = len(self.figures.added)
        else:
            self.summed = figures = desk.make_sum(rows, self.reports, agency, self.year, board.missing)
            added = len(figures.contents.reports)
        self.total = figures.total
        findings = check(self.total)
        self.findings.set_findings(findings)
        errors, _warnings = severity_counts(findings)
        left_out = "".join(f"“{a}”{why}。" for a, why in figures.left_out.items())
        self.note.setText(
            f"汇总了 {added} 份报告；汇总结果有 {errors} 处错误（来自各单位报告中的错误）。"
            f"{figures.blanks_note}{left_out}"
        )
        self.page.setHtml(_report_html(self.total))
        self._show_list()
        if self.summed is None:  # once the figures are painted: the job would slow their painting
            QTimer.singleShot(0, self, self._work_out_codes)
        else:  # every code known: what waited for them is done now, of the 汇总 as it stands
            waiting, self.waiting = self.waiting, []
            for _what, act in waiting:
                act()

    def _drop_waiting(self, why: str) -> None:
        """Exports and prints that waited for codes are not done (said in the status bar)."""
        if self.waiting:
            dropped = "、".join(what for what, _ in self.waiting)
            self.waiting = []
            self.owner.statusBar().showMessage(f"{why}，未进行：{dropped}。", 15_000)

    def _show_list(self) -> None:
        """The list under the sum (a code not worked out yet: 「计算中…」), and where its codes stand."""
        if self.summed is not None:
            self.list_model.show(self.summed.contents)
        elif self.figures is not None and self.db is not None:
            self.list_model.show(self.figures.listed(self.session.draft_codes(self.db)))
        else:
            self.list_model.show(None)
        added = len(self.list_model.rows)
        self.list_heading.setText(included_heading(added) if added else "")
        self._show_codes()

    def _show_codes(self) -> None:
        """「正在计算各报告的校验码（已完成 300 / 1,500）」 with a bar and 停止, while codes are pending."""
        pending = self.codes_pending()
        for widget in (self.codes_note, self.codes_bar, self.codes_button):
            widget.setVisible(pending)
        if not pending:
            return
        progress = f"（已完成 {self.codes_done:,} / {self.codes_total:,}）" if self.codes_total else ""
        if self.codes_stopped:
            text = f"已停止计算各报告的校验码{progress}。导出或打印时将继续计算。"
        else:
            text = f"正在计算各报告的校验码{progress}。汇总数字已完整；导出和打印待校验码算完后进行。"
        if self.waiting:
            text += "待完成后：" + "、".join(what for what, _ in self.waiting) + "。"
        self.codes_note.setText(text)
        self.codes_bar.setRange(0, max(1, self.codes_total))
        self.codes_bar.setValue(self.codes_done)
        self.codes_button.setText("继续计算" if self.codes_stopped else "停止")

    def codes_pending(self) -> bool:
        """Whether figures are shown whose list still lacks a draft's 校验码."""
        return self.figures is not None and self.summed is None

    def _work_out_codes(self) -> None:
        """The drafts' codes the shown sum lacks, worked out off the GUI thread (one job at a time)."""
        if self.db is None or self.figures is None or self.codes_stopped or not self.isVisible():
            return
        if self.codes_job is not None and not self.codes_job.finished:
            return
        db, wanted = self.db, self.figures.uncoded(self.session.draft_codes(self.db))
        if not wanted:
            return
        self.codes_done, self.codes_total = 0, len(wanted)
        self.codes_job = run_with_progress(
            lambda progress, cancelled: work_out_codes(db, wanted, progress, cancelled),
            self._codes_worked_out,
            self._codes_progress,
            self._codes_failed,
            owner=self,
        )
        self._show_codes()

    def _codes_progress(self, done: int, total: int) -> None:
        self.codes_done, self.codes_total = done, total
        self._show_codes()

    def _codes_worked_out(self, result: object) -> None:
        """Codes arrived: kept, each with the revision of its report it is of (a report changed since
        is worked out again)."""
        assert isinstance(result, dict)
        self.session.keep_draft_codes(result)
        if not self.isVisible():
            return  # closed meanwhile: the codes are kept for the next 汇总
        self.refresh()  # the list complete (what waited for it done), or the rest asked for

    def _codes_failed(self, exc: BaseException) -> None:
        self.codes_stopped = True
        self._drop_waiting("校验码未能算完")
        self._show_codes()
        if self.db is not None and self.db.closed:  # 恢复备份 in the main window closed it meanwhile
            if self.isVisible():  # else the restore closed this 汇总 too, and the desk said why
                closed = "数据库已关闭，校验码未能算完。请关闭「汇总」后重新打开。"
                self.owner.statusBar().showMessage(closed, 30_000)
            return
        sys.excepthook(type(exc), exc, exc.__traceback__)  # a plain message for a UserError

    def _stop_or_go_on(self) -> None:
        """停止 really stops the reckoning (between reports); 继续计算 starts it again from the codes
        kept so far. A waiting export or print is dropped on 停止."""
        if self.codes_stopped:
            self.codes_stopped = False
            self._work_out_codes()
        else:
            self._drop_waiting("已停止计算校验码")
            self._stop_codes()
        self._show_codes()

    def _stop_codes(self) -> None:
        self.waiting, self.codes_stopped = [], True
        if self.codes_job is not None:
            self.codes_job.cancel()

    def _after_codes(self, what: str, act: Callable[[], object]) -> None:
        """An export or print asked for while codes are pending: done once they are all known, of the
        汇总 as it then stands."""
        self.waiting.append((what, act))
        self.codes_stopped = False
        self._work_out_codes()
        self._show_codes()

    def hideEvent(self, event: QHideEvent) -> None:
        """Closed: the codes' reckoning stops, what it worked out so far kept for next time.
        Minimised (a hiding by the system) it goes on."""
        if not event.spontaneous():
            self._stop_codes()
        super().hideEvent(event)

    def contents(self) -> SumContents:
        """The reports added up with their status, 校验码 and errors as the board shows them."""
        assert self.summed is not None
        return self.summed.contents

    def export(self, suffix: str, path: Path | None = None) -> Job | None:
        """The sum as a file, written in the background; the job (None: nothing to write yet, or
        waiting for the drafts' 校验码)."""
        from core.desk.sums import write_sum

        if self.total is None:
            return None
        if path is None:
            # never the inbox by default: a 汇总 saved there is a file the desk must set aside
            start = str(outside_inbox(self.owner.folder) / safe_file_name(self.total.title, suffix))
            name, _ = QFileDialog.getSaveFileName(self, "导出汇总", start, f"*{suffix}")
            if not name:
                return None
            path = Path(name)
        if self.summed is None:
            target = path
            self._after_codes(f"导出“{path.name}”", lambda: self.export(suffix, target))
            return None
        result, target = self.summed, path

        def work() -> Path:
            write_sum(result, target)  # marked as a 汇总 in every kind of file
            return target

        def done(written: object) -> None:
            self.owner.statusBar().showMessage(f"已导出汇总：{written}", 15_000)

        return run_in_background(work, done, owner=self)  # a failure: the crash hook's message

    def print_sum(self, printer: QPrinter | None = None) -> Job | None:
        """打印…: the print dialog, then the sum's PDF (with its list) made and printed in the background."""
        from core.documents.pdf.render import render_pdf
        from ui.printing import ask_printer, start_printing  # ReportLab and Qt's printing: only to print

        if self.total is None:
            return None
        printer = printer or ask_printer(self, self.total.title)
        if printer is None:
            return None
        chosen = printer
        if self.summed is None:
            self._after_codes("打印", lambda: self.print_sum(chosen))
            return None
        total, appendix = self.total, self.contents().appendix()

        def rendered(data: object) -> None:
            assert isinstance(data, bytes)
            _job, self.print_progress = start_printing(self, data, chosen, self._printed)

        return run_in_background(lambda: render_pdf(total, appendix=appendix), rendered, owner=self)

    def _printed(self, completed: bool) -> None:
        text = "汇总已送往打印机。" if completed else "已取消打印。"
        self.owner.statusBar().showMessage(text, 15_000)


class YearsDialog(QDialog):
    """Year over year: this year beside last year with the change and the 同比突变 flag, for the sum
    and for each agency, and the key figures by year as bars."""

    def __init__(self, owner: DeskWindow) -> None:
        super().__init__(owner)
        self.owner = owner
        self.year = owner.board.year
        years = owner.years()[-6:]
        self.by_year = {y: owner.reports_of(y, included=True) for y in years if y == self.year}
        others = [y for y in years if y != self.year]
        self.loading: Job | None = None  # the other years' boards, built off the GUI thread when big
        if owner.source_db is None and len(owner.session.received) >= BACKGROUND_BOARD:
            session = owner.session

            def work() -> dict[int, dict[str, Report]]:
                return {y: session.reports_of_year(y) for y in others}

            self.loading = run_in_background(work, self._loaded, owner=self)
        else:
            self.by_year |= {y: owner.reports_of(y, included=True) for y in others}
        self.setWindowTitle(f"{self.year}年度同比")
        fit_to_screen(self, QSize(1000, 680))
        self.choice = QComboBox()
        self.choice.addItem("汇总（全部单位）")
        self.choice.addItems(sorted(self.by_year.get(self.year, {})))
        fit_agency_names(self.choice)  # the longest agency name would widen the dialog past the screen
        self.choice.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            ["指标", f"{self.year}年", f"{self.year - 1}年", "变化", "同比突变"]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.chart = BarChart()
        pdf_button = QPushButton("导出 PDF…")
        pdf_button.clicked.connect(lambda _c=False: self.export_pdf())
        self.other: dict[str, Report] | None = None  # last year from elsewhere (a folder, the database)
        self.source = QComboBox()
        self.source.addItems(["本汇总台", "其他文件夹…", "本机数据库"])
        self.source.model().item(2).setEnabled(owner.db is not None and owner.source_db is None)  # type: ignore[attr-defined]
        self.source.activated.connect(self._source_chosen)
        self.like = QCheckBox("只比较两年都有报告的单位")
        self.like.toggled.connect(lambda _on: self.refresh())
        self.note = QLabel()
        self.note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.choice, 1)
        top.addWidget(pdf_button)
        last = QHBoxLayout()
        last.addWidget(QLabel(f"{self.year - 1}年的数据来自"))
        last.addWidget(self.source)
        last.addWidget(self.like)
        last.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(last)
        layout.addWidget(self.note)
        layout.addWidget(self.table)
        layout.addWidget(self.chart, 1)
        self.refresh()

    def _loaded(self, by_year: object) -> None:
        assert isinstance(by_year, dict)
        self.by_year |= by_year
        self.refresh()

    def _source_chosen(self, index: int) -> None:
        if index == 0:
            self.use_last_year(None)
        elif index == 1:
            name = QFileDialog.getExistingDirectory(self, f"选择{self.year - 1}年收到报告的文件夹")
            if name:
                self.read_last_year(Path(name))
        elif self.owner.db is not None:
            db = self.owner.db  # read here: the database stays on the GUI thread
            self.use_last_year(desk.DeskSession.of_database(db.path).reports_of_year(self.year - 1, db))

    def read_last_year(self, folder: Path) -> Job:
        """Last year's reports from another folder, read off the GUI thread."""
        year = self.year - 1

        def work() -> dict[str, Report]:
            session = desk.DeskSession.of_folder(folder)
            session.read()
            return session.reports_of_year(year)

        self.source.setCurrentIndex(1)
        self.source.setToolTip(str(folder))
        self.note.setText(f"正在读取“{folder}”中的报告…")
        return run_in_background(work, lambda reports: self.use_last_year(reports), owner=self)

    def use_last_year(self, reports: object) -> None:
        assert reports is None or isinstance(reports, dict)
        self.other = reports
        self.refresh()

    def last_year(self) -> dict[str, Report]:
        return self.other if self.other is not None else self.by_year.get(self.year - 1, {})

    def report(self, year: int) -> Report | None:
        reports = self.last_year() if year == self.year - 1 else self.by_year.get(year, {})
        if self.choice.currentIndex() == 0:
            return desk.add_up(list(reports.values()), "汇总", year) if reports else None
        wanted = desk.normalize_name(self.choice.currentText())
        return next((r for a, r in reports.items() if desk.normalize_name(a) == wanted), None)

    def refresh(self) -> None:
        this = self.report(self.year)
        if self.choice.currentIndex() == 0:
            compared = desk.compare_years(
                self.by_year.get(self.year, {}), self.last_year(), self.year, self.like.isChecked()
            )
            changes = compared.changes
            self.note.setText(compared.note)
        else:
            changes = desk.year_over_year(this, self.report(self.year - 1)) if this else []
            self.note.setText("")
        self.table.setRowCount(len(changes))
        for i, c in enumerate(changes):
            cells = [
                c.name,
                str(c.this),
                "" if c.last is None else str(c.last),
                c.text,
                "同比突变" if c.jump else "",
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c.jump:
                    item.setForeground(QColor("#b00020"))
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        series = {}
        for y in sorted({*self.by_year, self.year - 1} if self.other is not None else self.by_year):
            report = self.report(y)
            if report is not None:
                series[y] = desk.key_figures(report)
        self.chart.set_data(series)
        self.changes = changes

    def export_pdf(self, path: Path | None = None) -> None:
        """The table and the chart as a one-page PDF (ReportLab's graphics)."""
        from core.desk.years_pdf import years_pdf

        title = f"{self.choice.currentText()}{self.year}年度同比情况"
        if path is None:
            start = str(outside_inbox(self.owner.folder) / f"{title}.pdf")
            name, _ = QFileDialog.getSaveFileName(self, "导出同比", start, "PDF (*.pdf)")
            if not name:
                return
            path = Path(name)
        try:
            write_atomically(path, years_pdf(title, self.year, self.changes, self.chart.series))
        except UserError as exc:
            self.owner.dialogs.append(show_message(self, exc.message))


class BarChart(QWidget):
    """The key figures by year, one group of bars per year, drawn with QPainter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series: dict[int, dict[str, Decimal]] = {}
        self.setMinimumHeight(260)

    def set_data(self, series: dict[int, dict[str, Decimal]]) -> None:
        self.series = series
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        figures_drawn = desk.key_figure_colours()
        legend_x = 12.0
        for name, colour in figures_drawn:
            painter.fillRect(QRectF(legend_x, 10, 14, 14), QColor(colour))
            painter.drawText(QRectF(legend_x + 18, 6, 90, 22), Qt.AlignmentFlag.AlignVCenter, name)
            legend_x += 110
        if not self.series:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "没有可比较的年度")
            return
        top, bottom, left = 40.0, self.height() - 30.0, 50.0
        width = self.width() - left - 20
        peak = max((v for figures in self.series.values() for v in figures.values()), default=Decimal(1)) or 1
        painter.setPen(QColor("#888888"))
        painter.drawLine(int(left), int(bottom), int(left + width), int(bottom))
        painter.drawText(QRectF(0, top - 8, left - 6, 16), Qt.AlignmentFlag.AlignRight, str(peak))
        group = width / len(self.series)
        bar = group * 0.8 / len(figures_drawn)
        for i, (year, figures) in enumerate(self.series.items()):
            x0 = left + i * group + group * 0.1
            for j, (name, colour) in enumerate(figures_drawn):
                height = float(figures[name] / peak) * (bottom - top)
                painter.fillRect(QRectF(x0 + j * bar, bottom - height, bar - 2, height), QColor(colour))
            painter.setPen(QColor("#333333"))
            painter.drawText(
                QRectF(x0, bottom + 4, group * 0.8, 20), Qt.AlignmentFlag.AlignHCenter, f"{year}年"
            )
        painter.end()


def send_package(window: MainWindow, folder: Path | None = None) -> SendDialog | None:
    """报送…: the open (or chosen) report as the .zip a department sends (a 定稿 as such, else a draft),
    through a dialog that says what will be sent first. With `folder` (a test, a script): packed there
    at once, without asking."""
    current = window.export_actions.current()
    if current is None:
        window.statusBar().showMessage("请先打开一份报告，或在列表中选中一份报告。", 10_000)
        show_message(window, "请先打开一份报告，或在列表中选中一份报告，再点「报送…」。")
        return None
    report, code = current
    readiness = None
    if window.document is not None:  # its dismissed hints and last year's report count
        readiness = window.document.session.submission_readiness()
    elif (report_id := window.report_list.current_id()) is not None:
        readiness = Library(window.db).submission_readiness(report_id)
    dialog = SendDialog(window, report, code is not None, readiness)
    if folder is not None:
        dialog.folder.setText(str(folder))
        dialog.pack(ask=False)
        return dialog
    dialog.open()
    return dialog


class SendDialog(QDialog):
    """报送…: what will be sent (file name, 草稿 or 定稿, open hints and blank cells), where; asks before
    packing as a draft a report that could be 定稿; confirms with 「打开所在文件夹」."""

    def __init__(
        self, window: MainWindow, report: Report, final: bool, readiness: Readiness | None = None
    ) -> None:
        super().__init__(window)
        self.window_ = window
        self.report, self.final = report, final
        self.plan = desk.send_plan(report, final, readiness)
        self.setWindowTitle("报送")
        self.done_box: QMessageBox | None = None
        info = QLabel("\n".join(self.plan.lines))
        info.setWordWrap(True)
        info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        start = window.settings.last_folder or str(outside_inbox(None))
        self.folder = QLineEdit(start)
        choose = QPushButton("选择…")
        choose.clicked.connect(lambda _c=False: self._choose())
        where = QHBoxLayout()
        where.addWidget(QLabel("保存到"))
        where.addWidget(self.folder, 1)
        where.addWidget(choose)
        buttons = QDialogButtonBox()
        buttons.addButton("生成报送包", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(lambda: self.pack())
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(where)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(640, 260))

    def _choose(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "报送包保存到", self.folder.text())
        if name:
            self.folder.setText(name)

    def pack(self, ask: bool = True) -> Job | None:
        """Pack into the chosen folder in the background; a report that could be 定稿 is asked about."""
        folder = Path(self.folder.text().strip() or ".")
        if ask and self.plan.could_be_final:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                "报送",
                "这份报告没有错误，也没有空格，可以定稿。\n\n定稿后再报送，收件方收到的是带校验码的定稿；"
                "按草稿报送，收件方可能要求重报。",
                parent=self,
            )
            draft = box.addButton("仍按草稿报送", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("返回（先定稿）", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is not draft:
                return None
        report, final = self.report, self.final
        return run_in_background(
            lambda: desk.write_package(report, folder, final=final), self._packed, owner=self
        )

    def _packed(self, path: object) -> None:
        assert isinstance(path, Path)
        kind = "定稿" if self.final else "草稿"
        self.window_.statusBar().showMessage(f"已生成报送包（{kind}）：{path}", 15_000)
        self.done_box = confirm_written(self.window_, f"已生成报送包（{kind}）：\n{path}", path)
        self.accept()


def confirm_written(parent: QWidget, text: str, path: Path) -> QMessageBox:
    """A file written: said in a message (not only in the status bar) with 「打开所在文件夹」."""
    box = QMessageBox(QMessageBox.Icon.Information, "已完成", text, parent=parent)
    opener = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
    box.addButton("关闭", QMessageBox.ButtonRole.AcceptRole)
    opener.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
