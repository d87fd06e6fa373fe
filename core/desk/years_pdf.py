"""Year over year as a one-page PDF: this year beside last year with the change and the 同比突变 flag,
and the key figures by year as a bar chart drawn with ReportLab's graphics (no other dependency)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from decimal import Decimal

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from core.desk.years import Change, key_figure_colours


def years_pdf(
    title: str, year: int, changes: Sequence[Change], series: Mapping[int, Mapping[str, Decimal]]
) -> bytes:
    from core.documents.pdf.fonts import FontSet, resolve_fonts

    font = FontSet(resolve_fonts()).name("heiti")
    width, height = A4
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setFont(font, 18)
    canvas.drawCentredString(width / 2, height - 72, title)
    columns = (72, 180, 270, 360, 470)
    y = height - 120
    canvas.setFont(font, 11)
    for x, text in zip(columns, ("指标", f"{year}年", f"{year - 1}年", "变化", "同比突变"), strict=True):
        canvas.drawString(x, y, text)
    canvas.line(72, y - 6, width - 72, y - 6)
    for change in changes:
        y -= 22
        canvas.setFillColor(colors.HexColor("#b00020") if change.jump else colors.black)
        last = "" if change.last is None else str(change.last)
        cells = (change.name, str(change.this), last, change.text, "同比突变" if change.jump else "")
        for x, text in zip(columns, cells, strict=True):
            canvas.drawString(x, y, text)
    canvas.setFillColor(colors.black)
    names = [name for name, _colour in key_figure_colours()]
    years = sorted(series)
    drawing = Drawing(width - 144, 300)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 40, width - 200, 220
    chart.data = [[float(series[y][name]) for y in years] for name in names] if years else [[0]]
    chart.categoryAxis.categoryNames = [f"{y}年" for y in years] or [""]
    chart.categoryAxis.labels.fontName = font
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.valueMin = 0
    for i, (_name, colour) in enumerate(key_figure_colours()):
        chart.bars[i].fillColor = colors.HexColor(colour)
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.alignment = 40, 290, font, "right"
    legend.columnMaximum, legend.dx, legend.dy = 1, 10, 10
    legend.colorNamePairs = [(colors.HexColor(c), n) for n, c in key_figure_colours()]
    drawing.add(legend)
    drawing.drawOn(canvas, 72, y - 360)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
