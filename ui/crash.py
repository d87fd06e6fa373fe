"""The last line of defence: any unexpected exception is logged and shown in a crash dialog.

`install_excepthook` routes `sys.excepthook` and `threading.excepthook` here. A `UserError` that reaches
the hook is an expected failure and is shown as a plain message. Anything else is written with its
traceback to the rotating log and shown in a dialog that says the work is saved (every edit is stored
when it is made) and offers 「复制详细信息」. The app keeps running.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import UserError

log = logging.getLogger(__name__)

APP_TITLE = "年报助手"


def show_message(
    parent: QWidget | None, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Warning
) -> QMessageBox:
    """A plain Chinese message (e.g. a `UserError`), shown without blocking; keep the returned box."""
    box = QMessageBox(icon, APP_TITLE, text, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def confirmed(parent: QWidget | None, text: str) -> bool:
    """A yes/no question (modal); True when the answer is yes."""
    return QMessageBox.question(parent, APP_TITLE, text) == QMessageBox.StandardButton.Yes


def close_button_box(dialog: QDialog, action: QPushButton) -> QDialogButtonBox:
    """「关闭」 plus the dialog's own action button, laid out the platform's way."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
    buttons.addButton(action, QDialogButtonBox.ButtonRole.ActionRole)
    buttons.rejected.connect(dialog.reject)
    return buttons


class CrashDialog(QDialog):
    """「程序出错了」: what happened in plain words, where the log is, and the copyable details."""

    def __init__(self, details: str, log_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_TITLE} — 程序出错")
        self.details = details
        self.message = QLabel(
            "程序遇到了一个意外的问题，刚才的操作可能没有完成。\n"
            "您已填写的内容都已保存，可以继续使用；如果问题反复出现，请重新启动程序。\n\n"
            f"详细信息已记录在日志文件中：\n{log_file}\n\n"
            "向技术支持反映时，请点击「复制详细信息」，把内容粘贴发送给他们。"
        )
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit(details)
        self.text.setReadOnly(True)
        self.text.setMinimumHeight(self.fontMetrics().height() * 8)
        self.copy_button = QPushButton("复制详细信息")
        self.copy_button.clicked.connect(self.copy_details)
        buttons = close_button_box(self, self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("中") * 46, self.sizeHint().height())

    def add(self, details: str) -> None:
        """A further error while the dialog is open goes into the same dialog."""
        self.details += "\n" + details
        self.text.setPlainText(self.details)

    @Slot()
    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText("已复制")


class CrashHandler(QObject):
    """Receives exceptions from any thread and shows them on the GUI thread."""

    _raised = Signal(object, object, object)

    def __init__(self, log_file: Path) -> None:
        super().__init__()
        self.log_file = log_file
        self.dialog: CrashDialog | None = None
        self.message: QMessageBox | None = None
        self._raised.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, UserError):
            self._raised.emit(exc_type, exc, tb)
            return
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        if threading.current_thread() is threading.main_thread():
            self._show(exc_type, exc, tb)
        else:
            self._raised.emit(exc_type, exc, tb)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        self.excepthook(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    @Slot(object, object, object)
    def _show(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        parent = QApplication.activeWindow()
        if isinstance(exc, UserError):
            self.message = show_message(parent, exc.message)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add(details)
            return
        self.dialog = CrashDialog(details, self.log_file, parent)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.finished.connect(self._forget)
        self.dialog.open()  # not exec(): no nested event loop inside an exception hook

    @Slot()
    def _forget(self) -> None:
        self.dialog = None


def install_excepthook(log_file: Path) -> CrashHandler:
    """Route uncaught exceptions of every thread to the crash handler (kept alive by the hooks)."""
    handler = CrashHandler(log_file)
    sys.excepthook = handler.excepthook
    threading.excepthook = handler.thread_excepthook
    return handler
