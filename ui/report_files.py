"""Reading and writing exchange files (the JSON of docs/exchange-format.md) from the main window.

`ReportFileActions` is a part of `ui.main_window.MainWindow`: 「导入报告文件」 (an existing agency+year is
replaced after a question that counts what differs, its old content kept as a revision) and
「导出报告文件」 (also used to keep an edit the database refused when the window closes).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from core.errors import UserError
from core.names import safe_file_name
from ui.crash import show_message

if TYPE_CHECKING:  # imported once the window is shown (see MainWindow)
    from core.report import Report
    from core.storage import Database
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
        from core.exchange import read_report

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
            created = self.db.find_report(report.agency, report.year) is None
        except UserError as exc:
            self._message = show_message(self, exc.message)
            return None
        report_id = self.store_import(report)
        if report_id is None:
            return None
        if created:
            text = f"已导入「{report.title}」。"
        else:
            text = (
                f"「{report.title}」原来已经有了。导入的内容已替换它，原来的内容作为一个历史版本保留，"
                "可以在修改历史中恢复。"
            )
        self._message = show_message(self, text, QMessageBox.Icon.Information)
        return report_id

    def store_import(self, report: Report, note: str | None = None) -> int | None:
        """Store an imported `report` (after `may_replace` agrees) and show it: selected in the list,
        and re-read into the editor when it is the open one (our own write is not seen by the
        DatabaseWatch). The report's id, or None when the user declined or the storage refused."""
        try:
            if not self.may_replace(report):
                return None
            report_id, _ = self.db.import_report(report, note=note)
        except UserError as exc:
            self._message = show_message(self, exc.message)
            return None
        self.refresh_list()
        self.report_list.select(report_id)
        if self.document is not None and self.document.report_id == report_id:
            self.document.reload()
        return report_id

    def may_replace(self, report: Report) -> bool:
        """True when `report` is new, or the user agrees that it replaces the stored one of its name."""
        from core.storage import report_changes
        from ui.dialogs import confirm_replace

        existing = self.db.find_report(report.agency, report.year)
        if existing is None or self.db.status(existing) == "final":
            return True  # a new report; or one the storage refuses to change, and says why
        stored = self.db.load_report(existing)
        if stored.format != report.format:
            return True  # the storage explains that formats cannot be merged
        fields = [c.field for c in report_changes(stored, report)]
        typed = report.spec.cells
        cells = sum(1 for f in fields if f in typed and not typed[f].derived)  # not the totals they make
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
        from core.exchange import write_report

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
