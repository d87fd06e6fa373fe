"""报告 → 导出为 Word / Excel / 网页 and 复制为网页内容, for the open report (or the one chosen in the list).

The files are written by `core.write` off the GUI thread; a 定稿 goes out with its 校验码. 复制为网页内容
puts the report's HTML and its plain text on the clipboard, for pasting into a portal's editor.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from core.errors import UserError
from core.file_kinds import export_filter
from core.names import safe_file_name
from core.ops.policy import shown_code
from core.report import Report
from ui.crash import show_message
from ui.worker import run_in_background

if TYPE_CHECKING:
    from ui.main_window import MainWindow

# (menu text, suffix written); the kinds' names and dialog filters are core.file_kinds'
KINDS = (("导出为 Word…", ".docx"), ("导出为 Excel…", ".xlsx"), ("导出为网页…", ".html"))
NO_REPORT = "请先打开一份报告，或在列表中选中一份报告。"


class ExportActions(QObject):
    """The export entries at the end of a main window's 报告 menu."""

    def __init__(self, window: MainWindow, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.actions: dict[str, QAction] = {}
        self.message: QMessageBox | None = None  # the last failure shown
        for text, suffix in KINDS:
            self.actions[suffix] = self._add(menu, text, partial(self.export, suffix))
        self.copy_action = self._add(menu, "复制为网页内容", self.copy)

    def _add(self, menu: QMenu, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def current(self) -> tuple[Report, str | None] | None:
        """A copy of the report to export (edits may go on meanwhile) and its 校验码 if it is final."""
        w = self.window
        if w.document is not None:
            report, final = w.document.report, w.document.read_only
        else:
            report_id = w.report_list.current_id()
            if report_id is None:
                return None
            report, final = w.db.load_report(report_id), w.db.status(report_id) == "final"
        report = report.model_copy(deep=True)
        return report, shown_code(report, final)  # a UserError when the policy refuses its 校验码

    def export(self, suffix: str, path: Path | None = None) -> None:
        """Ask where (unless given) and write the file in the background; say when it is there."""
        from core.write import export

        current = self.current()
        if current is None:
            self.window.statusBar().showMessage(NO_REPORT, 10_000)
            return
        report, code = current
        if path is None:
            folder = Path(self.window.settings.last_folder or Path.home())
            caption = next(text for text, kind in KINDS if kind == suffix).rstrip("…")
            name, _ = QFileDialog.getSaveFileName(
                self.window,
                caption,
                str(folder / safe_file_name(report.title, suffix)),
                export_filter(suffix),
            )
            if not name:
                return
            path = Path(name)
            if not path.suffix:
                path = path.with_suffix(suffix)
        self.window.settings.last_folder = str(path.parent)
        target = path
        run_in_background(
            lambda: export(report, target, fingerprint=code),
            lambda _result: self.window.statusBar().showMessage(f"已导出到 {target}", 10_000),
            self._failed,
            owner=self,
        )

    def _failed(self, exc: BaseException) -> None:
        """A file that cannot be written is explained; anything else is a bug for the crash dialog."""
        if isinstance(exc, UserError):
            self.message = show_message(self.window, exc.message)
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    def copy(self) -> None:
        """The report as HTML and as plain text on the clipboard."""
        from core.write import clipboard

        current = self.current()
        if current is None:
            self.window.statusBar().showMessage(NO_REPORT, 10_000)
            return
        report, code = current
        html, text = clipboard(report, fingerprint=code)
        mime = QMimeData()
        mime.setHtml(html)
        mime.setText(text)
        QGuiApplication.clipboard().setMimeData(mime)
        self.window.statusBar().showMessage("已复制为网页内容，可以粘贴到网站编辑器中。", 10_000)
