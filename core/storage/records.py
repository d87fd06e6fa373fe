"""Storage's records: what it takes and returns (summaries, revisions, changes, dismissals), and a report's
content flattened to field -> text, the unit of history.

A change's `field` is a cell address, `text.<key>`, `signature.name`, `signature.date`, `agency`,
`year`, `status` or `deleted`. Values are kept as text: a cell's `Decimal` exactly as given
(`7730.2800` stays `7730.2800`), a date as `2022-01-20`, a time as UTC ISO 8601.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from core.errors import UserError
from core.format import get_format
from core.model.report import Report, Signature
from core.model.vocabulary import DISMISSED_PREFIX

Flat = dict[str, str | None]  # a report's content as field -> text, the unit of history
_ChangeRow = tuple[str, str | None, str | None]  # a change as written: field, old, new


# ---------------------------------------------------------------- public records


@dataclass(frozen=True)
class ReportSummary:
    id: int
    agency: str
    year: int
    status: str  # 'draft' | 'final'
    updated_at: dt.datetime  # aware, in local time
    errors: int
    warnings: int
    format: str = "2021"
    created_at: dt.datetime | None = None
    deleted_at: dt.datetime | None = None  # set for reports in the recycle bin
    signed_by: str | None = None  # 署名 and 成文日期 (a desk's board shows them without reading the report)
    signed_on: dt.date | None = None
    final_code: str | None = None  # a 定稿's 校验码, kept when it was made 定稿
    counted_by: str | None = None  # the version of the rules that made `errors` and `warnings`; None:
    # the content changed since (the counts are not current until the operations count it again)


@dataclass(frozen=True)
class Dismissal:
    """A warning the user dismissed for this report (「忽略此提醒」): which, why, who, when."""

    key: str  # the finding's key (core.rules.table.Finding.key)
    reason: str
    who: str
    at: dt.datetime  # aware, in local time


DISMISSED = DISMISSED_PREFIX  # a change's field for a dismissal: dismissed.<finding key>, new = the reason


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Revision:
    id: int
    report_id: int
    at: dt.datetime  # aware, in local time
    kind: str  # create, import, edit, paste, restore, rename, status, delete, undelete…
    note: str | None
    changes: list[Change]


# ---------------------------------------------------------------- values as text


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone()


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)  # str() of a Decimal keeps every digit and the exponent


PackedValue = int | Decimal | None  # an integer as int (most cells; they add up fastest), else Decimal


def _pack(format_id: str, flat: Mapping[str, str | None]) -> str:
    """The cell values of a flattened report as one JSON array in the format's cell order: each value
    as the JSON number its exact text is (`7730.2800` stays `7730.2800`), blanks as null (any text that
    is not a number, which no cell should hold, as a JSON string)."""
    values = list(map(flat.get, get_format(format_id).cells))
    texts = ["null" if v is None else v for v in values]
    joined = ",".join(texts)
    # Nearly always every value is a number or blank: then one match over all of them (half the time
    # of one per value), exact as long as no value holds a comma or spells "null" itself.
    if joined.count(",") == len(texts) - 1 and "null" not in values and _NUMBERS.fullmatch(joined):
        return f"[{joined}]"
    return f"[{','.join(map(_packed, values))}]"


def _packed(value: str | None) -> str:
    if value is None:
        return "null"
    return value if _JSON_NUMBER.fullmatch(value) else json.dumps(value)


def _unpack(packed: str) -> list[PackedValue]:
    """The values of `_pack`: integers as int (they add up fastest), other numbers as exact Decimal."""
    values: list[PackedValue | str] = json.loads(packed, parse_float=Decimal)
    if '"' in packed:  # a text that is not a number: as `Report` reads it, a UserError
        values = [_number(v) if isinstance(v, str) else v for v in values]
    return values  # type: ignore[return-value]


def _number(text: str) -> Decimal:
    try:
        return Decimal(text)
    except ArithmeticError:
        raise UserError(f"数据库中有一个格的值“{text}”不是数字，无法汇总。") from None


# str(Decimal) of a finite value is always one of these
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
# a packed row's values: the same numbers, matched without backtracking (a number can only be followed by
# a comma or the end, so giving back never helps): 7 µs for a report, not 16
_ONE = r"(?:null|-?+(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?+(?:[eE][+-]?+[0-9]++)?+)"
_NUMBERS = re.compile(f"{_ONE}(?:,{_ONE})*+")


def _blank_flat(format_id: str) -> Flat:
    """The state before a report's first revision: the baseline of history (a copy to fill in)."""
    return dict(_blank(format_id))


@cache
def _blank(format_id: str) -> Mapping[str, str | None]:
    """`_blank_flat`, worked out once per format: only to be read (a dict, not a read-only proxy of one:
    a new report asks it 200 times)."""
    spec = get_format(format_id)
    flat: Flat = {"agency": None, "year": None, "signature.name": None, "signature.date": None}
    flat.update({f"text.{k}": "" for k in spec.text_keys})
    flat.update(dict.fromkeys(spec.cells))
    return flat


def _flatten(report: Report) -> Flat:
    sig = report.signature
    flat: Flat = {"agency": report.agency, "year": str(report.year)}
    flat.update({f"text.{k}": v for k, v in report.texts.items()})
    flat.update({a: None if v is None else str(v) for a, v in report.values.items()})  # `_decimal_text`
    flat["signature.name"] = sig.name
    flat["signature.date"] = sig.date.isoformat() if sig.date else None
    return flat


def _unflatten(format_id: str, flat: Mapping[str, str | None]) -> Report:
    spec = get_format(format_id)
    date = flat.get("signature.date")
    return Report(
        format=format_id,
        agency=flat["agency"] or "",
        year=int(flat["year"] or 0),
        texts={k: flat.get(f"text.{k}") or "" for k in spec.text_keys},
        values={a: None if (v := flat.get(a)) is None else Decimal(v) for a in spec.cells},
        signature=Signature(
            name=flat.get("signature.name"), date=dt.date.fromisoformat(date) if date else None
        ),
    )


def _diff(old: Mapping[str, str | None], new: Mapping[str, str | None]) -> list[Change]:
    return [Change(f, old.get(f), v) for f, v in new.items() if old.get(f) != v]


def report_changes(old: Report, new: Report) -> list[Change]:
    """What storing `new` over `old` would record (e.g. to ask before an import replaces a report)."""
    return _diff(_flatten(old), _flatten(new))


@dataclass
class _Stored:
    """A report row as stored, with its content flattened."""

    id: int
    format: str
    status: str
    created_at: str
    updated_at: str
    deleted_at: str | None
    flat: Flat = field(default_factory=dict)

    @property
    def agency(self) -> str:
        return self.flat["agency"] or ""

    @property
    def year(self) -> int:
        return int(self.flat["year"] or 0)

    def report(self) -> Report:
        return _unflatten(self.format, self.flat)
