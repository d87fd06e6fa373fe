"""汇总台 (the collection desk) in the app: receive a folder of reports, see the board, open a report
read-only with its findings, confirm a paper copy's 校验码, export lists, the 汇总 and year over year.

All the logic is `core.desk` (the window shows one `DeskSession`); its dialogs (汇总, 同比, a report
read-only, 报送…) are `ui.desk_dialogs`. Reading, storing into the database and building a big board run
off the GUI thread with progress (`ui.worker`). (Over 600 lines: one window with many actions, each a
few lines that forward to the session.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QGuiApplication,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core import desk
from core.desk.sums import Cancelled, Progress
from core.documents import file_kinds
from core.documents.fingerprint import check_code
from core.errors import UserError
from core.model.names import safe_file_name
from core.model.report import Report
from core.paths import write_atomically
from ui import desk_review
from ui.crash import show_message
from ui.desk_dialogs import (
    BACKGROUND_BOARD,
    ReportViewer,
    SumDialog,
    YearsDialog,
    outside_inbox,
    send_package,
)
from ui.screen_fit import fit_to_screen
from ui.worker import Job, run_in_background, run_with_progress

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from core.ops.handles import Database
    from ui.desk_roster import RosterDialog
    from ui.main_window import MainWindow

_SORT = Qt.ItemDataRole.UserRole + 1
RECEIVABLE_FILTER = file_kinds.dialog_filter("报告文件", file_kinds.RECEIVABLE)


def add_menu_entries(add: Callable[[str, Callable[[], object]], QAction], window: MainWindow) -> None:
    """报送… and 汇总台… in the 报告 menu."""
    add("报送…", lambda: send_package(window))
    add("汇总台…", lambda: open_desk_window(window))


def open_desk_window(window: MainWindow) -> DeskWindow:
    desk_window = DeskWindow(window, window.db if window.attached else None)
    desk_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # each 汇总台… opens a new one
    window.database_replaced.connect(desk_window.use_database)
    desk_window.show()
    return desk_window


class DeskWindow(QMainWindow):
    """The board of a folder for a year, with its actions."""

    def __init__(self, parent: QWidget | None = None, db: Database | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("汇总台")
        fit_to_screen(self, QSize(1280, 720))
        self.db = db  # the app's database: its reports can be the board instead of a folder
        self.source_db: Database | None = None  # set while the board shows the database
        self.session = desk.DeskSession()  # no folder yet: what the desk shows and learns
        self.board = desk.Board(dt.date.today().year - 1, [], [])
        self.dialogs: list[QWidget] = []  # what this window opened, kept alive while shown
        self._generation = (
            0  # the latest rebuild: a board built off the GUI thread for an older one is dropped
        )
        self.progress: QProgressDialog | None = None
        self.print_progress: QProgressDialog | None = None

        bar = QToolBar("汇总台")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.actions_by_name: dict[str, QAction] = {}

        def add(entries: Sequence[tuple[str, Callable[[], object]]]) -> None:
            for text, slot in entries:
                action = bar.addAction(text)
                action.triggered.connect(lambda _checked=False, run=slot: run())
                self.actions_by_name[text] = action

        add(
            (
                ("打开收件文件夹…", self.choose_folder),
                ("收取文件…", self.choose_files),
                ("本机数据库", self.open_database),
                ("导入名单…", self.choose_roster),
                ("编辑名单…", self.edit_roster),
                ("批量核对", self.reload),
            )
        )
        self.actions_by_name["本机数据库"].setEnabled(db is not None)
        self.actions_by_name["本机数据库"].setToolTip(
            "看本机数据库中各单位的报告（用主窗口的「导入报告文件…」收进来的）"
        )
        bar.addWidget(QLabel(" 年度 "))
        self.year_box = QSpinBox()
        self.year_box.setRange(2008, 2100)
        self.year_box.setValue(self.board.year)
        self.year_box.valueChanged.connect(lambda _v: self.rebuild())
        bar.addWidget(self.year_box)
        bar.addSeparator()
        add(
            (
                ("打开报告", self.open_selected),
                ("核对读入…", self.review_selected),
                ("核对校验码…", self.confirm_selected),
                ("确认单位名称…", self.answer_selected),
            )
        )
        bar.addSeparator()
        add(
            (
                ("导出未交名单…", self.export_missing),
                ("复制未交名单", self.copy_missing),
                ("打印未交名单…", self.print_missing),
                ("导出总表…", self.export_board),
                ("打印总表…", self.print_board),
                ("导出错误清单…", self.export_errors),
                ("汇总…", self.show_sum),
                ("同比…", self.show_years),
            )
        )

        self.search = QLineEdit()
        self.search.setPlaceholderText("按单位名称搜索")
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.addItems(list(desk.BOARD_FILTERS))
        self.model = QStandardItemModel(0, len(desk.BOARD_HEADERS), self)
        self.model.setHorizontalHeaderLabels(list(desk.BOARD_HEADERS))
        self.proxy = _BoardFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(_SORT)
        self.search.textChanged.connect(self._filter)
        self.status_filter.currentTextChanged.connect(self._filter)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # roster order first
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda _index: desk_review.open_row(self))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel("请打开收到报告的文件夹，或看本机数据库中的报告。")
        self.summary.setWordWrap(True)  # at 150 % the line wraps rather than runs off the window
        self.partial = QLabel()  # a cancelled read: the board is partial until a full read
        self.partial.setStyleSheet("color: #b00020; font-weight: bold")
        self.partial.setWordWrap(True)
        self.partial.hide()
        top = QHBoxLayout()
        top.addWidget(QLabel("搜索"))
        top.addWidget(self.search, 2)
        top.addWidget(QLabel("筛选"))
        top.addWidget(self.status_filter)
        top.addStretch(1)
        self.unusable_list = QListWidget()
        self.unusable_list.setMaximumHeight(110)
        layout = QVBoxLayout()
        layout.addWidget(self.partial)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.unusable_label = QLabel("不能使用或不计入的文件")
        layout.addWidget(self.unusable_label)
        layout.addWidget(self.unusable_list)
        layout.addWidget(self.summary)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)

    # ------------------------------------------------------------ receiving

    def choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "打开收到报告的文件夹")
        if name:
            self.open_folder(Path(name))

    def choose_roster(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "导入应报单位名单", "", file_kinds.dialog_filter("名单", file_kinds.ROSTER)
        )
        if name:
            self.set_roster(Path(name))

    @property
    def roster(self) -> list[str]:
        return self.session.roster

    @property
    def memory(self) -> desk.Memory:
        return self.session.memory

    @property
    def folder(self) -> Path | None:
        return self.session.folder

    @property
    def received(self) -> list[desk.Received]:
        return self.session.received

    def set_roster(self, path: Path) -> Job:
        """A roster file in place of the roster, read off the GUI thread (a long list must not freeze
        the window): names already on it keep their numbers, their 联系人 and 电话 come with them. A
        file that cannot be used: its Chinese reason (the worker's default)."""

        def done(read: object) -> None:
            assert isinstance(read, desk.RosterFile)
            self.session.apply_roster(read, path)  # on the GUI thread, to the session shown now
            self._remember()
            self.session.forget_file(path)
            self.rebuild()

        return run_in_background(lambda: desk.read_roster_file(path), done, owner=self)

    def edit_roster(self) -> RosterDialog:
        """编辑名单…: add, rename, remove, reorder; 确定 keeps the roster with the desk."""
        from ui.desk_roster import RosterDialog

        dialog = RosterDialog(self.memory.roster, desk.received_names(self.board), self)
        dialog.accepted.connect(lambda: self._roster_edited(dialog.roster))
        self.dialogs.append(dialog)
        dialog.open()
        return dialog

    def _roster_edited(self, roster: desk.Roster) -> None:
        self.memory.set_roster(roster)
        self._remember()
        self.rebuild()

    def _remember(self) -> None:
        """What the desk learned, saved with the folder (or beside the database) at once."""
        if self.session.folder is None and self.session.db_path is None:
            return
        try:
            self.session.save()
        except UserError as exc:
            self.dialogs.append(show_message(self, exc.message))

    def _switch(self, session: desk.DeskSession) -> None:
        """A new source; a roster set up before (or elsewhere) comes along when it has none yet, and
        a damaged memory file it had is said once."""
        carried = session.memory.roster is None and self.session.memory.roster is not None
        if carried:
            session.memory.roster = self.session.memory.roster
        if session.roster_file is None:
            session.roster_file = self.session.roster_file
        for note in session.notes:
            self.dialogs.append(show_message(self, note))
        self.session = session
        if carried:
            self._remember()

    def choose_files(self) -> None:
        if self.folder is None and self.source_db is None:
            self.statusBar().showMessage(
                "请先打开收件文件夹（收取的文件会复制到其中保存）或本机数据库。", 10_000
            )
            return
        names, _ = QFileDialog.getOpenFileNames(self, "收取报告文件", "", RECEIVABLE_FILTER)
        if names:
            self.take_files([Path(n) for n in names])

    def take_files(self, paths: Sequence[Path]) -> None:
        """Files from e-mail or a USB stick copied into the folder, then the folder received again; for
        the database's board, read (off the GUI thread) and stored in the database."""
        if self.source_db is not None:
            db = self.source_db

            def read_and_keep(progress: Progress, cancelled: Cancelled) -> tuple[int, list[desk.Unusable]]:
                received, unusable = desk.receive_all(paths, progress, cancelled)
                kept, refused = desk.keep_in_database(db, received)  # storage locks: any thread may write
                return kept, [*unusable, *refused]

            self._receive(paths, self._into_database, read_and_keep)
            return
        assert self.folder is not None
        taken, problems = [], []
        for path in paths:
            try:
                copied = desk.take_file(self.folder, path)
            except UserError as exc:
                problems.append(exc.message)
                continue
            if copied is not None:
                taken.append(copied)
        if problems:
            self.dialogs.append(show_message(self, "\n".join(problems)))
        self.statusBar().showMessage(f"已收取 {len(taken)} 个文件到收件文件夹。", 10_000)
        self.received_again(taken)

    def received_again(self, paths: Sequence[Path], select: Path | None = None) -> None:
        """Only these files read (a file taken in, a reviewed copy saved), then the board again with
        the row of `select` (a file) selected."""
        self.session.receive_files(paths)
        self.rebuild(select=select)

    def open_database(self) -> None:
        """The board of the reports kept in the app's database (read from their kept counts)."""
        if self.db is None:
            return
        self.source_db = self.db
        self._switch(desk.DeskSession.of_database(self.db.path))
        self.rebuild()

    @Slot(object)
    def use_database(self, db: Database) -> None:
        """The main window's database was replaced (恢复备份): the old one is closed, so what this window
        opened over it closes, and a board of the database is shown again from the restored one. A closed
        desk (never shown again) is left alone."""
        if not self.isVisible():
            return
        self.db = db
        if self.source_db is None:
            return
        self._close_dialogs()
        self.open_database()
        self.statusBar().showMessage("主窗口已恢复备份：现在显示的是恢复后的本机数据库。", 60_000)

    def open_folder(self, folder: Path) -> None:
        """Receive every file of the folder off the GUI thread, then show the board."""
        try:
            session = desk.DeskSession.of_folder(folder)
            paths = session.files()
        except UserError as exc:
            self.dialogs.append(show_message(self, exc.message))
            return
        self.source_db = None
        self._switch(session)
        self._receive(paths, lambda result: self._received(session, result, len(paths)))

    def _receive(
        self,
        paths: Sequence[Path],
        done: Callable[[object], None],
        work: Callable[[Progress, Cancelled], object] | None = None,
    ) -> None:
        """Reading off the GUI thread with progress (and, given `work`, what follows the reading, as
        storing what was read); 取消 really stops it (between files)."""
        self.progress = QProgressDialog("正在读取收到的报告…", "取消", 0, max(1, len(paths)), self)
        self.progress.setWindowTitle("汇总台")
        self.progress.setMinimumDuration(400)
        job = run_with_progress(
            work or (lambda progress, cancelled: desk.receive_all(paths, progress, cancelled)),
            done,
            lambda done, _total: self.progress.setValue(done) if self.progress else None,
            owner=self,
        )
        self.progress.canceled.connect(job.cancel)

    def _into_database(self, result: object) -> None:
        if self.progress is not None:
            self.progress.reset()
        if self.source_db is None:
            return
        kept: int
        refused: list[desk.Unusable]
        kept, refused = result  # type: ignore[misc]
        problems = [f"{u.file.name}：{u.reason}" for u in refused]
        if problems:
            self.dialogs.append(
                show_message(self, f"有 {len(problems)} 个文件没有存入：\n" + "\n".join(problems))
            )
        self.statusBar().showMessage(f"已存入本机数据库 {kept} 份报告。", 15_000)
        self.rebuild()

    def reload(self) -> None:
        """批量核对: read the folder again and check every report (the database: read it again)."""
        if self.folder is not None:
            self.open_folder(self.folder)
        elif self.source_db is not None:
            self.rebuild()

    def _received(self, session: desk.DeskSession, result: object, total: int) -> None:
        if self.progress is not None:
            self.progress.reset()
        received: list[desk.Received]
        unusable: list[desk.Unusable]
        received, unusable = result  # type: ignore[misc]
        session.accept(received, unusable, total)
        if session is self.session:  # not another folder opened meanwhile
            self.rebuild()

    def rebuild(self, select: str | Path | None = None) -> Job | None:
        """The board for the chosen year from what was received (every report checked again), then
        `select` selected (an agency, or the row whose file it is). Many files: built off the GUI
        thread (the job; a newer rebuild drops it)."""
        year = self.year_box.value()
        self._generation += 1
        if self.source_db is None and len(self.session.received) >= BACKGROUND_BOARD:
            generation, session = self._generation, self.session
            self.summary.setText(f"正在核对收到的 {len(session.received)} 份报告…")

            def built(board: object) -> None:
                if generation == self._generation and session is self.session:  # not stale
                    assert isinstance(board, desk.Board)
                    self._show(board, select)

            return run_in_background(lambda: session.board(year), built, owner=self)
        try:
            board = self._make_board(year)  # the database stays on the GUI thread: its kept counts
        except UserError as exc:  # the database could not be read
            self.dialogs.append(show_message(self, exc.message))
            board = desk.Board(year, [], [])
        self._show(board, select)
        return None

    def _show(self, board: desk.Board, select: str | Path | None) -> None:
        self.board = board
        self.model.removeRows(0, self.model.rowCount())
        columns = self.session.roster_columns
        for row in self.board.rows:
            self.model.appendRow(self._items(row, columns.get(row.agency)))
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(len(desk.BOARD_HEADERS) - 1, 360)
        self.unusable_list.clear()
        for widget in (self.unusable_label, self.unusable_list):
            widget.setVisible(self.source_db is None)  # files only: the database holds reports
        for bad in self.board.unusable:
            self.unusable_list.addItem(f"{bad.file.name}：{bad.reason}")
        for aside in self.board.sums:
            self.unusable_list.addItem(f"{aside.file.name}：{aside.reason}")
        board = self.board
        source = "本机数据库" if self.source_db is not None else str(self.folder or "")
        self.setWindowTitle(f"汇总台 — {source}" if source else "汇总台")
        self.summary.setText(board.summary(self.roster))
        self.partial.setText(board.partial_note or "")
        self.partial.setVisible(board.partial is not None)
        desk_review.summary_note(self)
        self._filter()
        if isinstance(select, Path):
            select = next((r.agency for r in board.rows if r.file == select), None)
        if select is not None:
            self.select(select)

    def _items(self, row: desk.BoardRow, contact: Mapping[str, str] | None) -> list[QStandardItem]:
        items = []
        for value in desk.board_cells(row, contact):
            item = QStandardItem(str(value))
            item.setData(value if isinstance(value, int) else str(value), _SORT)
            items.append(item)
        colour = {desk.MISSING: "#9e9e9e", desk.DRAFT: "#8a5a00", desk.FINAL: "#1b6e20"}[row.status]
        items[1].setForeground(QColor(colour))
        if row.errors:
            items[2].setForeground(QColor("#b00020"))
        items[0].setData(row.agency, Qt.ItemDataRole.UserRole)
        notes = items[-1]
        notes.setToolTip(notes.text().replace("；", "\n"))  # all of them, however narrow the column
        return items

    def _filter(self) -> None:
        self.proxy.search = self.search.text().strip()
        self.proxy.rows = self.board.rows
        self.proxy.wanted = desk.BOARD_FILTERS[desk.BoardFilter(self.status_filter.currentText())]
        self.proxy.invalidate()

    # ------------------------------------------------------------ one row

    def selected(self) -> desk.BoardRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        agency = self.proxy.data(rows[0], Qt.ItemDataRole.UserRole)
        return next((r for r in self.board.rows if r.agency == agency), None)

    def select(self, agency: str) -> None:
        for i in range(self.proxy.rowCount()):
            if self.proxy.data(self.proxy.index(i, 0), Qt.ItemDataRole.UserRole) == agency:
                self.table.selectRow(i)
                return

    def need_report(self) -> desk.BoardRow | None:
        row = self.selected()
        if row is not None and self.source_db is not None:
            self._load(row)
        if row is None or row.received is None:
            self.statusBar().showMessage("请先在表中选中一个已交报告的单位。", 10_000)
            return None
        return row

    def open_selected(self) -> ReportViewer | None:
        row = self.need_report()
        if row is None or row.received is None:
            return None
        viewer = ReportViewer(row, self)
        self.dialogs.append(viewer)
        viewer.show()
        return viewer

    def review_selected(self) -> None:
        """核对读入…: a report read from a published file, reviewed beside its source (ui.desk_review)."""
        desk_review.review_row(self)

    def confirm_selected(self, code: str | None = None) -> bool | None:
        """The paper copy's 校验码 typed in (the footer's or the full one under the QR), compared with the
        file, remembered in the folder; the answer says what a short code cannot rule out."""
        row = self.need_report()
        if row is None:
            return None
        if code is None:
            code, ok = QInputDialog.getText(
                self,
                "核对校验码",
                f"请输入“{row.agency}”纸质件页脚的校验码，或末页二维码下方的完整校验码：",
            )
            if not ok:
                return None
        try:
            matched = desk.confirm_code(self.memory, row, self.board.year, code)
        except UserError as exc:
            self.dialogs.append(show_message(self, exc.message))
            return None
        self._remember()
        assert row.received is not None  # confirm_code refuses a row without a report
        answer = check_code(row.received.report, code)
        icon = QMessageBox.Icon.Information if answer.matches else QMessageBox.Icon.Warning
        self.dialogs.append(show_message(self, f"{row.agency}：{answer.message}", icon))
        self.statusBar().showMessage(f"{row.agency}：校验码{'一致' if matched else '不一致'}", 15_000)
        self.rebuild(select=row.agency)
        return matched

    def answer_selected(self, yes: bool | None = None) -> None:
        """A name not on the roster: is it the suggested roster agency? The answer is remembered."""
        row = self.selected()
        if row is None or row.received is None or not row.suggestion:
            self.statusBar().showMessage("请选中一个备注为「名单中没有」的单位。", 10_000)
            return
        spelled = row.received.report.agency
        if yes is None:
            box = QMessageBox(
                QMessageBox.Icon.Question, "确认单位名称", f"“{spelled}”就是名单中的“{row.suggestion}”吗？"
            )
            box.addButton("是，同一个单位", QMessageBox.ButtonRole.YesRole)
            no = box.addButton("不是", QMessageBox.ButtonRole.NoRole)
            box.exec()
            yes = box.clickedButton() is not no
        if yes:
            self.memory.answers[spelled] = row.suggestion
            self._remember()
            self.rebuild()

    # ------------------------------------------------------------ exports

    def _save_xlsx(
        self, title: str, headers: Sequence[str], rows: Sequence[Sequence[str | int]], path: Path | None
    ) -> None:
        if path is None:
            start = str(outside_inbox(self.folder) / safe_file_name(title, ".xlsx"))
            name, _ = QFileDialog.getSaveFileName(self, title, start, file_kinds.export_filter(".xlsx"))
            if not name:
                return
            path = Path(name)
        try:
            write_atomically(path, desk.table_xlsx(title, headers, rows))
        except UserError as exc:
            self.dialogs.append(show_message(self, exc.message))
            return
        self.statusBar().showMessage(f"已导出到 {path}", 10_000)

    def _chase(self) -> tuple[str, tuple[str, ...], list[tuple[str, ...]]]:
        headers, rows = desk.chase_table(self.board, self.session.roster_columns)
        return f"{self.board.year}年度未交名单", headers, rows

    def export_missing(self, path: Path | None = None) -> None:
        """催报: the 未交 list with 联系人, 电话 … from the roster and why each is there."""
        self._save_xlsx(*self._chase(), path)

    def copy_missing(self) -> None:
        _title, headers, rows = self._chase()
        QGuiApplication.clipboard().setText(desk.tab_text(headers, rows))
        self.statusBar().showMessage(
            f"已复制未交名单（{len(rows)} 个单位），可粘贴到 Excel 或 WPS 中。", 10_000
        )

    def print_missing(self, printer: QPrinter | None = None) -> Job | None:
        return self._print_table(*self._chase(), printer)

    def print_board(self, printer: QPrinter | None = None) -> Job | None:
        columns = self.session.roster_columns
        rows = [desk.board_cells(r, columns.get(r.agency)) for r in self.board.rows]
        title = f"{self.board.year}年度报送情况"
        return self._print_table(title, desk.BOARD_HEADERS, rows, printer)

    def _print_table(
        self,
        title: str,
        headers: Sequence[str],
        rows: Sequence[Sequence[str | int]],
        printer: QPrinter | None = None,
    ) -> Job | None:
        """A list printed: the print dialog, then its PDF made and printed in the background."""
        from ui.printing import ask_printer, start_printing  # Qt's printing: only to print

        printer = printer or ask_printer(self, title)
        if printer is None:
            return None
        chosen, subtitle = printer, self.board.summary(self.roster)

        def rendered(data: object) -> None:
            assert isinstance(data, bytes)
            _job, self.print_progress = start_printing(self, data, chosen, self._printed)

        def work() -> bytes:
            return desk.table_pdf(title, subtitle, headers, rows)

        return run_in_background(work, rendered, owner=self)

    def _printed(self, completed: bool) -> None:
        self.statusBar().showMessage("已送往打印机。" if completed else "已取消打印。", 15_000)

    def export_board(self, path: Path | None = None) -> None:
        columns = self.session.roster_columns
        rows = [desk.board_cells(r, columns.get(r.agency)) for r in self.board.rows]
        self._save_xlsx(f"{self.board.year}年度报送情况", desk.BOARD_HEADERS, rows, path)

    def export_errors(self, path: Path | None = None) -> None:
        for row in self.board.rows:
            if row.errors and self.source_db is not None:
                self._load(row)  # the database board has counts only: the findings are read now
        rows = desk.send_back_cells(desk.send_back(self.board))
        self._save_xlsx(f"{self.board.year}年度报告错误清单", desk.SEND_BACK_HEADERS, rows, path)

    # ------------------------------------------------------------ sum, years

    def _load(self, row: desk.BoardRow) -> None:
        if self.source_db is not None:
            try:
                desk.load_row(self.source_db, row)
            except UserError as exc:
                self.dialogs.append(show_message(self, exc.message))

    def _make_board(self, year: int) -> desk.Board:
        return self.session.board(year, self.source_db)

    def reports_of(self, year: int, included: bool = False) -> dict[str, Report]:
        """The standing report of each board agency for `year` (received, or read from the database);
        `included`: only those a 汇总 adds up by default (no conflict to resolve)."""
        board = self.board if year == self.board.year else self._make_board(year)
        conflicts = {r.agency for r in board.rows if r.conflict} if included else set()
        return {a: r for a, r in desk.standing_reports(board, self.source_db).items() if a not in conflicts}

    def years(self) -> list[int]:
        """The years that have reports, up to the board's."""
        if self.source_db is not None:
            found = {s.year for s in self.source_db.list_reports()}
        else:
            found = {r.report.year for r in self.received}
        return sorted(y for y in found if y <= self.board.year)

    def closeEvent(self, event: QCloseEvent) -> None:
        """What this window opened closes with it: a 汇总 left open would go on working out codes."""
        self._close_dialogs()
        super().closeEvent(event)

    def _close_dialogs(self) -> None:
        for dialog in self.dialogs:
            with contextlib.suppress(RuntimeError):  # a message box already closed and deleted
                dialog.close()
        self.dialogs.clear()

    def show_sum(self) -> SumDialog:
        dialog = SumDialog(self)
        self.dialogs.append(dialog)
        dialog.show()
        return dialog

    def show_years(self) -> YearsDialog:
        dialog = YearsDialog(self)
        self.dialogs.append(dialog)
        dialog.show()
        return dialog


class _BoardFilter(QSortFilterProxyModel):
    """The board's rows by name searched and by one of `desk.BOARD_FILTERS` (the model's rows are the
    board's rows, in order)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.search = ""
        self.rows: list[desk.BoardRow] = []
        self.wanted: Callable[[desk.BoardRow], bool] = desk.BOARD_FILTERS[desk.BoardFilter.ALL]

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if source_row >= len(self.rows):
            return True
        row = self.rows[source_row]
        return (not self.search or self.search in row.agency) and self.wanted(row)
