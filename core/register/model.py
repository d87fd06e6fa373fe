"""A request (申请) and a case (行政复议/诉讼) of the register, and the typed vocabularies they use.

The applicant types, results, case kinds and case results are the report format's own columns and rows
(core/format/f2021.py): their Chinese labels are read from there, never spelled here. Only the channels
(申请方式) are the register's own vocabulary, declared once below.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from enum import Enum
from functools import cache

from core.format import get_format
from core.format.definition import Table

REQUESTS = "requests"  # the table keys of the exchange format's addresses (docs/exchange-format.md)
CASES = "review_litigation"
NEW, CARRIED, FORWARD = "1", "2", "4"  # table 三's rows 一、本年新收, 二、上年结转, 四、结转下年度继续办理
PENDING = "pending"  # table 四's column 尚未审结


class Channel(Enum):
    """申请方式: 当面, 邮寄, 传真 are 书面申请; 网络, 电子邮件 are 网上申请."""

    IN_PERSON = "当面"
    POST = "邮寄"
    FAX = "传真"
    ONLINE = "网络"
    EMAIL = "电子邮件"
    OTHER = "其他"

    @property
    def written(self) -> bool:
        return self in (Channel.IN_PERSON, Channel.POST, Channel.FAX)

    @property
    def online(self) -> bool:
        return self in (Channel.ONLINE, Channel.EMAIL)


def _table(key: str) -> Table:
    return get_format().table(key)


@cache
def applicants() -> dict[str, str]:
    """Applicant type key -> label (自然人 …): table 三's columns without its total."""
    return {c.key: c.name for c in _table(REQUESTS).columns if not _derived(REQUESTS, NEW, c.key)}


@cache
def results() -> dict[str, str]:
    """Result key (3.1, 3.3.1 …) -> its label as the format prints it, without the leading 三."""
    return {r.key: r.title.removeprefix("三") for r in _table(REQUESTS).rows if _is_result(r.key)}


@cache
def result_short_names() -> dict[str, str]:
    """Result key -> the leaf's own words (予以公开, 部分公开, 属于国家秘密 …) for matching a ledger."""
    short = {}
    for key, label in results().items():
        words = re.sub(r"^（[一二三四五六七八九十]）", "", label)
        leaf = re.split(r"\d+\.", words)[-1]
        short[key] = leaf.split("（")[0]
    return short


@cache
def result_groups() -> dict[str, str]:
    """Result key -> its group's words (不予公开 for 3.3.1; 予以公开 for 3.1)."""
    return {
        key: re.split(r"\d+\.", re.sub(r"^（[一二三四五六七八九十]）", "", label))[0].split("（")[0]
        for key, label in results().items()
    }


@cache
def case_kinds() -> dict[str, str]:
    """Case kind key -> label: table 四's rows (行政复议, 行政诉讼（未经复议直接起诉）…)."""
    return {r.key: r.title for r in _table(CASES).rows}


@cache
def case_results() -> dict[str, str]:
    """Case result key -> label: table 四's columns without 尚未审结 and the total."""
    return {
        c.key: c.name
        for c in _table(CASES).columns
        if c.key != PENDING and not _derived(CASES, _table(CASES).rows[0].key, c.key)
    }


def _derived(table: str, row: str, column: str) -> bool:
    return get_format().cells[f"{table}.{row}.{column}"].derived


def _is_result(row: str) -> bool:
    first = _table(REQUESTS).columns[0].key
    return row not in (NEW, CARRIED, FORWARD) and not _derived(REQUESTS, row, first)


@dataclass(frozen=True)
class Request:
    """One request of the register; dates are None while not (yet) known. `id` is the database's."""

    number: str
    received: dt.date
    applicant: str  # a key of applicants()
    subject: str = ""
    channel: Channel = Channel.OTHER
    applicant_name: str = ""  # personal data: never leaves the database but in the register's export
    topic: str = ""
    correction_asked: dt.date | None = None
    correction_received: dt.date | None = None
    extended: bool = False
    consult_sent: dt.date | None = None
    consult_received: dt.date | None = None
    answered: dt.date | None = None
    result: str | None = None  # a key of results()
    fee: Decimal | None = None
    id: int | None = None

    @property
    def open(self) -> bool:
        return self.answered is None

    def to_flat(self) -> dict[str, str | None]:
        """field -> text, the unit of the register's history (id left out)."""
        flat: dict[str, str | None] = {}
        for f in fields(self):
            if f.name == "id":
                continue
            value = getattr(self, f.name)
            if isinstance(value, Channel):
                flat[f.name] = value.value
            elif isinstance(value, bool):
                flat[f.name] = "1" if value else "0"
            elif value is None or value == "":
                flat[f.name] = None
            else:
                flat[f.name] = str(value) if not isinstance(value, dt.date) else value.isoformat()
        return flat

    @classmethod
    def from_row(cls, row: Sequence[str | None], request_id: int | None = None) -> Request:
        """A request from its stored texts in field order (`to_flat`'s values; a list of 10,000 is read
        on each refresh, so this is plain positional work)."""
        number, received, channel, applicant, applicant_name, subject, topic = row[:7]
        correction_asked, correction_received, extended, consult_sent, consult_received = row[7:12]
        answered, result, fee = row[12:]
        assert received is not None, "a stored request always has its 收到日期"
        return cls(
            number or "",
            _day(received),
            applicant or "",
            subject or "",
            _CHANNELS[channel or Channel.OTHER.value],
            applicant_name or "",
            topic or "",
            _day(correction_asked) if correction_asked else None,
            _day(correction_received) if correction_received else None,
            extended == "1",
            _day(consult_sent) if consult_sent else None,
            _day(consult_received) if consult_received else None,
            _day(answered) if answered else None,
            result or None,
            Decimal(fee) if fee else None,
            request_id,
        )

    def with_changes(self, **changes: object) -> Request:
        return replace(self, **changes)  # type: ignore[arg-type]


_CHANNELS = {c.value: c for c in Channel}
_day = dt.date.fromisoformat
# The fields as the form, the history and the export name them (the spec's 字段), in the spec's order
FIELD_NAMES: dict[str, str] = {
    "number": "编号",
    "received": "收到日期",
    "channel": "申请方式",
    "applicant": "申请人类型",
    "applicant_name": "申请人",
    "subject": "申请内容",
    "topic": "事项类别",
    "correction_asked": "补正告知日期",
    "correction_received": "补正收到日期",
    "extended": "延期",
    "consult_sent": "征求意见发出",
    "consult_received": "征求意见收到",
    "answered": "答复日期",
    "result": "办理结果",
    "fee": "信息处理费",
}
STORED_FIELDS = tuple(FIELD_NAMES)  # the order `Request.from_row` reads
DATE_FIELDS = (
    "received",
    "correction_asked",
    "correction_received",
    "consult_sent",
    "consult_received",
    "answered",
)


@dataclass(frozen=True)
class Case:
    """A 行政复议 or 行政诉讼 case about 政府信息公开; `result` None while 尚未审结."""

    kind: str  # a key of case_kinds()
    filed: dt.date
    decided: dt.date | None = None
    result: str | None = None  # a key of case_results()
    request_number: str = ""
    id: int | None = None


def default_number(received: dt.date, taken: set[str]) -> str:
    """The next free YYYY-NNN of the year received."""
    n = 1 + sum(1 for t in taken if t.startswith(f"{received.year}-"))
    while f"{received.year}-{n:03d}" in taken:
        n += 1
    return f"{received.year}-{n:03d}"
