"""Typed objects for a report format (sections, tables, rows, columns, layout grid, checks).

A format is declared once as data (see `core/format/`) and validated here when it is built
(`validated`): every field has its declared type (pydantic, strict), every layout grid must tile its
table exactly, every value cell must appear once, every check must name real cells. Forms, rules, the
PDF and the exchange file all read these objects; none of them spells a label or a shape.

They are frozen standard-library dataclasses, not pydantic models: a command that only reads the kept
format (a fresh `check`) then never imports pydantic, which alone cost more than the rest of its work.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, Literal

ValueKind = Literal["count", "money"]
Severity = Literal["error", "warning"]
CellRole = Literal["corner", "header", "label", "value"]
LabelAlign = Literal["left", "center"]


def part_name(number: str) -> str:
    """A section as the texts and messages name it: 三 → 第三部分."""
    return f"第{number}部分"


@dataclass(frozen=True, kw_only=True)
class GridCell:
    """One cell of a table's drawn layout: text (corner/header/label) or a value cell by address."""

    role: CellRole
    text: str = ""
    address: str | None = None
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class PlacedCell:
    """A grid cell with its top-left position in the table grid (0-based)."""

    row: int
    col: int
    cell: GridCell

    @property
    def covers(self) -> list[tuple[int, int]]:
        """Every grid position the cell covers (a merged cell covers several)."""
        rows = range(self.row, self.row + self.cell.rowspan)
        return [(r, c) for r in rows for c in range(self.col, self.col + self.cell.colspan)]


@dataclass(frozen=True, kw_only=True)
class Column:
    """A column of a table: its key in the exchange file, its printed header and what it counts."""

    key: str
    name: str  # as printed in the header, e.g. 自然人
    kind: ValueKind = "count"


@dataclass(frozen=True, kw_only=True)
class Row:
    """A row of a table: its key, its names in messages and descriptions, and the columns it fills."""

    key: str
    name: str  # short form used in arithmetic messages, e.g. 三（七）总计
    title: str  # readable form used in cell descriptions, e.g. 三（三）1.属于国家秘密
    columns: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Table:
    """One of the format's tables: its rows and columns, its drawn layout grid and how it prints."""

    key: str  # key in the exchange JSON, e.g. requests
    section: str  # number of the section that holds it, e.g. 三
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    grid_columns: int
    header_lines: int  # leading layout lines that repeat when the table breaks across pages
    lines: tuple[tuple[GridCell, ...], ...]
    corner_note: str = ""
    # An older template's column headers for this table (2019: 本年新制作数量 …), each with the column
    # of this table that means the same ("" when none does): an import reads an old table by them.
    older_columns: tuple[tuple[str, str], ...] = ()
    # Print hints, so each format year brings its own: grid column widths as fractions of the text
    # block (None: equal columns), and how row labels sit in their cells.
    print_column_widths: tuple[float, ...] | None = None
    print_label_align: LabelAlign = "left"

    @property
    def part(self) -> str:
        """How the texts name the section holding the table: 第三部分."""
        return part_name(self.section)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @cached_property
    def placed(self) -> tuple[PlacedCell, ...]:
        """Every layout cell with its grid position, as HTML tables place row/col spans."""
        taken: set[tuple[int, int]] = set()
        placed: list[PlacedCell] = []
        for r, line in enumerate(self.lines):
            c = 0
            for cell in line:
                while (r, c) in taken:
                    c += 1
                placed.append(PlacedCell(r, c, cell))
                taken.update(placed[-1].covers)
                c += cell.colspan
        return tuple(placed)

    @cached_property
    def owners(self) -> dict[tuple[int, int], PlacedCell]:
        """The layout cell covering each grid position."""
        return {position: p for p in self.placed for position in p.covers}

    @cached_property
    def value_positions(self) -> dict[str, PlacedCell]:
        return {p.cell.address: p for p in self.placed if p.cell.address is not None}


@dataclass(frozen=True, kw_only=True)
class Section:
    """A numbered part of the report, with its narrative text, its table, or both."""

    number: str  # 一 … 六
    heading: str  # exact official heading, without the number
    text_key: str | None = None  # key under "text" in the exchange JSON
    table_key: str | None = None
    starter_subheadings: tuple[str, ...] = ()  # what a new report's narrative starts with
    opening: bool = False  # its text opens the report (TEXT.YEAR reads the year the opening names)
    required: bool = False  # its text must say something (TEXT.EMPTY): the format asks for it

    @property
    def full_heading(self) -> str:
        return f"{self.number}、{self.heading}"

    @property
    def part(self) -> str:
        """How the texts name the section: 第三部分."""
        return part_name(self.number)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A rule the format's reports are checked by (ids as in exchange-format.md) and how grave it is."""

    id: str  # e.g. B.BALANCE
    severity: Severity
    name: str = ""  # what the history and the dialogs call it, e.g. 表三收支平衡


@dataclass(frozen=True, kw_only=True)
class Term:
    """One cell of a sum, with how a message names it."""

    address: str
    name: str  # e.g. 一 or 自然人


@dataclass(frozen=True, kw_only=True)
class SumCheck:
    """sum(left) must equal sum(right). With `derives`, left is one total cell computed when blank."""

    rule: str
    context: str  # where, in words: 自然人列, 一、本年新收…行
    left: tuple[Term, ...]
    right: tuple[Term, ...]
    derives: bool = False


@dataclass(frozen=True, kw_only=True)
class YearCheck:
    """cell = previous year's `previous` + plus − minus (a soft rule across years)."""

    rule: str
    context: str
    basis: str  # what last year's cell is, in words
    cell: str
    previous: str
    plus: tuple[str, ...] = ()
    minus: tuple[str, ...] = ()


@dataclass(frozen=True)
class CellInfo:
    address: str
    table: Table
    row: Row
    column: Column
    derived: bool  # a total computed when left blank

    @property
    def kind(self) -> ValueKind:
        return self.column.kind

    @property
    def description(self) -> str:
        return f"{self.table.part}「{self.row.title}」「{self.column.name}」"


@dataclass(frozen=True, kw_only=True)
class TextPhrase:
    """How the narrative states one table number (TEXT.NUMBER): a pattern and the readings it allows.

    `pattern` is a regular expression matched inside one sentence; `{N}` marks the stated number (Arabic
    or Chinese numerals). A pattern without `{N}` is a negation: it states 0. Each reading is a sum of
    cells; the sentence contradicts the tables only when no reading equals the stated number. `context`
    (when given) must occur in the same sentence, `unless` must not (e.g. 规章 near 现行有效件数).
    """

    topic: str  # what the number is, in words, for the message
    pattern: str
    readings: tuple[tuple[str, ...], ...]
    context: str = ""
    unless: str = ""

    @property
    def negation(self) -> bool:
        return "{N}" not in self.pattern


@dataclass(frozen=True, kw_only=True)
class DraftBlock:
    """「根据表格生成」: sentences written from the tables under a sub-heading of a narrative.

    A template holds `{year}`, `{a+b}` (the sum of cells, as shown) and `{list:PREFIX|label=a+b|…}`
    (PREFIX then 「label N件」 for each part that is not 0, joined by 、; nothing when all are 0).
    """

    text_key: str
    heading: str  # the sub-heading the block goes under, e.g. （二）依申请公开
    templates: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class KeyFigure:
    """A figure the collection desk compares year over year (同比), the sum of some cells."""

    name: str  # 新收申请, 办结, 复议, 诉讼
    cells: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ReportFormat:
    """A whole report format: its sections, tables, rules, checks and the wording its texts use."""

    # for `validated`: pydantic reads it from the outermost class and applies it to every nested one
    __pydantic_config__: ClassVar[dict[str, Any]] = {"strict": True, "revalidate_instances": "always"}

    id: str  # "2021"
    basis: str  # the notice that set it
    title_template: str  # "{agency}{year}年政府信息公开工作年度报告"
    subject: str  # what kind of document it is, as titles end: 政府信息公开工作年度报告
    title_words: tuple[str, ...] = ()  # a published title names these, however it words the rest
    money_unit: str
    money_decimals: int
    count_limit: int  # the largest count a cell accepts
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    rules: tuple[Rule, ...]  # every rule id a check or a finding may name, with its severity
    checks: tuple[SumCheck, ...]
    year_checks: tuple[YearCheck, ...]
    text_phrases: tuple[TextPhrase, ...] = ()
    fixed_sentences: tuple[str, ...] = ()  # the national format's own wording, not counted by TEXT.COPIED
    draft_blocks: tuple[DraftBlock, ...] = ()
    key_figures: tuple[KeyFigure, ...] = ()

    def title(self, agency: str, year: int) -> str:
        return self.title_template.format(agency=agency, year=year)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    @cached_property
    def severities(self) -> dict[str, Severity]:
        return {r.id: r.severity for r in self.rules}

    def rule_name(self, rule: str) -> str:
        """A rule's Chinese name (its id for a rule the format does not know, e.g. from a newer version)."""
        return next((r.name or r.id for r in self.rules if r.id == rule), rule)

    def severity(self, rule: str) -> Severity:
        """A rule's severity; a rule the format does not declare is a programming error (KeyError)."""
        return self.severities[rule]

    @property
    def text_keys(self) -> tuple[str, ...]:
        return tuple(s.text_key for s in self.sections if s.text_key)

    @cached_property
    def cells(self) -> dict[str, CellInfo]:
        """Every cell of every table by address, in reading order."""
        derived = {c.left[0].address for c in self.checks if c.derives}
        cells: dict[str, CellInfo] = {}
        for table in self.tables:
            for row in table.rows:
                for col_key in row.columns:
                    address = f"{table.key}.{row.key}.{col_key}"
                    cells[address] = CellInfo(address, table, row, table.column(col_key), address in derived)
        return cells

    @cached_property
    def input_addresses(self) -> tuple[str, ...]:
        return tuple(a for a, info in self.cells.items() if not info.derived)

    @cached_property
    def derived_addresses(self) -> tuple[str, ...]:
        return tuple(a for a, info in self.cells.items() if info.derived)

    @cached_property
    def derivations(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(total cell, its parts), ordered so that every part is derived before a total that uses it."""
        pending: dict[str, tuple[str, ...]] = {}
        for check in self.checks:
            if check.derives:
                pending.setdefault(check.left[0].address, tuple(t.address for t in check.right))
        order: list[tuple[str, tuple[str, ...]]] = []
        while pending:
            ready = [t for t, parts in pending.items() if not any(p in pending for p in parts)]
            if not ready:
                raise ValueError(f"circular totals among {sorted(pending)}")
            order += [(t, pending.pop(t)) for t in ready]
        return tuple(order)

    @cached_property
    def dependent_totals(self) -> dict[str, tuple[str, ...]]:
        """Every cell -> the derived totals computed from it, directly or through other totals."""
        direct: dict[str, set[str]] = {}
        for total, parts in self.derivations:
            for part in parts:
                direct.setdefault(part, set()).add(total)
        closure: dict[str, tuple[str, ...]] = {}
        for cell in self.cells:
            seen: set[str] = set()
            todo = list(direct.get(cell, ()))
            while todo:
                total = todo.pop()
                if total not in seen:
                    seen.add(total)
                    todo += direct.get(total, ())
            closure[cell] = tuple(sorted(seen))
        return closure


def validated(spec: ReportFormat) -> ReportFormat:
    """`spec` once checked, or a `ValueError` naming every problem (pydantic's `ValidationError` is one).

    Run when a format is built, not when its kept copy is read back (so only then is pydantic imported):
    pydantic checks every field of every object against its declared type, strictly (a tuple is a tuple,
    a `Literal` one of its words); then the objects must fit together.
    """
    import pydantic

    pydantic.TypeAdapter(ReportFormat).validate_python(spec)
    problems = _consistency_problems(spec)
    if problems:
        raise ValueError("; ".join(problems))
    return spec


def _consistency_problems(spec: ReportFormat) -> list[str]:
    """Grids that tile their tables, each value cell once, checks, texts and figures naming real cells."""
    problems: list[str] = []
    for table in spec.tables:
        problems += _grid_problems(table)
        addresses = {f"{table.key}.{r.key}.{c}" for r in table.rows for c in r.columns}
        if set(table.value_positions) != addresses or sum(1 for p in table.placed if p.cell.address) != len(
            addresses
        ):
            problems.append(f"table {table.key}: layout value cells differ from rows × columns")
    known = set(spec.cells)
    if len(spec.severities) != len(spec.rules):
        problems.append("a rule is declared twice")
    named = {c.rule for c in spec.checks} | {c.rule for c in spec.year_checks}
    for rule in sorted(named - set(spec.severities)):
        problems.append(f"a check names unknown rule {rule}")
    for check in spec.checks:
        for term in (*check.left, *check.right):
            if term.address not in known:
                problems.append(f"check {check.rule} names unknown cell {term.address}")
    for yc in spec.year_checks:
        for address in (yc.cell, yc.previous, *yc.plus, *yc.minus):
            if address not in known:
                problems.append(f"year check {yc.rule} names unknown cell {address}")
    problems += _text_problems(spec, known)
    if not spec.title_template.endswith(spec.subject):
        problems.append("the title does not end with the subject")
    for figure in spec.key_figures:
        problems += [
            f"key figure {figure.name} names unknown cell {a}" for a in figure.cells if a not in known
        ]
    table_keys = [s.table_key for s in spec.sections if s.table_key]
    if sorted(table_keys) != sorted(t.key for t in spec.tables):
        problems.append("sections and tables disagree")
    return problems


def _grid_problems(table: Table) -> list[str]:
    """Each grid position covered exactly once, nothing beyond the table's width; print widths that fit."""
    covered: dict[tuple[int, int], int] = {}
    for p in table.placed:
        for position in p.covers:
            covered[position] = covered.get(position, 0) + 1
    height = len(table.lines)
    expected = {(r, c) for r in range(height) for c in range(table.grid_columns)}
    problems = []
    widths = table.print_column_widths
    if widths is not None and (
        len(widths) != table.grid_columns or min(widths) <= 0 or not math.isclose(sum(widths), 1.0)
    ):
        problems.append(f"table {table.key}: print column widths must be {table.grid_columns} shares of 1")
    if set(covered) != expected:
        problems.append(f"table {table.key}: grid holes or overflow at {sorted(set(covered) ^ expected)[:5]}")
    if any(n > 1 for n in covered.values()):
        problems.append(f"table {table.key}: overlapping grid cells")
    return problems


DRAFT_FIELD = re.compile(r"\{([^{}]+)\}")


def _text_problems(spec: ReportFormat, known: set[str]) -> list[str]:
    """Every phrase and draft names real cells and compiles; every draft goes into a real narrative."""
    problems = []
    for phrase in spec.text_phrases:
        for address in (a for reading in phrase.readings for a in reading):
            if address not in known:
                problems.append(f"text phrase {phrase.topic} names unknown cell {address}")
        if not phrase.readings:
            problems.append(f"text phrase {phrase.topic} has no reading")
        for regex in (phrase.pattern.replace("{N}", "1"), phrase.context, phrase.unless):
            try:
                re.compile(regex)
            except re.error as exc:
                problems.append(f"text phrase {phrase.topic}: bad pattern {regex!r} ({exc})")
    for block in spec.draft_blocks:
        if block.text_key not in spec.text_keys:
            problems.append(f"draft block {block.heading} names unknown text {block.text_key}")
        for template in block.templates:
            for field in DRAFT_FIELD.findall(template):
                parts = field.split("|")[1:] if field.startswith("list:") else [f"={field}"]
                for part in parts:
                    for address in part.partition("=")[2].split("+"):
                        if address != "year" and address not in known:
                            problems.append(f"draft block {block.heading} names unknown cell {address}")
    return problems
