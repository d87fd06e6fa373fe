"""Which of the files received for one agency and year stands, and what is odd about the others: never
"the latest wins".

- Identical copies (same figures, texts and 署名) are duplicates: one stands, the note says so.
- A 定稿 stands before a draft, a fully read file before one read with doubts, a reviewed copy before
  the published file it was reviewed from: a rule, and the note says the others differ.
- Two files that differ and that no rule orders are a conflict: the row says the numbers differ and
  where, and its report is left out of the 汇总 until the office resolves it (removes the wrong file).
- A file whose year is not the board's year but whose text speaks of the board's year (a department's
  2025 figures sent as 2024) is shown on the board's row for that agency, never used as last year's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.desk.receiving import Received, is_reviewed, reviewed_path
from core.model.report import Report

_SHOWN_DIFFERENCES = 3


def same_content(a: Report, b: Report) -> bool:
    """Whether two reports say the same (the agency may be spelled otherwise)."""
    return (a.format, a.year, a.values, a.texts, a.signature) == (
        b.format,
        b.year,
        b.values,
        b.texts,
        b.signature,
    )


def differences(a: Report, b: Report) -> list[str]:
    """Where two reports of one format differ, as the forms name it (the first few)."""
    spec = a.spec
    out = [
        f"{info.description}（{_number(a.values.get(address))} 与 {_number(b.values.get(address))}）"
        for address, info in spec.cells.items()
        if a.values.get(address) != b.values.get(address)
    ]
    out += [f"正文{s.part}" for s in spec.sections if s.text_key and _text(a, b, s.text_key)]
    if a.signature != b.signature:
        out.append("署名或成文日期")
    return out


def _text(a: Report, b: Report, key: str) -> bool:
    return a.texts.get(key, "").strip() != b.texts.get(key, "").strip()


def _number(value: object) -> str:
    return "空" if value is None else str(value)


@dataclass
class Standing:
    """The file that stands for one agency and year and what the row says of the others."""

    best: Received
    conflict: list[Received] = field(default_factory=list)  # differ, and no rule orders them
    notes: list[str] = field(default_factory=list)


def _class(r: Received) -> tuple[bool, bool]:
    """What orders files by rule: a 定稿, then a fully read one (a reviewed copy is)."""
    return (r.final_code is not None, not r.doubtful)


def standing(files: Sequence[Received]) -> Standing:
    """The standing file of several for one agency and year (`files` in the board's order: best first)."""
    best, rest = files[0], list(files[1:])
    out = Standing(best)
    reviewed_from = {r.file for r in rest if r.file and best.file and reviewed_path(r.file) == best.file}
    same = [r for r in rest if same_content(r.report, best.report)]
    differ = [r for r in rest if r not in same]
    ruled = [r for r in differ if _class(r) < _class(best) or r.file in reviewed_from]
    out.conflict = [r for r in differ if r not in ruled]
    if same:
        out.notes.append(f"另有 {len(same)} 个相同的文件（{_names(same)}），是重复报送")
    if ruled:
        why = "已定稿的" if best.final_code else ("已核对的" if is_reviewed(best.file) else "完整读入的")
        out.notes.append(f"另有 {len(ruled)} 个内容不同的文件（{_names(ruled)}），用的是{why}这一个")
    for other in out.conflict:
        where = differences(best.report, other.report)
        shown = "、".join(where[:_SHOWN_DIFFERENCES]) + ("等" if len(where) > _SHOWN_DIFFERENCES else "")
        out.notes.insert(
            0,
            f"内容冲突：“{_name(best)}”与“{_name(other)}”是同一单位同一年度的两份不同报告，"
            f"{len(where)} 处不同：{shown}。请与该单位核实，删去不用的文件；在此之前不计入汇总",
        )
    return out


def _name(r: Received) -> str:
    return r.file.name if r.file else "数据库中的报告"


def _names(files: Sequence[Received]) -> str:
    return "、".join(_name(r) for r in files)


def spoken_year(report: Report) -> int | None:
    """The year a report's text speaks of more than of its own (its figures are that year's, sent under
    the wrong year), or None. A report naming next year's plans once is not wrong."""
    text = re.sub(r"\s+", "", "".join(report.texts.values()))
    counts = Counter(int(y) for y in re.findall(r"(?<!\d)((?:19|20|21)\d\d)年", text))
    if not counts:
        return None
    year, times = counts.most_common(1)[0]
    # twice at least: one 「与2020年相比」 in a report that never names its own year is not enough
    return year if year != report.year and times >= 2 and times > counts[report.year] else None


def wrong_year_note(r: Received, spoken: int) -> str:
    return (
        f"收到的文件“{_name(r)}”年度为 {r.report.year}，正文写的是 {spoken} 年："
        f"可能是 {spoken} 年度的报告填错了年度，请该单位改正后重报（未计入任何年度）"
    )
