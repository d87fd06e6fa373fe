"""Start the desktop app: command line, logging, crash hook, fonts, the database, the main window.

`run_app(argv)` is what `main.py` calls when no CLI command is given. `--db PATH` opens another
database file (e.g. on a USB stick); `--smoke-test` runs `ui.smoke` instead (packaging checks).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from core.cli.parser import EXIT_UNUSABLE
from core.errors import UserError
from core.logs import setup_logging
from core.ops.handles import InstanceLock
from core.paths import default_db_path
from ui.crash import APP_TITLE, install_excepthook
from ui.fonts import ensure_chinese_font
from ui.gui_thread_gc import collect_on_gui_thread
from ui.main_window import MainWindow
from ui.plain_text import install_plain_text_guard
from ui.worker import stop_all

log = logging.getLogger(__name__)

CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    from core.cli.parser import ChineseArgumentParser  # the standard library only, not the commands

    parser = ChineseArgumentParser(prog="main.py", description="年报助手桌面程序")
    parser.add_argument("--db", type=Path, default=None, help="数据库文件路径（默认在用户数据文件夹中）")
    parser.add_argument("--smoke-test", action="store_true", help="启动后立即退出（用于检查安装是否完整）")
    return parser.parse_args(list(argv))


def create_application() -> QApplication:
    """The QApplication (reused when one exists, as under pytest-qt), with a Chinese font, Qt's Chinese
    words and Python's garbage collected on its thread."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([sys.argv[0] if sys.argv else "nianbao"])
    app.setApplicationName(APP_TITLE)
    app.setOrganizationName("nianbao")
    ensure_chinese_font()
    _install_qt_translation(app)
    install_plain_text_guard(app)  # agency names and file text never render as rich text
    collect_on_gui_thread(app)  # a widget in a cycle is never destroyed on a reader's thread
    if not getattr(app, "_nianbao_stops_jobs", False):
        app.aboutToQuit.connect(stop_all)  # a job still running at quit must not outlive Qt's objects
        app._nianbao_stops_jobs = True  # type: ignore[attr-defined]
    return app


def _install_qt_translation(app: QApplication) -> None:
    """Qt's own dialogs (file, print, message buttons) and its month and day names in Chinese, whatever
    the system's language: an English Windows would otherwise show "Look in:" and "January"."""
    QLocale.setDefault(CHINESE)
    if getattr(app, "_nianbao_translator", None) is not None:
        return
    translator = QTranslator(app)
    for folder in _translation_folders():
        if translator.load(CHINESE, "qtbase", "_", str(folder)):
            app.installTranslator(translator)
            app._nianbao_translator = translator  # type: ignore[attr-defined]  # kept alive with the app
            return
    log.warning("Qt's Chinese translation was not found in %s", _translation_folders())


def _translation_folders() -> list[Path]:
    """Where qtbase_zh_CN.qm is: PySide6's own folder (also in the bundle), then where Qt says."""
    import PySide6

    return [
        Path(PySide6.__file__).parent / "Qt" / "translations",
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ]


def _lock(db_path: Path) -> InstanceLock | str | None:
    """The one-writer lock on `db_path`; None (after saying why) when another window holds it; the
    Chinese reason when no lock can be made at all (e.g. a full disk: the file can still be read)."""
    lock = InstanceLock(db_path)
    try:
        if lock.acquire():
            return lock
    except UserError as exc:
        return exc.message
    # two windows writing one database would overwrite each other
    QMessageBox.warning(
        None,
        APP_TITLE,
        f"数据库“{db_path}”已经在另一个年报助手窗口中打开。\n请切换到那个窗口继续工作。",
    )
    return None


def run_app(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    if args.smoke_test:  # ui.smoke: a temporary database and data folder, never the user's own
        from ui.smoke import run_smoke_test

        return run_smoke_test()
    log_file = setup_logging()
    log.info("starting the app (database %s)", args.db or default_db_path())
    app = create_application()
    install_excepthook(log_file)  # the hooks keep the handler alive
    db_path = Path(args.db or default_db_path())
    lock = _lock(db_path)
    if lock is None:
        return EXIT_UNUSABLE
    read_only_reason = lock if isinstance(lock, str) else None  # no lock file (a full disk): read only
    held = [lock if isinstance(lock, InstanceLock) else None]  # the lock of the database in the window
    window = MainWindow(None)

    @Slot()
    def open_after_first_paint() -> None:
        """The window is on the screen: now the slower part, the database (with any questions)."""
        from ui.safety import open_database, open_read_only

        if read_only_reason is not None:
            db = open_read_only(db_path, read_only_reason, window)
        else:  # not ours, damaged: a backup or another database is offered
            db = open_database(db_path, window)
        if db is not None and db.path != db_path:  # the user chose another database: it needs its lock
            if held[0] is not None:
                held[0].release()
            other = _lock(db.path)
            held[0] = other if isinstance(other, InstanceLock) else None
            if held[0] is None:
                if isinstance(other, str):
                    QMessageBox.critical(window, APP_TITLE, f"无法打开数据库。\n\n{other}")
                db.close()
                db = None
        if db is None:
            window.hide()
            app.exit(EXIT_UNUSABLE)
            return
        window.attach(db)

    window.first_painted.connect(open_after_first_paint, Qt.ConnectionType.QueuedConnection)
    window.show()
    try:
        return app.exec()
    finally:
        if window.attached:
            window.db.close()  # the window may have swapped in a restored one
        if held[0] is not None:
            held[0].release()
