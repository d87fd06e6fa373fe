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
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from docx.oxml.ns import nsmap, qn
from lxml import etree

from core.documents.write.content import Grid, GridCell

W_NS = nsmap["w"]
EAST_ASIA_LANGUAGE = "zh-CN"
_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


@cache
def _clark(tag: str) -> str:
    return str(qn(tag))


def element(tag: str, children: Sequence[Any] = (), **attrs: str) -> Any:
    """A w: element with w: attributes (`val="x"` → `w:val="x"`) and children. Plain lxml (python-docx's
    own element classes cost twice the time): it takes the w: prefix of the tree it is put in."""
    el = etree.Element(_clark(tag), {_clark(f"w:{key}"): value for key, value in attrs.items()})
    el.extend(children)
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


def theme_language(settings: Any) -> None:
    """The document's theme font language: Chinese, not the template's Japanese."""
    replace_child(settings, element("w:themeFontLang", val="en-US", eastAsia=EAST_ASIA_LANGUAGE))


def font_table(blob: bytes, faces: dict[str, str]) -> bytes:
    """The font table with each of `faces` (name → the face to use where it is missing) declared as
    a Chinese (GB2312) font, so Word and WPS substitute a Chinese face for a missing one."""
    root = etree.fromstring(blob)
    for name, alternative in faces.items():
        for old in root.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                root.remove(old)
        declared = [
            element("w:altName", val=alternative),
            element("w:charset", val="86"),
            element("w:family", val="modern"),
            element("w:pitch", val="fixed"),
        ]
        font = element("w:font", declared)
        font.set(qn("w:name"), name)
        root.append(font)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


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
    style_id: str,
    face: str,
    *,
    rule_eighths: int = 4,
    margin_twips: tuple[int, int] = (40, 60),
) -> Any:
    """A `w:tbl` of a layout grid, each cell one paragraph of style `style_id` in `face`. Every grid
    position gets a `w:tc`: a cell's first line carries its text, the lines below continue its
    `w:vMerge`. Written as one string and parsed once: ten times faster than element by element."""
    widths = twips_shares(width_twips, grid.widths)
    border = f'w:val="single" w:sz="{rule_eighths}" w:space="0" w:color="000000"'
    x, y = margin_twips
    label_jc = "left" if grid.table.print_label_align == "left" else "center"
    rfonts = f'<w:rPr><w:rFonts w:ascii="{face}" w:hAnsi="{face}" w:eastAsia="{face}" w:cs="{face}"/></w:rPr>'
    out = [
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblW w:w="{width_twips}" w:type="dxa"/><w:jc w:val="center"/>',
        "<w:tblBorders>", *(f"<w:{side} {border}/>" for side in _SIDES), "</w:tblBorders>",
        '<w:tblLayout w:type="fixed"/><w:tblCellMar>',
        f'<w:top w:w="{y}" w:type="dxa"/><w:left w:w="{x}" w:type="dxa"/>',
        f'<w:bottom w:w="{y}" w:type="dxa"/><w:right w:w="{x}" w:type="dxa"/></w:tblCellMar>',
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>",
    ]  # fmt: skip
    owner: dict[tuple[int, int], GridCell] = {}
    for cell in grid.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                owner[(r, c)] = cell
    for line in range(grid.lines):
        out.append("<w:tr><w:trPr><w:cantSplit/>")
        out.append("<w:tblHeader/></w:trPr>" if line < grid.table.header_lines else "</w:trPr>")
        col = 0
        while col < grid.columns:
            cell = owner[(line, col)]
            starts = cell.row == line
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{sum(widths[col : col + cell.colspan])}" w:type="dxa"/>')
            if cell.colspan > 1:
                out.append(f'<w:gridSpan w:val="{cell.colspan}"/>')
            if cell.rowspan > 1:
                out.append('<w:vMerge w:val="restart"/>' if starts else "<w:vMerge/>")
            out.append(f'<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="{style_id}"/>')
            if starts and cell.role in ("header", "corner"):
                out.append("<w:keepNext/>")  # a header line stays with the line below it
            if starts and cell.role == "label":
                out.append(f'<w:jc w:val="{label_jc}"/>')
            out.append("</w:pPr>")
            if starts and cell.text:
                out.append(f'<w:r>{rfonts}<w:t xml:space="preserve">{escape(cell.text)}</w:t></w:r>')
            out.append("</w:p></w:tc>")
            col += cell.colspan
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return etree.fromstring("".join(out))
