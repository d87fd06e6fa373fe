"""HTML reader (`.html`/`.htm`, clipboard HTML): paragraphs and tables, rowspan/colspan expanded.

The page is decoded by its own meta charset (GBK/GB2312 pages are read as GB18030, their superset).
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from core.documents.read.cells import Line
from core.documents.read.limits import MAX_COLSPAN, MAX_ROWSPAN, span
from core.errors import UserError

_CONTAINERS = {"p", "div", "table", "li", "section", "article", "h1", "h2", "h3"}
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "title", "section", "article"}


def decode_html(data: bytes) -> str:
    head = data[:4096].decode("ascii", "ignore")
    found = re.search(r"charset\s*=\s*[\"']?([\w-]+)", head, re.I) or re.search(
        r"encoding\s*=\s*[\"']([\w-]+)", head, re.I
    )
    charset = found.group(1).lower() if found else "utf-8"
    if charset in {"gbk", "gb2312", "gb_2312-80", "x-gbk", "gb18030", "cp936"}:
        charset = "gb18030"
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("gb18030", errors="replace")


def _text(element: lxml_html.HtmlElement) -> str:
    """An element's text with line breaks where the page breaks lines (br, p inside a cell)."""
    parts: list[str] = []
    for node in element.iter():
        if node.tag in _BLOCKS and parts:
            parts.append("\n")
        if node.text and node.tag not in {"script", "style"}:
            parts.append(node.text)
        if node is not element and node.tail:
            parts.append(node.tail)
    return "".join(parts).replace("\xa0", " ").strip()


_RIGHT = re.compile(r"text-align\s*:\s*right", re.I)


_RIGHT_CLASS = re.compile(r"\.([\w-]+)\s*\{[^}]*text-align\s*:\s*right", re.I)


def _right_classes(root: lxml_html.HtmlElement) -> set[str]:
    """The classes the page's style sheets align right (`.P8 { text-align: right }`)."""
    return {m.group(1) for style in root.iter("style") for m in _RIGHT_CLASS.finditer(style.text or "")}


def _aligned_right(element: lxml_html.HtmlElement, classes: set[str]) -> bool:
    """Right-aligned by the element or a block around it (`align="right"`, `text-align: right`, a class
    the page's style sheet aligns right)."""
    for node in (element, *element.iterancestors()):
        if node.tag in {"td", "th", "body"}:
            return False
        if (node.get("align") or "").lower() == "right" or _RIGHT.search(node.get("style") or ""):
            return True
        if classes and classes.intersection((node.get("class") or "").split()):
            return True
    return False


def _table_of(element: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The nearest table around `element`."""
    return next(element.iterancestors("table"), None)


def _is_layout(table: lxml_html.HtmlElement) -> bool:
    """A table that holds tables lays out the page (common on government portals); it is no data."""
    return next(table.iterdescendants("table"), None) is not None


def table_lines(table: lxml_html.HtmlElement) -> list[Line]:
    """One line per row, one cell per <td>; a cell a rowspan carries down is an empty cell."""
    carried: dict[tuple[int, int], bool] = {}
    lines: list[Line] = []
    rows = [tr for tr in table.iter("tr") if _table_of(tr) is table]  # not a nested table's rows
    for r, tr in enumerate(rows):
        cells: list[str] = []
        col = 0
        for td in tr:
            if td.tag not in {"td", "th"}:
                continue
            while carried.pop((r, col), False):
                cells.append("")
                col += 1
            rowspan, colspan = span(td.get("rowspan"), MAX_ROWSPAN), span(td.get("colspan"), MAX_COLSPAN)
            for dr in range(1, rowspan):
                for dc in range(colspan):
                    carried[(r + dr, col + dc)] = True
            cells.append(" ".join(_text(td).split("\n")))
            col += colspan
        while carried.pop((r, col), False):
            cells.append("")
            col += 1
        lines.append(Line(cells))
    return lines


def read_html(data: bytes | str) -> list[Line]:
    text = decode_html(data) if isinstance(data, bytes) else data
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml_html.document_fromstring(text)
    except Exception:  # lxml raises several types for junk; all mean the same to the user
        raise UserError("这个网页文件无法解析，不像是年度报告网页。") from None
    right_classes = _right_classes(root)
    for junk in root.iter("script", "style", "head"):
        junk.drop_tree()
    lines: list[Line] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        around = _table_of(element)
        if around is not None and not _is_layout(around):
            continue  # inside a data table: read as its cells
        if element.tag == "table":
            if not _is_layout(element):
                lines += table_lines(element)
        elif element.tag in _BLOCKS - {"br", "tr"}:
            if not any(c.tag in _CONTAINERS for c in element.iterdescendants()):
                right = _aligned_right(element, right_classes)
                lines += [Line([t.strip()], right=right) for t in _text(element).split("\n") if t.strip()]
            else:  # a block holding blocks: only its own loose text
                for t in (element.text, *(c.tail for c in element)):
                    if t and t.strip():
                        lines.append(Line([t.strip()]))
    return lines
