"""The 报送 package a department sends: exchange file, PDF, Word file and a 报送说明."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.desk.marks import SUM_KIND, sum_json
from core.desk.receiving import MANIFEST, PACKAGE_SCHEMA
from core.documents import exchange
from core.errors import UserError
from core.model.names import safe_file_name
from core.model.report import Report
from core.model.vocabulary import ReportStatus
from core.ops.policy import Readiness, may_show_code, shown_code, submission_readiness

if TYPE_CHECKING:
    from core.desk.sums import SumResult


# ---------------------------------------------------------------- the 报送 package


def package_name(report: Report, final: bool) -> str:
    status = (ReportStatus.FINAL if final else ReportStatus.DRAFT).chinese
    return safe_file_name(f"{report.agency}{report.year}年度报告（{status}）", ".zip")


def package_bytes(report: Report, final: bool) -> bytes:
    """What a department sends: the exchange file, the PDF and the Word file, with a 报送说明 naming
    the status and the 校验码 of a 定稿 (a 定稿 must be finishable: `render_pdf` refuses otherwise)."""
    from core.documents.pdf.render import render_pdf
    from core.documents.write import render

    code = shown_code(report, final)  # the one policy: a UserError for a 定稿 it refuses
    stem = safe_file_name(report.title)
    manifest = {
        "schema": PACKAGE_SCHEMA,
        "agency": report.agency,
        "year": report.year,
        "status": ReportStatus.FINAL if final else ReportStatus.DRAFT,
        "fingerprint": code,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(f"{stem}.json", exchange.dumps(report))
        package.writestr(f"{stem}.pdf", render_pdf(report, final=final))
        package.writestr(f"{stem}.docx", render(report, ".docx", fingerprint=code))
        package.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return out.getvalue()


def write_package(report: Report, folder: Path | str, final: bool) -> Path:
    from core.paths import write_atomically

    path = Path(folder) / package_name(report, final)
    write_atomically(path, package_bytes(report, final))
    return path


def sum_package_name(result: SumResult) -> str:
    return safe_file_name(f"{result.total.agency}{result.total.year}年度汇总", ".zip")


def write_sum_package(result: SumResult, folder: Path | str) -> Path:
    """What a county sends up to the city: a 报送 package of kind 汇总 holding the sum (its exchange file
    marked with the reports it includes, their 校验码 and who was missing), its PDF and Word file with
    the list after the sum. The city's desk shows it as one row and never counts its reports twice."""
    from core.documents.pdf.render import render_pdf
    from core.documents.write import render
    from core.paths import write_atomically

    total, appendix = result.total, result.contents.appendix()
    stem = safe_file_name(f"{total.agency}{total.year}年度汇总")
    manifest = {
        "schema": PACKAGE_SCHEMA,
        "kind": SUM_KIND,
        "agency": total.agency,
        "year": total.year,
        "status": ReportStatus.DRAFT,
        "fingerprint": None,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(f"{stem}.json", sum_json(total, result.mark))
        package.writestr(f"{stem}.pdf", render_pdf(total, appendix=appendix))
        package.writestr(f"{stem}.docx", render(total, ".docx", appendix=appendix))
        package.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    path = Path(folder) / sum_package_name(result)
    write_atomically(path, out.getvalue())
    return path


# ---------------------------------------------------------------- the sending side (报送…)


@dataclass(frozen=True)
class SendPlan:
    """What 报送… will send, said before it is packed: the file's name, 草稿 or 定稿, the hints still
    open and the blank cells; and whether the report could be 定稿 but is not (asked about first)."""

    name: str
    final: bool
    warnings: int
    blanks: int
    could_be_final: bool

    @property
    def lines(self) -> list[str]:
        kind = "定稿（带校验码）" if self.final else "草稿"
        out = [
            f"将生成报送包：{self.name}",
            f"状态：{kind}",
            "内含：报告文件（.json）、PDF、Word 文件和报送说明",
        ]
        if self.warnings:
            out.append(f"还有 {self.warnings} 条提示未处理")
        if self.blanks:
            out.append(f"还有 {self.blanks} 个单元格未填写（收件方汇总时按 0 计）")
        return out


def send_plan(report: Report, final: bool, readiness: Readiness | None = None) -> SendPlan:
    """What 报送… will send. `readiness`: the report session's or the library's (its dismissed hints and
    last year's report counted); without one, the report is checked alone."""
    ready = readiness or submission_readiness(report, final, None, ())
    if not ready.allowed:  # a 定稿 the policy refuses is not packed with a code
        raise UserError("；".join(ready.blocking))
    warnings = sum(1 for f in ready.hints if f.severity == "warning")
    could = not final and may_show_code(report)
    return SendPlan(package_name(report, final), final, warnings, len(ready.blanks), could)
