"""What every exported document contains, walked once from the report and its format definition.

The Word, Excel and web writers all read this: the title, the six section headings in order, each
narrative as paragraphs (a line opening with （一） is a 楷体 sub-heading, as in the PDF), each table as
the cells of its layout grid with their shown values, and the signature. No writer spells a heading,
a label or a table shape of its own. The PDF sets the same content and the 校验码 is taken from it
(`core.documents.fingerprint`), so the code on the paper covers exactly what the paper shows. A character that
would print as nothing is shown as 〈U+200B〉 (`core.model.hidden_characters`), never dropped or hidden.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Literal

from core.documents.pdf.layout import BLANK_DATE, Cell
from core.format.definition import Table
from core.model.hidden_characters import shown
from core.model.report import Report, chinese_date
from core.rules.narrative import subheading_length
from core.rules.table import resolved_values, shown_value

RunRole = Literal["body", "heading2"]
ParagraphKind = Literal["heading1", "heading2", "body"]

TITLE_LINE_EMS = 20  # a 2号 title wider than the 156 mm block (20 characters) breaks after the agency


def ems(text: str) -> float:
    """Width in characters of the text's size: Latin letters and digits are half as wide."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def title_lines(title: str, agency: str) -> tuple[str, ...]:
    """The title as every document prints it (PDF, Word, web page): too wide for one line, it breaks
    after the agency name, as printed titles do."""
    if title.startswith(agency) and title != agency and ems(title) > TITLE_LINE_EMS:
        return (agency, title[len(agency) :])
    return (title,)


@dataclass(frozen=True)
class Paragraph:
    """A heading or a body paragraph as runs of text; a body paragraph may open with a 楷体 run."""

    kind: ParagraphKind
    runs: tuple[tuple[str, RunRole], ...]
    text_key: str | None = None  # the narrative it belongs to (None for a section heading)

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)


@dataclass(frozen=True)
class GridCell(Cell):
    """A drawn cell of a table as the PDF has it (grid position, spans, role, printed text), and for a
    value cell its address, its value for arithmetic (blank as None) and whether it is a derived total."""

    address: str | None = None
    value: Decimal | None = None
    derived: bool = False


@dataclass(frozen=True)
class Grid:
    table: Table
    cells: tuple[GridCell, ...]

    @property
    def lines(self) -> int:
        return len(self.table.lines)

    @property
    def columns(self) -> int:
        return self.table.grid_columns

    @property
    def widths(self) -> tuple[float, ...]:
        """Each grid column's share of the text block (equal shares when the format gives none)."""
        return self.table.print_column_widths or (1 / self.columns,) * self.columns

    def line_cells(self, line: int) -> Iterator[GridCell]:
        return iter(self._by_line.get(line, ()))

    @cached_property
    def _by_line(self) -> dict[int, list[GridCell]]:
        """The cells of each line, found once (a 汇总's list of 2,000 reports is 10,000 cells)."""
        lines: dict[int, list[GridCell]] = {}
        for cell in self.cells:
            lines.setdefault(cell.row, []).append(cell)
        return lines


Block = Paragraph | Grid


@dataclass(frozen=True)
class Appendix:
    """A table printed after the report, on a page of its own under a heading: not part of the
    national format (a 汇总's list of the reports it includes, see `core.desk.included`). Its layout grid is
    a `Table` whose cells hold text and no address, drawn as the report's tables are."""

    heading: str
    table: Table
    short_name: str  # a workbook's sheet name for it (at most 31 characters)
    mark: str = ""  # written into the file's properties (keywords): a 汇总's mark, see `core.desk.marks`


@dataclass(frozen=True)
class Content:
    title_lines: tuple[str, ...]
    blocks: tuple[Block, ...]
    signature_name: str
    signature_date: str  # 2022年1月20日, or spaces before 年月日 for a date written by hand
    code: str | None  # a 定稿's 校验码
    subject: str  # the kind of document, for the file's properties
    format: str  # the format definition: the row labels and table shapes printed around the values
    year: int
    appendix: tuple[Appendix, Grid] | None = None  # a table after the signature, and its grid

    @property
    def title(self) -> str:
        return "".join(self.title_lines)


def content(report: Report, code: str | None = None, appendix: Appendix | None = None) -> Content:
    """The report as the exported documents show it; `code`: a 定稿's 校验码 (None for a draft);
    `appendix`: a table to add after the signature."""
    values = resolved_values(report)
    blocks: list[Block] = []
    for section in report.spec.sections:
        blocks.append(Paragraph("heading1", ((section.full_heading, "body"),)))
        if section.table_key:
            blocks.append(grid(report, report.spec.table(section.table_key), values))
        elif section.text_key:
            blocks += paragraphs(report.texts[section.text_key], section.text_key)
    lines = title_lines(writable(report.title), writable(report.agency))
    date = report.signature.date
    return Content(
        title_lines=lines,
        blocks=tuple(blocks),
        signature_name=writable(report.signature.name or report.agency).strip(),
        signature_date=chinese_date(date) if date else BLANK_DATE,
        code=code,
        subject=report.spec.subject,
        format=report.format,
        year=report.year,
        appendix=(appendix, grid(report, appendix.table, {})) if appendix else None,
    )


def writable(text: str) -> str:
    """The text as every document prints it: a character that prints as nothing (a control character,
    U+200B, U+202E, a lone surrogate: also what no document file can hold) shown as 〈U+200B〉."""
    return shown(text)


def paragraphs(text: str, text_key: str | None = None) -> list[Paragraph]:
    """Narrative text: one paragraph per non-empty line; a line opening with （一） is a sub-heading, or
    (when it runs on into a sentence) opens with one: the words up to the first 。."""
    out: list[Paragraph] = []
    for raw in writable(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n"):
        line = raw.strip()  # indentation is the layout's job
        if not line:
            continue
        end = subheading_length(line)  # the same grammar as the editor and the PDF
        if 0 < end < len(line):
            out.append(Paragraph("body", ((line[:end], "heading2"), (line[end:], "body")), text_key))
        elif end:
            out.append(Paragraph("heading2", ((line, "heading2"),), text_key))
        else:
            out.append(Paragraph("body", ((line, "body"),), text_key))
    return out


def grid(report: Report, table: Table, values: dict[str, Decimal]) -> Grid:
    """A table's layout grid with every cell's printed text (a blank total shows its computed sum)."""
    cells = []
    for p in table.placed:
        address = p.cell.address
        if address is None:
            text = writable(p.cell.text)  # the format's own labels, or an appendix's names from reports
            cells.append(GridCell(p.row, p.col, p.cell.rowspan, p.cell.colspan, p.cell.role, text))
            continue
        derived = report.spec.cells[address].derived
        value = values[address] if derived else report.values[address]
        cells.append(
            GridCell(
                p.row,
                p.col,
                p.cell.rowspan,
                p.cell.colspan,
                p.cell.role,
                shown_value(report, values, address),
                address,
                value,
                derived,
            )
        )
    return Grid(table, tuple(cells))


def plain_text(doc: Content) -> str:
    """The content as plain text (for the clipboard beside the HTML): table lines tab-separated."""
    out = [doc.title]
    for block in doc.blocks:
        out += [block.text] if isinstance(block, Paragraph) else _tab_lines(block)
    out.append(doc.signature_name)
    if doc.signature_date != BLANK_DATE:  # not the blanks left for a handwritten date
        out.append(doc.signature_date)
    if doc.code:
        out.append(f"校验码 {doc.code}")
    if doc.appendix:
        appendix, table = doc.appendix
        out += [appendix.heading, *_tab_lines(table)]
    return "\n".join(out) + "\n"


def _tab_lines(block: Grid) -> list[str]:
    out = []
    for line in range(block.lines):
        cells = ["" for _ in range(block.columns)]
        for c in block.line_cells(line):
            cells[c.col] = c.text
        out.append("\t".join(cells).rstrip("\t"))
    return out
