"""Which characters of a report's paper no available font can draw (they would print as empty boxes).

Read from the content model every document shares (`core.documents.write.content`), each string in the font
role the PDF sets it in (`core.documents.pdf.layout`), so the 定稿 check
(`core.documents.fingerprint.finalize_problems`) looks at exactly what the paper shows, without laying out
pages.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from core.documents.pdf import layout
from core.documents.pdf.fonts import FontChoice, FontSet, resolve_fonts
from core.documents.pdf.layout import FontRole
from core.documents.write.content import Content, Paragraph, content
from core.model.report import Report


def printed_runs(doc: Content) -> Iterator[tuple[str, FontRole]]:
    """Every string the PDF prints for the report (not the appendix), with the font role it is set in."""
    yield "\n".join(doc.title_lines), layout.TITLE.role
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            for text, role in block.runs:
                yield text, layout.run_font(block.kind, role)
        else:
            for cell in block.cells:
                yield cell.text, layout.TABLE_TEXT.role
    yield doc.signature_name, layout.SIGNATURE.role
    yield doc.signature_date, layout.SIGNATURE.role


def unprintable_characters(report: Report, fonts: Mapping[FontRole, FontChoice] | None = None) -> str:
    """The characters of the printed report that no available font can draw, in code point order:
    they would print as empty boxes, so the app can say so before printing. Empty when all print."""
    fontset = FontSet(fonts if fonts is not None else resolve_fonts())
    for text, role in printed_runs(content(report)):
        for ch in text:
            fontset.font_for(ch, role)
    return "".join(sorted(fontset.missing))


def describe_characters(chars: str) -> str:
    """For a message: 😀（U+1F600）、𠀀（U+20000）; the code says which character even where the
    character itself cannot be shown (a GBK console, a font without it)."""
    return "、".join(f"{ch}（U+{ord(ch):04X}）" for ch in chars)
