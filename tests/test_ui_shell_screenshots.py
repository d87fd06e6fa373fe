"""Screenshots of every page of the seed report, for people to look at (saved as PNG).

Taken at 100% on a 1366×768 screen in the test process, and at 150% (QT_SCALE_FACTOR=1.5, a 1920×1080
laptop, i.e. 1280×720 logical pixels) in a child process, because the scale factor must be set before
Qt starts. The pictures go to the test's tmp folder and, when NIANBAO_SHOTS names a folder, there as
well. The assertions guard against empty or unpainted pages; judging the look is a person's job.
"""

from __future__ import annotations

import sys
import time
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QThreadPool
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from core.storage import Database
from tests.qt_helpers import TODAY, run_at_150_percent, seed_window, shot_folders
from ui.dialogs import NewReportDialog
from ui.main_window import MainWindow

SIZE_100 = (1366, 768)  # the most common office screen
SIZE_150 = (1280, 720)  # 1920×1080 at 150%, in logical pixels


def _save(widget: QWidget, name: str, folders: list[Path]) -> QImage:
    QCoreApplication.processEvents()
    image = widget.grab().toImage()
    for folder in folders:
        assert image.save(str(folder / f"{name}.png"))
    return image


def _painted(image: QImage) -> bool:
    """More than a couple of colours: text and frames were drawn."""
    step = max(1, image.width() // 60)
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)
    }
    return len(colours) > 3


def _wait_for_preview(window: MainWindow) -> None:
    assert window.editor is not None
    page = window.editor.sign_page
    loop = QEventLoop()
    page.preview_ready.connect(loop.quit)
    if page.pdf.pageCount() == 0:
        loop.exec()
    deadline = time.monotonic() + 1.0  # QPdfView draws the page images in its own thread
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def take_screenshots(db: Database, size: tuple[int, int], prefix: str, folders: list[Path]) -> list[QImage]:
    """The report list, the new-report dialog, every page of the seed report, and a page with errors."""
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    window, report_id = seed_window(db, size)
    images = []
    try:
        images.append(_save(window, f"{prefix}00-报告列表", folders))

        dialog = NewReportDialog(db.agencies(), lambda a, y: db.find_report(a, y) is not None, TODAY, window)
        dialog.show()
        images.append(_save(dialog, f"{prefix}00-新建报告", folders))
        dialog.close()

        window.open_report(report_id)
        editor, document = window.editor, window.document
        assert editor is not None and document is not None
        for index in range(editor.nav.count()):
            editor.show_page(index)
            if index == editor.nav.count() - 1:
                _wait_for_preview(window)
            images.append(_save(window, f"{prefix}{index + 1:02d}-{editor.nav.item(index).text()}", folders))

        document.set_values({"requests.1.natural_person": Decimal(21), "requests.3.5.1.natural_person": None})
        editor.show_finding(next(f for f in document.findings if f.severity == "error"))
        images.append(_save(window, f"{prefix}{editor.nav.count() + 1:02d}-有错误时", folders))
    finally:
        QThreadPool.globalInstance().waitForDone()
        window.close()
        window.deleteLater()
    return images


def test_screenshots_of_every_page_at_100_percent(qapp: QApplication, db: Database, tmp_path: Path) -> None:
    images = take_screenshots(db, SIZE_100, "", shot_folders(tmp_path))
    assert len(images) == len(db.load_report(1).spec.sections) + 4
    assert all(_painted(image) for image in images)
    assert images[2].size().toTuple() == SIZE_100  # type: ignore[attr-defined]


def test_screenshots_of_every_page_at_150_percent(tmp_path: Path) -> None:
    folders = shot_folders(tmp_path)
    done = run_at_150_percent(__file__, [str(tmp_path / "150.sqlite3"), *map(str, folders)], tmp_path)
    assert done.returncode == 0, done.stderr
    shots = sorted((tmp_path / "shots").glob("150-*.png"))
    assert len(shots) >= 9
    image = QImage(str(next(s for s in shots if "总体情况" in s.name)))
    assert (image.width(), image.height()) == (SIZE_150[0] * 3 // 2, SIZE_150[1] * 3 // 2)
    assert _painted(image)


if __name__ == "__main__":  # the child process of the 150% test
    application = QApplication([sys.argv[0]])
    with Database.open(Path(sys.argv[1])) as database:
        take_screenshots(database, SIZE_150, "150-", [Path(p) for p in sys.argv[2:]])
