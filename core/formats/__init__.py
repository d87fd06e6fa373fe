"""Registry of report formats by id; each is built and validated once, at first use."""

from __future__ import annotations

from functools import cache

from core.errors import UserError
from core.report_format import ReportFormat

CURRENT = "2021"


@cache
def get_format(format_id: str = CURRENT) -> ReportFormat:
    if format_id == "2021":
        from core.formats import f2021

        return f2021.build()
    if format_id == "2019":
        raise UserError("这是2019年试行格式的报告，本软件暂不支持该格式，请使用2021年新格式。")
    raise UserError(f"不认识的报告格式“{format_id}”，本软件支持的格式为“2021”。")
