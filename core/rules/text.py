"""The narrative checked against the tables, the calendar and last year's report (TEXT.* rules).

Pure functions over a report, returning findings like the arithmetic rules. They read prose, so they
are warnings only and stay quiet unless sure: TEXT.NUMBER reads only the sentences the format's phrases
cover (`ReportFormat.text_phrases`), accepts any of a phrase's readings, and says nothing about cells
nobody has filled in yet. Also here: the drafted number sentences (「根据表格生成」) and the spans of
sentences repeated from last year, which the editor highlights.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, cached_property, lru_cache

from core.format import get_format
from core.format.definition import DRAFT_FIELD, DraftBlock, ReportFormat, TextPhrase
from core.model.report import Report
from core.rules.findings import Finding, TextPlace, fmt, make_finding, resolved_values
from core.rules.narrative import subheading_length, subheading_number

COPIED = "TEXT.COPIED"  # the rule whose repeated sentences the editors mark
COPIED_SHARE = 0.5  # TEXT.COPIED warns when at least this share of the sentences repeats last year's
COPIED_SIMILARITY = 90  # rapidfuzz ratio (0–100) at which two digit-masked sentences count as the same
_SHORT = 8  # sentences shorter than this (after masking) say too little to count as copied

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = r"\s*(?<![0-9.])(?P<n>[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万]+)\s*"
_QUANTIFIED = re.compile(r"[?*]|\{\d")  # what follows an optional character ({N} is not a quantifier)
_HAS_FULL_WIDTH = re.compile("[０-９．]")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_SENTENCE = re.compile(r"[^。！？!?\n]+")
_OPENING_YEAR = re.compile(r"^\s*(\d{4})\s*年(?:度)?\s*[，,]")  # after any sub-heading number
_HEADING_MAX = 20  # a sub-heading line this short is structure, not a sentence that could be copied
_NOTHING = re.compile(r"^[\s无。.．、，,;；:：（）()“”\"'暂]*$")


def chinese_number(text: str) -> int | None:
    """二十三 → 23, 一百零五 → 105, 两千 → 2000, 一二三 → 123; None when it is not a number."""
    if all(c in _DIGITS for c in text):  # digit by digit, as in 二〇二三
        return int("".join(str(_DIGITS[c]) for c in text)) if text else None
    total = section = digit = 0
    for c in text:
        if c in _DIGITS:
            digit = _DIGITS[c]
        elif c in _UNITS:
            section += (digit or 1) * _UNITS[c]
            digit = 0
        elif c == "万":
            total += (section + digit) * 10000
            section = digit = 0
        else:
            return None
    return total + section + digit


def _value(text: str) -> Decimal | None:
    if text[0].isdigit():
        return Decimal(text)
    number = chinese_number(text)
    return None if number is None else Decimal(number)


@dataclass(frozen=True)
class Sentence:
    key: str  # the text it is in
    start: int
    end: int
    text: str

    @property
    def place(self) -> TextPlace:
        return TextPlace(self.key, self.start, self.end)


def sentences(report: Report) -> Iterator[Sentence]:
    """Every sentence of every narrative, with its place (split at 。！？ and line breaks)."""
    return _sentences(report.texts)


def _sentences(texts: Mapping[str, str]) -> Iterator[Sentence]:
    for key, text in texts.items():
        for m in _SENTENCE.finditer(text):
            if m.group().strip():
                yield Sentence(key, m.start(), m.end(), m.group())


def _anchor(pattern: str) -> str:
    """The longest run of Chinese characters every match must contain (outside groups and classes),
    so that a pattern runs only over texts that hold it: most phrases are absent from most texts."""
    runs, run, depth, escaped = [], "", 0, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and "\u4e00" <= ch <= "\u9fff" and not _QUANTIFIED.match(pattern, i + 1):
            run += ch
            continue
        runs.append(run)
        run = ""
    return max([*runs, run], key=len)


class _Compiled:
    """A phrase with its anchor; its patterns compiled when a text first holds the anchor: a fresh
    `check` compiled all 50-odd (15–25 ms), most of which the report's narrative never needs."""

    def __init__(self, phrase: TextPhrase) -> None:
        self.phrase = phrase
        self.anchor = _anchor(phrase.pattern)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.phrase.pattern.replace("{N}", _NUMBER).removeprefix(r"\s*"))

    @cached_property
    def context(self) -> re.Pattern[str] | None:
        return re.compile(self.phrase.context) if self.phrase.context else None

    @cached_property
    def unless(self) -> re.Pattern[str] | None:
        return re.compile(self.phrase.unless) if self.phrase.unless else None


_COMPILED: dict[str, tuple[_Compiled, ...]] = {}  # by format id: hashing a format itself is slow


def _compiled(spec: ReportFormat) -> tuple[_Compiled, ...]:
    if spec.id not in _COMPILED:
        _COMPILED[spec.id] = _compile(spec)
    return _COMPILED[spec.id]


def _compile(spec: ReportFormat) -> tuple[_Compiled, ...]:
    return tuple(_Compiled(p) for p in spec.text_phrases)


def _filled(report: Report) -> set[str]:
    """Cells someone filled in: given, or a total with a filled part. An empty table states nothing."""
    filled = {a for a, v in report.values.items() if v is not None}
    for total, parts in report.spec.derivations:
        if any(p in filled for p in parts):
            filled.add(total)
    return filled


def _section_name(spec: ReportFormat, key: str) -> str:
    return next(s.part for s in spec.sections if s.text_key == key)


def _describe(spec: ReportFormat, reading: tuple[str, ...]) -> str:
    cells = [spec.cells[a] for a in reading]
    if len(cells) == 1:
        return cells[0].description
    rows = "＋".join(f"「{c.row.name}」" for c in cells)
    return f"{cells[0].table.part}{rows}「{cells[0].column.name}」"


@dataclass(frozen=True)
class Claim:
    """A number a covered sentence states, and what the tables say under each allowed reading."""

    sentence: Sentence
    phrase: TextPhrase
    quote: str  # the matched words, spaces removed
    stated: Decimal
    readings: tuple[tuple[tuple[str, ...], Decimal], ...]  # (cells, their sum) for filled readings

    @property
    def agrees(self) -> bool:
        return any(total == self.stated for _, total in self.readings)


def number_claims(report: Report, values: Mapping[str, Decimal]) -> list[Claim]:
    """Every number the narrative states in a sentence a phrase covers, about cells filled in."""
    spec = report.spec
    filled = _filled(report)
    claims = []
    for key, raw in report.texts.items():
        # same length: positions stay those of the text
        text = raw.translate(_FULL_WIDTH) if _HAS_FULL_WIDTH.search(raw) else raw
        spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]
        for c in _compiled(spec):
            if c.anchor not in text:
                continue
            # sentence by sentence: a match may not run into the next sentence, and one that would
            # must not hide the claim inside it (a whole-text search skips past what it discarded)
            for start, end in spans:
                sentence = text[start:end]
                if c.anchor not in sentence:
                    continue
                if (c.context and not c.context.search(sentence)) or (c.unless and c.unless.search(sentence)):
                    continue
                for m in c.pattern.finditer(text, start, end):
                    stated = Decimal(0) if c.phrase.negation else _value(m.group("n"))
                    readings = tuple(
                        (r, sum((values[a] for a in r), Decimal(0)))
                        for r in c.phrase.readings
                        if any(a in filled for a in r)
                    )
                    if stated is not None and readings:
                        quote = re.sub(r"\s+", "", m.group())
                        claims.append(
                            Claim(
                                Sentence(key, start, end, raw[start:end]), c.phrase, quote, stated, readings
                            )
                        )
    return claims


def text_number(report: Report, values: Mapping[str, Decimal]) -> list[Finding]:
    """TEXT.NUMBER: a number a covered sentence states that no reading of the tables gives."""
    spec = report.spec
    findings: list[Finding] = []
    seen: set[tuple[tuple[str, ...], Decimal]] = set()
    for claim in number_claims(report, values):
        cells = claim.readings[0][0]
        if claim.agrees or (cells, claim.stated) in seen:
            continue
        seen.add((cells, claim.stated))
        shown, totals = [], set()
        for reading, total in claim.readings:
            if total not in totals:  # the other readings only when they give another number
                totals.add(total)
                shown.append(f"{_describe(spec, reading)}为 {fmt(total)}")
        findings.append(
            make_finding(
                report.spec,
                "TEXT.NUMBER",
                cells,
                f"{_section_name(spec, claim.sentence.key)}写的「{claim.quote}」说{claim.phrase.topic}为 "
                f"{fmt(claim.stated)}，与表格不符：{'，'.join(shown)}（如文字说的不是这个数，可忽略此提醒）",
                topic=f"{claim.phrase.topic}={fmt(claim.stated)}",
                place=claim.sentence.place,
            )
        )
    return findings


@cache
def _title_year(subject: str) -> re.Pattern[str]:
    """「2021年度政府信息公开工作年度报告」 named in the text: which year's report it speaks of."""
    return re.compile(r"(\d{4})\s*年度?" + re.escape(subject))


def text_year(report: Report) -> list[Finding]:
    """TEXT.YEAR: a paragraph of 一 opens with an earlier year as its own, or a title names another year."""
    opening = {s.text_key for s in report.spec.sections if s.opening}
    for sentence in sentences(report):
        m = _OPENING_YEAR.match(subheading_number(sentence.text)[1]) if sentence.key in opening else None
        year = int(m.group(1)) if m else None
        if year is None or year >= report.year:
            t = _title_year(report.spec.subject).search(sentence.text)
            year = int(t.group(1)) if t and int(t.group(1)) != report.year else None
        if year is not None:
            quote = re.sub(r"\s+", "", sentence.text)[:30]
            return [
                make_finding(
                    report.spec,
                    "TEXT.YEAR",
                    (f"text.{sentence.key}",),
                    f"这是 {report.year} 年度的报告，{_section_name(report.spec, sentence.key)}却写"
                    f"「{quote}…」，把 {year} 年当作本年度（可能是沿用了上年的文字），请核对年份",
                    topic=str(year),
                    place=sentence.place,
                )
            ]
    return []


def _masked(text: str) -> str:
    return re.sub(r"[0-9０-９]+", "#", re.sub(r"\s+", "", text))


@cache
def _fixed(format_id: str) -> frozenset[str]:
    """The national format's own wording (headings, sub-headings, set sentences): never 'copied'."""
    spec = get_format(format_id)
    texts = [*spec.fixed_sentences]
    for section in spec.sections:
        texts += [section.heading, section.full_heading, *section.starter_subheadings]
    return frozenset(_masked(t) for t in texts)


@lru_cache(maxsize=8)
def _countable_cached(format_id: str, texts: tuple[tuple[str, str], ...]) -> list[tuple[Sentence, str]]:
    return _countable(format_id, dict(texts))


def _countable(format_id: str, texts: Mapping[str, str]) -> list[tuple[Sentence, str]]:
    fixed = _fixed(format_id)
    out = []
    for s in _sentences(texts):
        masked = _masked(s.text)
        heading = subheading_length(masked) == len(masked) and len(masked) <= _HEADING_MAX
        if len(masked) >= _SHORT and masked not in fixed and not heading:
            out.append((s, masked))
    return out


_SHINGLE = 4  # characters per shingle of the sentence index
_COMMON = 64  # a shingle in more of last year's sentences than this says nothing about which one
_CANDIDATES = 4  # of last year's sentences sharing the most shingles, this many are compared in full
MAX_COMPARED = 5000  # sentences per year compared at all: a report has ~100; beyond, only exact repeats
_LONGEST = 500  # characters of a sentence compared in full (a text without any 。 is one "sentence")


class _Before:
    """Last year's countable sentences, masked, indexed by hash and by shingles, so that each sentence
    of this year is compared with a few candidates: the work grows with the texts, not their product."""

    def __init__(self, masked: list[str]) -> None:
        self.exact = frozenset(masked)
        self.sentences = [text[:_LONGEST] for text in masked[:MAX_COMPARED]]
        self.index: dict[str, list[int]] = {}
        for i, text in enumerate(self.sentences):
            for shingle in {text[k : k + _SHINGLE] for k in range(max(1, len(text) - _SHINGLE + 1))}:
                posting = self.index.setdefault(shingle, [])
                if len(posting) <= _COMMON:
                    posting.append(i)
        self.comparisons = 0  # full comparisons made (what the bound limits)

    def repeats(self, masked: str, position: int) -> bool:
        if masked in self.exact:
            return True
        if position >= MAX_COMPARED:
            return False
        masked = masked[:_LONGEST]
        hits: dict[int, int] = {}
        for k in range(max(1, len(masked) - _SHINGLE + 1)):
            posting = self.index.get(masked[k : k + _SHINGLE], ())
            if len(posting) <= _COMMON:
                for i in posting:
                    hits[i] = hits.get(i, 0) + 1
        from rapidfuzz import fuzz  # only with last year's report: `check` alone does not load it

        best = sorted(hits, key=hits.__getitem__, reverse=True)[:_CANDIDATES]
        for i in best:
            self.comparisons += 1
            if fuzz.ratio(masked, self.sentences[i], score_cutoff=COPIED_SIMILARITY):
                return True
        return False


@lru_cache(maxsize=4)
def _before(format_id: str, texts: tuple[tuple[str, str], ...]) -> _Before:
    """Last year's sentences, indexed (kept: last year's report does not change while typing)."""
    return _Before([m for _, m in _countable(format_id, dict(texts))])


def copied_sentences(report: Report, previous: Report) -> list[Sentence]:
    """This year's sentences that repeat one of last year's once digits are masked."""
    return list(
        _copied(report.format, tuple(report.texts.items()), previous.format, tuple(previous.texts.items()))
    )


@lru_cache(maxsize=8)  # the rule and the editors' marks ask alike, on every recheck while a cell is typed
def _copied(
    format_id: str,
    texts: tuple[tuple[str, str], ...],
    before_format: str,
    before_texts: tuple[tuple[str, str], ...],
) -> tuple[Sentence, ...]:
    before = _before(before_format, before_texts)
    countable = _countable_cached(format_id, texts)
    return tuple(s for k, (s, masked) in enumerate(countable) if before.repeats(masked, k))


def copied_share(report: Report, previous: Report) -> tuple[list[Sentence], int]:
    """(repeated sentences, how many sentences count) — the figures of TEXT.COPIED."""
    return copied_sentences(report, previous), len(
        _countable_cached(report.format, tuple(report.texts.items()))
    )


def repeat_rate(report: Report, previous: Report) -> dict[str, object]:
    """The share of this year's sentences repeated from last year's (offices are scored on it), as
    `check --json` gives it and TEXT.COPIED says it."""
    repeated, total = copied_share(report, previous)
    share = len(repeated) / total if total else 0.0
    return {
        "previous_year": previous.year,
        "sentences": total,
        "repeated": len(repeated),
        "share": round(share, 4),
        "text": repeat_words(share),
    }


def repeat_line(report: Report, previous: Report) -> str | None:
    """「与上年报告重复的句子占 N%」 as the app shows it beside the findings; None: no sentence to count."""
    repeated, total = copied_share(report, previous)
    return repeat_words(len(repeated) / total) if total else None


def repeat_words(share: float) -> str:
    return f"与上年报告重复的句子占 {share:.0%}"


def text_copied(report: Report, previous: Report) -> list[Finding]:
    """TEXT.COPIED: at least half of this year's sentences repeat last year's (digits masked)."""
    repeated, total = copied_share(report, previous)
    if not total or len(repeated) / total < COPIED_SHARE:
        return []
    keys = tuple(dict.fromkeys(f"text.{s.key}" for s in repeated))
    return [
        make_finding(
            report.spec,
            COPIED,
            keys,
            f"{repeat_words(len(repeated) / total)}：本年度叙述的 {total} 句中有 {len(repeated)} 句与 "
            f"{previous.year} 年度报告相同（数字不计），国家格式要求避免内容雷同，"
            "请按本年度的实际情况改写（重复的句子已在文字中标出）",
            topic=f"上年={previous.year}",
        )
    ]


def _written(report: Report) -> bool:
    """Has the user begun 第一部分 beyond a new report's sub-headings?"""
    starters = {h for s in report.spec.sections for h in s.starter_subheadings}
    opening = "\n".join(report.texts[s.text_key] for s in report.spec.sections if s.opening and s.text_key)
    lines = (line.strip() for line in opening.split("\n"))
    return any(line and line not in starters for line in lines)


def text_empty(report: Report) -> list[Finding]:
    """TEXT.EMPTY: 第五部分 left empty or only 「无」 once the narrative is being written (a new report's
    empty sections are not yet a problem): the national format asks for problems and remedies."""
    section = next((s for s in report.spec.sections if s.required), None)
    if section is None or section.text_key is None or not _NOTHING.match(report.texts[section.text_key]):
        return []
    if not _written(report):
        return []
    return [
        make_finding(
            report.spec,
            "TEXT.EMPTY",
            (f"text.{section.text_key}",),
            f"{section.part}「{section.heading}」没有写内容（或只写了“无”），请写明存在的主要问题和改进情况",
        )
    ]


def text_findings(report: Report, values: Mapping[str, Decimal], previous: Report | None) -> list[Finding]:
    """Every TEXT.* finding of a report (warnings)."""
    findings = text_number(report, values) + text_year(report) + text_empty(report)
    if previous is not None:
        findings += text_copied(report, previous)
    return findings


# ---------------------------------------------------------------- drafting from the tables


def _render(template: str, report: Report, values: Mapping[str, Decimal]) -> str:
    def total(cells: str) -> Decimal:
        return sum((values[a] for a in cells.split("+")), Decimal(0))

    def field(m: re.Match[str]) -> str:
        name = m.group(1)
        if name == "year":
            return str(report.year)
        if not name.startswith("list:"):
            return fmt(total(name))
        prefix, *parts = name.removeprefix("list:").split("|")
        listed = [
            f"{label}{fmt(total(cells))}件"
            for label, _, cells in (p.partition("=") for p in parts)
            if total(cells)
        ]
        return prefix + "、".join(listed) if listed else ""

    return DRAFT_FIELD.sub(field, template)


def draft_text(block: DraftBlock, report: Report, values: Mapping[str, Decimal] | None = None) -> str:
    """The paragraph a draft block writes for the report's current tables."""
    values = resolved_values(report) if values is None else values
    return "".join(_render(t, report, values) for t in block.templates)


def _heading_key(line: str) -> tuple[str, str]:
    """A line as a sub-heading is compared: its number's numeral (`(一)` as typed = （一）), its words
    without spaces."""
    numeral, words = subheading_number(line)
    return numeral, re.sub(r"\s+", "", words)


def insert_drafts(report: Report) -> dict[str, str]:
    """「根据表格生成」: each draft paragraph placed under its sub-heading (added at the end when the
    sub-heading is missing); a paragraph already there is left alone. Returns the texts that change."""
    values = resolved_values(report)
    texts = dict(report.texts)
    for block in report.spec.draft_blocks:
        paragraph = draft_text(block, report, values)
        lines = texts[block.text_key].split("\n")
        if paragraph in lines:
            continue
        numeral, words = _heading_key(block.heading)
        at = next(
            (i for i, (n, w) in enumerate(map(_heading_key, lines)) if n == numeral and w.startswith(words)),
            None,
        )
        if at is None:
            while lines and not lines[-1].strip():  # the text's own blank lines stay; trailing ones go
                lines.pop()
            lines += [block.heading + "情况", paragraph]
        else:
            lines.insert(at + 1, paragraph)
        texts[block.text_key] = "\n".join(lines)
    return {k: t for k, t in texts.items() if t != report.texts[k]}


def follow_drafts(before: Report, after: Report) -> dict[str, str]:
    """Draft paragraphs still exactly as written for `before`'s tables, rewritten for `after`'s tables
    (an untouched block follows the tables; an edited one is the user's). Returns the texts that change."""
    old_values, new_values = resolved_values(before), resolved_values(after)
    texts = dict(after.texts)
    for block in after.spec.draft_blocks:
        old, new = draft_text(block, before, old_values), draft_text(block, after, new_values)
        lines = texts[block.text_key].split("\n")
        if old != new and old in lines:
            texts[block.text_key] = "\n".join(new if line == old else line for line in lines)
    return {k: t for k, t in texts.items() if t != after.texts[k]}


def draft_spans(report: Report) -> dict[str, list[tuple[int, int]]]:
    """Where the untouched draft paragraphs are in each text (the editor shows them as a block)."""
    values = resolved_values(report)
    spans: dict[str, list[tuple[int, int]]] = {}
    for block in report.spec.draft_blocks:
        paragraph = draft_text(block, report, values)
        text = report.texts[block.text_key]
        start = text.find(paragraph)
        if start >= 0:
            spans.setdefault(block.text_key, []).append((start, start + len(paragraph)))
    return spans
