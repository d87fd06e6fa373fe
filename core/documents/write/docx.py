"""The report as a Word document (.docx) for Word and WPS, laid out as the PDF is (GB/T 9704).

A4 with 天头 37 mm and 订口 28 mm, a 156 × 225 mm block on a 22 × 28 document grid; body 3号
仿宋_GB2312, 一、 headings 黑体, （一） headings 楷体_GB2312, the title 2号 方正小标宋简体 (Word and WPS
substitute a face that is missing, as for any 公文); tables A–C from the format's layout grid in 5号
宋体 with their header rows repeating; page numbers 「— N —」 in 4号宋体 as a PAGE field, odd pages
right and even pages left; 署名 and 成文日期 as the PDF places them; a 定稿's 校验码 in every footer. An
appendix starts a new page: its heading in 3号黑体 at the left, its table as the report's are.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from functools import partial
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Twips

from core.documents.pdf import layout
from core.documents.write import ooxml
from core.documents.write.content import Content, Grid, Paragraph, ems
from core.documents.write.ooxml import element

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
XIAOBIAOSONG = "方正小标宋简体"
# Where a face is missing: the common one of its kind (小标宋 is commercial: 黑体, as the PDF falls back).
ALTERNATIVES = {FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: HEITI, HEITI: "SimHei", SONGTI: "SimSun"}

TWIPS_PER_PT = 20
BLOCK_TWIPS = round(layout.BLOCK_WIDTH * TWIPS_PER_PT)  # 8844
LINE_TWIPS = 579  # 225 mm / 22 lines, as Word's 公文 templates round it
PITCH_TWIPS = BLOCK_TWIPS / layout.CHARS_PER_LINE  # one grid character, 15.79 pt
# The 22-line grid of the page (`w:docGrid` of type lines). Not linesAndChars with a negative charSpace,
# Word's 28 characters a line: LibreOffice then gives each character wider than its grid cell two cells
# (14 a line), and with any charSpace ignores character spacing (27 a line). Paragraphs keep 28 a line by
# their own condensed spacing instead (28 × (16 − 0.25) pt fits the 442.2 pt block), which Word, WPS
# and LibreOffice all honour alike; punctuation never hangs past the block (as in the PDF).
TRACKING_TWIPS = math.floor(layout.BODY_TRACKING * TWIPS_PER_PT)  # -5: 0.25 pt
INDENT_TWIPS = round(layout.PAGE_NUMBER_INSET * TWIPS_PER_PT)  # page numbers one character in
# The footer line is centred 7 mm below the block: its bottom edge lies half a line lower still.
FOOTER_LINE_PT = layout.PAGE_NUMBER_SIZE
FOOTER_CENTRE_PT = layout.BLOCK_BOTTOM - layout.PAGE_NUMBER_DROP  # above the page's foot
# A CJK face sets its em box above the middle of an exactly 14 pt line (measured in LibreOffice's
# rendering: 2.7 pt); the footer sits that much lower so the 一字线 is centred 7 mm below the block.
FOOTER_EM_RAISE_PT = 2.7
TABLE_LINE_TWIPS = round(layout.TABLE_TEXT.leading * TWIPS_PER_PT)

_FACE = {"body": FANGSONG, "heading2": KAITI}


def _ppr(line_twips: int, jc: str | None, *extra: Any, indent: bool = False, after: int = 0) -> Any:
    """A style's paragraph properties: an exact line pitch, off the document grid (on each style:
    LibreOffice reads no document default for it), no hanging punctuation and no extra space between
    Chinese and Latin or digits, as in the PDF."""
    children = [
        *extra,
        element("w:snapToGrid", val="0"),
        element("w:overflowPunct", val="0"),
        element("w:autoSpaceDE", val="0"),
        element("w:autoSpaceDN", val="0"),
        element("w:spacing", before="0", after=str(after), line=str(line_twips), lineRule="exact"),
        element("w:ind", firstLineChars="200", firstLine=str(round(2 * PITCH_TWIPS)))
        if indent
        else element("w:ind", firstLine="0"),
    ]
    if jc is not None:
        children.append(element("w:jc", val=jc))
    return ooxml.paragraph_properties(children)


def _styles(doc: Any) -> dict[str, str]:
    """Set up the styles the document uses; their style ids by role."""
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr_default.remove(rpr_default[0])
    rpr_default.append(ooxml.run_properties(FANGSONG, layout.BODY_SIZE, lang=True))
    ppr_default = defaults.find(qn("w:pPrDefault"))
    ppr_default.remove(ppr_default[0])
    ppr_default.append(_ppr(LINE_TWIPS, None))
    keep = partial(element, "w:keepNext")
    title_line = round(layout.TITLE.leading * TWIPS_PER_PT)
    footer_line = round(FOOTER_LINE_PT * TWIPS_PER_PT)
    track = TRACKING_TWIPS
    # role: (style id or new style's name, built in, paragraph properties, face, size, tracking)
    specs = {
        "body": ("Normal", True, _ppr(LINE_TWIPS, "both", indent=True), FANGSONG, layout.BODY_SIZE, track),
        "heading1": ("Heading1", True, _ppr(LINE_TWIPS, "both", keep(), element("w:outlineLvl", val="0"),
                     indent=True), HEITI, layout.BODY_SIZE, track),
        "heading2": ("Heading2", True, _ppr(LINE_TWIPS, "both", keep(), element("w:outlineLvl", val="1"),
                     indent=True), KAITI, layout.BODY_SIZE, track),
        "title": ("报告标题", False, _ppr(title_line, "center", keep(), after=LINE_TWIPS), XIAOBIAOSONG,
                  layout.TITLE_SIZE, 0),
        "table": ("表格文字", False, _ppr(TABLE_LINE_TWIPS, "center"), SONGTI, layout.TABLE_SIZE, 0),
        "signature": ("落款", False, _ppr(LINE_TWIPS, "right", keep()), FANGSONG, layout.BODY_SIZE, track),
        "footer": ("页码", False, _ppr(footer_line, None), SONGTI, layout.PAGE_NUMBER_SIZE, 0),
    }  # fmt: skip
    ids = {}
    for role, (name, builtin, ppr, face, size, tracking) in specs.items():
        # By id, and added without python-docx's name checks: each walks every style of the template.
        el = styles.element.get_by_id(name) if builtin else styles.element.add_style_of_type(name, 1, False)
        for tag in ("w:pPr", "w:rPr"):
            old = el.find(qn(tag))
            if old is not None:
                el.remove(old)
        el.append(ppr)
        el.append(ooxml.run_properties(face, size, tracking_twips=tracking))
        if not builtin:
            el.insert(1, element("w:basedOn", val="Normal"))
        ids[role] = str(el.styleId)
    # The template's 160 other styles (tables, lists, Word 2010's) carry its theme fonts and most of the
    # file's bytes; a document the office edits further gets Word's own when they are asked for.
    kept = {*ids.values(), "DefaultParagraphFont", "TableNormal", "NoList"}
    for style in styles.element.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in kept:
            styles.element.remove(style)
        elif (link := style.find(qn("w:link"))) is not None:  # to a character style now gone
            style.remove(link)
    return ids


def _paragraph(style_id: str, runs: list[Any], *ppr_extra: Any) -> Any:
    ppr = ooxml.paragraph_properties([element("w:pStyle", val=style_id), *ppr_extra])
    return element("w:p", [ppr, *runs])


def _run(text: str, face: str, size: float | None = None) -> Any:
    rpr = element("w:rPr", [ooxml.fonts(face)])
    if size is not None:
        half = str(round(size * 2))
        rpr.append(element("w:sz", val=half))
        rpr.append(element("w:szCs", val=half))
    return ooxml.text_run(text, rpr)


def _signature(doc: Content, style_id: str) -> list[Any]:
    """Two blank lines for the seal, the 署名 centred on the date, the date four characters in."""
    date_right = round(layout.DATE_INSET_CHARS * PITCH_TWIPS)
    offset = (ems(doc.signature_date) - ems(doc.signature_name)) / 2 * PITCH_TWIPS
    name_right = max(0, round(date_right + offset))
    blank = [_paragraph(style_id, []) for _ in range(layout.SEAL_LINES)]
    name = _paragraph(style_id, [_run(doc.signature_name, FANGSONG)], element("w:ind", right=str(name_right)))
    date = _paragraph(
        style_id,
        [_run(doc.signature_date, FANGSONG)],
        element("w:keepNext", val="0"),
        element("w:ind", right=str(date_right)),
    )
    return [*blank, name, date]


def _footer_paragraph(style_id: str, odd: bool, code: str | None) -> Any:
    """「— N —」 one character in from the outer edge; a 定稿's 校验码 at the inner edge."""

    def songti() -> Any:
        return element("w:rPr", [ooxml.fonts(SONGTI)])

    number = [_run("— ", SONGTI), *ooxml.page_field(songti), _run(" —", SONGTI)]
    if code is None:
        if odd:
            return _paragraph(
                style_id, number, element("w:ind", right=str(INDENT_TWIPS)), element("w:jc", val="right")
            )
        return _paragraph(
            style_id, number, element("w:ind", left=str(INDENT_TWIPS)), element("w:jc", val="left")
        )
    mark = _run(f"校验码 {code}", SONGTI, layout.FOOTER_CODE_SIZE)
    tab = element("w:r", [element("w:tab")])
    if odd:
        stop = element("w:tabs", [element("w:tab", val="right", pos=str(BLOCK_TWIPS - INDENT_TWIPS))])
        return _paragraph(style_id, [mark, tab, *number], stop)
    stop = element("w:tabs", [element("w:tab", val="right", pos=str(BLOCK_TWIPS))])
    return _paragraph(style_id, [*number, tab, mark], stop, element("w:ind", left=str(INDENT_TWIPS)))


def _page(doc: Any) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Twips(round(layout.MARGIN_TOP * TWIPS_PER_PT))
    section.left_margin = Twips(round(layout.MARGIN_LEFT * TWIPS_PER_PT))
    section.right_margin = Twips(round((layout.PAGE_WIDTH - layout.BLOCK_RIGHT) * TWIPS_PER_PT))
    section.bottom_margin = Twips(round(layout.BLOCK_BOTTOM * TWIPS_PER_PT))
    section.header_distance = Mm(15)
    section.footer_distance = Twips(
        round((FOOTER_CENTRE_PT - FOOTER_LINE_PT / 2 - FOOTER_EM_RAISE_PT) * TWIPS_PER_PT)
    )
    ooxml.doc_grid(section._sectPr, LINE_TWIPS)


def render_docx(doc: Content, *, author: str, created: dt.datetime | None = None) -> bytes:
    """The .docx file's bytes."""
    document = docx.Document()
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # the template's picture of a python-docx page
            package.rels.pop(rid)
    for rid, rel in list(document.part.rels.items()):
        # Word 2010's copy of the styles (with the template's theme fonts), a bibliography store and
        # list definitions naming list styles that are dropped below: none is used.
        if rel.reltype.rsplit("/", 1)[-1] in ("stylesWithEffects", "customXml", "numbering"):
            document.part.rels.pop(rid)
        elif rel.reltype == RT.FONT_TABLE:
            rel.target_part._blob = ooxml.font_table(rel.target_part.blob, ALTERNATIVES)
    ooxml.theme_language(document.settings.element)
    styles = _styles(document)
    _page(document)

    body = document.element.body
    sect_pr = body[-1]
    out: list[Any] = [_paragraph(styles["title"], _title_runs(doc))]
    after_table = False
    for block in doc.blocks:
        if isinstance(block, Grid):
            out.append(ooxml.table(block, BLOCK_TWIPS, styles["table"], SONGTI))
            after_table = True
            continue
        out.append(_block_paragraph(block, styles, after_table))
        after_table = False
    last = out[-1]
    if last.tag == qn("w:p"):  # the last words go over with the signature
        ppr = last.find(qn("w:pPr"))
        last.replace(ppr, ooxml.paragraph_properties([*ppr, element("w:keepNext")]))
    out += _signature(doc, styles["signature"])
    if doc.appendix:
        out += _appendix(doc.appendix[0].heading, doc.appendix[1], styles)
    for el in out:
        sect_pr.addprevious(el)

    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        ftr = footer._element
        for p in list(ftr):
            ftr.remove(p)
        ftr.append(_footer_paragraph(styles["footer"], odd, doc.code))

    props = document.core_properties
    now = created or dt.datetime.now(dt.UTC).replace(microsecond=0)
    props.title = doc.title
    props.author = props.last_modified_by = author
    props.subject = doc.subject + ("（定稿）" if doc.code else "（草稿）")
    props.comments = f"校验码 {doc.code}" if doc.code else ""
    props.keywords = doc.appendix[0].mark if doc.appendix else ""
    props.created = props.modified = now.replace(tzinfo=None)
    props.revision = 1
    out_bytes = io.BytesIO()
    document.save(out_bytes)
    return out_bytes.getvalue()


def _title_runs(doc: Content) -> list[Any]:
    runs: list[Any] = []
    for i, line in enumerate(doc.title_lines):
        if i:
            runs.append(element("w:r", [element("w:br")]))
        runs.append(_run(line, XIAOBIAOSONG))
    return runs


def _appendix(heading: str, grid: Grid, styles: dict[str, str]) -> list[Any]:
    """A new page, the heading unindented with half a line under it, the table, and the empty
    paragraph Word would add after a table that ends the document."""
    first = _paragraph(
        styles["heading1"],
        [_run(heading, HEITI)],
        element("w:pageBreakBefore"),
        element("w:spacing", before="0", after=str(LINE_TWIPS // 2), line=str(LINE_TWIPS), lineRule="exact"),
        element("w:ind", firstLine="0", firstLineChars="0"),
    )
    return [first, ooxml.table(grid, BLOCK_TWIPS, styles["table"], SONGTI), _paragraph(styles["table"], [])]


def _block_paragraph(block: Paragraph, styles: dict[str, str], after_table: bool) -> Any:
    face = HEITI if block.kind == "heading1" else None
    runs = [_run(text, face or _FACE[role]) for text, role in block.runs]
    extra = [element("w:spacing", before=str(LINE_TWIPS // 2))] if after_table else []
    return _paragraph(styles[block.kind], runs, *extra)
