"""报告 → 导出为 Word / Excel / 网页 and 复制为网页内容, for the open report (or the one chosen in the list).

The files are written by `core.documents.write` off the GUI thread; a 定稿 goes out with its 校验码.
复制为网页内容 puts the report's HTML and its plain text on the clipboard, for pasting into a portal's editor.
Every export (these, the PDF, a backup) ends with a message that names the file and offers
「打开所在文件夹」 (`show_written`), and each kind opens where that kind was last saved, the first time
in 文档 (`ExportFolders`).
"""

from __future__ import annotations

import copy
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, QStandardPaths, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from core.documents.file_kinds import export_filter
from core.errors import UserError
from core.model.names import safe_file_name
from core.model.report import Report
from core.model.vocabulary import ReportStatus
from core.ops.policy import shown_code
from ui.crash import APP_TITLE, show_message
from ui.worker import run_in_background

if TYPE_CHECKING:
    from ui.main_window import MainWindow, MenuAdder
    from ui.settings import Settings

# (menu text, suffix written); the kinds' names and dialog filters are core.documents.file_kinds'
KINDS = (("导出为 Word…", ".docx"), ("导出为 Excel…", ".xlsx"), ("导出为网页…", ".html"))
NO_REPORT = "请先打开一份报告，或在列表中选中一份报告。"
OPEN_FOLDER = "打开所在文件夹"
PDF, BACKUP = ".pdf", "backup"  # the other kinds of export that remember their folder


def documents_folder() -> Path:
    """文档 (Documents): where a first export goes, not the program's or the last import's folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


class ExportFolders:
    """Each kind of export (".docx", ".xlsx", ".html", ".pdf", "backup") remembers its own folder."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def folder(self, kind: str) -> Path:
        remembered = self.settings.export_folders.get(kind)
        return Path(remembered) if remembered and Path(remembered).is_dir() else documents_folder()

    def remember(self, kind: str, path: Path) -> None:
        self.settings.export_folders[kind] = str(path.parent)


def open_folder(path: Path) -> bool:
    """Show the folder holding `path` in the system's file manager."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def show_written(parent: QWidget, text: str, path: Path) -> QMessageBox:
    """「已导出…」 with the file's place and 「打开所在文件夹」 (not only in the status bar, which a clerk
    does not watch); window-modal, returned so that it stays alive (and tests can answer it)."""
    box = QMessageBox(QMessageBox.Icon.Information, APP_TITLE, f"{text}\n\n{path}", parent=parent)
    opener = box.addButton(OPEN_FOLDER, QMessageBox.ButtonRole.ActionRole)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    opener.clicked.connect(lambda: open_folder(path))
    box.open()
    return box


class ExportActions(QObject):
    """The export entries of a main window's 报告 menu, added where the window's `add` puts them."""

    def __init__(self, window: MainWindow, add: MenuAdder) -> None:
        super().__init__(window)
        self.window = window
        self.actions: dict[str, QAction] = {}
        self.message: QMessageBox | None = None  # the last message shown (written, or a failure)
        for text, suffix in KINDS:
            self.actions[suffix] = add(text, partial(self.export, suffix))
        self.copy_action = add("复制为网页内容", self.copy)

    def current(self) -> tuple[Report, str | None] | None:
        """A copy of the report to export (edits may go on meanwhile) and its 校验码 if it is final."""
        w = self.window
        if w.document is not None:
            report, final = w.document.report, w.document.read_only
        else:
            report_id = w.report_list.current_id()
            if report_id is None:
                return None
            report, final = w.db.load_report(report_id), w.db.status(report_id) == ReportStatus.FINAL
        report = copy.deepcopy(report)
        return report, shown_code(report, final)  # a UserError when the policy refuses its 校验码

    def export(self, suffix: str, path: Path | None = None) -> None:
        """Ask where (unless given) and write the file in the background; say when it is there."""
        from core.documents.write import export

        current = self.current()
        if current is None:
            self.window.statusBar().showMessage(NO_REPORT, 10_000)
            return
        report, code = current
        folders = ExportFolders(self.window.settings)
        if path is None:
            folder = folders.folder(suffix)
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
        folders.remember(suffix, path)
        target = path
        run_in_background(
            lambda: export(report, target, fingerprint=code),
            lambda _result: self._written(target),
            self._failed,
            owner=self,
        )

    def _written(self, path: Path) -> None:
        self.window.statusBar().showMessage(f"已导出到 {path}", 10_000)
        self.message = show_written(self.window, "已导出。", path)

    def _failed(self, exc: BaseException) -> None:
        """A file that cannot be written is explained; anything else is a bug for the crash dialog."""
        if isinstance(exc, UserError):
            self.message = show_message(self.window, exc.message)
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    def copy(self) -> None:
        """The report as HTML and as plain text on the clipboard."""
        from core.documents.write import clipboard

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
