"""Registry of report formats by id; each is built and validated once, at first use, and kept."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from core.errors import UserError
from core.format.definition import ReportFormat

CURRENT = "2021"


def kept_format(build: Callable[[], ReportFormat], declared_in: str | None) -> ReportFormat:
    """The format `build` makes, validated (pydantic and the consistency checks, `definition.validated`),
    kept between runs (core.kept): building it was a good part of every fresh command. Kept by the files
    that declare it; read back without validation, so a fresh command that only reads it never imports
    pydantic. pydantic's version is no part of the key: the kept copy holds only standard-library
    dataclasses, which a newer pydantic cannot read differently."""
    from core.format import definition as report_format
    from core.kept import file_key, kept

    try:
        files = file_key(*(f for f in (declared_in, report_format.__file__) if f is not None))
    except OSError:  # a bundle without its source files: the app's version (in the key) tells
        files = ()
    return kept("formats", files, lambda: report_format.validated(build()))


@cache
def get_format(format_id: str = CURRENT) -> ReportFormat:
    if format_id == "2021":
        from core.format import f2021

        return kept_format(f2021.build, f2021.__file__)
    if format_id == "2019":
        raise UserError("这是2019年试行格式的报告，本软件暂不支持该格式，请使用2021年新格式。")
    raise UserError(f"不认识的报告格式“{format_id}”，本软件支持的格式为“2021”。")
