"""The print-ready PDF of a report (GB/T 9704 layout), for the app's print button and `main.py pdf`."""

from core.pdf.fonts import FontChoice, resolve_fonts
from core.pdf.render import describe_characters, render_pdf, unprintable_characters, write_pdf

__all__ = [
    "FontChoice",
    "describe_characters",
    "render_pdf",
    "resolve_fonts",
    "unprintable_characters",
    "write_pdf",
]
