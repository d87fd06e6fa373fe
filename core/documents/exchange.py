"""The exchange JSON file (`nianbao.report/1`): read and write it exactly as exchange-format.md says.

Reading is strict and explains itself: any unusable content raises a `UserError` whose Chinese message
names the field (e.g. `requests.3.1.natural_person`). Values that are numbers but break the rules
(negative, fractional counts) are loaded as they are, so the rules can report them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from core.documents.input_files import read_bytes
from core.errors import UserError
from core.format import get_format
from core.format.definition import ReportFormat
from core.model.report import YEARS, Report, Signature
from core.paths import write_atomically

SCHEMA = "nianbao.report/1"
_MAX_DIGITS = 20  # beyond 10^±20 a number is junk, and printing it in full would cost megabytes
MAX_FILE_BYTES = 5 * 1024 * 1024  # a real report is ~20 KB; refuse anything absurd before reading it


def read_report(path: Path | str) -> Report:
    """Load a report file, or raise a `UserError` saying what is wrong with it."""
    path = Path(path)
    raw = read_bytes(path, MAX_FILE_BYTES)  # a regular file only: a FIFO or a device would never end
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"文件“{path.name}”不是 UTF-8 编码的文本，不是报告文件。") from None
    return loads(text)


class _OutOfRange:
    """A number written with so many characters that converting it could take minutes (1E+999999)."""

    def __str__(self) -> str:
        return "一个超出合理范围的数"


_MAX_NUMBER_CHARS = 64  # 20 digits, a sign, a point and an exponent fit with room to spare


class _Unreasonable(Decimal):
    """A number beyond what a cell may hold (see `_reasonable`), marked as such when json hands it over:
    every other number json gives is a plain `Decimal` a cell takes as it is, unchecked again."""


def _decimal(text: str) -> Decimal | _OutOfRange:
    """A number as JSON spells it (so always valid syntax), range-checked before it is converted."""
    try:
        value = Decimal(text) if len(text) <= _MAX_NUMBER_CHARS else _OutOfRange()
    except InvalidOperation:  # an exponent beyond what Decimal can hold
        return _OutOfRange()
    return value if isinstance(value, _OutOfRange) or _reasonable(value) else _Unreasonable(text)


def _integer(text: str) -> Decimal | _OutOfRange:
    """An integer as JSON spells it (no leading zero): up to 20 characters it is in range as it is."""
    return Decimal(text) if len(text) <= _MAX_DIGITS else _decimal(text)


def _reasonable(value: Decimal) -> bool:
    """A finite number of at most 20 digits within 10^±20 (or zero written with any exponent)."""
    _, digits, exponent = value.as_tuple()
    adjusted = int(exponent) + len(digits) - 1  # Decimal.adjusted() of a finite number
    return len(digits) <= _MAX_DIGITS and (not value or -_MAX_DIGITS <= adjusted <= _MAX_DIGITS)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a key given twice is refused (a reader of the file sees the first, json the last)."""
    out = dict(pairs)
    if len(out) < len(pairs):  # rare: only then look for which key
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise UserError(f"文件中同一处的字段“{_shown(key)}”出现了两次，无法确定以哪个为准。")
            seen.add(key)
    return out


# A lone surrogate can only come from the text itself or from a \\uD800–\\uDFFF escape: a file with
# neither (nearly every file) is not walked value by value (a pair of escapes is walked, and passes).
_SURROGATE_ESCAPE = re.compile("\\\\u[dD][89abcdefABCDEF]")


def _may_hold_surrogates(text: str) -> bool:
    """Whether `text` has a surrogate or an escape of one. Two checks, each with a fast path in C, not
    one regex over both: 4 µs for a report of 5 KB instead of 33."""
    if _SURROGATE_ESCAPE.search(text):
        return True
    try:
        text.encode("utf-8")  # refuses a surrogate in the text itself
    except UnicodeEncodeError:
        return True
    return False


def _refuse_surrogates(node: Any, field: str) -> None:
    """A lone surrogate (\\ud800) is not a character: nothing can store, print or show it."""
    if isinstance(node, str):
        if any("\ud800" <= ch <= "\udfff" for ch in node):
            where = _shown(field) or "（最外层）"
            raise UserError(f"字段 {where} 中有无效的字符（单独的代理码位），文件可能已损坏。")
    elif isinstance(node, dict):
        for key, value in node.items():
            _refuse_surrogates(key, field)
            _refuse_surrogates(value, f"{field}.{key}" if field else key)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _refuse_surrogates(value, f"{field}.{i + 1}")


def _shown(text: str, limit: int = 40) -> str:
    """Text from the file as a message may quote it: no invalid characters, not too long."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[:limit] + "……"


def _describe(value: Any) -> str:
    """What a value in the file is, in words a user understands (never a Python repr)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"文字“{_shown(value)}”"
    if isinstance(value, Decimal):
        return f"“{_shown(str(value))}”" if value.is_finite() else "无穷大或非数"
    if isinstance(value, float):  # NaN, Infinity: json's own constants
        return "无穷大或非数"
    if isinstance(value, list):
        return "一个列表"
    if isinstance(value, dict):
        return "一个对象"
    return str(value)


def loads(text: str) -> Report:
    try:
        data = json.loads(text, parse_float=_decimal, parse_int=_integer, object_pairs_hook=_no_duplicates)
        if _may_hold_surrogates(text):
            _refuse_surrogates(data, "")
    except json.JSONDecodeError as exc:
        raise UserError(f"文件不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列附近有错误）。") from None
    except RecursionError:
        raise UserError("文件不是有效的报告文件（嵌套层数过多）。") from None
    return _from_dict(data)


def _from_dict(data: Any) -> Report:
    """The report in `data` as `loads` parses it, and only so (private): its numbers are range-checked
    as json hands them over (`_decimal`), a plain `Decimal` here is not checked again."""
    if not isinstance(data, dict):
        raise UserError("文件内容不是报告：最外层应为 JSON 对象。")
    schema = data.get("schema")
    if schema is None:  # missing or null: say so, not “None”
        raise UserError("文件中没有 schema 字段，不是本软件的报告文件。")
    if schema != SCHEMA:
        shown = _describe(schema)
        raise UserError(f"文件的 schema 字段应为“{SCHEMA}”，实际为{shown}，不是本软件的报告文件。")
    spec = get_format(_string(data.get("format"), "format"))
    known = {"schema", "format", "agency", "year", "text", "signature", "summary"}  # summary: a 汇总's mark
    _only(data, known | {t.key for t in spec.tables}, "")
    agency = _string(data.get("agency"), "agency").strip()
    if not agency:
        raise UserError("字段 agency（机关名称）不能为空。")
    year = data.get("year")
    if year is None:  # missing or null
        raise UserError("文件中没有 year（年度）字段，或它是空的。")
    if isinstance(year, str):
        shown = _describe(year)
        raise UserError(f"字段 year（年度）应为表示年份的数字（不加引号），如 2021，实际为{shown}。")
    # compare before converting: int() of 1E+999999 would take minutes
    if (
        not isinstance(year, Decimal)
        or not YEARS.start <= year < YEARS.stop
        or year != year.to_integral_value()
    ):
        raise UserError(f"字段 year（年度）应为四位年份，实际为{_describe(year)}。")
    texts = _object(data.get("text", {}), "text")
    _only(texts, set(spec.text_keys), "text.")
    return Report(
        format=spec.id,
        agency=agency,
        year=int(year),
        texts={k: _string(texts.get(k, ""), f"text.{k}") for k in spec.text_keys},
        values=_values(data, spec),
        signature=_signature(data.get("signature")),
    )


_Row = tuple[str, str, frozenset[str], tuple[tuple[str, str], ...]]  # key, field, columns, (column, address)


@cache
def _layout(format_id: str) -> tuple[tuple[str, frozenset[str], tuple[_Row, ...]], ...]:
    """Per table of a format: its key, its row keys and, per row, its columns and cell addresses
    (worked out once, not for every file read)."""
    return tuple(
        (
            table.key,
            frozenset(r.key for r in table.rows),
            tuple(
                (
                    row.key,
                    f"{table.key}.{row.key}",
                    frozenset(row.columns),
                    tuple((col, f"{table.key}.{row.key}.{col}") for col in row.columns),
                )
                for row in table.rows
            ),
        )
        for table in get_format(format_id).tables
    )


def _values(data: dict[str, Any], spec: ReportFormat) -> dict[str, Decimal | None]:
    values: dict[str, Decimal | None] = {}
    for table_key, row_keys, table_rows in _layout(spec.id):
        rows = _object(data.get(table_key, {}), table_key)
        _only(rows, row_keys, f"{table_key}.")
        for row_key, field, columns, addresses in table_rows:
            cells = _object(rows.get(row_key) or {}, field)
            _only(cells, columns, f"{field}.")
            for col, address in addresses:
                value = cells.get(col)
                if value is not None and type(value) is not Decimal:  # plain: json's, range-checked
                    value = _number(value, address)
                values[address] = value
    return values


def _number(value: Any, address: str) -> Decimal | None:
    """A cell's value that json did not hand over as a plain number: text that is one, or a refusal."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        with contextlib.suppress(InvalidOperation):
            value = Decimal(value.strip()) if len(value.strip()) <= _MAX_NUMBER_CHARS else _OutOfRange()
    if isinstance(value, _OutOfRange):
        raise UserError(f"字段 {address} 的值超出了合理范围。")
    if not isinstance(value, Decimal) or not value.is_finite():
        raise UserError(f"字段 {address} 的值{_describe(value)}不是数字。")
    if not _reasonable(value):  # an `_Unreasonable` from json, or a number written as text
        raise UserError(f"字段 {address} 的值超出了合理范围。")
    return value


def _signature(value: Any) -> Signature:
    if value is None:
        return Signature()
    sig = _object(value, "signature")
    _only(sig, {"name", "date"}, "signature.")
    name = sig.get("name")
    date = sig.get("date")
    if name is not None:
        name = _string(name, "signature.name")
    if date is not None:
        try:
            date = dt.date.fromisoformat(_string(date, "signature.date"))
        except ValueError:
            shown = _shown(str(date))
            raise UserError(f"字段 signature.date 应为“2022-01-20”这样的日期，实际为“{shown}”。") from None
    return Signature(name=name, date=date)


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UserError(f"字段 {field} 应为 JSON 对象。")
    return value


def _string(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise UserError(f"字段 {field} 应为文字（字符串）。")
    return value


def _only(obj: dict[str, Any], allowed: set[str] | frozenset[str], prefix: str) -> None:
    if obj.keys() <= allowed:  # nearly always: no set built
        return
    extra = sorted(set(obj) - allowed)
    if extra:
        raise UserError(f"文件中有不认识的字段 {prefix}{_shown(extra[0])}。")


# ---------------------------------------------------------------- writing


def to_dict(report: Report) -> dict[str, Any]:
    """The exchange structure, keys in the format's order; blanks as null."""
    spec = report.spec
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "format": spec.id,
        "agency": report.agency,
        "year": report.year,
        "text": {k: report.texts[k] for k in spec.text_keys},
    }
    for table in spec.tables:
        out[table.key] = {
            row.key: {
                col: _json_number(report.values[f"{table.key}.{row.key}.{col}"], table.column(col).kind)
                for col in row.columns
            }
            for row in table.rows
        }
    sig = report.signature
    out["signature"] = {"name": sig.name, "date": sig.date.isoformat() if sig.date else None}
    return out


def _json_number(value: Decimal | None, kind: str) -> Any:
    if value is None:
        return None
    if kind == "money":
        return str(value)  # a decimal string keeps every digit the user gave
    return int(value) if value == value.to_integral_value() else float(value)


def dumps(report: Report) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=1) + "\n"


def write_report(report: Report, path: Path | str) -> None:
    write_atomically(path, dumps(report).encode("utf-8"))
