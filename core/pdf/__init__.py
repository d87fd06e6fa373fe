"""The print-ready PDF of a report (GB/T 9704 layout), for the app's print button and `main.py pdf`.

The names below load their modules when first used, so that `core.pdf.layout` (page geometry, shared
with the Word and Excel writers) can be imported without ReportLab's page layout engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.pdf.fonts import FontChoice, resolve_fonts
    from core.pdf.render import describe_characters, render_pdf, unprintable_characters, write_pdf

_HOMES = {
    "FontChoice": "core.pdf.fonts",
    "resolve_fonts": "core.pdf.fonts",
    "describe_characters": "core.pdf.render",
    "render_pdf": "core.pdf.render",
    "unprintable_characters": "core.pdf.render",
    "write_pdf": "core.pdf.render",
}

__all__ = [
    "FontChoice",
    "describe_characters",
    "render_pdf",
    "resolve_fonts",
    "unprintable_characters",
    "write_pdf",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'core.pdf' has no attribute {name!r}")
