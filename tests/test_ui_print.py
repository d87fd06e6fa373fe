"""「打印」: vector pages on the printer, off the GUI thread, with progress and a way to cancel.

The printer is a real QPrinter writing a PDF (OutputFormat PdfFormat) at its high resolution, so
what reached the "paper" can be read back: the pages must be shapes, not bitmaps, and look like the
preview when both are rasterised.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageChops, ImageFilter
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from core.documents.exchange import read_report
from core.documents.pdf.render import render_pdf
from core.storage import Database
from tests.conftest import SEED_JSON
from tests.qt_helpers import open_sign_page
from ui.printing import print_pages


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a "printer" whose paper can be read back
    printer.setOutputFileName(str(path))
    return printer


def raster(data: bytes, index: int) -> Image.Image:
    """A page at 36 dpi in grey, softened so that sub-pixel offsets of a line do not count."""
    page = pypdfium2.PdfDocument(data)[index]
    image = page.render(scale=0.5).to_pil().convert("L")
    return image.resize((298, 421)).filter(ImageFilter.BoxBlur(1))


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of two pictures, 0..255."""
    histogram = ImageChops.difference(a, b).histogram()
    return sum(i * n for i, n in enumerate(histogram)) / sum(histogram)


@pytest.fixture(scope="module")
def seed_pdf() -> bytes:
    return render_pdf(read_report(SEED_JSON))


@pytest.mark.parametrize("final", [False, True], ids=["draft", "final"])  # 定稿: QR code and footer code
def test_printed_pages_are_vector_shapes_that_look_like_the_pdf(
    qapp: QApplication, tmp_path: Path, final: bool
) -> None:
    seed_pdf = render_pdf(read_report(SEED_JSON), final=final)
    printer = pdf_printer(tmp_path / "打印.pdf")
    assert printer.resolution() >= 600  # the resolution a bitmap page would have been made at
    steps: list[tuple[int, int]] = []
    assert print_pages(seed_pdf, printer, lambda done, total: steps.append((done, total)))
    printed_bytes = (tmp_path / "打印.pdf").read_bytes()
    printed, original = PdfReader(io.BytesIO(printed_bytes)), PdfReader(io.BytesIO(seed_pdf))
    count = len(original.pages)
    assert len(printed.pages) == count and steps == [(n, count) for n in range(1, count + 1)]
    assert abs(float(printed.pages[0].mediabox.width) - 595.3) < 2  # A4, the whole sheet
    assert not any(page.images for page in printed.pages)  # no page went as a bitmap
    assert len(printed_bytes) < 4_000_000  # a bitmap report was ~40 MB
    for index in range(count):
        same = difference(raster(printed_bytes, index), raster(seed_pdf, index))
        other = difference(raster(printed_bytes, index), raster(seed_pdf, (index + 1) % count))
        assert same < 5.0 and same * 5 < other, (index, same, other)  # this page, not any page of text


def test_cancelling_stops_after_the_page_being_printed(
    qapp: QApplication, tmp_path: Path, seed_pdf: bytes
) -> None:
    steps: list[int] = []
    printer = pdf_printer(tmp_path / "打印.pdf")
    done = print_pages(seed_pdf, printer, lambda n, total: steps.append(n), lambda: len(steps) >= 2)
    assert done is False and steps == [1, 2]


def test_printing_runs_in_the_background_with_a_progress_dialog(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    page = open_sign_page(qtbot, db)
    job = page.start_printing(pdf_printer(tmp_path / "打印.pdf"))
    assert not job.finished  # the window is back at once; the pages are drawn in a pool thread
    progress = page.print_progress
    assert progress is not None and progress.isVisible()
    assert progress.maximum() == page.pdf.pageCount() and progress.labelText().startswith("正在打印")
    seen: list[int] = []
    job.progress.connect(lambda done, total: seen.append(done))
    qtbot.waitUntil(lambda: job.finished, timeout=60_000)
    assert not progress.isVisible() and seen and seen[-1] == page.pdf.pageCount()
    assert len(PdfReader(tmp_path / "打印.pdf").pages) == page.pdf.pageCount()


def test_the_progress_dialog_cancels_the_print_job(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    page = open_sign_page(qtbot, db)
    job = page.start_printing(pdf_printer(tmp_path / "打印.pdf"))
    assert page.print_progress is not None
    (button,) = [b for b in page.print_progress.findChildren(QPushButton) if b.text() == "取消打印"]
    button.click()
    qtbot.waitUntil(lambda: job.finished, timeout=60_000)
    message = page._message
    assert isinstance(message, QMessageBox) and message.text() == "已取消打印。"
    message.close()
