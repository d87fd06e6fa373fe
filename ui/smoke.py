"""`main.py --smoke-test`: prove that this installation works, from source or from the frozen bundle.

It starts the app with no screen needed, on a temporary database and a temporary data folder (the
user's settings, reports and backups are never touched; only the result goes to the user's log),
imports the bundled sample report through the main window, opens it, visits every section, checks
it (no errors expected), waits for the 签署与打印 preview (the PDF rendered in the background and
loaded by QtPdf) and renders the PDF once more directly. It prints one line and returns 0, or prints
the failure and returns 1. Build scripts and IT staff run it after installing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

SAMPLE = ("samples", "sample-2021.json")
SAMPLE_ENV = "NIANBAO_SMOKE_SAMPLE"  # another report file to try instead of the bundled sample
PREVIEW_TIMEOUT_MS = 60_000
MIN_PDF_BYTES = 10_000  # a real report with embedded Chinese font is far larger

log = logging.getLogger(__name__)


class SmokeFailure(Exception):
    """A check of the smoke test did not hold."""


def _say(text: str, stream: TextIO | None = None) -> None:
    """Print if there is a console at all (a windowed Windows exe has none: the log has it too)."""
    out = stream or sys.stdout
    if out is not None:
        with contextlib.suppress(OSError, ValueError):
            print(text, file=out, flush=True)


@contextlib.contextmanager
def _private_data_dir(folder: Path) -> Iterator[None]:
    """Point the per-user data folder (settings, window.ini, backups) at `folder` while the test runs."""
    import platformdirs

    real = platformdirs.user_data_dir
    platformdirs.user_data_dir = lambda *args, **kwargs: str(folder)
    try:
        yield
    finally:
        platformdirs.user_data_dir = real


@contextlib.contextmanager
def _caught_in_slots(caught: list[BaseException]) -> Iterator[None]:
    """Exceptions raised in Qt slots reach `sys.excepthook`, not our caller: collect them instead."""
    real = sys.excepthook
    sys.excepthook = lambda kind, exc, tb: caught.append(exc)
    try:
        yield
    finally:
        sys.excepthook = real


def _wait_for(signal: object, caught: list[BaseException], timeout_ms: int, what: str) -> None:
    """Run the event loop until `signal` fires, a slot raised, or the time is up."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    fired: list[bool] = []
    signal.connect(lambda *args: fired.append(True))  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout_ms / 1000
    while not fired and not caught and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 100)
    if not fired and not caught:
        raise SmokeFailure(f"{what}：{timeout_ms // 1000} 秒内没有完成")


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def _run(folder: Path, caught: list[BaseException]) -> str:
    """The smoke test proper; returns the summary line or raises."""
    from PySide6.QtCore import QThreadPool

    from core.documents.exchange import read_report
    from core.documents.pdf.render import render_pdf
    from core.ops.handles import Database
    from core.paths import resource_path
    from core.rules.table import check
    from ui.app import create_application
    from ui.main_window import MainWindow
    from ui.settings import Settings

    app = create_application()
    sample = Path(os.environ.get(SAMPLE_ENV) or resource_path(*SAMPLE))
    _check(sample.is_file(), f"找不到示例报告文件 {sample}")

    db = Database.open(folder / "smoke.sqlite3")
    window = MainWindow(db, Settings())
    try:
        window.show()
        app.processEvents()
        report_id = window.import_file(sample)
        if report_id is None:
            read_report(sample)  # raises the reason the window showed
            raise SmokeFailure(f"示例报告 {sample} 未能导入")
        window.open_report(report_id)
        editor, document = window.editor, window.document
        _check(editor is not None and document is not None, "报告未能打开")
        assert editor is not None and document is not None
        for index in range(editor.nav.count() - 1):  # every section page is built and painted
            editor.show_page(index)
            app.processEvents()
        _check(not window.grab().isNull(), "窗口无法绘制")

        report = db.load_report(report_id)
        findings = check(report)
        errors = [f for f in findings if f.severity == "error"]
        _check(not errors, "示例报告核对出错误：" + "；".join(f"{f.rule} {f.message}" for f in errors))
        ui_errors = document.error_count
        _check(ui_errors == 0, f"窗口中显示 {ui_errors} 处错误")

        editor.show_page(editor.nav.count() - 1)  # 签署与打印: the preview renders in the background
        page = editor.sign_page
        if page.pdf.pageCount() == 0:
            _wait_for(page.preview_ready, caught, PREVIEW_TIMEOUT_MS, "打印预览")
        pages = page.pdf.pageCount()
        _check(pages > 0, "打印预览没有页面")

        pdf = render_pdf(report)
        _check(pdf.startswith(b"%PDF"), "生成的文件不是PDF")
        from reportlab.lib import rl_accel  # a bundle without the C speed-ups would print a third slower

        _check(type(rl_accel.fp_str).__name__ == "builtin_function_or_method", "缺少 ReportLab 的加速模块")
        _check(len(pdf) >= MIN_PDF_BYTES, f"生成的PDF只有 {len(pdf)} 字节")
        warnings = len(findings) - len(errors)
        return (
            f"冒烟测试通过 / smoke test passed: {report.title}，0 处错误 / errors，{warnings} 处提示 / "
            f"warnings，PDF {pages} 页 / pages，{len(pdf) // 1024} KB"
        )
    finally:
        QThreadPool.globalInstance().waitForDone()  # no background render may outlive the database
        window.close()
        window.deleteLater()
        app.processEvents()
        db.close()


def run_smoke_test() -> int:
    """Run the smoke test; 0 when everything worked, 1 (with the reason printed and logged) otherwise."""
    no_screen = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and no_screen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from core.errors import UserError
    from core.logs import setup_logging

    started = time.monotonic()
    setup_logging()  # the real log: IT staff find the result there when the exe has no console
    try:
        caught: list[BaseException] = []
        with tempfile.TemporaryDirectory(prefix="nianbao-smoke-", ignore_cleanup_errors=True) as tmp:
            folder = Path(tmp)
            with _private_data_dir(folder / "userdata"), _caught_in_slots(caught):
                summary = _run(folder, caught)
        if caught:
            raise caught[0]
    except Exception as exc:
        expected = isinstance(exc, SmokeFailure | UserError)  # explained in one line, no traceback
        message = str(exc) if expected else f"{type(exc).__name__}: {exc}"
        log.error("smoke test failed: %s", message, exc_info=not expected)
        if not expected:
            _say(traceback.format_exc(), sys.stderr)
        _say(f"冒烟测试失败 / smoke test FAILED: {message}", sys.stderr)
        return 1
    summary += f"，{time.monotonic() - started:.1f} s"
    log.info("%s", summary)
    _say(summary)
    return 0
