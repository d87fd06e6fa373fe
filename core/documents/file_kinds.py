"""The kinds of files the app reads and writes, named once: what the import readers take, what the desk
receives, what the exports write, and the file dialogs' filters built from them. A leaf module, so that
naming a kind loads no reader or writer."""

from __future__ import annotations

from collections.abc import Iterable

PUBLISHED = (".docx", ".doc", ".pdf", ".html", ".htm", ".txt")  # the import readers (core.documents.read)
PUBLISHED_NAMED = "Word（.docx/.doc）、PDF（.pdf）、网页（.html/.htm）和文本（.txt）"  # PUBLISHED, in words
RECEIVABLE = (".json", ".zip", *PUBLISHED)  # the desk: exchange files, 报送 packages, published reports
ROSTER = (".csv", ".xlsx")  # the desk's list of the agencies expected to report
EXPORTED = {
    ".docx": "Word 文档",
    ".xlsx": "Excel 工作簿",
    ".html": "网页",
    ".htm": "网页",
}  # core.documents.write


def dialog_filter(label: str, suffixes: Iterable[str]) -> str:
    """A file dialog's filter: `label (*.a *.b);;所有文件 (*)`."""
    return f"{label} ({' '.join('*' + s for s in suffixes)});;所有文件 (*)"


def export_filter(suffix: str) -> str:
    """The save dialog's filter for an export kind, with every suffix of that kind: `网页 (*.html *.htm)`."""
    kind = EXPORTED[suffix]
    return dialog_filter(kind, [s for s, k in EXPORTED.items() if k == kind])
