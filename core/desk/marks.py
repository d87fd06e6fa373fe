"""The mark a 汇总 written by the app carries in every form, so that no desk ever counts it as a
department's report (a 汇总 exported into the inbox would otherwise double the next 汇总).

- Exchange JSON: an optional top-level `summary` object (docs/exchange-format.md): `kind` 「汇总」, the
  reports it includes (`agency`, `code`) and the agencies missing from it.
- Word and Excel: the document properties' keywords hold `SUM_MARK`; PDF: its metadata's keywords;
  web page: `<meta name="keywords">`. The writers take it from the `Appendix` of the sum.
- A file read back from a paper-like form (a copy without properties) carries the appendix's heading
  「本汇总包括的报告」 in its text.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.model.report import Report

SUM_MARK = "nianbao-sum/1"  # ASCII: it survives every encoding of every kind of file's properties
APPENDIX_WORDS = "本汇总包括的报告"  # the heading of the list every published form of a 汇总 prints
SUM_KIND = "汇总"
_PROPERTIES = ("docProps/core.xml",)  # where Word and Excel keep their keywords
_MAX_PROPERTIES = 1024 * 1024


@dataclass(frozen=True)
class SumMark:
    """What a 汇总 says of itself: the reports it includes (agency, 校验码) and who was missing."""

    included: tuple[tuple[str, str], ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def agencies(self) -> list[str]:
        return [agency for agency, _code in self.included]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": SUM_KIND,
            "included": [{"agency": a, "code": c} for a, c in self.included],
            "missing": list(self.missing),
        }

    def describe(self, agency: str) -> str:
        """「某县（汇总，含 43 个单位，未交 2）」"""
        missing = f"，未交 {len(self.missing)}" if self.missing else ""
        return f"{agency}（汇总，含 {len(self.included)} 个单位{missing}）"


def mark_of(data: Mapping[str, Any]) -> SumMark | None:
    """The mark of an exchange file's top-level object (None: not a 汇总); a mark that is not as the
    contract says still marks the file as a 汇总 (never counted as a department by mistake)."""
    summary = data.get("summary")
    if summary is None:
        return None
    if not isinstance(summary, dict):
        return SumMark()
    included = summary.get("included")
    missing = summary.get("missing")
    pairs = tuple(
        (str(i.get("agency", "")), str(i.get("code", "")))
        for i in (included if isinstance(included, list) else [])
        if isinstance(i, dict)
    )
    names = tuple(str(m) for m in missing) if isinstance(missing, list) else ()
    return SumMark(pairs, names)


def sum_json(report: Report, mark: SumMark) -> str:
    """The exchange file of a 汇总, with its mark after the report's fields."""
    from core.documents import exchange

    data = {**exchange.to_dict(report), "summary": mark.as_json()}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def mark_for(included: Sequence[tuple[str, str]], missing: Sequence[str]) -> SumMark:
    return SumMark(tuple(included), tuple(missing))


def marked_file(path: Path, head: bytes | None = None) -> bool:
    """Whether a published file's properties carry the 汇总 mark: Word/Excel's keywords (in the zip's
    `docProps/core.xml`), a PDF's metadata or a web page's keywords (in the file's bytes)."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as book:
                parts = [n for n in _PROPERTIES if n in book.namelist()]
                small = [n for n in parts if book.getinfo(n).file_size <= _MAX_PROPERTIES]
                return any(SUM_MARK.encode() in book.read(n) for n in small)
        data = head if head is not None else path.read_bytes()
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError, NotImplementedError):
        return False  # the readers will say what is wrong with the file
    return SUM_MARK.encode() in data or _utf16(SUM_MARK) in data


def _utf16(text: str) -> bytes:
    """How a PDF may write a metadata string (UTF-16 big-endian), as hex digits or raw."""
    return text.encode("utf-16-be")


def names_a_sum(source: str) -> bool:
    """Whether text read from a published file is a 汇总's (its list of included reports)."""
    return APPENDIX_WORDS in re.sub(r"\s+", "", source)
