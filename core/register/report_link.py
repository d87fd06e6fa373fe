"""The one adapter between the register and a year's report: every call the register makes into the
report's storage and edit path is here, so it can follow the report session when that changes.

「由台账生成」 (fill): table 三 and 四 counted from the register written into the report as one revision
(kind `register`), each cell marked as counted; the narrative's 「其中书面申请 N 件、网上申请 M 件」 and the
most frequent 事项类别; and the check of a typed table against the count.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from core.errors import UserError
from core.formats import get_format
from core.narrative import subheading_number
from core.register.counting import Count, Difference, compare
from core.register.model import NEW, REQUESTS, Request
from core.register.ops import Register
from core.report import Report
from core.storage import Database
from core.storage.register import CountedCell, RegisterStore
from core.vocabulary import RevisionKind

NEW_TOTAL = f"{REQUESTS}.{NEW}.total"
FILL_KIND = RevisionKind.REGISTER.value  # the report revision's kind, named 由台账生成
FILL_NOTE = "由台账生成"
TOP_TOPICS = 3


@dataclass(frozen=True)
class FillOutcome:
    report_id: int
    created: bool
    revision: int | None  # None: the report already held these numbers
    count: Count


def counted_values(count: Count) -> dict[str, Decimal | None]:
    """The input cells of table 三 and 四 as counted (the totals are left to compute from them)."""
    cells = get_format().cells
    return {a: Decimal(n) for a, n in count.values.items() if not cells[a].derived}


def problems_message(count: Count) -> str:
    listed = "；".join(f"{p.number}：{p.why}" for p in count.problems[:10])
    more = f"等 {len(count.problems)} 件" if len(count.problems) > 10 else ""
    return f"台账中有申请无法统计，{count.year} 年的表格没有写入，请先修改：{listed}{more}。"


def report_for(db: Database, agency: str, year: int) -> tuple[int, bool]:
    """The report of that agency and year: (its id, whether it was made now)."""
    found = db.find_report(agency, year)
    if found is not None:
        return found, False
    return db.create_report(Report.blank(agency, year)), True


def fill(db: Database, register: Register, year: int) -> FillOutcome:
    """Write the counted tables into that year's report (made if absent) as one revision."""
    count = register.count(year)
    if count.problems:
        raise UserError(problems_message(count))
    report_id, created = report_for(db, register.agency, year)
    values = counted_values(count)
    revision = db.set_values(report_id, values, kind=FILL_KIND, note=FILL_NOTE)
    register.store.mark_counted(report_id, {a: str(v) for a, v in values.items()})
    return FillOutcome(report_id, created, revision, count)


def differences(db: Database, register: Register, report_id: int) -> list[Difference]:
    """The cells of the stored report's table 三 and 四 that differ from the register's count."""
    report = db.load_report(report_id)
    return compare(dict(report.values), register.count(report.year))


def counted_marks(db: Database, report_id: int) -> dict[str, CountedCell]:
    """The cells of a report written by 「由台账生成」, with their counts and any override's reason."""
    return RegisterStore(db).counted_cells(report_id)


def typed_over(db: Database, report: Report, report_id: int, addresses: list[str]) -> list[tuple[str, int]]:
    """The counted cells among `addresses` that now hold a typed number other than the count and have
    no kept reason: (address, the count) — the clerk is asked whether to change the register instead.
    A cell emptied (e.g. 「由台账生成」 undone) is not asked about."""
    marks = counted_marks(db, report_id)
    found = []
    for address in addresses:
        mark = marks.get(address)
        value = report.values.get(address)
        if mark and mark.override_reason is None and value is not None and value != Decimal(mark.counted):
            found.append((address, int(mark.counted)))
    return found


def keep_override(db: Database, report_id: int, address: str, reason: str) -> None:
    """A clerk typed over a counted cell and keeps the typed value: why."""
    if not reason.strip():
        raise UserError("请写明为什么不采用台账统计的数字。")
    RegisterStore(db).set_override(report_id, address, reason.strip())


def narrative_sentence(requests: list[Request], year: int) -> str:
    """「其中书面申请 N 件、网上申请 M 件」 and the most frequent 事项类别 of the year's new requests."""
    new = [r for r in requests if r.received.year == year]
    written = sum(1 for r in new if r.channel.written)
    online = sum(1 for r in new if r.channel.online)
    other = len(new) - written - online
    sentence = f"本年新收政府信息公开申请{len(new)}件，其中书面申请{written}件、网上申请{online}件"
    if other:
        sentence += f"、其他方式{other}件"
    topics = Counter(r.topic for r in new if r.topic).most_common(TOP_TOPICS)
    if topics:
        sentence += "；申请量居前的事项为" + "、".join(f"{t}（{n}件）" for t, n in topics)
    return sentence + "。"


def with_sentence(report: Report, sentence: str) -> tuple[str, str] | None:
    """(text key, the narrative with the register's sentence placed after the 依申请公开 paragraph — the
    draft block that counts table 三's new requests); None when the sentence is already there."""
    block = next(b for b in report.spec.draft_blocks if any(f"{{{NEW_TOTAL}}}" in t for t in b.templates))
    text = report.texts[block.text_key]
    if sentence in text:
        return None
    lines = text.split("\n")
    at = next((i for i, line in enumerate(lines) if line.strip().startswith(block.heading)), None)
    if at is None:
        return block.text_key, "\n".join([*lines, sentence]) if text.strip() else sentence
    at += 1
    if at < len(lines) and lines[at].strip() and not subheading_number(lines[at])[0]:
        at += 1  # after the paragraph under the heading
    return block.text_key, "\n".join([*lines[:at], sentence, *lines[at:]])
