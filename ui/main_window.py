"""The main window: the report list, and the open report with its sections, findings and status bar.

The window holds at most one open report (a `ReportDocument`). Every edit is saved by the document as
it is made, so nothing here has a Save command; the status bar says when the last save happened or
why it failed, and closing a report whose last edit the database refused asks first (retry, export to
a file, or discard). 「修改历史」 shows and restores earlier revisions. Sections and their headings come
from the report's format, never spelled here.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.backups import backup_folder, list_backups, restore_backup
from core.carry import new_from_previous
from core.errors import UserError
from core.exchange import read_report, write_report
from core.names import safe_file_name
from core.report import Report
from core.report_format import Section
from core.rules import Finding
from core.storage import Database, report_changes
from ui import desk_window, import_review
from ui.crash import APP_TITLE, show_message
from ui.dialogs import (
    DeletedReportsDialog,
    NewReportDialog,
    RenameDialog,
    UnsavedDialog,
    confirm_delete,
    confirm_replace,
)
from ui.document import ReportDocument
from ui.edit_actions import add_edit_actions
from ui.export_actions import ExportActions
from ui.findings_panel import ERROR_COLOUR, FindingsPanel, summary
from ui.history import HistoryDialog
from ui.report_list import STATUS_NAMES, ReportList
from ui.safety import DatabaseWatch
from ui.settings import Settings, window_state
from ui.sign_print import SignPrintPage
from ui.table_view import ReportTableView
from ui.text_editor import NarrativeEditor

log = logging.getLogger(__name__)

SIGN_PAGE_NAME = "签署与打印"
EXCHANGE_FILTER = "报告文件 (*.json)"


def _scaled(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


class ReportEditor(QWidget):
    """One open report: section navigation, the section pages, and the findings panel."""

    message = Signal(str)  # for the status bar (a table refusing a value, a paste result…)

    def __init__(self, document: ReportDocument, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.sections: tuple[Section, ...] = document.report.spec.sections

        self.back_button = QPushButton("← 报告列表")
        self.title = QLabel()
        self.title.setFont(_scaled(self, 1.35, bold=True))
        self.status = QLabel()
        self.history_button = QPushButton("修改历史…")
        self.history_button.setToolTip("查看这份报告的每一次修改，并可恢复到以前的内容")
        self.banner = QLabel("本报告已定稿，内容不能修改。如需修改，请在「签署与打印」页点击「解除定稿」。")
        self.banner.setStyleSheet("background: #fff4d6; color: #5c4400; padding: 4px;")
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addSpacing(self.fontMetrics().horizontalAdvance("中"))
        top.addWidget(self.title, 1)
        top.addWidget(self.status)
        top.addWidget(self.history_button)

        self.nav = QListWidget()
        self.nav.addItems([s.full_heading for s in self.sections] + [SIGN_PAGE_NAME])
        self.nav.setWordWrap(True)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setStyleSheet("QListWidget::item { padding: 5px 3px; }")
        self.nav.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 12)
        self.pages = QStackedWidget()
        self.editors: dict[str, NarrativeEditor] = {}
        self.tables: dict[str, ReportTableView] = {}
        for section in self.sections:
            self.pages.addWidget(self._section_page(section, settings))
        self.sign_page = SignPrintPage(document)
        self.pages.addWidget(self._page(SIGN_PAGE_NAME, self.sign_page))
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)

        self.findings = FindingsPanel()
        self.findings.set_document(document)
        self.findings.activated.connect(self.show_finding)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.pages)
        right.addWidget(self.findings)
        right.setStretchFactor(0, 4)
        right.setStretchFactor(1, 1)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(self.nav)
        body.addWidget(right)
        body.setStretchFactor(1, 1)
        body.setSizes([self.fontMetrics().horizontalAdvance("中") * 17, 10_000])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(body, 1)

        document.findingsChanged.connect(self._findings_changed)
        self.sign_page.status_changed.connect(self.refresh_status)
        self.refresh_status()
        self._findings_changed()
        self.nav.setCurrentRow(0)

    def _page(self, heading: str, content: QWidget, fit: bool = False) -> QWidget:
        """A section page: its heading above the content. A table (`fit`) keeps its own size, top left."""
        page = QWidget()
        label = QLabel(heading)
        label.setFont(_scaled(self, 1.2, bold=True))
        layout = QVBoxLayout(page)
        layout.addWidget(label)
        if fit:
            layout.addWidget(content, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            layout.addStretch(1)
        else:
            layout.addWidget(content, 1)
        return page

    def _section_page(self, section: Section, settings: Settings) -> QWidget:
        if section.text_key:
            editor = NarrativeEditor(self.document, section, settings.text_point_size)
            self.editors[section.text_key] = editor
            return self._page(section.full_heading, editor)
        assert section.table_key is not None
        view = ReportTableView(self.document, section.table_key)
        view.message.connect(self.message)
        self.tables[section.table_key] = view
        return self._page(section.full_heading, view, fit=True)

    @property
    def page_index(self) -> int:
        return self.nav.currentRow()

    def show_page(self, index: int) -> None:
        self.nav.setCurrentRow(max(0, min(index, self.nav.count() - 1)))

    def section_index(self, address: str) -> int | None:
        """The page that shows a cell address (or a narrative, for findings about text)."""
        spec = self.document.report.spec
        if address in spec.cells:
            number = spec.cells[address].table.section
            return next(i for i, s in enumerate(self.sections) if s.number == number)
        key = address.removeprefix("text.")
        return next((i for i, s in enumerate(self.sections) if s.text_key == key), None)

    @Slot(object)
    def show_finding(self, finding: Finding) -> None:
        if finding.cells:
            self.show_cell(finding.cells[0])

    def show_cell(self, address: str) -> None:
        """Switch to the cell's section and select the cell in its table."""
        index = self.section_index(address)
        if index is None:
            return
        self.show_page(index)
        table_key = self.sections[index].table_key
        if table_key:
            self.tables[table_key].select_cell(address)
        elif self.sections[index].text_key:
            self.editors[self.sections[index].text_key].edit.setFocus()  # type: ignore[index]

    @Slot()
    def refresh_status(self) -> None:
        """Title, 草稿/定稿 and read-only state, after opening, renaming or (un)finalizing."""
        report = self.document.report
        read_only = self.document.read_only
        self.title.setText(report.title)
        self.status.setText(STATUS_NAMES["final" if read_only else "draft"])
        colours = "background: #1b6e20; color: white;" if read_only else "background: #e3e3e3; color: #333;"
        self.status.setStyleSheet(f"{colours} padding: 2px 10px; border-radius: 3px;")
        self.banner.setVisible(read_only)
        for editor in self.editors.values():
            editor.set_read_only(read_only)

    @Slot()
    def _findings_changed(self) -> None:
        findings = self.document.findings
        self.findings.set_findings(findings)
        for i, section in enumerate(self.sections):
            errors = sum(
                1
                for f in findings
                if f.severity == "error" and any(self.section_index(a) == i for a in f.cells[:1])
            )
            item = self.nav.item(i)
            item.setText(section.full_heading + (f"（{errors} 处错误）" if errors else ""))
            item.setForeground(ERROR_COLOUR if errors else self.nav.palette().text().color())


class MainWindow(QMainWindow):
    """The report list and at most one open report, with the menus and the status bar."""

    def __init__(
        self,
        db: Database,
        settings: Settings | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.settings = settings or Settings.load()
        self.today = today
        self.document: ReportDocument | None = None
        self.editor: ReportEditor | None = None
        self.undo_group = QUndoGroup(self)
        self.setWindowTitle(APP_TITLE)

        self.report_list = ReportList()
        self.report_list.open_requested.connect(self.open_report)
        self.report_list.new_requested.connect(self.new_report)
        self.report_list.rename_requested.connect(self.rename_report)
        self.report_list.delete_requested.connect(self.delete_report)
        self.report_list.import_requested.connect(self.import_file)
        self.report_list.export_requested.connect(self.export_report)
        self.report_list.deleted_requested.connect(self.show_deleted)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.report_list)
        self.setCentralWidget(self.stack)

        self.findings_label = QLabel()
        self.saved_label = QLabel()
        self.statusBar().addPermanentWidget(self.findings_label)
        self.statusBar().addPermanentWidget(self.saved_label)
        self._build_menus()
        self._restore_geometry()
        self.refresh_list()
        self._reopen_last()
        self.watch = DatabaseWatch(db, self)
        self.watch.externallyChanged.connect(self._external_change)
        self.watch.backupFailed.connect(lambda text: self.statusBar().showMessage(text, 30_000))
        self.watch.backup_if_due()  # at start, then daily while open

    # ------------------------------------------------------------------ window

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("报告(&R)")

        def add(text: str, slot: Callable[[], object], shortcut: QKeySequence | None = None) -> QAction:
            action = QAction(text, self)
            action.triggered.connect(lambda _checked=False: slot())
            if shortcut is not None:
                action.setShortcut(shortcut)
            menu.addAction(action)
            return action

        add("新建报告…", self.new_report, QKeySequence(QKeySequence.StandardKey.New))
        add("报告列表", self.close_report)
        self.history_action = add("修改历史…", self.show_history)
        self.history_action.setEnabled(False)
        menu.addSeparator()
        add("导入报告文件…", self.import_file)
        import_review.add_menu_entries(add, self)
        desk_window.add_menu_entries(add, self)
        self.export_action = add("导出报告文件…", self._export_current)
        self.export_actions = ExportActions(self, menu)
        menu.addSeparator()
        add("已删除的报告…", self.show_deleted)
        menu.addSeparator()
        add("备份数据库…", self.backup_database)
        add("恢复备份…", self.restore_database)
        menu.addSeparator()
        add("退出", self.close, QKeySequence("Ctrl+Q"))

        edit = self.menuBar().addMenu("编辑(&E)")
        self.undo_action = self.undo_group.createUndoAction(self, "撤销")
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.redo_action = self.undo_group.createRedoAction(self, "重做")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence(QKeySequence.StandardKey.Redo)])
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        self.finder = add_edit_actions(self, edit)

    def _restore_geometry(self) -> None:
        geometry = window_state().value("geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            return
        screen = self.screen().availableGeometry()
        self.resize(min(1280, int(screen.width() * 0.9)), min(860, int(screen.height() * 0.9)))

    def closeEvent(self, event: QCloseEvent) -> None:
        window_state().setValue("geometry", self.saveGeometry())
        self._remember()
        self.settings.save()
        if not self.close_report():
            event.ignore()  # an edit the database refused is still only in this window
            return
        super().closeEvent(event)

    def _remember(self) -> None:
        key = str(self.db.path)
        if self.document is not None and self.editor is not None:
            self.settings.last_report[key] = self.document.report_id
            self.settings.last_page[key] = self.editor.page_index
        else:
            self.settings.last_report.pop(key, None)
            self.settings.last_page.pop(key, None)

    def _reopen_last(self) -> None:
        key = str(self.db.path)
        report_id = self.settings.last_report.get(key)
        if report_id is not None and self.report_list.item_for(report_id) is not None:
            self.open_report(report_id)
            if self.editor is not None:
                self.editor.show_page(self.settings.last_page.get(key, 0))

    # ------------------------------------------------------------------ the list

    @Slot()
    def refresh_list(self) -> None:
        self.report_list.set_reports(self.db.list_reports())

    def _is_taken(self, agency: str, year: int) -> bool:
        return self.db.find_report(agency, year) is not None

    @Slot()
    def new_report(self) -> int | None:
        dialog = NewReportDialog(self.db.agencies(), self._is_taken, self.today(), self)
        if dialog.exec() != NewReportDialog.DialogCode.Accepted:
            return None
        return self.create_report(dialog.agency, dialog.year, dialog.from_previous)

    def create_report(self, agency: str, year: int, from_previous: bool) -> int:
        previous_id = self.db.find_report(agency, year - 1) if from_previous else None
        if previous_id is not None:
            report = new_from_previous(self.db.load_report(previous_id), year)
        else:
            report = Report.blank(agency, year)
        report_id = self.db.create_report(report)
        self.refresh_list()
        self.open_report(report_id)
        return report_id

    @Slot(int)
    def rename_report(self, report_id: int) -> None:
        report = self.db.load_report(report_id)
        dialog = RenameDialog(
            self.db.agencies(), report.agency, report.year, self._is_taken, self.today(), self
        )
        if dialog.exec() == RenameDialog.DialogCode.Accepted:
            self.db.rename_report(report_id, dialog.agency, dialog.year)
            self.refresh_list()
            if self.document is not None and self.document.report_id == report_id:
                self.document.reload()
                assert self.editor is not None
                self.editor.refresh_status()
                self.setWindowTitle(f"{self.document.report.title} — {APP_TITLE}")

    @Slot(int)
    def delete_report(self, report_id: int) -> None:
        title = self.db.load_report(report_id).title
        if confirm_delete(title, self).exec() != QMessageBox.StandardButton.Yes:
            return
        if self.document is not None and self.document.report_id == report_id and not self.close_report():
            return
        self.db.delete_report(report_id)
        self.refresh_list()
        self.statusBar().showMessage(f"已删除「{title}」。可在「已删除的报告」中恢复。", 10_000)

    @Slot()
    def show_deleted(self) -> None:
        dialog = DeletedReportsDialog(self.db.deleted_reports(), self._undelete, self)
        dialog.exec()

    def _undelete(self, report_id: int) -> None:
        self.db.undelete_report(report_id)
        self.refresh_list()
        self.report_list.select(report_id)

    @Slot()
    def import_file(self, path: Path | None = None) -> int | None:
        """Read an exchange JSON file into the database; an existing agency+year gets a new revision."""
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self, "导入报告文件", self.settings.last_folder, EXCHANGE_FILTER
            )
            if not name:
                return None
            path = Path(name)
        self.settings.last_folder = str(path.parent)
        try:
            report = read_report(path)
            if not self._may_replace(report):
                return None
            report_id, created = self.db.import_report(report)
        except UserError as exc:
            self._message = show_message(self, exc.message)
            return None
        self.refresh_list()
        self.report_list.select(report_id)
        if created:
            text = f"已导入「{report.title}」。"
        else:
            text = (
                f"「{report.title}」原来已经有了。导入的内容已替换它，原来的内容作为一个历史版本保留，"
                "可以在修改历史中恢复。"
            )
        if self.document is not None and self.document.report_id == report_id:
            self.document.reload()
        self._message = show_message(self, text, QMessageBox.Icon.Information)
        return report_id

    def _may_replace(self, report: Report) -> bool:
        """True when `report` is new, or the user agrees that it replaces the stored one of its name."""
        existing = self.db.find_report(report.agency, report.year)
        if existing is None or self.db.status(existing) == "final":
            return True  # a new report; or one the storage refuses to change, and says why
        stored = self.db.load_report(existing)
        if stored.format != report.format:
            return True  # the storage explains that formats cannot be merged
        fields = [c.field for c in report_changes(stored, report)]
        cells = sum(1 for f in fields if f in report.spec.cells)
        texts = sum(1 for f in fields if f.startswith("text."))
        signature = any(f.startswith("signature.") for f in fields)
        if not (cells or texts or signature):
            return True  # the same content: importing changes nothing
        box = confirm_replace(stored.title, cells, texts, signature, self)
        return box.exec() == QMessageBox.StandardButton.Yes

    @Slot(int)
    def export_report(self, report_id: int, path: Path | None = None) -> Path | None:
        return self._write_file(self.db.load_report(report_id), "导出报告文件", path)

    def _write_file(self, report: Report, caption: str, path: Path | None = None) -> Path | None:
        """Write `report` as an exchange file where the user chooses; the path, or None."""
        if path is None:
            folder = Path(self.settings.last_folder or Path.home())
            suggested = str(folder / safe_file_name(report.title, ".json"))
            name, _ = QFileDialog.getSaveFileName(self, caption, suggested, EXCHANGE_FILTER)
            if not name:
                return None
            path = Path(name)
        self.settings.last_folder = str(path.parent)
        try:
            write_report(report, path)
        except UserError as exc:
            self._message = show_message(self, exc.message)
            return None
        self.statusBar().showMessage(f"已导出到 {path}", 10_000)
        return path

    @Slot()
    def _export_current(self) -> None:
        report_id = self.document.report_id if self.document else self.report_list.current_id()
        if report_id is not None:
            self.export_report(report_id)

    # ------------------------------------------------------------------ the database file

    @Slot()
    def backup_database(self, dest: Path | None = None) -> Path | None:
        """A consistent copy wherever the user wants it (e.g. a USB stick)."""
        if dest is None:
            folder = backup_folder(self.db.path)
            suggested = folder / f"{self.db.path.stem}-{dt.datetime.now():%Y%m%d-%H%M%S}-manual.sqlite3"
            folder.mkdir(exist_ok=True)
            chosen, _ = QFileDialog.getSaveFileName(
                self, "备份数据库", str(suggested), "数据库备份 (*.sqlite3)"
            )
            if not chosen:
                return None
            dest = Path(chosen)
        try:
            self.db.backup(dest)
        except UserError as exc:
            show_message(self, exc.message)
            return None
        self.statusBar().showMessage(f"已备份到 {dest}", 30_000)
        return dest

    @Slot()
    def restore_database(self, source: Path | None = None) -> bool:
        """Replace the database with a backup, after keeping the current file; the user confirms."""
        if source is None:
            backups = list_backups(self.db.path)
            other = "从其他文件选择…"
            labels = [b.label for b in backups] + [other]
            label, ok = QInputDialog.getItem(self, "恢复备份", "选择要恢复的备份：", labels, 0, False)
            if not ok:
                return False
            if label == other:
                chosen, _ = QFileDialog.getOpenFileName(
                    self, "选择备份文件", "", "数据库备份 (*.sqlite3);;所有文件 (*)"
                )
                if not chosen:
                    return False
                source = Path(chosen)
            else:
                source = backups[labels.index(label)].path
            answer = QMessageBox.question(
                self,
                APP_TITLE,
                "恢复后，数据库会回到备份时的状态。当前的数据库会先另存一份，不会丢失。\n\n确定恢复吗？",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        if not self.close_report():
            return False
        path = self.db.path
        self.db.close()
        try:
            safety = restore_backup(source, path)
        except UserError as exc:
            show_message(self, exc.message)
            safety = None
        finally:
            self.db = Database.open(path)
            self.watch.set_database(self.db)
            self.refresh_list()
        if safety is not None:
            self.statusBar().showMessage(f"已恢复备份；原来的数据库另存为 {safety}", 60_000)
        return safety is not None

    @Slot()
    def _external_change(self) -> None:
        """Another program (e.g. `main.py db import`) committed to our database: show its result."""
        self.refresh_list()
        document = self.document
        if document is None:
            return
        if document.previewing:  # the user is typing in a cell: look again in a moment
            QTimer.singleShot(1000, self._external_change)
            return
        if self.db.load_report(document.report_id) != document.report:
            document.reload()
            self.statusBar().showMessage("这份报告刚在别处被修改（例如导入了新版本），已重新载入。", 30_000)

    # ------------------------------------------------------------------ the open report

    @Slot(int)
    def open_report(self, report_id: int) -> None:
        if self.document is not None and self.document.report_id == report_id:
            assert self.editor is not None  # an open document always has its editor
            self.stack.setCurrentWidget(self.editor)
            return
        if not self.close_report():
            return
        document = ReportDocument(self.db, report_id, self)
        self.document = document
        self.editor = ReportEditor(document, self.settings)
        self.editor.back_button.clicked.connect(self.close_report)
        self.editor.history_button.clicked.connect(self.show_history)
        self.editor.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.editor.sign_page.status_changed.connect(self.refresh_list)
        self.stack.addWidget(self.editor)
        self.stack.setCurrentWidget(self.editor)
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        document.findingsChanged.connect(self._show_findings_count)
        document.saved.connect(self._saved)
        document.saveFailed.connect(self._save_failed)
        self._show_findings_count()
        self.saved_label.setText("")
        self.setWindowTitle(f"{document.report.title} — {APP_TITLE}")
        self.history_action.setEnabled(True)

    @Slot()
    def close_report(self) -> bool:
        """Back to the list; False when the user keeps the report open because an edit is unsaved.

        Every edit is saved as it is made, so closing normally only drops the views. An edit the
        database refused is still only in memory: the user retries, exports it to a file, or drops it.
        """
        if self.document is None or self.editor is None:
            self.stack.setCurrentWidget(self.report_list)
            return True
        self._remember()
        if not self._keep_unsaved_work(self.document):
            return False
        self.undo_group.removeStack(self.document.undo_stack)
        self.stack.removeWidget(self.editor)
        self.editor.deleteLater()
        self.document.deleteLater()
        self.document = None
        self.editor = None
        self.findings_label.setText("")
        self.saved_label.setText("")
        self.setWindowTitle(APP_TITLE)
        self.history_action.setEnabled(False)
        self.stack.setCurrentWidget(self.report_list)
        self.refresh_list()
        return True

    def _keep_unsaved_work(self, document: ReportDocument) -> bool:
        """Save what is pending; if the database still refuses, ask. True when the document may go."""
        focus = QApplication.focusWidget()
        if focus is not None and self.editor is not None and self.editor.isAncestorOf(focus):
            focus.clearFocus()  # a number still being typed: its cell editor stores it on leaving
        while not document.flush():
            dialog = UnsavedDialog(document.save_error or "", self)
            dialog.exec()
            clicked = dialog.clickedButton()
            if clicked is dialog.discard_button:
                log.warning("report %s closed with unsaved edits, discarded by the user", document.report_id)
                document.discard_unsaved()
                return True
            if clicked is dialog.export_button:
                path = self._write_file(document.report, "导出为报告文件")  # unsaved edits included
                if path is not None:
                    log.warning(
                        "report %s closed with unsaved edits, exported to %s", document.report_id, path
                    )
                    document.discard_unsaved()
                    return True
            elif clicked is not dialog.retry_button:
                return False  # 「返回报告」: keep working; the document retries by itself
        return True

    @Slot()
    def show_history(self) -> None:
        """「修改历史」 of the open report; after a restore the window shows the restored content."""
        if self.document is None or self.editor is None:
            return
        HistoryDialog(self.document, self).exec()
        if self.document is not None and self.editor is not None:
            self.editor.refresh_status()  # a restore may bring back another name or year
            self.setWindowTitle(f"{self.document.report.title} — {APP_TITLE}")
        self.refresh_list()

    @Slot()
    def _show_findings_count(self) -> None:
        if self.document is not None:
            self.findings_label.setText(summary(self.document.findings))

    @Slot(object)
    def _saved(self, when: dt.datetime) -> None:
        self.saved_label.setStyleSheet("")
        self.saved_label.setText(f"已保存 {when:%H:%M:%S}")

    @Slot(str)
    def _save_failed(self, message: str) -> None:
        self.saved_label.setStyleSheet("color: #b00020;")
        self.saved_label.setText(f"未能保存：{message}")
