"""Text readers: pasted or saved text in the layouts web copies take.

- tab-separated browser copies (cells between tabs, a blank cell stays a blank between two tabs);
- Markdown pipe tables (`| 规章 | 0 | 0 | 0 |`), headings with `#`;
- `pdftotext -layout` output: paragraphs wrapped at the margin and rejoined here, page numbers dropped;
  a table row (columns aligned with spaces) stays one line, which the mapper splits inside the tables
  only — a wrapped paragraph line may end in a number too (「…政府文件 12」 / 「件。」);
- text stripped from a web page, where a whole table is one run of text: left as one cell for the
  mapper, which cuts it at the template's labels.
"""

from __future__ import annotations

import re

from core.documents.read.cells import Line, is_label, is_page_number

_PIPE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")
_SENTENCE_END = "。！？；：:;!?）)"
_COLUMN_GAP = re.compile(r"\S {2,}\S")  # columns aligned with spaces: a table row, not wrapped prose


def read_text(text: str) -> list[Line]:
    raw = [
        line.replace("\xa0", " ").rstrip()
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    raw = [line for line in raw if not line.lstrip().startswith("# source:")]
    layout = sum(1 for line in raw if re.match(r"^ {2,}\S", line)) >= max(5, len(raw) // 10)
    lines: list[Line] = []
    joinable = False  # the previous line is a wrapped paragraph line that may continue
    for line in raw:
        stripped = line.strip()
        if not stripped or is_page_number(stripped):
            continue
        if "\t" in line:
            lines.append(Line([c.strip() for c in line.split("\t")]))
            joinable = False
        elif stripped.startswith("|"):
            if not _PIPE_RULE.match(stripped):
                lines.append(Line([c.strip() for c in stripped.strip("|").split("|")]))
            joinable = False
        else:
            stripped = stripped.lstrip("#").strip()
            row = bool(_COLUMN_GAP.search(stripped))  # its cells are split by the mapper
            if layout and joinable and not row and not line.startswith(" ") and is_label(stripped):
                lines[-1].cells[0] += stripped  # a line the PDF wrapped at the margin
            else:
                lines.append(Line([stripped]))
            joinable = layout and not row and not stripped.endswith(tuple(_SENTENCE_END))
    return lines
