"""The report as a web page for the portal, and the same content as a fragment for a CMS editor.

Plain standard HTML a content-management system keeps: the title, the six headings, paragraphs as
`<p>`, the three tables with explicit `rowspan`/`colspan`, inline styles only, no scripts and no
classes. Text is escaped, never interpreted (a typed `<b>` stays `<b>`), and every character stays as
typed (年、月、〔〕 included): the page is UTF-8 and declares it. An appendix (a 汇总's list of the
reports it includes) follows the signature under a heading of its own.
"""

from __future__ import annotations

from html import escape

from core.documents.pdf.layout import BLANK_DATE
from core.documents.write.content import Content, Grid, Paragraph

_FACES = {
    "body": "仿宋_GB2312,FangSong,STFangsong,serif",
    "heading1": "黑体,SimHei,STHeiti,sans-serif",
    "heading2": "楷体_GB2312,KaiTi,STKaiti,serif",
    "title": "方正小标宋简体,SimHei,STHeiti,sans-serif",
    "table": "宋体,SimSun,STSong,serif",
}
_BODY = f"font-family:{_FACES['body']};font-size:16pt;line-height:1.8;text-indent:2em;margin:0"
_CELL = "border:1px solid #000;padding:2pt 3pt;vertical-align:middle"


def _text(text: str) -> str:
    return escape(text, quote=False)


def _paragraph(block: Paragraph) -> str:
    if block.kind == "heading1":
        style = f"font-family:{_FACES['heading1']};font-size:16pt;font-weight:normal;text-indent:2em;margin:0"
        return f'<h2 style="{style}">{_text(block.text)}</h2>'
    parts = []
    for text, role in block.runs:
        if role == "heading2":
            parts.append(f'<span style="font-family:{_FACES["heading2"]}">{_text(text)}</span>')
        else:
            parts.append(_text(text))
    return f'<p style="{_BODY}">{"".join(parts)}</p>'


def _table(grid: Grid) -> str:
    widths = grid.widths
    label_align = grid.table.print_label_align
    rows = []
    for line in range(grid.lines):
        cells = []
        for c in grid.line_cells(line):
            tag = "th" if c.role in ("header", "corner") else "td"
            align = label_align if c.role == "label" else "center"
            width = sum(widths[c.col : c.col + c.colspan]) * 100
            spans = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else ""
            )
            style = f"{_CELL};text-align:{align};font-weight:normal;width:{width:.1f}%"
            cells.append(f'<{tag}{spans} style="{style}">{_text(c.text)}</{tag}>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    style = (
        f"border-collapse:collapse;width:100%;font-family:{_FACES['table']};font-size:10.5pt;margin:0 0 1em"
    )
    return (
        f'<table border="1" cellspacing="0" cellpadding="3" style="{style}">\n'
        + "\n".join(rows)
        + "\n</table>"
    )


def html_fragment(doc: Content) -> str:
    """The report's content as HTML to paste into an editor (no page around it)."""
    title_style = f"font-family:{_FACES['title']};font-size:22pt;font-weight:normal;text-align:center"
    out = [f'<h1 style="{title_style}">{_text(doc.title)}</h1>']
    for block in doc.blocks:
        out.append(_table(block) if isinstance(block, Grid) else _paragraph(block))
    sign = f"font-family:{_FACES['body']};font-size:16pt;line-height:1.8;text-align:right;margin:0"
    sign += ";padding-right:4em"
    out.append(f'<p style="{sign};margin-top:3.6em">{_text(doc.signature_name)}</p>')
    if doc.signature_date != BLANK_DATE:  # a web page has no pen: no 「年 月 日」 without a date
        out.append(f'<p style="{sign}">{_text(doc.signature_date)}</p>')
    if doc.code:
        out.append(f'<p style="{_BODY};font-size:10.5pt;text-indent:0">校验码 {_text(doc.code)}</p>')
    if doc.appendix:
        appendix, grid = doc.appendix
        style = f"font-family:{_FACES['heading1']};font-size:16pt;font-weight:normal;margin:2em 0 0.5em"
        out += [f'<h2 style="{style}">{_text(appendix.heading)}</h2>', _table(grid)]
    return "\n".join(out) + "\n"


def _keywords(doc: Content) -> str:
    """An appendix's mark (a 汇总's) as the page's keywords, so that a reader of the page can tell."""
    mark = doc.appendix[0].mark if doc.appendix else ""
    return f'<meta name="keywords" content="{_text(mark)}">\n' if mark else ""


def render_html(doc: Content) -> bytes:
    """A self-contained UTF-8 page."""
    page = (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_text(doc.title)}</title>\n{_keywords(doc)}</head>\n"
        '<body style="max-width:156mm;margin:2em auto;padding:0 1em">\n'
        f"{html_fragment(doc)}</body>\n</html>\n"
    )
    return page.encode("utf-8")
