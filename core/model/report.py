"""The report as data: agency, year, narrative texts, every table cell by address, signature.

A cell holds a `Decimal` or `None`; `None` means "not filled in", which is not the same as 0. Values
that break the rules (negative, fractional counts) are kept so the rules can point at them.

Plain dataclasses, checked as they are made (`__post_init__`): every reader (the exchange file, the
database, the document readers) hands them typed values, so a fresh `check` needs no model library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from core.errors import UserError
from core.format import CURRENT, get_format
from core.format.definition import ReportFormat

Values = dict[str, Decimal | None]  # a report's cells: address -> number, None when blank
YEARS = range(1990, 2201)  # the years a report, and so the register, may have: a typo (0202, 9999) is none
MAX_AGENCY = 100  # the longest real 机关名称 is about 40 characters; a title must fit on the first page


def agency_name(name: str) -> str:
    """A usable 机关名称 (stripped), or a `UserError` saying why not."""
    name = name.strip()
    if not name:
        raise UserError("机关名称不能为空。")
    return _short_enough(name)


def _short_enough(name: str, what: str = "机关名称") -> str:
    if len(name) > MAX_AGENCY:
        raise UserError(f"{what}太长（{len(name)} 个字），最多 {MAX_AGENCY} 个字。")
    return name


def chinese_date(date: dt.date) -> str:
    """A date as official documents write it: 2022年1月20日 (no leading zeros)."""
    return f"{date.year}年{date.month}月{date.day}日"


@dataclass(kw_only=True)
class Signature:
    """Who signs the report and when (署名, 成文日期), as printed under it."""

    name: str | None = None  # 署名: usually the agency name
    date: dt.date | None = None  # 成文日期

    def __post_init__(self) -> None:
        if self.name is not None:
            _short_enough(self.name, "署名")


def fmt(value: Decimal) -> str:
    """A number as the user wrote it: 22, 12.5, -3 (no exponent, no trailing zeros after the point)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass(kw_only=True)
class Report:
    """One agency's report for one year in one format: the texts, every cell, the signature."""

    format: str = CURRENT
    agency: str
    year: int
    texts: dict[str, str] = field(default_factory=dict)
    values: Values = field(default_factory=dict)
    signature: Signature = field(default_factory=Signature)

    def __post_init__(self) -> None:
        """The agency's name fits (a `UserError` if not); every text and every cell of the format is
        present (blank when not given), and nothing else (a `ValueError`)."""
        _short_enough(self.agency)
        spec = self.spec
        if list(self.values) == list(spec.cells) and list(self.texts) == list(spec.text_keys):
            # complete and in the format's order, as every reader gives them: only copied (a report
            # owns its dicts), not checked key by key (a tenth of storing a report in `db import`)
            self.values, self.texts = dict(self.values), dict(self.texts)
            return
        unknown = (set(self.values) - set(spec.cells)) | (set(self.texts) - set(spec.text_keys))
        if unknown:
            raise ValueError(f"unknown keys for format {spec.id}: {sorted(unknown)}")
        self.values = {a: self.values.get(a) for a in spec.cells}
        self.texts = {k: self.texts.get(k, "") for k in spec.text_keys}

    @property
    def spec(self) -> ReportFormat:
        return get_format(self.format)

    @property
    def title(self) -> str:
        return self.spec.title(self.agency, self.year)

    @classmethod
    def blank(cls, agency: str, year: int, format_id: str = CURRENT) -> Report:
        """A new, empty report whose overview starts with the customary sub-headings."""
        spec = get_format(format_id)
        texts = {s.text_key: "\n".join(s.starter_subheadings) for s in spec.sections if s.text_key}
        return cls(format=format_id, agency=agency, year=year, texts=texts, signature=Signature(name=agency))
