"""The WordprocessingML python-docx has no API for, written through its oxml layer in one place.

East-Asian fonts on every style and run (`w:eastAsia`; python-docx's `font.name` sets only the Latin
faces, and its template takes CJK faces from a theme whose language is Japanese), the theme language,
the document grid (`w:docGrid`), PAGE fields, and whole tables built from a layout grid:
`w:tblGrid`/`w:gridCol` for WPS and cell widths for Word, fixed layout, `w:gridSpan`/`w:vMerge` for
merged cells, `w:tblHeader` on the rows that repeat on each page.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from core.write.content import Grid, GridCell

EAST_ASIA_LANGUAGE = "zh-CN"
_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def element(tag: str, children: Sequence[Any] = (), **attrs: str) -> Any:
    """A w: element with w: attributes (`val="x"` → `w:val="x"`) and children."""
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    for child in children:
        el.append(child)
    return el


# CT_PPrBase's sequence: Word refuses a file whose paragraph properties are out of this order.
_PPR_ORDER = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)
_PPR_RANK = {qn(f"w:{tag}"): i for i, tag in enumerate(_PPR_ORDER)}


def paragraph_properties(children: Sequence[Any]) -> Any:
    """`w:pPr` with its children in schema order; of two of the same kind the later one wins."""
    chosen: dict[str, Any] = {}
    for child in children:
        chosen[child.tag] = child
    return element("w:pPr", sorted(chosen.values(), key=lambda c: _PPR_RANK[c.tag]))


def replace_child(parent: Any, child: Any) -> Any:
    """Put `child` in `parent` instead of any element of the same tag (appended when there is none)."""
    old = parent.find(child.tag)
    if old is None:
        parent.append(child)
    else:
        parent.replace(old, child)
    return child


def fonts(face: str) -> Any:
    """`w:rFonts` naming one face for every script; no theme fonts, which depend on the theme language."""
    return element("w:rFonts", ascii=face, hAnsi=face, eastAsia=face, cs=face)


def run_properties(face: str, size_pt: float, *, tracking_twips: int = 0, lang: bool = False) -> Any:
    """`w:rPr`: the face for every script, the character spacing and the size (half-points); `lang`:
    Chinese as the East-Asian language, for the document defaults."""
    half_points = str(round(size_pt * 2))
    children = [fonts(face)]
    if tracking_twips:
        children.append(element("w:spacing", val=str(tracking_twips)))
    children += [element("w:sz", val=half_points), element("w:szCs", val=half_points)]
    if lang:
        children.append(element("w:lang", val="en-US", eastAsia=EAST_ASIA_LANGUAGE, bidi="ar-SA"))
    return element("w:rPr", children)


def set_run_fonts(rpr: Any, face: str) -> None:
    """Set `face` for every script on an existing `w:rPr`, dropping theme references."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rpr.insert(0, fonts(face))
        return
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), face)


def theme_language(settings: Any) -> None:
    """The document's theme font language: Chinese, not the template's Japanese."""
    replace_child(settings, element("w:themeFontLang", val="en-US", eastAsia=EAST_ASIA_LANGUAGE))


def doc_grid(sect_pr: Any, line_pitch_twips: int) -> None:
    """The 文档网格 of a section: a line grid of the given pitch."""
    replace_child(sect_pr, element("w:docGrid", type="lines", linePitch=str(line_pitch_twips)))


def text_run(text: str, rpr: Any | None = None) -> Any:
    """`w:r` with literal text (spaces kept; markup-like characters are escaped by lxml)."""
    r = element("w:r")
    if rpr is not None:
        r.append(rpr)
    t = element("w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    r.append(t)
    return r


def page_field(rpr_factory: Any) -> list[Any]:
    """The runs of a PAGE field (begin, instruction, separate, a shown number, end)."""

    def run(*children: Any) -> Any:
        return element("w:r", [rpr_factory(), *children])

    instr = element("w:instrText")
    instr.text = " PAGE "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    shown = element("w:t")
    shown.text = "1"
    return [
        run(element("w:fldChar", fldCharType="begin")),
        run(instr),
        run(element("w:fldChar", fldCharType="separate")),
        run(shown),
        run(element("w:fldChar", fldCharType="end")),
    ]


def twips_shares(total: int, shares: Sequence[float]) -> list[int]:
    """Split `total` twips by shares, rounding so the parts add up exactly."""
    edges = [round(total * sum(shares[:i]) / sum(shares)) for i in range(len(shares) + 1)]
    return [b - a for a, b in itertools.pairwise(edges)]


def table(
    grid: Grid,
    width_twips: int,
    cell_paragraph: Any,
    *,
    rule_eighths: int = 4,
    margin_twips: tuple[int, int] = (40, 60),
) -> Any:
    """A `w:tbl` of a layout grid. `cell_paragraph(cell)` gives each cell's `w:p`. Every grid position
    gets a `w:tc`: a cell's first line carries its text, the lines below it continue its `w:vMerge`."""
    widths = twips_shares(width_twips, grid.widths)
    border = {"val": "single", "sz": str(rule_eighths), "space": "0", "color": "000000"}
    side_x, side_y = str(margin_twips[0]), str(margin_twips[1])
    tbl_pr = element(
        "w:tblPr",
        [
            element("w:tblW", w=str(width_twips), type="dxa"),
            element("w:jc", val="center"),
            element(
                "w:tblBorders",
                [element(f"w:{side}", **border) for side in _SIDES],
            ),
            element("w:tblLayout", type="fixed"),
            element(
                "w:tblCellMar",
                [
                    element("w:top", w=side_y, type="dxa"),
                    element("w:left", w=side_x, type="dxa"),
                    element("w:bottom", w=side_y, type="dxa"),
                    element("w:right", w=side_x, type="dxa"),
                ],
            ),
            element(
                "w:tblLook",
                val="0000",
                firstRow="0",
                lastRow="0",
                firstColumn="0",
                lastColumn="0",
                noHBand="1",
                noVBand="1",
            ),
        ],
    )
    tbl = element("w:tbl", [tbl_pr, element("w:tblGrid", [element("w:gridCol", w=str(w)) for w in widths])])
    owner: dict[tuple[int, int], GridCell] = {}
    for cell in grid.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                owner[(r, c)] = cell
    for line in range(grid.lines):
        tr_pr = element("w:trPr", [element("w:cantSplit")])
        if line < grid.table.header_lines:
            tr_pr.append(element("w:tblHeader"))
        tr = element("w:tr", [tr_pr])
        col = 0
        while col < grid.columns:
            cell = owner[(line, col)]
            tc_pr = element(
                "w:tcPr", [element("w:tcW", w=str(sum(widths[col : col + cell.colspan])), type="dxa")]
            )
            if cell.colspan > 1:
                tc_pr.append(element("w:gridSpan", val=str(cell.colspan)))
            if cell.rowspan > 1:
                tc_pr.append(element("w:vMerge", val="restart") if cell.row == line else element("w:vMerge"))
            tc_pr.append(element("w:vAlign", val="center"))
            para = cell_paragraph(cell) if cell.row == line else cell_paragraph(None)
            tr.append(element("w:tc", [tc_pr, para]))
            col += cell.colspan
        tbl.append(tr)
    return tbl
