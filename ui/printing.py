"""Printing the report's PDF as vector pages: outlines and lines the printer draws at its own resolution.

`print_pages` draws the shapes `core.documents.pdf.pages` reads back from the PDF with QPainter (glyphs as
their outlines from the embedded fonts), page by page, so a page costs kilobytes, not a 1200 dpi bitmap. It
is meant for a pool thread (Qt paints on a QPrinter from any thread): it reports each page done and
stops, abandoning the print job, when asked to cancel.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QRawFont, QTransform
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QProgressDialog, QWidget

from core.documents.pdf.pages import Colour, Drawing, Glyph, Pages, Shape
from core.errors import UserError
from ui.worker import Job, run_with_progress

_EM = 1000.0  # outlines are taken at this pixel size, then scaled: no rounding at small sizes


def print_pages(
    data: bytes,
    printer: QPrinter,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> bool:
    """Print the PDF `data` on `printer`, over the whole sheet (the PDF carries its own GB/T 9704
    margins). `progress(done, total)` after each page; False when `cancelled()` stopped it."""
    pages = Pages(data)
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError("无法开始打印，请检查打印机是否可用。")
    outlines = _Outlines(pages)
    try:
        paper = printer.paperRect(QPrinter.Unit.DevicePixel)
        for index, drawing in enumerate(pages.drawings()):
            if cancelled is not None and cancelled():
                printer.abort()
                return False
            if index:
                printer.newPage()
            scale = min(paper.width() / drawing.width, paper.height() / drawing.height)
            # PDF points, y up from the bottom left -> device pixels, y down from the top left
            page = QTransform(scale, 0, 0, -scale, 0, drawing.height * scale)
            _draw(painter, drawing, page, outlines)
            if progress is not None:
                progress(index + 1, pages.count)
    finally:
        painter.end()
    return True


def ask_printer(parent: QWidget, title: str) -> QPrinter | None:
    """The print dialog for a document named `title`: the printer chosen, or None."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印")
    return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None


def start_printing(
    parent: QWidget, data: bytes, printer: QPrinter, finished: Callable[[bool], None], pages: int = 0
) -> tuple[Job, QProgressDialog]:
    """Print the PDF `data` in the background with a progress dialog (its maximum `pages`, or set from
    the first page done); `finished(completed)` on the GUI thread when it ends (False: cancelled). The
    printer stays referenced by the job until then: the pool thread paints on it."""
    progress = QProgressDialog("正在打印…", "取消打印", 0, pages, parent)
    progress.setWindowTitle("打印")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    progress.setMinimumDuration(0)

    def step(done: int, total: int) -> None:
        progress.setMaximum(total)
        progress.setLabelText(f"正在打印第 {min(done + 1, total)} 页，共 {total} 页…")
        progress.setValue(done)

    def ended(completed: bool) -> None:
        progress.close()
        finished(completed)

    def failed(exc: BaseException) -> None:
        progress.close()
        raise exc  # to the crash hook: a UserError becomes a plain message

    job = run_with_progress(
        lambda report, stop: print_pages(data, printer, report, stop), ended, step, failed, parent
    )
    progress.canceled.connect(job.cancel)
    progress.show()
    return job, progress


def _qcolor(colour: Colour) -> QColor:
    return QColor.fromRgbF(*colour)


def _draw(painter: QPainter, drawing: Drawing, page: QTransform, outlines: _Outlines) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for item in drawing.items:
        if isinstance(item, Glyph):
            a, b, c, d, e, f = item.matrix
            painter.setTransform(QTransform(a, b, c, d, e, f) * page)
            painter.fillPath(outlines.path(item.font, item.glyph), _qcolor(item.colour))
        else:
            painter.setTransform(page)
            _draw_shape(painter, item)


def _draw_shape(painter: QPainter, shape: Shape) -> None:
    path = QPainterPath()
    for op, *v in shape.segments:
        if op == "m":
            path.moveTo(v[0], v[1])
        elif op == "l":
            path.lineTo(v[0], v[1])
        elif op in ("c", "v", "y"):
            points = [QPointF(v[i], v[i + 1]) for i in range(0, len(v), 2)]
            if op == "v":  # first control point is the current point
                points.insert(0, path.currentPosition())
            elif op == "y":  # second control point is the end point
                points.insert(1, points[-1])
            path.cubicTo(*points)
        elif op == "h":
            path.closeSubpath()
    if shape.even_odd:
        path.setFillRule(Qt.FillRule.OddEvenFill)
    else:
        path.setFillRule(Qt.FillRule.WindingFill)
    if shape.fill is not None:
        painter.fillPath(path, QBrush(_qcolor(shape.fill)))
    if shape.stroke is not None:
        pen = QPen(_qcolor(shape.stroke), shape.line_width)
        pen.setCosmetic(shape.line_width == 0)  # PDF's width 0: the thinnest line the device draws
        painter.strokePath(path, pen)


class _Outlines:
    """Glyph outlines of the PDF's embedded fonts, each font parsed and each glyph traced once; in the
    em square, y up, as `Glyph.matrix` expects."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self._fonts: dict[int, QRawFont] = {}
        self._paths: dict[tuple[int, int], QPainterPath] = {}
        self._flip = QTransform(1 / _EM, 0, 0, -1 / _EM, 0, 0)

    def path(self, font: int, glyph: int) -> QPainterPath:
        key = (font, glyph)
        if key not in self._paths:
            if font not in self._fonts:
                self._fonts[font] = QRawFont(
                    self.pages.fonts[font], _EM, QFont.HintingPreference.PreferNoHinting
                )
            self._paths[key] = self._flip.map(self._fonts[font].pathForGlyph(glyph))
        return self._paths[key]
