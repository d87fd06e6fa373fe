"""The report as the office documents people pass around: Word (.docx), Excel (.xlsx), a web page (.html).

`render(report, suffix)` gives a file's bytes, `export(report, path)` writes one chosen by its suffix.
A 定稿 is exported with its 校验码 (`fingerprint`), which the Word file carries in every footer as the PDF
does. All three walk `core.documents.write.content`, itself walked from the format definition. An `Appendix`
(a 汇总's list of the reports it includes) follows the report when one is given.
"""

from __future__ import annotations

from pathlib import Path

from core.documents.file_kinds import EXPORTED
from core.documents.write.content import Appendix, content, plain_text
from core.documents.write.html import html_fragment
from core.errors import UserError
from core.model.report import Report
from core.paths import write_atomically

SUFFIXES = EXPORTED  # suffix → the kind's name

__all__ = ["SUFFIXES", "Appendix", "clipboard", "export", "render"]


def render(
    report: Report, suffix: str, *, fingerprint: str | None = None, appendix: Appendix | None = None
) -> bytes:
    """The file of one kind (`.docx`, `.xlsx`, `.html`) as bytes; `appendix` after the report."""
    suffix = suffix.lower()
    doc = content(report, fingerprint, appendix)
    author = doc.signature_name or report.agency
    if suffix == ".docx":
        from core.documents.write.docx import render_docx

        return render_docx(doc, author=author)
    if suffix == ".xlsx":
        from core.documents.write.xlsx import render_xlsx

        return render_xlsx(doc, report.spec, author=author)
    if suffix in (".html", ".htm"):
        from core.documents.write.html import render_html

        return render_html(doc)
    known = "、".join(s for s in SUFFIXES if s != ".htm")
    raise UserError(f"不能导出为“{suffix or '（没有扩展名）'}”文件：请用 {known} 作为文件扩展名。")


def export(
    report: Report, path: Path | str, *, fingerprint: str | None = None, appendix: Appendix | None = None
) -> None:
    """Write the file `path` names, chosen by its suffix, atomically."""
    path = Path(path)
    write_atomically(path, render(report, path.suffix, fingerprint=fingerprint, appendix=appendix))


def clipboard(report: Report, *, fingerprint: str | None = None) -> tuple[str, str]:
    """(HTML fragment, plain text) of the report, for pasting into a CMS editor."""
    doc = content(report, fingerprint)
    return html_fragment(doc), plain_text(doc)
