"""A register field's value as a clerk types it or an office ledger writes it, read or refused in Chinese.

Dates as offices write them (2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, 20260305 — core.model.date_input —
and, in the form, 3.5 or 3-5 for this year), the format's labels for applicant types and results with
the common short forms, and the channels. Nothing is guessed: a text that names nothing, or more than
one thing, is refused with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache

from core.errors import UserError
from core.model.date_input import parse_date
from core.model.hidden_characters import without_hidden
from core.model.report import YEARS
from core.register.model import Channel, applicants, result_groups, result_short_names, results

_SHORT_DATE = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug is before day 61 only)
_MAX_FEE = Decimal(10**9)  # 信息处理费 of a billion 元 is no fee; Excel cannot hold 1e309 at all
_NOISE = re.compile(r"[\s\u3000　:：\u200b-\u200d\u2060\ufeff]")


def plain(text: str) -> str:
    """Full width folded, spaces gone: how headers and values are compared."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text))


def read_date(text: str, year: int | None = None) -> dt.date | None:
    """A date as typed or written in a ledger; `year` completes a short 3.5. None for empty text."""
    cleaned = _TIME.sub("", without_hidden(unicodedata.normalize("NFKC", text)).strip())
    if year is not None:
        short = _SHORT_DATE.fullmatch(cleaned)
        if short:
            month, day = int(short[1]), int(short[2])
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise UserError(f"没有 {year}年{month}月{day}日 这一天。") from None
    try:
        found = parse_date(cleaned)
    except UserError as exc:  # its words are about the 成文日期; here any of the register's dates
        raise UserError(
            exc.message.replace("成文日期", "日期").replace("“2022-01-20”", "“2022-1-20”")
        ) from None
    return found if found is None else in_register_years(found)


def excel_serial_date(number: float) -> dt.date:
    """An Excel date cell's serial number as a date."""
    if not 1 <= number < 2958466:
        raise UserError(f"“{number:g}”不是 Excel 中的日期。")
    return in_register_years(_EXCEL_EPOCH + dt.timedelta(days=int(number)))


def register_year(year: int) -> int:
    """A year the register counts and keeps deadlines in: a report's years (core.storage.database's
    YEARS). A year 9999 deadline would run past the calendar's end, a year 1 one count 2,000 years."""
    if year not in YEARS:
        raise UserError(f"年份 {year} 不在 {YEARS.start}–{YEARS.stop - 1} 年之间，请检查。")
    return year


def in_register_years(day: dt.date) -> dt.date:
    """`day`, when its year is one the register keeps (`register_year`); else a `UserError`."""
    if day.year not in YEARS:
        raise UserError(
            f"{day.year}年{day.month}月{day.day}日 不在 {YEARS.start}–{YEARS.stop - 1} 年之间，请检查日期。"
        )
    return day


_APPLICANT_WORDS = {
    "个人": "natural_person",
    "公民": "natural_person",
    "群众": "natural_person",
    "企业": "commercial",
    "公司": "commercial",
    "商业": "commercial",
    "科研": "research",
    "科研单位": "research",
    "公益组织": "social_welfare",
    "社会组织": "social_welfare",
    "律师事务所": "legal_service",
    "律所": "legal_service",
    "律师": "legal_service",
}
_CHANNEL_WORDS = {
    "信函": Channel.POST,
    "来信": Channel.POST,
    "邮件寄送": Channel.POST,
    "网上": Channel.ONLINE,
    "在线": Channel.ONLINE,
    "网站": Channel.ONLINE,
    "网上申请": Channel.ONLINE,
    "政府网站": Channel.ONLINE,
    "互联网": Channel.ONLINE,
    "邮箱": Channel.EMAIL,
    "电子邮箱": Channel.EMAIL,
    "email": Channel.EMAIL,
    "现场": Channel.IN_PERSON,
    "当面提交": Channel.IN_PERSON,
    "当面递交": Channel.IN_PERSON,
    "窗口": Channel.IN_PERSON,
}
_RESULT_WORDS = {"同意公开": "3.1", "公开": "3.1", "区分处理": "3.2", "信息不存在": "3.4.1"}


def read_applicant(text: str) -> str:
    """An applicant type key from its label (自然人) or a short form (个人, 企业 …)."""
    word = plain(text)
    by_label = {plain(label): key for key, label in applicants().items()}
    key = by_label.get(word) or _APPLICANT_WORDS.get(word)
    if key is None:
        names = "、".join(applicants().values())
        raise UserError(f"“{text}”不是申请人类型（应为{names}之一）。")
    return key


def read_channel(text: str) -> Channel:
    word = plain(text)
    for channel in Channel:
        if word in (channel.value, channel.value + "申请"):
            return channel
    found = _CHANNEL_WORDS.get(word.lower())
    if found is None:
        names = "、".join(c.value for c in Channel)
        raise UserError(f"“{text}”不是申请方式（应为{names}之一）。")
    return found


@cache
def _result_names() -> dict[str, str | None]:
    """Every way a result is named -> its key; None where a name fits several results."""
    names: dict[str, str | None] = {}

    def add(name: str, key: str) -> None:
        names[name] = key if names.get(name, key) == key else None

    for key, label in results().items():
        add(plain(label), key)
        add(plain(label).split("（", 1)[-1] if label.startswith("（") else plain(label), key)
        add(plain(re.sub(r"^（[一二三四五六七八九十]）", "", label)), key)
        add(result_short_names()[key], key)
        add(result_groups()[key] + result_short_names()[key], key)
        add(key, key)
        add(result_groups()[key], key)  # 予以公开 names its one result; 不予公开 names eight: None
    for word, key in _RESULT_WORDS.items():
        names.setdefault(word, key)
    return names


def read_result(text: str) -> str:
    """A result key (3.3.1 …) from the format's label, a leaf's own label when unambiguous, or a
    common phrase (同意公开, 区分处理, 信息不存在)."""
    word = plain(text)
    word = re.sub(r"^\d+[.、]", "", word) if word not in _result_names() else word
    key = _result_names().get(word)
    if key is None:
        why = "有几种情形，请写明是哪一种" if word in _result_names() else "不是表格中的办理结果"
        raise UserError(f"“{text}”{why}。")
    return key


def read_flag(text: str) -> bool:
    word = plain(text).lower()
    if word in ("", "否", "无", "n", "no", "不延期", "0", "×"):
        return False
    if word in ("是", "有", "y", "yes", "延期", "已延期", "1", "√", "✓"):
        return True
    raise UserError(f"“{text}”不是“是”或“否”。")


def read_fee(text: str) -> Decimal | None:
    word = plain(text).removesuffix("元").replace(",", "")
    if not word:
        return None
    try:
        fee = Decimal(word)
    except InvalidOperation:
        raise UserError(f"“{text}”不是金额。") from None
    if not fee.is_finite() or fee < 0 or fee >= _MAX_FEE:  # 1e309 passed, and broke the register's export
        raise UserError(f"“{text}”不是金额。")
    return fee
