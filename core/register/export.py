"""The register's own Excel export, marked 内部资料: the one place applicant names leave the app.

Every text is written with `write_string`, so a name or subject that starts with = + - @ stays text and
never becomes a formula when the file is opened.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from core.register.calendar import WorkCalendar
from core.register.deadlines import Deadline, deadline
from core.register.model import FIELD_NAMES, Request, applicants, results

MARK = "内部资料"
_EXTRA = ("答复期限", "状态")


def status(request: Request, d: Deadline) -> str:
    """已办结, 逾期办结, 等待补正, 已逾期, 即将到期 or 办理中, by the request's deadline `d`."""
    if not request.open:
        return "逾期办结" if d.overdue else "已办结"
    if d.waiting_for_correction:
        return "等待补正"
    return "已逾期" if d.overdue else "即将到期" if d.due_soon else "办理中"


def register_xlsx(agency: str, requests: Sequence[Request], calendar: WorkCalendar, on: dt.date) -> bytes:
    """The agency's register as a one-sheet workbook headed 内部资料."""
    import xlsxwriter

    from core.documents.write.xlsx import TEXT_ONLY

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, TEXT_ONLY)
    sheet = book.add_worksheet("登记台账")
    mark = book.add_format({"bold": True, "font_color": "#C00000", "font_size": 14})
    bold = book.add_format({"bold": True, "border": 1, "bg_color": "#EEEEEE"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_string(0, 0, MARK, mark)
    sheet.write_string(0, 1, f"{agency}依申请公开登记台账（含申请人个人信息，不得对外提供）")
    headers = [*FIELD_NAMES.values(), *_EXTRA]
    for c, text in enumerate(headers):
        sheet.write_string(1, c, text, bold)
    labels = {**applicants(), **results()}
    for r, request in enumerate(requests, start=2):
        flat = request.to_flat()
        for c, name in enumerate(FIELD_NAMES):
            value = getattr(request, name)
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            elif name == "extended":
                sheet.write_string(r, c, "是" if value else "")
            elif name == "fee" and value is not None:
                sheet.write_number(r, c, float(value))
            elif flat[name] is not None:
                sheet.write_string(r, c, labels.get(str(flat[name]), str(flat[name])))
        d = deadline(request, calendar, on)
        if d.due is not None:
            sheet.write_datetime(r, len(FIELD_NAMES), dt.datetime.combine(d.due, dt.time()), date)
        sheet.write_string(r, len(FIELD_NAMES) + 1, status(request, d))
    sheet.freeze_panes(2, 1)
    sheet.autofilter(1, 0, 1 + len(requests), len(headers) - 1)
    sheet.set_column(0, len(headers) - 1, 14)
    sheet.set_column(5, 5, 30)
    book.close()
    return out.getvalue()
