"""The main window: the report list, and the open report with its sections, findings and status bar.

Its parts: `ui.report_editor` (the open report), `ui.database_actions` (backup and restore of the
database file), `ui.report_files` (import and export of exchange files); menus are built here.

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
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent, QUndoGroup
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QStackedWidget, QWidget

from core.errors import UserError
from core.paths import data_dir
from ui.crash import APP_TITLE, show_message
from ui.database_actions import DatabaseActions
from ui.report_files import ReportFileActions

if TYPE_CHECKING:
    from core.storage import Database
    from ui.document import ReportDocument
    from ui.report_editor import ReportEditor
    from ui.report_list import ReportList
    from ui.safety import DatabaseWatch
    from ui.settings import Settings

log = logging.getLogger(__name__)


def window_state() -> QSettings:
    """Window size and position, in an INI file beside the settings (not in the registry)."""
    return QSettings(str(data_dir() / "window.ini"), QSettings.Format.IniFormat)


class MainWindow(DatabaseActions, ReportFileActions):
    """The report list and at most one open report, with the menus and the status bar.

    At start-up the window is shown before its database is open (`MainWindow(None)`, then `attach`
    after the first paint): the storage, the format definition and the rules take longer to import
    than Qt itself, and the user should see the window at once. Modules the list does not need (the
    editor, the PDF, the dialogs) are imported when first used.
    """

    first_painted = Signal()
    watch: DatabaseWatch
    report_list: ReportList

    def __init__(
        self,
        db: Database | None,
        settings: Settings | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._given_settings = settings  # else loaded with the database (the model costs imports)
        self.today = today
        self.document: ReportDocument | None = None
        self.editor: ReportEditor | None = None
        self._painted = False
        self.undo_group = QUndoGroup(self)
        self.setWindowTitle(APP_TITLE)
        self.stack = QStackedWidget()
        self.opening = QLabel("正在打开数据库…")
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.opening)
        self.setCentralWidget(self.stack)
        self.findings_label = QLabel()
        self.saved_label = QLabel()
        self.statusBar().addPermanentWidget(self.findings_label)
        self.statusBar().addPermanentWidget(self.saved_label)
        self._build_menus()
        self.menuBar().setEnabled(False)  # nothing to act on until the database is open
        self._restore_geometry()
        if db is not None:
            self.attach(db)

    def attach(self, db: Database) -> None:
        """Open `db` in the window: the report list (and the report open last time), daily backups."""
        from ui.report_list import ReportList
        from ui.safety import DatabaseWatch
        from ui.settings import Settings

        self.db = db
        self.settings = self._given_settings or Settings.load()
        self.report_list = ReportList()
        self.report_list.open_requested.connect(self.open_report)
        self.report_list.new_requested.connect(self.new_report)
        self.report_list.rename_requested.connect(self.rename_report)
        self.report_list.delete_requested.connect(self.delete_report)
        self.report_list.import_requested.connect(self.import_file)
        self.report_list.export_requested.connect(self.export_report)
        self.report_list.deleted_requested.connect(self.show_deleted)
        self.stack.addWidget(self.report_list)
        self.stack.setCurrentWidget(self.report_list)
        self.stack.removeWidget(self.opening)
        self.menuBar().setEnabled(True)
        self.refresh_list()
        self._reopen_last()
        self.watch = DatabaseWatch(db, self)
        self.watch.externallyChanged.connect(self._external_change)
        self.watch.backupFailed.connect(lambda text: self.statusBar().showMessage(text, 30_000))
        from ui.register_page import due_message  # the register's deadlines, said once on start

        due = due_message(db, self.today())
        if due:
            self.statusBar().showMessage(f"登记台账：{due}", 60_000)

    @property
    def attached(self) -> bool:
        return hasattr(self, "watch")

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

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
        from ui import desk_window, import_review  # their own imports wait until they are used
        from ui.edit_actions import add_edit_actions
        from ui.export_actions import ExportActions

        import_review.add_menu_entries(add, self)
        desk_window.add_menu_entries(add, self)
        from ui import register_menu

        register_menu.add_menu_entries(add, self)
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

        help_menu = self.menuBar().addMenu("帮助(&H)")
        self.about_action = help_menu.addAction(f"关于{APP_TITLE}…")
        self.about_action.triggered.connect(self.show_about)

    @Slot()
    def show_about(self) -> None:
        from ui.about import show_about

        self._about = show_about(self.db.path, self)  # the database in use (it may have been switched)

    def _restore_geometry(self) -> None:
        geometry = window_state().value("geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            return
        screen = self.screen().availableGeometry()
        self.resize(min(1280, int(screen.width() * 0.9)), min(860, int(screen.height() * 0.9)))

    def closeEvent(self, event: QCloseEvent) -> None:
        window_state().setValue("geometry", self.saveGeometry())
        if not self.attached:  # closed while the database was still being opened
            super().closeEvent(event)
            return
        self._remember()
        self.settings.save()
        if not self.close_report():
            event.ignore()  # an edit the database refused is still only in this window
            return
        self.watch.backup_at_close()
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
        from ui.dialogs import NewReportDialog

        dialog = NewReportDialog(self.db.agencies(), self._is_taken, self.today(), self)
        if dialog.exec() != NewReportDialog.DialogCode.Accepted:
            return None
        return self.create_report(dialog.agency, dialog.year, dialog.from_previous)

    def create_report(self, agency: str, year: int, from_previous: bool) -> int:
        from core.carry import new_from_previous
        from core.report import Report

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
        from ui.dialogs import RenameDialog

        report = self.db.load_report(report_id)
        dialog = RenameDialog(
            self.db.agencies(), report.agency, report.year, self._is_taken, self.today(), self
        )
        if dialog.exec() != RenameDialog.DialogCode.Accepted:
            return
        document = (
            self.document if self.document is not None and self.document.report_id == report_id else None
        )
        try:
            if document is not None:  # the open report changes through its document, as every edit does
                document.rename(dialog.agency, dialog.year)
            else:
                self.db.rename_report(report_id, dialog.agency, dialog.year)
        except UserError as exc:
            show_message(self, exc.message)
            return
        self.refresh_list()

    @Slot(int)
    def delete_report(self, report_id: int) -> None:
        from ui.dialogs import confirm_delete

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
        from ui.dialogs import DeletedReportsDialog

        dialog = DeletedReportsDialog(self.db.deleted_reports(), self._undelete, self)
        dialog.exec()

    def _undelete(self, report_id: int) -> None:
        self.db.undelete_report(report_id)
        self.refresh_list()
        self.report_list.select(report_id)

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
        from ui.document import ReportDocument
        from ui.report_editor import ReportEditor

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
        document.reloaded.connect(self._show_title)  # renamed, restored, or changed by another program
        from ui.register_page import watch_counted_cells

        watch_counted_cells(self, document)  # typing over a cell counted from the register asks first
        self._show_findings_count()
        self.saved_label.setText("")
        self._show_title()
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
        from ui.dialogs import UnsavedDialog

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
        from ui.history import HistoryDialog

        HistoryDialog(self.document, self).exec()
        self.refresh_list()  # a restore may bring back another name or year

    @Slot()
    def _show_title(self) -> None:
        """The open report's name, status and read-only state in the window title and the editor."""
        if self.document is not None and self.editor is not None:
            self.editor.refresh_status()
            self.setWindowTitle(f"{self.document.report.title} — {APP_TITLE}")

    @Slot()
    def _show_findings_count(self) -> None:
        from ui.findings_panel import summary

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
