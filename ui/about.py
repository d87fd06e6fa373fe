"""「帮助 → 关于」: the program's version and the database file in use (what support staff ask first)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from core import __version__
from core.ops.backups import backup_folder
from ui.crash import APP_TITLE


def about_text(db_path: Path) -> str:
    return (
        f"{APP_TITLE} {__version__}\n"
        "用于编写政府信息公开工作年度报告。\n\n"
        f"正在使用的数据库文件：\n{db_path}\n\n"
        f"自动备份保存在：\n{backup_folder(db_path)}"
    )


def show_about(db_path: Path, parent: QWidget | None) -> QMessageBox:
    """Shown without blocking; the path can be selected and copied."""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        f"关于{APP_TITLE}",
        about_text(db_path),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
