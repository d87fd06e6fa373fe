"""Reading and writing exchange files (the JSON of docs/exchange-format.md) from the main window.

`ReportFileActions` is a part of `ui.main_window.MainWindow`: 「导入报告文件」 (through the library,
`core.ops.library`: an existing agency+year is replaced after a question that counts what differs, its
old content kept as a revision) and
「导出报告文件」 (confirmed like the other exports; also used to keep an edit the database refused
when the window closes).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from core.errors import UserError
from core.model.names import safe_file_name
from ui.crash import show_message

if TYPE_CHECKING:  # imported once the window is shown (see MainWindow)
    from core.model.report import Report
    from core.ops.handles import Database
    from core.ops.library import Imported
    from ui.document import ReportDocument
    from ui.report_list import ReportList
    from ui.settings import Settings

EXCHANGE_FILTER = "报告文件 (*.json)"


class ReportFileActions(QMainWindow):
    """The main window's import and export of exchange files (mixed into `MainWindow`)."""

    db: Database
    settings: Settings
    document: ReportDocument | None
    report_list: ReportList
    _message: QMessageBox | None
    refresh_list: Callable[[], None]  # MainWindow's

    @Slot()
    def import_file(self, path: Path | None = None) -> int | None:
        """Read an exchange JSON file into the database; an existing agency+year gets a new revision."""
        from core.documents.exchange import read_report

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
        except UserError as exc:
            self._message = show_message(self, exc.message)
            return None
        imported = self.store_import(report)
        if imported is None:
            return None
        self._message = show_message(self, imported.message, QMessageBox.Icon.Information)
        return imported.report_id

    def store_import(self, report: Report, note: str | None = None) -> Imported | None:
        """Store an imported `report` through the library (after the user agrees to what it replaces)
        and show it: selected in the list; the open report follows (re-read when it was imported over,
        checked again when its last year's report was imported). None when declined or refused."""
        from core.ops.library import Library
        from ui.dialogs import confirm_replace

        library = Library(self.db)
        document = self.document
        try:
            question = library.replacement(report)
            if question is not None:
                box = confirm_replace(
                    question.title, question.cells, question.texts, question.signature, self
                )
                if box.exec() != QMessageBox.StandardButton.Yes:
                    return None
            imported = library.import_report(report, note, document.session if document else None)
        except UserError as exc:
            self._message = show_message(self, exc.message)
            return None
        self.refresh_list()
        self.report_list.select(imported.report_id)
        if document is not None:
            document.library_changed(imported.open_report_reloaded)
        return imported

    @Slot(int)
    def export_report(self, report_id: int, path: Path | None = None) -> Path | None:
        """「导出报告文件」: written, then said with 「打开所在文件夹」 like the other exports."""
        from ui.export_actions import show_written

        written = self._write_file(self.db.load_report(report_id), "导出报告文件", path)
        if written is not None:
            self._message = show_written(self, "已导出报告文件。", written)
        return written

    def _write_file(self, report: Report, caption: str, path: Path | None = None) -> Path | None:
        """Write `report` as an exchange file where the user chooses; the path, or None."""
        from core.documents.exchange import write_report

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
