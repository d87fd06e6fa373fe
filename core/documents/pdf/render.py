"""The print-ready PDF of a report: GB/T 9704 page, title, six sections, tables A–C, signature.

`render_pdf(report)` gives a draft (草稿 watermark on every page, drawn as outlines: not text);
`render_pdf(report, final=True)` gives the 定稿 copy, refused while the report has errors or blank
cells, with its fingerprint in every footer and as a QR code beside the signature. What is printed is
the content model every document shares (`core.documents.write.content`), and the 校验码 is taken from that
same content, so the code covers exactly what the paper shows. Section headings and tables come from the
format definition; the user's text is set literally (see `core.documents.pdf.text`).
An `appendix` (a 汇总's list of the reports it includes) follows on a page of its own.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Spacer,
)

from core.documents.pdf import layout
from core.documents.pdf.fonts import FontChoice, FontSet, resolve_fonts
from core.documents.pdf.layout import FontRole
from core.documents.pdf.outlines import draw_outlined, text_width
from core.documents.pdf.tables import GridTable
from core.documents.pdf.text import Setting, TextBlock, draw_run
from core.documents.write.content import Appendix, Content, Grid, Paragraph, content
from core.errors import UserError
from core.model.report import Report
from core.paths import write_atomically

if TYPE_CHECKING:
    from core.documents.fingerprint import Codes

_SLACK = 0.01  # pt: heights are sums of floats; a need that exactly fills the page must still fit
_render_lock = threading.Lock()  # ReportLab keeps per-document font state in shared font objects


def render_pdf(
    report: Report,
    *,
    final: bool = False,
    fingerprint: str | None = None,
    fonts: Mapping[FontRole, FontChoice] | None = None,
    appendix: Appendix | None = None,
) -> bytes:
    """The PDF as bytes. `final`: the 定稿 copy (needs a report with no errors and no blanks), its
    codes taken from the very content it prints (`fingerprint`, if given, must be that footer code);
    `appendix`: a table on a page of its own after the signature."""
    return _render(report, final=final, fingerprint=fingerprint, fonts=fonts, appendix=appendix)[0]


def _render(
    report: Report,
    *,
    final: bool = False,
    fingerprint: str | None = None,
    fonts: Mapping[FontRole, FontChoice] | None = None,
    appendix: Appendix | None = None,
) -> tuple[bytes, str]:
    """The PDF as bytes, and the characters it could not draw (see `core.documents.pdf.coverage`)."""
    doc = content(report, appendix=appendix)
    codes = None
    if final:
        from core.documents.fingerprint import (  # a draft needs neither: not loaded
            codes_of,
            finalize_problems,
        )

        problems = finalize_problems(report, fonts=fonts)
        if problems:
            raise UserError("这份报告还不能定稿：" + "；".join(problems[:3]) + "。")
        codes = codes_of(doc)
        if fingerprint is not None and fingerprint != codes.footer:
            raise ValueError(f"the code {fingerprint} is not this report's ({codes.footer})")
    fontset = FontSet(fonts if fonts is not None else resolve_fonts())
    out = io.BytesIO()
    with _render_lock:
        pdf = BaseDocTemplate(
            out,
            pagesize=(layout.PAGE_WIDTH, layout.PAGE_HEIGHT),
            title=doc.title,  # as printed: a viewer's title bar shows no hidden U+202E either
            author=doc.signature_name,
            subject=doc.subject + ("（定稿）" if codes else "（草稿）"),
            creator="年报助手",
            keywords=appendix.mark if appendix else "",
            # ReportLab would otherwise name Helvetica in every page, unembedded.
            initialFontName=fontset.name("fangsong"),
            pageCompression=1,
        )
        frame = Frame(
            layout.BLOCK_LEFT,
            layout.BLOCK_BOTTOM,
            layout.BLOCK_WIDTH,
            layout.BLOCK_HEIGHT,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="block",
        )
        decorate = _PageDecoration(fontset, codes.footer if codes else None)
        pdf.addPageTemplates([PageTemplate("page", [frame], onPage=decorate)])
        pdf.build(_story(doc, fontset, codes))
    return out.getvalue(), "".join(sorted(fontset.missing))


def write_pdf(report: Report, path: Path | str, **kw: Any) -> str:
    """Render and write atomically; a file that cannot be written is explained in Chinese. Returns
    the characters no font could draw, found while rendering (no second pass to look for them)."""
    pdf, missing = _render(report, **kw)
    write_atomically(path, pdf)
    return missing


# ---------------------------------------------------------------- the story


def _story(doc: Content, fonts: FontSet, codes: Codes | None) -> list[Flowable]:
    width = layout.BLOCK_WIDTH
    title = TextBlock([("\n".join(doc.title_lines), layout.TITLE.role)], layout.TITLE, fonts)
    items: list[Flowable] = [title]
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            items.append(_paragraph(block, fonts))
        else:
            items += [_grid_table(block, fonts), Spacer(0, layout.TABLE_SPACE_AFTER)]
    signature = _Signature(doc, fonts, codes)
    items[-1] = _KeepTail(items[-1], signature)
    # A heading never stands alone at the foot of a page: it needs room for the start of what follows.
    story: list[Flowable] = []
    for item, following in zip(items, [*items[1:], None], strict=True):
        if isinstance(item, _Heading) and following is not None:
            need = item.wrap(width, 1e9)[1] + _min_start(following, width)
            story.append(CondPageBreak(need - _SLACK))
        story.append(item)
    if doc.appendix is not None:
        appendix, grid = doc.appendix
        heading = TextBlock([(appendix.heading, "heiti")], layout.APPENDIX_HEADING, fonts)
        story += [PageBreak(), heading, _grid_table(grid, fonts)]
    return story


class _Heading(TextBlock):
    """A heading line (一、 or （一）), kept with the start of what follows it."""


def _min_start(flowable: Flowable, width: float) -> float:
    if hasattr(flowable, "min_start_height"):
        return float(flowable.min_start_height(width))
    return float(flowable.wrap(width, 1e9)[1])


def _paragraph(paragraph: Paragraph, fonts: FontSet) -> TextBlock:
    """A heading (一、 or a （一） line) or a body paragraph, perhaps opening with a 楷体 sub-heading;
    a heading is kept with the start of what follows it."""
    runs = [(text, layout.run_font(paragraph.kind, role)) for text, role in paragraph.runs]
    kind = _Heading if paragraph.kind != "body" else TextBlock
    return kind(runs, layout.PARAGRAPH_STYLES[paragraph.kind], fonts)


def _grid_table(grid: Grid, fonts: FontSet) -> GridTable:
    table = grid.table
    return GridTable(
        grid.cells,
        lines=grid.lines,
        columns=table.print_column_widths or (1.0,) * table.grid_columns,
        header_lines=table.header_lines,
        fonts=fonts,
        label_style=replace(layout.TABLE_LABEL, align=table.print_label_align),
    )


# ---------------------------------------------------------------- signature and keeping it company


class _Signature(Flowable):  # type: ignore[misc]
    """署名 and 成文日期 as GB/T 9704 places them under a seal; with a 定稿, the QR code at the left.

    Two blank lines first, for the upper half of the seal; the date ends four characters in from
    the right; the name is centred on the date (moved left if it would pass the margin)."""

    def __init__(self, doc: Content, fonts: FontSet, codes: Codes | None) -> None:
        super().__init__()
        style = layout.SIGNATURE
        self.name = Setting([(doc.signature_name, style.role)], style, fonts)
        self.date = Setting([(doc.signature_date, style.role)], style, fonts)
        self.fonts = fonts
        self.codes = codes

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        # With a QR code at the left, a long name wraps before it rather than running over it.
        self.left = layout.QR_SIZE + layout.BODY_SIZE if self.codes else 0.0
        lines = len(self.name.lines(avail_width - self.left))
        self.height = (layout.SEAL_LINES + lines + 1) * layout.LINE
        return self.width, self.height

    def draw(self) -> None:
        canvas, tracking = self.canv, layout.SIGNATURE.tracking
        date_width = self.date.width_of(0, len(self.date.text))
        date_right = self.width - layout.DATE_INSET_CHARS * layout.BODY_SIZE
        centre = date_right - date_width / 2
        row = layout.SEAL_LINES
        for line in self.name.lines(self.width - self.left):
            used = self.name.width_of(line.start, line.end)
            x = max(self.left, min(centre - used / 2, self.width - used))
            draw_run(canvas, self.name, line.start, line.end, x, self._baseline(row), tracking)
            row += 1
        draw_run(
            canvas, self.date, 0, len(self.date.text), date_right - date_width, self._baseline(row), tracking
        )
        if self.codes:
            from reportlab.graphics.barcode.qr import QrCode  # only a 定稿 has one: drafts skip its imports

            # The QR code above the code it carries, which is printed for typing where nothing can
            # scan it: a label in the name's line (left of where a long name may reach), the code's
            # lines in the date's line (left of the date).
            size, leading = layout.QR_SIZE, layout.FULL_CODE_LEADING
            code_lines = ["完整校验码：", *self.codes.full_lines()]
            QrCode(self.codes.qr, width=size, height=size, qrLevel="M", qrBorder=2).drawOn(
                canvas, 0, len(code_lines) * leading
            )
            canvas.setFont(self.fonts.name("songti"), layout.FULL_CODE_SIZE)
            drop = (leading - layout.FULL_CODE_SIZE) / 2
            for i, text in enumerate(code_lines, start=1):  # top down, so a copied text reads in order
                canvas.drawString(0, (len(code_lines) - i) * leading + drop, text)

    def _baseline(self, row: int) -> float:
        return float(self.height - row * layout.LINE - self.name.baseline_drop)


class _KeepTail(Flowable):  # type: ignore[misc]
    """The last paragraph followed by the signature: if the signature does not fit on the page, at
    least the paragraph's last line goes over with it (a signature page without text is not valid)."""

    def __init__(self, last: Flowable, block: Flowable) -> None:
        super().__init__()
        self.last, self.block = last, block

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self._h1 = float(self.last.wrap(avail_width, avail_height)[1])
        self._h2 = float(self.block.wrap(avail_width, avail_height)[1])
        self.height = self._h1 + self._h2
        return self.width, self.height

    def min_start_height(self, width: float) -> float:
        self.wrap(width, 1e9)
        if isinstance(self.last, TextBlock) and self.last.line_count(width) > 1:
            return min(self.last.min_start_height(width), self._h1)
        return self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        room = min(avail_height, self._h1 - 1)  # leave at least one line to go with the signature
        parts = self.last.split(avail_width, room) if room > 0 else []
        if len(parts) != 2:
            return []
        return [parts[0], _KeepTail(parts[1], self.block)]

    def draw(self) -> None:
        self.last.drawOn(self.canv, 0, self._h2)
        self.block.drawOn(self.canv, 0, 0)


# ---------------------------------------------------------------- what every page carries


class _PageDecoration:
    """Page number 「— N —」 7 mm under the block (odd pages right, even left, one character in);
    a draft's 草稿 watermark; a 定稿's fingerprint on the page-number line, at the other side."""

    def __init__(self, fonts: FontSet, code: str | None) -> None:
        self.fonts, self.code = fonts, code

    def __call__(self, canvas: Any, doc: Any) -> None:
        page = canvas.getPageNumber()
        canvas.saveState()
        if self.code is None:
            self._watermark(canvas)
        songti = self.fonts.name("songti")
        centre = layout.BLOCK_BOTTOM - layout.PAGE_NUMBER_DROP
        size = layout.PAGE_NUMBER_SIZE
        baseline = centre - size * (self.fonts.descent("songti") + 0.5)
        number = f"— {page} —"
        canvas.setFont(songti, size)
        odd = page % 2 == 1
        if odd:
            canvas.drawRightString(layout.BLOCK_RIGHT - layout.PAGE_NUMBER_INSET, baseline, number)
        else:
            canvas.drawString(layout.BLOCK_LEFT + layout.PAGE_NUMBER_INSET, baseline, number)
        if self.code:
            small = layout.FOOTER_CODE_SIZE
            text = f"校验码 {self.code}"
            canvas.setFont(songti, small)
            y = centre - small * (self.fonts.descent("songti") + 0.5)
            if odd:
                canvas.drawString(layout.BLOCK_LEFT, y, text)
            else:
                canvas.drawRightString(layout.BLOCK_RIGHT, y, text)
        canvas.restoreState()

    def _watermark(self, canvas: Any) -> None:
        size = layout.WATERMARK_SIZE
        canvas.saveState()
        canvas.setFillGray(layout.WATERMARK_GREY)
        canvas.translate(
            layout.BLOCK_LEFT + layout.BLOCK_WIDTH / 2, layout.BLOCK_BOTTOM + layout.BLOCK_HEIGHT / 2
        )
        canvas.rotate(layout.WATERMARK_ANGLE)
        # outlines, not text: copying from a draft must not pick up 草 or 稿 among the words
        font, text = self.fonts.font("heiti"), layout.WATERMARK_TEXT
        baseline = -size * (self.fonts.descent("heiti") + 0.5)
        draw_outlined(canvas, font, text, -text_width(font, text, size) / 2, baseline, size)
        canvas.restoreState()
