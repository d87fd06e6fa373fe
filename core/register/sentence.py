"""The register's sentence in a year's narrative: 「其中书面申请 N 件、网上申请 M 件」 and the most frequent
事项类别 of the year's new requests, and where it goes — used by 「写入申请情况」 and by 「根据表格生成」
(the report session's drafting) when the agency keeps a register for that year.

Free of the report session, so that the session can draft with it (`core.register.report_link`, which
writes through the session, imports this module, not the other way round).
"""

from __future__ import annotations

from collections import Counter

from core.model.report import Report
from core.register.model import NEW, REQUESTS, Request
from core.register.ops import Register
from core.rules.narrative import subheading_number
from core.storage import Database

NEW_TOTAL = f"{REQUESTS}.{NEW}.total"
TOP_TOPICS = 3


def register_sentence(db: Database, agency: str, year: int) -> str | None:
    """The sentence of `agency`'s register for `year`; None when it registered no request that year."""
    requests = Register(db, agency).requests()
    if not any(r.received.year == year for r in requests):
        return None
    return narrative_sentence(requests, year)


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
