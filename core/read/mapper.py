"""The template-anchored mapper: the cell grid of any reader → a report, with what it is unsure of.

The 2021 format is fixed, so the mapper walks the format definition: sections are found by their
headings in order, table rows by their labels (fuzzy: typos, spaces inside labels, wrapped labels) in
the official order, and a row's values by column position — never "the numbers in a row", since a blank
or a `—` would silently shift every later cell. Text whose digits run together (`713000074`) is cut
the one way the table's own arithmetic allows; where it does not decide, the cells are doubtful.
An import never corrects the arithmetic: a published error stays, for `check` to report.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz

from core.errors import UserError
from core.formats import CURRENT, get_format
from core.read.cells import Line, compact, fold, is_label, read_cell, splits
from core.report import Report, Signature
from core.report_format import ReportFormat, Section, SumCheck, Table
from core.vocabulary import CellState

_MATCH = 72  # least fuzzy score (0-100) for a printed label to be taken as a template label
_HEADING = 80
_WINDOW = 8  # rows of the template looked ahead from the last row found
_MAX_COMBINATIONS = 100000  # cuts tried across rows before giving up (the cells then stay unread)
_VALUE_RUN = re.compile(r"^[\s\d.,—/-]*")
_TRAILING = re.compile(r"^(.*?)((?:\s*[\d.,—/-]+)+)\s*$", re.S)
_DATE = re.compile(r"(?:^|\D)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_UNDATED = re.compile(r"^[_＿]*年[_＿]*月[_＿]*日$")  # 「年 月 日」 left blank to be written by hand
_TITLE = re.compile(r"^(.*?)(\d{4}|[〇零○一二三四五六七八九]{4})\s*年")
_YEAR_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")


@dataclass
class Imported:
    """The report as read, the cells it is not sure of (`doubtful`), could not find (`unread`), notes."""

    report: Report
    doubtful: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = ""  # what the reader saw, one line per row or paragraph, cells between tabs

    def as_json(self) -> dict[str, list[str]]:
        return {"doubtful": self.doubtful, "unread": self.unread, "notes": self.notes}


@dataclass
class _Template:
    """One template line of a table: its label path and its value cells, left to right."""

    path: tuple[str, ...]
    addresses: tuple[str, ...]


@dataclass
class _Reading:
    """The printed cells found for some template cells."""

    addresses: tuple[str, ...]
    cells: list[str]
    fused: bool
    spaced: bool


def _templates(table: Table) -> list[_Template]:
    """Per layout line holding value cells: the labels covering it and its value addresses."""
    by_line: dict[int, list[tuple[int, str]]] = {}
    for address, placed in table.value_positions.items():
        by_line.setdefault(placed.row, []).append((placed.col, address))
    out = []
    for row in sorted(by_line):
        labels = sorted(
            (p.col, p.cell.text)
            for p in table.placed
            if p.cell.role == "label" and p.row <= row < p.row + p.cell.rowspan
        )
        out.append(_Template(tuple(t for _, t in labels), tuple(a for _, a in sorted(by_line[row]))))
    return out


def _anchors(spec: ReportFormat) -> list[tuple[str, bool]]:
    """Every heading and row label in reading order; True for a table label (values follow it)."""
    anchors: list[tuple[str, bool]] = []
    for section in spec.sections:
        anchors.append((section.full_heading, False))
        if section.table_key:
            for template in _templates(spec.table(section.table_key)):
                anchors += [(label, True) for label in template.path if (label, True) not in anchors]
    return anchors


def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(r"\s*".join(re.escape(ch) for ch in re.sub(r"\s+", "", fold(text))))


def _segment(line: Line, anchors: list[tuple[str, bool]]) -> list[Line]:
    """A table run together into one line of web text, cut at the template's labels and headings."""
    text = line.cells[0]
    folded = fold(text)  # same positions as the text, digits and brackets in one form
    found: list[tuple[int, int, bool]] = []
    cursor = 0
    for label, is_row in anchors:
        match = _pattern(label).search(folded, cursor)
        if match:
            found.append((match.start(), match.end(), is_row))
            cursor = match.end()
    if len(found) < 3:
        return [line]
    out: list[Line] = [Line([text[: found[0][0]].strip()])] if found[0][0] else []
    for i, (start, end, is_row) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(text)
        out.append(Line([text[start:end]]))
        rest = text[end:stop]
        if is_row:
            run = _VALUE_RUN.match(fold(rest))
            tokens = run.group(0).split() if run else []
            if tokens:
                out[-1] = Line([text[start:end], *tokens], spaced=True, fused=True)
                rest = rest[run.end() :] if run else rest
        rest = rest.strip()
        if rest:
            tail = _TRAILING.match(fold(rest))
            if tail and is_label(tail.group(1)) and not rest.endswith("。"):
                out.append(Line([tail.group(1).strip(), *tail.group(2).split()], spaced=True, fused=True))
            else:
                out.append(Line([rest]))
    return [ln for ln in out if ln.text.strip()]


def _numbers_apart(line: Line) -> Line:
    """`行政许可 2293` (a row as one text line) → label and value cells; glued digits may run together."""
    if len(line.cells) != 1 or line.fused:
        return line
    text = line.cells[0]
    found = _TRAILING.match(fold(text))
    label = found.group(1).strip() if found else ""
    if not found or (label and not is_label(label)) or not re.search(r"\d", found.group(2)):
        return line
    glued = bool(label) and not found.group(2)[:1].isspace()
    label_cells = [text[: found.start(2)].strip()] if label else []
    return Line([*label_cells, *found.group(2).split()], spaced=True, fused=glued)


def _split(line: Line) -> tuple[str, list[str]]:
    """(label, value cells): the values are the cells after the last cell holding text."""
    last = max((i for i, c in enumerate(line.cells) if is_label(c)), default=-1)
    return "".join(line.cells[: last + 1]), line.cells[last + 1 :]


def _score(label: str, candidate: str) -> float:
    return float(fuzz.ratio(compact(label), compact(candidate)))


def _find_sections(lines: list[Line], spec: ReportFormat) -> dict[str, int]:
    found: dict[str, int] = {}
    start = 0
    for section in spec.sections:
        for i in range(start, len(lines)):
            head = compact(_split(lines[i])[0]).lstrip("#")
            if head.startswith(section.number + "、") and (
                fuzz.partial_ratio(compact(section.heading), head[: len(section.heading) + 14]) >= _HEADING
            ):
                found[section.number] = start = i
                break
    return found


class _Mapper:
    def __init__(self, lines: list[Line], spec: ReportFormat) -> None:
        self.spec = spec
        anchors = _anchors(spec)
        self.lines: list[Line] = []
        for line in lines:
            if len(line.cells) == 1 and len(line.cells[0]) > 80:
                self.lines += _segment(line, anchors)
            else:
                self.lines.append(line)
        self.sections = _find_sections(self.lines, spec)
        for section in spec.sections:
            if section.table_key:  # inside the tables: a row printed as one line of text
                start, end = self.region(section)
                self.lines[start:end] = [_numbers_apart(line) for line in self.lines[start:end]]
        self.values: dict[str, Decimal | None] = dict.fromkeys(spec.cells)
        self.status: dict[str, CellState] = {}  # address → doubtful / unread
        self.notes: list[str] = []
        self.readings: list[_Reading] = []
        self.zeros: list[str] = []  # cells an older template did not print: 0, with a note

    # ------------------------------------------------------------ regions

    def region(self, section: Section) -> tuple[int, int]:
        numbers = [s.number for s in self.spec.sections]
        index = numbers.index(section.number)
        start = self.sections.get(section.number)
        if start is None:  # heading not found: from the previous heading found
            start = max((self.sections[n] for n in numbers[:index] if n in self.sections), default=0)
        later = [
            self.sections[n] for n in numbers[index + 1 :] if n in self.sections and self.sections[n] > start
        ]
        return start, min(later, default=len(self.lines))

    # ------------------------------------------------------------ tables

    def read_table(self, section: Section, table: Table) -> None:
        templates = _templates(table)
        start, end = self.region(section)
        labelled = [t for t in templates if t.path]
        if labelled:
            self._read_labelled(labelled, start, end, table)
        unlabelled = [t for t in templates if not t.path]
        if unlabelled:
            addresses = tuple(a for t in unlabelled for a in t.addresses)
            cells: list[str] = []
            fused = spaced = False
            for line in self.lines[start:end]:
                values = _split(line)[1]
                cells += values
                fused, spaced = fused or (line.fused and bool(values)), spaced or line.spaced
            if cells:
                self.readings.append(_Reading(addresses, cells, fused, spaced))
            else:
                self._unread(addresses, f"没有找到{section.part}表格中的数字。")

    def _read_labelled(self, templates: list[_Template], start: int, end: int, table: Table) -> None:
        found: dict[int, Line] = {}
        pos = 0
        pending: list[str] = []
        groups = self._groups(templates)
        for line in self.lines[start:end]:
            label, values = _split(line)
            if not values:
                if label:
                    pending = [*pending[-11:], label]  # a label wrapped, even one character a line
                continue
            own = next((c for c in reversed(line.cells) if is_label(c)), "")
            options = [own, label] if own != label else ([label] if label else [])
            options += ["".join(pending[-k:]) + label for k in range(1, len(pending) + 1)]
            best, best_score = -1, 0.0
            for option in options:
                for i in range(pos, min(pos + _WINDOW, len(templates))):
                    t = templates[i]
                    score = max(_score(option, "".join(t.path[k:])) for k in range(len(t.path)))
                    if score > best_score + 0.5 and i not in found:
                        best, best_score = i, score
                if best_score >= _MATCH:
                    break
            group = self._group_row(options, groups, found, best_score)
            if group is not None:
                best, best_score = group, 100.0
            pending = []
            if best_score >= _MATCH:
                found[best] = line
                pos = best + 1
        for i, t in enumerate(templates):
            row = found.get(i)
            if row is None:
                self._unread(t.addresses, f"没有找到「{t.path[-1]}」这一行。")
            elif not row.cells:
                self.zeros += t.addresses
            else:
                self.readings.append(_Reading(t.addresses, _split(row)[1], row.fused, row.spaced))

    def _groups(self, templates: list[_Template]) -> dict[str, list[int]]:
        """Result groups whose last item is 其他: an older template printed each as one row."""
        groups: dict[str, list[int]] = {}
        for i, t in enumerate(templates):
            if len(t.path) >= 3:
                groups.setdefault(t.path[-2], []).append(i)
        return {
            g: rows
            for g, rows in groups.items()
            if re.sub(r"^\d+\.", "", templates[rows[-1]].path[-1]) == "其他"
        }

    def _group_row(
        self, options: list[str], groups: dict[str, list[int]], found: dict[int, Line], best: float
    ) -> int | None:
        for group, rows in groups.items():
            if any(r in found for r in rows):
                continue
            if any(_score(o, group) >= max(_HEADING, best + 1) for o in options[:1]):
                self.notes.append(
                    f"「{group}」印成了一行（旧版格式），其数字记入「其他」一项，前几项记为 0。"
                )
                for r in rows[:-1]:
                    found[r] = Line([])  # the items the older template did not have: 0
                return rows[-1]
        return None

    # ------------------------------------------------------------ values

    def _unread(self, addresses: Sequence[str], note: str) -> None:
        for a in addresses:
            self.values[a] = None
            self.status[a] = CellState.UNREAD
        self.notes.append(note)

    def place(self) -> None:
        """Every reading into its cells; runs of digits cut as the arithmetic allows."""
        open_choices: list[tuple[_Reading, list[tuple[int, ...]], bool]] = []
        for reading in self.readings:
            n = len(reading.addresses)
            cells = [c for c in reading.cells if c.strip()] if reading.spaced else reading.cells
            if len(cells) == n:
                for address, cell in zip(reading.addresses, cells, strict=True):
                    value = read_cell(cell)
                    self.values[address] = value.value
                    if not value.readable:
                        self.status[address] = CellState.UNREAD
                        self.notes.append(f"{self._where(address)}印的是“{cell}”，不是数字。")
                continue  # one printed cell per cell: their positions are certain
            if reading.fused:
                tokens = [c for c in cells if c.strip()]
                index = {a: i for i, a in enumerate(reading.addresses)}
                local = [
                    (tuple(index[a] for a in left), tuple(index[a] for a in right))
                    for left, right in self._within(reading.addresses)
                ]
                good = splits(tokens, n, local)
                options = splits(tokens, n) if good == [] else good  # none adds up: a published error?
                if options is None:
                    self._unread(
                        reading.addresses,
                        f"{self._where(reading.addresses[0])}所在行的数字连在一起，拆法太多，无法确定。",
                    )
                    continue
                if options:
                    open_choices.append((reading, options, bool(good)))
                    continue
            if len(cells) != n:
                self._unread(
                    reading.addresses,
                    f"{self._where(reading.addresses[0])}所在行读到 {len(cells)} 个数，应有 {n} 个，"
                    "无法确定各数的位置。",
                )
        self._resolve(open_choices)
        for address in self.zeros:
            self.values[address] = Decimal(0)

    def _where(self, address: str) -> str:
        return self.spec.cells[address].description

    @functools.cache  # noqa: B019  # one mapper per import; the cache goes with it
    def _within(self, addresses: tuple[str, ...]) -> list[tuple[list[str], list[str]]]:
        """The checks among these cells alone (a row's total), as address lists."""
        return [
            ([t.address for t in c.left], [t.address for t in c.right]) for c in self._row_checks(addresses)
        ]

    def _solutions(
        self, pending: list[tuple[_Reading, list[tuple[int, ...]], bool]]
    ) -> list[tuple[int, ...]]:
        """Every choice of cuts (option indexes) satisfying all checks they touch; [] when too many to try."""
        owner = {a: k for k, (r, _, _) in enumerate(pending) for a in r.addresses}
        broken = {id(c) for r, _, ok in pending if not ok for c in self._row_checks(r.addresses)}
        unread = {a for a, s in self.status.items() if s is CellState.UNREAD and a not in owner}
        ready: list[list[tuple[list[str], list[str]]]] = [[] for _ in pending]
        for c in self.spec.checks:  # a check is tried once the last reading it touches is chosen
            terms = [t.address for t in (*c.left, *c.right)]
            touched = [owner[a] for a in terms if a in owner]
            # a row that adds up under no cut cannot decide, nor can a sum with a cell not read
            if touched and id(c) not in broken and unread.isdisjoint(terms):
                ready[max(touched)].append(([t.address for t in c.left], [t.address for t in c.right]))
        known: dict[str, Decimal | int] = {a: v or 0 for a, v in self.values.items() if a not in owner}
        solutions: list[tuple[int, ...]] = []
        picks: list[int] = []
        budget = [_MAX_COMBINATIONS]

        def walk(k: int) -> bool:  # False: stop, too many
            if k == len(pending):
                solutions.append(tuple(picks))
                return len(solutions) < 50
            reading, options, _ = pending[k]
            for i, option in enumerate(options):
                budget[0] -= 1
                if budget[0] < 0:
                    return False
                known.update(zip(reading.addresses, option, strict=True))
                if all(
                    sum(known[a] for a in left) == sum(known[a] for a in right) for left, right in ready[k]
                ):
                    picks.append(i)
                    going = walk(k + 1)
                    picks.pop()
                    if not going:
                        return False
            return True

        return solutions if walk(0) else []

    def _resolve(self, choices: list[tuple[_Reading, list[tuple[int, ...]], bool]]) -> None:
        """Pick each fused reading's cut: unique by its own row's arithmetic, else by the columns'."""
        for reading, options, _ in choices:
            if len(options) == 1:
                for a, v in zip(reading.addresses, options[0], strict=True):
                    self.values[a] = Decimal(v)
        pending = [(r, o, ok) for r, o, ok in choices if len(o) > 1]
        for reading, _, _ in pending:
            for a in reading.addresses:
                self.values[a] = None
        if pending:
            solutions = self._solutions(pending)
            combos = [tuple(pending[k][1][i] for k, i in enumerate(s)) for s in solutions]
            for k, (reading, options, _) in enumerate(pending):
                picks = {combo[k] for combo in combos}
                if len(picks) == 1:
                    (pick,) = picks
                    for a, v in zip(reading.addresses, pick, strict=True):
                        self.values[a] = Decimal(v)
                else:
                    self._unread(
                        reading.addresses,
                        f"{self._where(reading.addresses[0])}所在行的数字连在一起（{''.join(reading.cells)}），"
                        f"有 {len(options)} 种拆法，表内勾稽关系无法确定是哪一种。",
                    )
        for reading, options, ok in choices:
            if not ok and len(options) > 1 and reading.addresses[0] not in self.status:
                # No cut makes the row add up: the cut came from the columns. Suspect are the row's cells
                # in a column that does not add up either (a failing row crossing a failing column).
                suspects = self._suspects(reading.addresses) or list(reading.addresses)
                for a in suspects:
                    self.status.setdefault(a, CellState.DOUBTFUL)
                self.notes.append(
                    f"{self._where(reading.addresses[0])}所在行的数字连在一起（{''.join(reading.cells)}），"
                    "按任何拆法本行合计都不相符，已按各列的勾稽关系拆分，请核对原文。"
                )

    def _row_checks(self, addresses: tuple[str, ...]) -> list[SumCheck]:
        return [c for c in self.spec.checks if {t.address for t in (*c.left, *c.right)} <= set(addresses)]

    def _suspects(self, addresses: tuple[str, ...]) -> list[str]:
        own = {id(c) for c in self._row_checks(addresses)}
        failing: set[str] = set()
        for c in self.spec.checks:
            terms = {t.address for t in (*c.left, *c.right)}
            if (
                id(c) in own
                or not terms & set(addresses)
                or any(self.status.get(t) is CellState.UNREAD for t in terms)
            ):
                continue
            left = sum(self.values[t.address] or 0 for t in c.left)
            if left != sum(self.values[t.address] or 0 for t in c.right):
                failing |= terms
        return [a for a in addresses if a in failing]

    # ------------------------------------------------------------ narrative, title, signature

    def texts(self) -> tuple[dict[str, str], Signature]:
        texts: dict[str, str] = {}
        signature = Signature()
        for section in self.spec.sections:
            if not section.text_key or section.number not in self.sections:
                continue
            start, end = self.region(section)
            paragraphs = [ln.cells[0] for ln in self.lines[start + 1 : end] if len(ln.cells) == 1]
            if section is self.spec.sections[-1]:
                paragraphs, signature = _signature(paragraphs)
            texts[section.text_key] = "\n".join(p.strip() for p in paragraphs if p.strip())
        return texts, signature

    def title(self) -> tuple[str, int]:
        """Agency and year from the title: the last one before the first heading (a page's menus and
        lists of other years' reports come before it)."""
        end = min(self.sections.values(), default=len(self.lines))
        before = ""
        titles: list[tuple[str, int]] = []
        for line in self.lines[:end]:
            text = re.sub(r"^(#+|标题[:：])\s*", "", line.text.strip())
            found = _TITLE.match(fold(text))
            if found and all(w in text for w in self.spec.title_words) and len(text) <= 80:
                # 「XX局2021年…」, or 「2021年XX局政府信息公开…」, or the agency on the line above
                after = re.match(r"\s*年?度?\s*(.+?)政府信息公开", text[found.end() :])
                agency = text[: found.start(2)].strip() or (after.group(1) if after else "") or before
                year = int(found.group(2).translate(_YEAR_DIGITS))  # 二〇二一 as well as 2021
                titles.append((re.sub(r"\s+", "", agency), year))
            before = text or before
        if titles and titles[-1][0]:
            return titles[-1]
        # No title (a page copied without it): the period the report covers gives the year
        for line in self.lines:
            period = re.search(r"(\d{4})\s*年\s*1\s*月\s*1\s*日", line.text)
            if period:
                self.notes.append("没有找到报告标题，机关名称未能识别，请在导入前填写；年度按统计期限确定。")
                return "（未识别的机关）", int(period.group(1))
        raise UserError(f"没有找到报告标题（如“{self.spec.title('某某机关', 2021)}”），无法确定机关和年度。")


def _signature(paragraphs: list[str]) -> tuple[list[str], Signature]:
    """Trailing 署名 and 成文日期 lines become the signature, not text."""
    name: str | None = None
    date: dt.date | None = None
    dated = False  # the date line was seen (it may be blank)
    if paragraphs and _DATE.search(re.sub(r"\s+", "", paragraphs[-1])):  # web text: all on one line
        last = re.sub(r"(\D)(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$", r"\1 \2", paragraphs[-1])
        paragraphs = paragraphs[:-1] + last.split()
    while paragraphs:
        last = re.sub(r"\s+", "", paragraphs[-1])
        found = _DATE.match(last)
        if found and not dated:
            try:
                date = dt.date(*(int(g) for g in found.groups()))
            except ValueError:
                break
            dated = True
        elif _UNDATED.match(last) and not dated and name is None:
            dated = True
        elif name is None and len(last) <= 40 and not re.search(r"[。，；：！？]", last):
            name = last
        else:
            break
        paragraphs = paragraphs[:-1]
    return paragraphs, Signature(name=name, date=date)


def map_lines(lines: list[Line], format_id: str = CURRENT) -> Imported:
    """The report a reader's lines make, with the cells it is not sure of."""
    spec = get_format(format_id)
    mapper = _Mapper(lines, spec)
    tables = [s for s in spec.sections if s.table_key]
    if not any(s.number in mapper.sections for s in tables):
        raise UserError("文件中没有找到政府信息公开工作年度报告的表格（如“二、主动公开政府信息情况”）。")
    agency, year = mapper.title()
    for section in tables:
        assert section.table_key is not None
        mapper.read_table(section, spec.table(section.table_key))
    mapper.place()
    texts, signature = mapper.texts()
    report = Report(
        format=spec.id, agency=agency, year=year, texts=texts, values=mapper.values, signature=signature
    )
    doubtful = [a for a in spec.cells if mapper.status.get(a) is CellState.DOUBTFUL]
    unread = [a for a in spec.cells if mapper.status.get(a) is CellState.UNREAD]
    source = "\n".join("\t".join(line.cells) for line in lines)
    return Imported(report, doubtful, unread, mapper.notes, source)
