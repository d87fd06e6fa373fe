"""The kinds of files the app reads, named once: what the import readers take, what the desk receives,
and the file dialogs' filters built from them. A leaf module, so that naming a kind loads no reader."""

from __future__ import annotations

from collections.abc import Iterable

PUBLISHED = (".docx", ".doc", ".pdf", ".html", ".htm", ".txt")  # the import readers (core.read)
RECEIVABLE = (".json", ".zip", *PUBLISHED)  # the desk: exchange files, 报送 packages, published reports
ROSTER = (".csv", ".xlsx")  # the desk's list of the agencies expected to report


def dialog_filter(label: str, suffixes: Iterable[str]) -> str:
    """A file dialog's filter: `label (*.a *.b);;所有文件 (*)`."""
    return f"{label} ({' '.join('*' + s for s in suffixes)});;所有文件 (*)"
