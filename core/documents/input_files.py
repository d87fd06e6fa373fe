"""Files given as input, read safely: a regular file only — a FIFO would hang the reader and a character
device would read forever (its size is 0, so a size check alone lets it through) — and never more bytes
than the caller's bound. A leaf module (it loads no reader), for the command line, the exchange reader
and the published-file readers alike, and the register's ledger and the desk's roster (with `csv_rows`).
`same_file` keeps a command from writing over its own input."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from core.errors import UserError, os_reason
from core.model.hidden_characters import without_hidden

_NOT_REGULAR = "“{path}”不是普通文件（可能是管道或设备），不能读取。请选择保存在磁盘上的文件。"


def regular_file(
    path: Path, max_bytes: int | None = None, what: str = "文件", expected: str = "年度报告"
) -> int:
    """The size of `path`, a regular file of at most `max_bytes`; else a `UserError` saying why, naming
    the file as `what` (e.g. 台账文件) and what a file that large cannot be (`expected`).

    A FIFO would hang the reader and a character device would read forever (its size is 0), so only
    regular files pass; `os.stat` never opens the path, so checking cannot hang either."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UserError(f"找不到{what}“{path}”。") from None
    except OSError as exc:
        raise UserError(f"无法读取{what}“{path}”：{os_reason(exc)}。") from None
    if stat.S_ISDIR(info.st_mode):
        raise UserError(f"“{path}”是一个文件夹，不是文件。")
    if not stat.S_ISREG(info.st_mode):
        raise UserError(_NOT_REGULAR.format(path=path))
    if max_bytes is not None and info.st_size > max_bytes:
        raise UserError(
            f"{what}“{path.name}”太大（{info.st_size / (1024 * 1024):.1f} MB），不像是{expected}，没有读取。"
        )
    return info.st_size


def read_bytes(path: Path, max_bytes: int, what: str = "文件", expected: str = "年度报告") -> bytes:
    """The bytes of a regular file of at most `max_bytes` (checked again on what is really read)."""
    size = regular_file(path, max_bytes, what, expected)
    try:  # O_NONBLOCK: a FIFO put in its place since the check cannot hang the open; fstat then refuses it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise UserError(_NOT_REGULAR.format(path=path))
            # the size found and a byte more, the rest only if it grew: a buffer of `max_bytes` for
            # every file cost `db import` 20 µs a file (benchmarks/bench_db_import.py)
            data = f.read(size + 1)
            if len(data) > size:
                data += f.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise UserError(f"无法读取{what}“{path}”：{os_reason(exc)}。") from None
    if len(data) > max_bytes:  # it grew since it was checked
        raise UserError(f"{what}“{path.name}”太大，不像是{expected}，没有读取。")
    return data


def csv_rows(data: bytes, what: str) -> Iterator[list[str]]:
    """The rows of a CSV file as Excel saves it, one by one: UTF-8 (with or without BOM), UTF-16 with its
    byte-order mark, or GBK on a Chinese Windows; characters that print as nothing dropped
    (`without_hidden`). `what` names the file in a refusal (e.g. 台账文件“x.csv”). For the register's
    ledger and the desk's roster, which keep only the rows with something in them (30 MB of empty lines
    as a list of rows took 7.5 GB)."""
    import csv
    import io

    from core.documents.read.encodings import bom_codec

    marked = bom_codec(data)  # UTF-16, as some programs save a CSV; its mark is dropped as hidden
    if marked is None or marked == "utf-8":  # GBK behind a UTF-8 mark is met too (an editor added it)
        data, marked = data.removeprefix(b"\xef\xbb\xbf"), None
    for encoding in (marked,) if marked else ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UserError(f"{what}的编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV 文件。")
    text = without_hidden(text)  # NULs, a BOM inside (files joined by `copy a+b`), zero-width spaces
    last = ""  # the last cell read: a quote left open runs to the end of the file in it
    try:
        for row in csv.reader(io.StringIO(text, newline=None)):  # CR alone: Excel for Mac's "CSV (Macintosh)"
            last = row[-1] if row else ""
            yield row
    except csv.Error as exc:  # Excel's dialect, newlines read as written: a cell past 131,072 characters
        why = (
            '其中一格超过 131072 个字符，多半是某格开头的英文引号（"）没有配对'
            if "limit" in str(exc)
            else "格式有误"
        )
        raise UserError(
            f"{what}不是有效的 CSV 文件：{why}。请用 Excel 打开检查后重新另存为 CSV 文件。"
        ) from None
    ended = "\n" in last or not text.endswith(("\n", "\r"))  # else no cell ran to the end: no quote open
    line = _open_quote_line(text) if ended else None
    if line is not None:  # the rest of the file went into one cell: its rows would be lost unseen
        raise UserError(
            f'{what}不是有效的 CSV 文件：第 {line} 行某格开头的英文引号（"）没有配对，'
            "其后的各行都会并进这一格。"
            "请用 Excel 打开检查后重新另存为 CSV 文件。"
        )


def _open_quote_line(text: str) -> int | None:
    """The line of the row whose quoted cell the file never closes (it runs to the end), else None.

    The lenient reader takes such a cell to the end of the file without a word; the strict one stops
    there ("unexpected end of data"). A quote it stops at for any other reason (`"甲"乙`) Excel reads
    too, so those rows stand."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text, newline=None), strict=True)
    read = 0
    try:
        for _ in reader:
            read = reader.line_num
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return read + 1
    return None


def same_file(output: Path, inputs: list[Path]) -> Path | None:
    """The input that `output` names (the same file by identity: a hard link, a symlink, another
    spelling), if any; writing there would destroy what is being read."""
    for given in inputs:
        try:
            if os.path.samefile(output, given):
                return given
        except OSError:  # one of them does not exist (yet): not the same file
            continue
    return None
