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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QEventLoop, QObject, QSettings, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent, QShowEvent, QUndoGroup
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QMessageBox, QStackedWidget, QWidget

from core.errors import UserError
from core.paths import data_dir
from ui.crash import APP_TITLE, show_message
from ui.database_actions import DatabaseActions
from ui.report_files import ReportFileActions
from ui.screen_fit import FITTED, elided, fit_to_screen, install_screen_fit, keep_on_screen

if TYPE_CHECKING:
    from core.ops.handles import Database
    from core.ops.library import Library
    from core.ops.session import ReportSession
    from ui.document import ReportDocument
    from ui.report_editor import ReportEditor
    from ui.report_list import ReportList
    from ui.safety import DatabaseWatch
    from ui.settings import Settings

log = logging.getLogger(__name__)

TITLE_CHARS = 60  # a longer report title is cut in the window's title bar (the full one is in the header)


MenuAdder = Callable[..., QAction]  # (text, slot, shortcut=None) -> the action added


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
        self._restored = False  # the geometry saved last time was restored (see showEvent)
        self.undo_group = QUndoGroup(self)
        self.setWindowTitle(APP_TITLE)
        install_screen_fit(QApplication.instance())  # type: ignore[arg-type]  # every dialog fits the screen
        self.setProperty(FITTED, True)  # this window fits itself: the saved geometry, kept on the screen
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
            self._add_menu_entries_used_later()  # at once: the caller may use them next

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
        self.stack.installEventFilter(self)  # the rest of the menus once the list (or report) is painted
        self.refresh_list()
        self._reopen_last()
        self.watch = DatabaseWatch(db, self)
        self.watch.externallyChanged.connect(self._external_change)
        self.watch.backupFailed.connect(lambda text: self.statusBar().showMessage(text, 30_000))

    @property
    def attached(self) -> bool:
        return hasattr(self, "watch")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._restored:  # once shown, the window frame is known: keep the whole window on the screen
            self._restored = False
            keep_on_screen(self)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    # ------------------------------------------------------------------ window

    def _menu_adder(self, menu: QMenu, before: QAction | None = None) -> MenuAdder:
        """A function adding an action to `menu` (at its end, or before `before`)."""

        def add(text: str, slot: Callable[[], object], shortcut: QKeySequence | None = None) -> QAction:
            action = QAction(text, self)
            action.triggered.connect(lambda _checked=False: slot())
            if shortcut is not None:
                action.setShortcut(shortcut)
            menu.insertAction(before, action)  # type: ignore[arg-type]  # None: at the end
            return action

        return add

    def _build_menus(self) -> None:
        menu = self.report_menu = self.menuBar().addMenu("报告(&R)")
        add = self._menu_adder(menu)

        add("新建报告…", self.new_report, QKeySequence(QKeySequence.StandardKey.New))
        add("报告列表", self.close_report)
        self.history_action = add("修改历史…", self.show_history)
        self.history_action.setEnabled(False)
        menu.addSeparator()
        add("导入报告文件…", self.import_file)
        from ui import register_menu  # light: the register window loads when first opened

        register_menu.add_menu_entries(add, self)
        self.export_action = add("导出报告文件…", self._export_current)
        self._after_exports = menu.addSeparator()
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
        self.edit_menu = edit

        help_menu = self.menuBar().addMenu("帮助(&H)")
        self.guide_action = help_menu.addAction("使用说明")
        self.guide_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))  # F1
        self.guide_action.triggered.connect(self.show_guide)
        self.about_action = help_menu.addAction(f"关于{APP_TITLE}…")
        self.about_action.triggered.connect(self.show_about)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.stack and event.type() == QEvent.Type.Paint:
            self.stack.removeEventFilter(self)
            QTimer.singleShot(0, self, self._add_menu_entries_used_later)  # after this paint
            QTimer.singleShot(0, self, self._say_what_falls_due)
        return super().eventFilter(watched, event)

    def _say_what_falls_due(self) -> None:
        """The register's deadlines, said once on start, after the list is painted (the register's
        modules were a sixth of the time from the window's first paint to the list's)."""
        from core.register.ops import due_message

        if self.db.closed:  # the window closed (its database with it) before its list was painted
            return
        due = due_message(self.db, self.today())
        if due:
            self.statusBar().showMessage(f"登记台账：{due}", 60_000)

    def _add_menu_entries_used_later(self) -> None:
        """The entries whose modules take long to import (import review, desk, find and paste: a
        good part of start-up), added once the database is open and the list painted; the menus
        are disabled until then."""
        if hasattr(self, "finder"):
            return
        from ui import desk_window, import_review
        from ui.edit_actions import add_edit_actions
        from ui.export_actions import ExportActions

        add = self._menu_adder(self.report_menu, before=self.export_action)
        import_review.add_menu_entries(add, self)
        desk_window.add_menu_entries(add, self)
        self.export_actions = ExportActions(
            self, self._menu_adder(self.report_menu, before=self._after_exports)
        )
        self.finder = add_edit_actions(self, self.edit_menu)
        self.menuBar().setEnabled(True)

    @Slot()
    def show_guide(self) -> None:
        from ui.help import show_help

        show_help(self)

    @Slot()
    def show_about(self) -> None:
        from ui.about import show_about

        self._about = show_about(self.db.path, self)  # the database in use (it may have been switched)

    def _restore_geometry(self) -> None:
        geometry = window_state().value("geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            self._restored = True  # saved on another screen or at another scale: checked when shown
            return
        fit_to_screen(self, QSize(1280, 860), share=0.9)

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
        self.report_list.set_reports(self.library.reports())

    @property
    def library(self) -> Library:
        """The reports of the open database (`core.ops.library`): every create, rename, delete goes there."""
        from core.ops.library import Library

        return Library(self.db)

    @property
    def _open_session(self) -> ReportSession | None:
        return self.document.session if self.document is not None else None

    def _is_taken(self, agency: str, year: int) -> bool:
        return self.library.is_taken(agency, year)

    @Slot()
    def new_report(self) -> int | None:
        from ui.dialogs import NewReportDialog

        dialog = NewReportDialog(self.library.agencies(), self._is_taken, self.today(), self)
        if dialog.exec() != NewReportDialog.DialogCode.Accepted:
            return None
        with self.busy(f"正在新建「{dialog.agency}{dialog.year}年度」报告…"):
            return self.create_report(dialog.agency, dialog.year, dialog.from_previous)

    @contextmanager
    def busy(self, text: str) -> Iterator[None]:
        """Work on the GUI thread that takes a moment (the first editor loads the print modules): the
        dialog that asked is gone from the screen at once, the status bar says what is happening, and
        the pointer waits."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.statusBar().showMessage(text)
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)  # repaint, no clicks
        try:
            yield
        finally:
            QApplication.restoreOverrideCursor()
            if self.statusBar().currentMessage() == text:
                self.statusBar().clearMessage()

    def create_report(self, agency: str, year: int, from_previous: bool) -> int:
        report_id = self.library.create(agency, year, from_previous).report_id
        self.refresh_list()
        self.open_report(report_id)
        return report_id

    @Slot(int)
    def rename_report(self, report_id: int) -> None:
        from ui.dialogs import RenameDialog

        report = self.db.load_report(report_id)
        dialog = RenameDialog(
            self.library.agencies(), report.agency, report.year, self._is_taken, self.today(), self
        )
        if dialog.exec() != RenameDialog.DialogCode.Accepted:
            return
        document = self.document
        try:
            self.library.rename(report_id, dialog.agency, dialog.year, self._open_session)
        except UserError as exc:
            show_message(self, exc.message)
            return
        if document is not None:
            document.library_changed(reloaded=document.report_id == report_id)
        self.refresh_list()

    @Slot(int)
    def delete_report(self, report_id: int) -> None:
        from ui.dialogs import confirm_delete

        title = self.library.title(report_id)
        if confirm_delete(title, self).exec() != QMessageBox.StandardButton.Yes:
            return
        if self.document is not None and self.document.report_id == report_id and not self.close_report():
            return
        told = self.library.delete(report_id, self._open_session)
        if self.document is not None:
            self.document.library_changed(reloaded=False)
        self.refresh_list()
        self.statusBar().showMessage(told, 10_000)

    @Slot()
    def show_deleted(self) -> None:
        from ui.dialogs import DeletedReportsDialog

        dialog = DeletedReportsDialog(self.library.deleted(), self._undelete, self)
        dialog.exec()

    def _undelete(self, report_id: int) -> None:
        self.library.undelete(report_id, self._open_session)
        if self.document is not None:
            self.document.library_changed(reloaded=False)
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
        else:  # e.g. last year's report imported elsewhere: its year checks run again at once
            document.library_changed(reloaded=False)

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
            self.setWindowTitle(f"{elided(self.document.report.title, TITLE_CHARS)} — {APP_TITLE}")

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
