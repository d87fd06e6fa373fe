"""Word reader (`.docx`; `.doc` through Word or WPS on Windows): paragraphs and tables in body order.

The main document part is read straight from the zip with lxml (loading python-docx cost 0.18 s of a
fresh import), found through the package's relationships as Word does; the parser is python-docx's
(no entities resolved, libxml2's size and depth limits), after `check_zip` bounded every part.
The table grid is built per `w:tc`: a cell continuing a vertical merge (`vMerge` without `restart`) is
an empty cell, a cell spanning columns (`gridSpan`) is one cell.
"""

from __future__ import annotations

import contextlib
import posixpath
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.documents.read.cells import Line
from core.documents.read.limits import check_zip
from core.errors import UserError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_STRICT_DOCUMENT = "{http://purl.oclc.org/ooxml/wordprocessingml/main}document"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _text(element: Any) -> str:
    parts: list[str] = []
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}p"):
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}p" and parts:
            parts.append("\n")
        else:
            parts.append(" ")
    return "".join(parts).replace("\xa0", " ").strip()


def _row(tr: Any) -> Line:
    cells: list[str] = []
    for tc in tr.iterchildren(f"{_W}tc"):
        merge = tc.find(f"{_W}tcPr/{_W}vMerge")
        continues = merge is not None and merge.get(f"{_W}val", "continue") != "restart"
        cells.append("" if continues else " ".join(_text(tc).split("\n")))
    return Line(cells)


def _main_part(archive: zipfile.ZipFile, parse: Callable[[bytes], Any]) -> Any:
    """The root element of the package's main document (its officeDocument relationship; the Strict
    format's is named alike), parsed with `parse`; a `KeyError` when there is none."""
    for relationship in parse(archive.read("_rels/.rels")).iter(_RELATIONSHIP, "{*}Relationship"):
        if relationship.get("Type", "").endswith("/officeDocument"):
            target = posixpath.normpath(relationship.get("Target", "").lstrip("/"))
            return parse(archive.read(target))
    raise KeyError("officeDocument")


def read_docx(path: Path) -> list[Line]:
    from lxml import etree  # loaded only when a Word file is read

    check_zip(path)  # encrypted, foreign compression, damaged, or a zip bomb: refused before parsing
    damaged = f"文件“{path.name}”不是有效的 Word（.docx）文件，可能已损坏。"
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)  # python-docx's

    def parse(data: bytes) -> Any:
        return etree.fromstring(data, parser)

    try:
        with zipfile.ZipFile(path) as archive:
            document = _main_part(archive, parse)
    except (zipfile.BadZipFile, KeyError, ValueError):  # e.g. a renamed .doc, a workbook renamed
        raise UserError(damaged) from None
    except etree.LxmlError:  # malformed XML, entity bombs, nesting or text nodes past libxml2's limits
        raise UserError(damaged + "（其中的文字内容无法解析。）") from None
    if document.tag == _STRICT_DOCUMENT:  # Strict Open XML names its elements differently
        raise UserError(
            f"文件“{path.name}”是以“Strict Open XML 文档”格式保存的，本软件不能读取。"
            "请用 Word 打开，另存为“Word 文档（*.docx）”后再导入。"
        )
    if document.tag != f"{_W}document":  # another Office file (a workbook, slides) renamed .docx
        raise UserError(damaged)
    body = document.find(f"{_W}body")
    if body is None:
        raise UserError(f"文件“{path.name}”中没有正文，不是有效的 Word（.docx）文件。")
    lines: list[Line] = []
    for element in body.iterchildren():
        if element.tag == f"{_W}p":
            text = _text(element)
            if text:
                lines.append(Line([text]))
        elif element.tag == f"{_W}tbl":
            lines += [_row(tr) for tr in element.iter(f"{_W}tr")]
    return lines


def convert_doc(path: Path) -> Path:
    """A .doc saved as .docx by Word or WPS through COM (Windows only); otherwise a clear refusal."""
    advice = f"“{path.name}”是旧版 Word（.doc）文件。请用 Word 或 WPS 打开它，另存为 .docx 格式后再导入。"
    if sys.platform != "win32":
        raise UserError(advice)
    try:
        import win32com.client  # pywin32, present on some Windows PCs
    except ImportError:
        raise UserError(advice) from None
    target = Path(tempfile.mkdtemp(prefix="nianbao-doc-")) / (path.stem + ".docx")
    for prog_id in ("Word.Application", "kwps.Application", "wps.Application"):
        app = None
        try:
            app = win32com.client.DispatchEx(prog_id)
            document = app.Documents.Open(str(path.resolve()), ReadOnly=True)
            document.SaveAs2(str(target), FileFormat=16)  # 16 = wdFormatDocumentDefault (.docx)
            document.Close(False)
            return target
        except Exception:  # COM failures come as pywintypes.com_error; try the next program
            continue
        finally:
            if app is not None:
                with contextlib.suppress(Exception):
                    app.Quit()
    raise UserError(advice)
