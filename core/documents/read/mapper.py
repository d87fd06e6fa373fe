"""The template-anchored mapper: the cell grid of any reader → a report, with what it is unsure of.

The 2021 format is fixed, so the mapper walks the format definition: sections are found by their
headings in order, table rows by their labels (fuzzy: typos, spaces inside labels, wrapped labels) in
the official order, and a row's values by column position — never "the numbers in a row", since a blank
or a `—` would silently shift every later cell. Text whose digits run together (`713000074`) is cut
the one way the table's own arithmetic allows; where it does not decide, the cells are doubtful.
An import never corrects the arithmetic: a published error stays, for `check` to report. (Over 600
lines: one algorithm — sections, rows, cells, cuts of run-together digits — whose steps share the mapper's
state; split, they would pass it around.)
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz

from core.documents.read.cells import Line, compact, fold, is_label, read_cell, splits
from core.errors import UserError
from core.format import CURRENT, get_format
from core.format.definition import ReportFormat, Section, SumCheck, Table
from core.model.report import Report, Signature
from core.model.vocabulary import CellState
from core.rules.text import chinese_number

UNKNOWN_AGENCY = "（未识别的机关）"  # no title found: a stand-in the review screen shows as an empty field
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
_CHINESE_DATE = re.compile(
    r"([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_APPENDIX = re.compile(r"^(?:附表|附件)\s*[0-9一二三四五六七八九十]*\s*[：:、.．]?\s*")
_TOP_NUMBER = re.compile(r"^([一二三四五六七八九十]{1,3})、")
_RENUMBERED = 90  # least fuzzy score for a heading's words to name a section printed under another number
_HEADING_LONGEST = 40  # characters: a numbered line longer than this is a sentence, not a heading
# What a web page prints around a report (after it: downloads, QR code, links, site marks); a short
# line holding one of these ends the report's last section
_FURNITURE = re.compile(
    r"附件下载|相关附件|扫一扫|手机(?:打开|浏览|查看)|网站标识码|ICP|备案号|版权所有|主办单位|承办单位|"
    r"技术支持|联系我们|网站地图|打印本页|关闭窗口|【打印】|【关闭】|分享到|相关链接|上一篇|下一篇|浏览次数|"
    r"公网安备|抄送[:：]|责任编辑|【字体|字号[:：]"
)
_FURNITURE_AT = 10  # a furniture line opens with its label (「版权所有：」); a sentence may name one later
_DATE_IN_TEXT = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?=\s|$)")
# 「第二十条第（一）项」 heads a block of table 二 (2019: 第十条…)
_ARTICLE = re.compile(r"^\s*第[一二三四五六七八九十]+条第[（(][一二三四五六七八九十]+[)）]项\s*$")
_QUOTE = 60  # characters of a dropped passage quoted in a note beyond what it must name in full


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


def _header(line: Line, table: Table) -> list[tuple[str, str]] | None:
    """A header row's columns as (printed header, column key): an older template's header gives its
    columns ([(「本年新制作数量」, "issued"), (「本年新公开数量」, ""), …]); this format's own header
    gives [] (its columns are read by position); any other line None."""
    text = compact(line.text)
    own = [c.name for c in table.columns if compact(c.name) in text]
    for name in own:
        text = text.replace(compact(name), "")
    old = sorted(
        (text.find(compact(header)), header, key)
        for header, key in table.older_columns
        if compact(header) in text
    )
    if len(old) >= 2:
        return [(header, key) for _, header, key in old]
    return [] if len(own) >= 2 else None


def _split(line: Line) -> tuple[str, list[str]]:
    """(label, value cells): the values are the cells after the last cell holding text."""
    last = max((i for i, c in enumerate(line.cells) if is_label(c)), default=-1)
    return "".join(line.cells[: last + 1]), line.cells[last + 1 :]


def _score(label: str, candidate: str) -> float:
    return float(fuzz.ratio(compact(label), compact(candidate)))


def _find_sections(lines: list[Line], spec: ReportFormat) -> tuple[dict[str, int], set[int]]:
    """(where each section starts, every line that is a section heading). A section is found by its
    heading's number and wording; else by its number alone when a short numbered line stands in order
    between the sections found (「五、存在的主要问题及下一步工作打算」); a table printed at the end
    (「附表2 收到和处理政府信息公开申请情况」) starts its section there."""
    heads = [compact(_split(line)[0]).lstrip("#") for line in lines]
    found: dict[str, int] = {}
    start = 0
    for section in spec.sections:
        for i in range(start, len(lines)):
            head = heads[i]
            if head.startswith(section.number + "、") and (
                fuzz.partial_ratio(compact(section.heading), head[: len(section.heading) + 14]) >= _HEADING
            ):
                found[section.number] = start = i
                break
    numbers = [s.number for s in spec.sections]
    labels = [label for label, is_row in _anchors(spec) if is_row]

    def heading_like(i: int) -> bool:
        head = heads[i]
        return (
            len(head) <= _HEADING_LONGEST
            and not _split(lines[i])[1]
            and not head.endswith("。")
            and all(_score(head, label) < _MATCH for label in labels)  # 「四、结转下年度…」 is a row
        )

    # In order between the sections found: a heading in the format's words under another number (a
    # provincial template adds a section: 「六、存在的主要问题…」), then a heading by its number alone
    for worded in (True, False):
        for k, section in enumerate(spec.sections):
            if section.number in found:
                continue
            low = max((found[n] for n in numbers[:k] if n in found), default=-1) + 1
            high = min(
                (found[n] for n in numbers[k + 1 :] if n in found and found[n] >= low), default=len(lines)
            )
            for i in range(low, high):
                number = _TOP_NUMBER.match(heads[i])
                if not number or not heading_like(i):
                    continue
                words = heads[i][number.end() :]
                if (worded and fuzz.ratio(compact(section.heading), words) >= _RENUMBERED) or (
                    not worded and number.group(1) == section.number
                ):
                    found[section.number] = i
                    break
    headings = set(found.values())

    def printed_in_body(number: str) -> bool:  # the table is under its heading: an 附表 line only names it
        start = found[number]
        end = min((h for h in headings if h > start), default=len(lines))
        return sum(1 for line in lines[start + 1 : end] if re.search(r"\d", line.text)) >= 2

    for section in spec.sections:
        if section.number in found and printed_in_body(section.number):
            continue
        for i, head in enumerate(heads):
            appendix = _APPENDIX.match(head)
            if (
                section.table_key
                and appendix
                and appendix.group()
                and len(head) <= _HEADING_LONGEST
                and fuzz.partial_ratio(compact(section.heading), head[appendix.end() :]) >= _HEADING
            ):
                found[section.number] = i
                headings.add(i)
                break
    return found, headings


class _Mapper:
    def __init__(self, lines: list[Line], spec: ReportFormat, previous: Report | None = None) -> None:
        self.spec = spec
        # last year's cells as given, for the year checks that settle digits run together
        self.previous = {a: v for a, v in previous.values.items() if v is not None} if previous else {}
        anchors = _anchors(spec)
        self.lines: list[Line] = []
        for line in lines:
            if len(line.cells) == 1 and len(line.cells[0]) > 80:
                self.lines += _segment(line, anchors)
            else:
                self.lines.append(line)
        self.sections, self.headings = _find_sections(self.lines, spec)
        for section in spec.sections:
            if section.table_key:  # inside the tables: a row printed as one line of text
                start, end = self.region(section)
                self.lines[start:end] = [_numbers_apart(line) for line in self.lines[start:end]]
        self.values: dict[str, Decimal | None] = dict.fromkeys(spec.cells)
        self.status: dict[str, CellState] = {}  # address → doubtful / unread
        self.notes: list[str] = []
        self.readings: list[_Reading] = []
        self.zeros: list[str] = []  # cells an older template did not print: 0, with a note
        self.title_at = -1  # the title's (last) line

    # ------------------------------------------------------------ regions

    def region(self, section: Section) -> tuple[int, int]:
        numbers = [s.number for s in self.spec.sections]
        index = numbers.index(section.number)
        start = self.sections.get(section.number)
        if start is None:  # heading not found: from the previous heading found
            start = max((self.sections[n] for n in numbers[:index] if n in self.sections), default=0)
        return start, min((h for h in self.headings if h > start), default=len(self.lines))

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
        older: dict[int, list[tuple[str, str]]] = {}  # rows under an older template's header
        layout: list[tuple[str, str]] | None = None
        pos = 0
        pending: list[str] = []
        groups = self._groups(templates)
        for line in self.lines[start:end]:
            label, values = _split(line)
            if not values:
                header = _header(line, table)
                if header is not None:
                    layout = header or None
                    pending = []
                    continue
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
                if layout is not None:
                    older[best] = layout
            elif re.search(r"\d", "".join(values)):
                self.notes.append(
                    f"{table.part}「{label}」一行（{' '.join(values)}）不在表格格式中，未导入。"
                )
        for i, t in enumerate(templates):
            row = found.get(i)
            if row is None:
                self._unread(t.addresses, f"没有找到「{t.path[-1]}」这一行。")
            elif i in older:
                self._read_older(t, _split(row)[1], older[i])
            elif not row.cells:
                self.zeros += t.addresses
            else:
                self.readings.append(_Reading(t.addresses, _split(row)[1], row.fused, row.spaced))

    def _read_older(self, template: _Template, cells: list[str], layout: list[tuple[str, str]]) -> None:
        """A row under an older template's header: only the columns that mean the same are carried;
        what the old table has and the new one has not, and the new cells it leaves empty, get a note."""
        name = template.path[-1]
        if len(cells) != len(layout):
            self._unread(
                template.addresses,
                f"「{name}」一行是旧版格式的表格，读到 {len(cells)} 个数，旧表头有 {len(layout)} 栏。",
            )
            return
        by_column = {key: cell for (_, key), cell in zip(layout, cells, strict=True) if key}
        carried = tuple(a for a in template.addresses if a.rsplit(".", 1)[1] in by_column)
        if carried:
            self.readings.append(
                _Reading(carried, [by_column[a.rsplit(".", 1)[1]] for a in carried], False, False)
            )
        old = "、".join(f"「{h}」{c}" for (h, key), c in zip(layout, cells, strict=True) if not key)
        missing = [a for a in template.addresses if a not in carried]
        if old or missing:
            wanted = "、".join(f"「{self.spec.cells[a].column.name}」" for a in missing)
            self.notes.append(
                f"「{name}」一行是旧版（2019 年）格式的表格："
                + (f"旧表的{old}在新表中没有对应栏目，未导入" if old else "")
                + ("；" if old and missing else "")
                + (f"新表的{wanted}旧表没有，请补填" if missing else "")
                + "。"
            )
        for a in missing:
            self.values[a] = None
            self.status[a] = CellState.UNREAD

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
            surplus = len(cells) - n
            if surplus > 0 and not any(c.strip() for c in cells[:surplus]):
                cells = cells[surplus:]  # an empty label cell before the numbers is no number
            if len(cells) == 1 and n > 1 and cells[0].strip().isdigit():
                reading.fused = True  # one run of digits for several cells (「000000000000000」)
            if len(cells) == n:
                for address, cell in zip(reading.addresses, cells, strict=True):
                    value = read_cell(cell)
                    self.values[address] = value.value
                    if not value.readable:
                        self.status[address] = CellState.UNREAD
                        self.notes.append(f"{self._where(address)}印的是“{cell}”，不是数字。")
                continue  # one printed cell per cell: their positions are certain
            if reading.fused:
                tokens = [c.strip() for c in cells if c.strip()]
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
        self, pending: list[tuple[_Reading, list[tuple[int, ...]], bool]], years: bool
    ) -> list[tuple[int, ...]]:
        """Every choice of cuts (option indexes) satisfying all checks they touch — with `years`, also
        continuity with last year's report (现行有效, 结转); [] when too many to try."""
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
        for y in self.spec.year_checks if years else ():  # continuity with last year's report
            last_year = self.previous.get(y.previous)
            terms = [y.cell, *y.plus, *y.minus]
            touched = [owner[a] for a in terms if a in owner]
            if touched and last_year is not None and unread.isdisjoint(terms):
                known[f"上年:{y.previous}"] = last_year
                ready[max(touched)].append(([y.cell, *y.minus], [f"上年:{y.previous}", *y.plus]))
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
            # a report need not continue last year's (a reorganisation): then the year alone decides nothing
            solutions = self._solutions(pending, years=True) if self.previous else []
            solutions = solutions or self._solutions(pending, years=False)
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
        last = next(s for s in reversed(self.spec.sections) if s.text_key)
        for section in self.spec.sections:
            if not section.text_key or section.number not in self.sections:
                continue
            start, end = self.region(section)
            # a small table inside a narrative keeps its words: its row as one line, cells apart
            lines = [
                ln if len(ln.cells) == 1 else Line([" ".join(c.strip() for c in ln.cells if c.strip())])
                for ln in self.lines[start + 1 : end]
                if ln.text.strip()
            ]
            if section is last:
                lines = self._report_end(lines)
                tail = next((k for k, ln in enumerate(reversed(lines)) if not ln.right), len(lines))
                right = len(lines) - tail
                paragraphs, signature = _signature([ln.cells[0] for ln in lines], right)
            else:
                paragraphs = [ln.cells[0] for ln in lines]
            texts[section.text_key] = "\n".join(p.strip() for p in paragraphs if p.strip())
        return texts, signature

    def _report_end(self, lines: list[Line]) -> list[Line]:
        """The last section's lines up to where the report ends: its 成文日期, or a web page's furniture
        (downloads, site marks) when that comes first. What follows is named in a note, not imported."""
        end = len(lines)
        lines = [self._cut_after_date(line) for line in lines]
        for k, line in enumerate(lines):
            text = _arabic_date(re.sub(r"\s+", "", line.cells[0]))
            if _FURNITURE.search(text[:_FURNITURE_AT]) and len(text) <= _QUOTE:
                end = k
                break
            if (_DATE.search(text) and len(text) <= 40) or _UNDATED.match(text):
                end = k + 1
                break
        dropped = " / ".join(ln.cells[0].strip() for ln in lines[end:])
        if dropped:
            quote = dropped if len(dropped) <= _QUOTE else dropped[:_QUOTE] + "…"
            self.notes.append(
                f"报告落款之后的 {len(lines) - end} 段文字不是报告的内容（如网页的附件、链接、版权信息），"
                f"未导入：「{quote}」。"
            )
        return lines[:end]

    def _cut_after_date(self, line: Line) -> Line:
        """Web text holding the signature and the page's furniture on one line: the line ends at the
        成文日期 when furniture follows it (「… 某局 2023年1月9日 抄送：… 附件下载」)."""
        text = line.cells[0]
        for found in _DATE_IN_TEXT.finditer(text):
            rest = text[found.end() :]
            if rest.strip() and _FURNITURE.search(rest):
                self.notes.append(
                    f"报告落款之后的文字不是报告的内容（如网页的附件、链接、版权信息），未导入：「{rest.strip()}」。"
                )
                return Line([text[: found.end()]], right=line.right)
        return line

    def leftovers(self) -> None:
        """Text of the report that no field holds is named in a note, in full: what stands between the
        title and the first section, and words inside a table section that are not the table's."""
        first = min(self.sections.values(), default=0)
        for line in self.lines[self.title_at + 1 : first] if self.title_at >= 0 else ():
            if line.text.strip():
                self.notes.append(
                    f"标题之后、第一部分之前的文字没有对应的栏目，未导入：「{line.text.strip()}」。"
                )
        for section in self.spec.sections:
            if not section.table_key or section.number not in self.sections:
                continue
            table = self.spec.table(section.table_key)
            wording = [section.full_heading, *(c.name for c in table.columns), table.corner_note]
            wording += [p.cell.text for p in table.placed if p.cell.role != "value"]
            wording += [h for h, _ in table.older_columns]
            fragments = sorted({compact(w) for w in wording if w.strip()}, key=len, reverse=True)
            joined = "".join(fragments)
            start, end = self.region(section)
            for line in self.lines[start + 1 : end]:
                label = _split(line)[0]
                if not label or _split(line)[1] or _APPENDIX.match(compact(label)) or _ARTICLE.match(label):
                    continue
                if all(compact(word) in joined for word in " ".join(line.cells).split()):
                    continue  # the table's header words, wrapped or spread over lines
                text = compact(label)
                for fragment in fragments:  # the table's own words, however its cells were joined
                    text = text.replace(fragment, "")
                note = f"{section.part}中的文字「{line.text.strip()}」不是表格的内容，未导入。"
                if len(re.findall(r"[\u4e00-\u9fff]", text)) >= 2 and note not in self.notes:
                    self.notes.append(note)

    def title(self) -> tuple[str, int]:
        """Agency and year from the title: the last one before the first heading (a page's menus and
        lists of other years' reports come before it)."""
        end = min(self.sections.values(), default=len(self.lines))
        before = ""
        titles: list[tuple[str, int, int]] = []
        texts = [re.sub(r"^(#+|标题[:：])\s*", "", line.text.strip()) for line in self.lines[:end]]
        for i, text in enumerate(texts):
            # a title broken over two lines (「…政府信息公开工作」 / 「年度报告」) is read joined
            joined = [(text, i)] + ([(text + texts[i + 1], i + 1)] if i + 1 < len(texts) else [])
            for candidate, last in joined:
                found = _TITLE.match(fold(candidate))
                if found and all(w in candidate for w in self.spec.title_words) and len(candidate) <= 80:
                    # 「XX局2021年…」, or 「2021年XX局政府信息公开…」, or the agency on the line above
                    after = re.match(r"\s*年?度?\s*(.+?)政府信息公开", candidate[found.end() :])
                    agency = (
                        candidate[: found.start(2)].strip() or (after.group(1) if after else "") or before
                    )
                    year = int(found.group(2).translate(_YEAR_DIGITS))  # 二〇二一 as well as 2021
                    titles.append((re.sub(r"\s+", "", agency), year, last))
                    break
            before = text or before
        if titles and titles[-1][0]:
            agency, year, self.title_at = titles[-1]
            return agency, year
        # No title (a page copied without it): the period the report covers gives the year
        for line in self.lines:
            period = re.search(r"(\d{4})\s*年\s*1\s*月\s*1\s*日", line.text)
            if period:
                self.notes.append("没有找到报告标题，机关名称未能识别，请在导入前填写；年度按统计期限确定。")
                return UNKNOWN_AGENCY, int(period.group(1))
        raise UserError(f"没有找到报告标题（如“{self.spec.title('某某机关', 2021)}”），无法确定机关和年度。")


def _arabic_date(text: str) -> str:
    """A date in Chinese numerals (二〇二二年一月十五日, as official documents print it) in digits."""
    return _CHINESE_DATE.sub(
        lambda m: (
            f"{m.group(1).translate(_YEAR_DIGITS)}年{chinese_number(m.group(2))}月{chinese_number(m.group(3))}日"
        ),
        text,
    )


def _signature(paragraphs: list[str], right: int | None = None) -> tuple[list[str], Signature]:
    """Trailing 署名 and 成文日期 lines become the signature, not text; lines from `right` on are aligned
    right as a signature is, and are its name whatever their length or punctuation."""
    right = len(paragraphs) if right is None else right
    name: str | None = None
    date: dt.date | None = None
    dated = False  # the date line was seen (it may be blank)
    if paragraphs and _DATE.search(re.sub(r"\s+", "", paragraphs[-1])):  # web text: all on one line
        last = re.sub(r"(\D)(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$", r"\1 \2", paragraphs[-1])
        before = len(paragraphs)
        paragraphs = paragraphs[:-1] + last.split()
        right = len(paragraphs) if right == before else right
    while paragraphs:
        last = _arabic_date(re.sub(r"\s+", "", paragraphs[-1]))
        found = _DATE.match(last)
        if found and not dated:
            try:
                date = dt.date(*(int(g) for g in found.groups()))
            except ValueError:
                break
            dated = True
        elif _UNDATED.match(last) and not dated and name is None:
            dated = True
        elif name is None and (
            len(paragraphs) > right or (len(last) <= 40 and not re.search(r"[。，；：！？]", last))
        ):
            name = last
        else:
            break
        paragraphs = paragraphs[:-1]
    return paragraphs, Signature(name=name, date=date)


def map_lines(lines: list[Line], format_id: str = CURRENT, previous: Report | None = None) -> Imported:
    """The report a reader's lines make, with the cells it is not sure of; `previous` (last year's report
    of the agency, when there is one) settles digits run together that continue its figures."""
    spec = get_format(format_id)
    mapper = _Mapper(lines, spec, previous)
    tables = [s for s in spec.sections if s.table_key]
    if not any(s.number in mapper.sections for s in tables):
        raise UserError("文件中没有找到政府信息公开工作年度报告的表格（如“二、主动公开政府信息情况”）。")
    agency, year = mapper.title()
    for section in tables:
        assert section.table_key is not None
        mapper.read_table(section, spec.table(section.table_key))
    mapper.place()
    mapper.leftovers()
    texts, signature = mapper.texts()
    report = Report(
        format=spec.id, agency=agency, year=year, texts=texts, values=mapper.values, signature=signature
    )
    doubtful = [a for a in spec.cells if mapper.status.get(a) is CellState.DOUBTFUL]
    unread = [a for a in spec.cells if mapper.status.get(a) is CellState.UNREAD]
    source = "\n".join("\t".join(line.cells) for line in lines)
    return Imported(report, doubtful, unread, mapper.notes, source)
