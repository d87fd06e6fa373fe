"""登记台账… in the 报告 menu, light to import: the register window and its core load when first opened
(the menus are built before the window's first paint)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def add_menu_entries(add: Callable[[str, Callable[[], object]], QAction], window: MainWindow) -> None:
    def open_register() -> object:
        from ui.register_page import open_register_window

        return open_register_window(window)

    add("登记台账…", open_register)
