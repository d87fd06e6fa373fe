"""What a published report can be, and the checks that refuse anything beyond it (issue 23).

A report is ~7 pages, ~30 rows × 10 columns per table, a few hundred KB. Every reader is bounded: the
file itself (a regular file of a plausible size, never a FIFO or a device: core.documents.input_files), and
here what a zip or a PDF stream decompresses to (counted as it is really decompressed, never as the archive
declares it), the pages of a PDF, a table's spans, a cell's number, and the time a file may take.

Why in-process bounds and a time budget rather than a child process per file: Windows has no
`resource` limits, so a child would need Job Objects for memory and would pay a fresh interpreter and
pdfplumber's imports per file (~1 s on a clerk's PC, ×50 files on a desk); the bombs are all about
decompression and sizes, which are cheap to bound before the parser runs. What the size bounds cannot
foresee (a PDF whose references loop forever, a page that makes a parser slow) is stopped by the time
budget: the reader runs in a worker thread and, past its time, an exception is raised inside it. The
same exception stops it when the person cancels (`cancelled_by`): 取消 stops the reading, not only its
result.
"""

from __future__ import annotations

import contextlib
import ctypes
import re
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path

from core.errors import UserError, os_reason

MAX_PUBLISHED_BYTES = 50 * 1024 * 1024  # a Word or PDF file with pictures of the seal; a report is ~100 KB
MAX_MARKUP_BYTES = 10 * 1024 * 1024  # a web page or a text file; a report page is ~200 KB
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one part of a Word file, decompressed
MAX_UNZIPPED_BYTES = 128 * 1024 * 1024  # all parts of a Word file, decompressed
MAX_ZIP_MEMBERS = 2000
MAX_STREAM_BYTES = 32 * 1024 * 1024  # one PDF stream (a page's drawing, an embedded font), decompressed
MAX_STREAMS_BYTES = 128 * 1024 * 1024  # all streams of a PDF, decompressed
MAX_PAGES = 60  # a report is ~7 pages
MAX_CELLS = 20_000  # table cells of a web page (a report has ~300; a portal page around it, a few more)
MAX_ROWSPAN = 100  # a report's tables have ~30 rows…
MAX_COLSPAN = 30  # …and ~10 columns
MAX_NUMBER_CHARS = 24  # a cell's number: the exchange file allows 20 digits
READ_SECONDS = 10.0  # a report reads in under a second

_CHUNK = 1024 * 1024


def check_zip(path: Path) -> None:
    """Refuse a Word file whose parts are encrypted, compressed in a way we cannot read, damaged, or
    decompress past the bounds — by decompressing each part and counting, not by the sizes it declares."""
    damaged = f"文件“{path.name}”不是有效的 Word（.docx）文件，可能已损坏。"
    total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise UserError(f"文件“{path.name}”中的部件太多（{len(members)} 个），不像是年度报告。")
            for member in members:
                if member.flag_bits & 0x1:
                    raise UserError(f"文件“{path.name}”设置了密码（已加密），请取消密码后另存再导入。")
                if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise UserError(
                        f"文件“{path.name}”使用了本软件不能读取的压缩方式，请用 Word 另存后再导入。"
                    )
                size = 0
                with archive.open(member) as part:
                    while chunk := part.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > MAX_MEMBER_BYTES or total > MAX_UNZIPPED_BYTES:
                            raise UserError(
                                f"文件“{path.name}”解压后太大（超过 {MAX_UNZIPPED_BYTES >> 20} MB），"
                                "不像是年度报告，没有读取。"
                            )
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, RuntimeError):
        raise UserError(damaged) from None
    except OSError as exc:
        raise UserError(f"无法读取文件“{path}”：{os_reason(exc)}。") from None


_STREAM = re.compile(rb"stream\r?\n")
_END = b"endstream"
_REF_ONLY = re.compile(rb"(\d+)\s+(\d+)\s+obj\s*(\d+)\s+(\d+)\s+R\s*endobj")


def check_pdf(path: Path, data: bytes) -> None:
    """Refuse a PDF whose streams decompress past the bounds, or whose objects only point at each other
    in a loop — counted on the bytes, before the PDF parser (which decompresses without a limit) runs."""
    total = 0
    for found in _STREAM.finditer(data):
        end = data.find(_END, found.end())
        raw = data[found.end() : end if end >= 0 else len(data)]
        size = _inflated_size(raw, MAX_STREAM_BYTES + 1)
        total += size
        if size > MAX_STREAM_BYTES or total > MAX_STREAMS_BYTES:
            raise UserError(
                f"文件“{path.name}”中的压缩数据解压后太大（超过 {MAX_STREAM_BYTES // (1024 * 1024)} MB），"
                "不像是年度报告，没有读取。"
            )
    points_to = {(a, b): (c, d) for a, b, c, d in _REF_ONLY.findall(data)}
    for start in points_to:
        seen = {start}
        at = points_to.get(start)
        while at is not None:
            if at in seen:
                raise UserError(f"文件“{path.name}”中的对象互相引用、没有尽头，文件已损坏，没有读取。")
            seen.add(at)
            at = points_to.get(at)


def _inflated_size(raw: bytes, limit: int) -> int:
    """How large a deflated stream really decompresses, stopping past `limit`; a stream deflated again
    inside (/Filter [/FlateDecode /FlateDecode]) is counted by its innermost layer. 0 for a stream that
    is not deflated (or is encrypted: the parser says so)."""
    largest = 0
    for _layer in range(3):
        inflater = zlib.decompressobj()
        parts: list[bytes] = []
        size = 0
        try:
            chunk = inflater.decompress(raw, _CHUNK)
            while chunk:
                parts.append(chunk)
                size += len(chunk)
                if size > limit:
                    return size
                chunk = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        except zlib.error:
            return max(largest, size)
        largest = max(largest, size)
        raw = b"".join(parts)
        if raw[:1] != b"x":  # no zlib header: not deflated again
            break
    return largest


_CELL_TAG = re.compile(r"<t[dh][\s>]", re.I)


def check_markup(page: str | bytes, name: str) -> None:
    """Refuse a web page of more table cells than a report's page can hold, before it is parsed."""
    cells = len(_CELL_TAG.findall(page if isinstance(page, str) else page.decode("latin-1")))
    if cells > MAX_CELLS:
        raise UserError(f"“{name}”中的表格格子太多（{cells} 个），不像是年度报告，没有读取。")


def span(value: str | None, most: int) -> int:
    """A table cell's rowspan/colspan as a browser reads it ("2", " 3px" → 3; junk or 0 → 1), and never
    more than a report's table can span, so that `rowspan=1000000000` costs nothing."""
    digits = re.match(r"\s*(\d{1,9})", value or "")
    return min(max(int(digits.group(1)), 1), most) if digits else 1


class _OutOfTime(BaseException):
    """Raised inside a reader that ran past its time; a BaseException so no `except Exception` in a
    parser swallows it."""


class ReadCancelled(UserError):
    """The person cancelled the reading (取消); the reader was stopped."""


_cancel: ContextVar[threading.Event | None] = ContextVar("read_cancel", default=None)
_CANCEL_POLL_SECONDS = 0.05  # how soon a cancel is seen; a finished read returns at once regardless


@contextlib.contextmanager
def cancelled_by(event: threading.Event) -> Iterator[None]:
    """Every `within_time` read in this block (in this thread) stops once `event` is set, raising
    `ReadCancelled` — so a cancel reaches the reader through the operations without their knowing."""
    token = _cancel.set(event)
    try:
        yield
    finally:
        _cancel.reset(token)


def within_time[T](read: Callable[[], T], name: str, seconds: float = READ_SECONDS) -> T:
    """`read()` run in a worker thread; past `seconds`, or once the reading is cancelled
    (`cancelled_by`), it is stopped and the file is refused."""
    cancel = _cancel.get()
    if cancel is not None and cancel.is_set():
        raise ReadCancelled(f"已取消读取“{name}”。")
    result: list[T] = []
    failure: list[BaseException] = []
    finished = threading.Event()

    def work() -> None:
        try:
            result.append(read())
        except _OutOfTime:
            pass
        except BaseException as exc:  # handed to the caller as it is
            failure.append(exc)
        finally:
            finished.set()

    worker = threading.Thread(target=work, name=f"read {name}", daemon=True)
    worker.start()
    if not _finished_in_time(finished, seconds, cancel):
        _stop(worker, finished)
        if cancel is not None and cancel.is_set():
            raise ReadCancelled(f"已取消读取“{name}”。")
        raise UserError(f"读取文件“{name}”超过 {seconds:g} 秒仍未完成，不像是年度报告，已停止读取。")
    if failure:
        raise failure[0]
    return result[0]


def _finished_in_time(finished: threading.Event, seconds: float, cancel: threading.Event | None) -> bool:
    """Whether the read finished within `seconds` and before a cancel."""
    if cancel is None:
        return finished.wait(seconds)
    deadline = time.monotonic() + seconds
    while not cancel.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return finished.is_set()
        if finished.wait(min(left, _CANCEL_POLL_SECONDS)):
            return True
    return False


def _stop(worker: threading.Thread, finished: threading.Event) -> None:
    """Stop the reading thread: raise `_OutOfTime` in it until it ends."""
    for _attempt in range(10):  # a C call in progress gets the exception when it returns
        if finished.is_set():  # it ended by itself meanwhile
            break
        _raise_in(worker, _OutOfTime)
        if finished.wait(0.5):
            break
    if worker.is_alive():
        _raise_in(worker, None)  # withdraw a second one not yet delivered


def _raise_in(thread: threading.Thread, exception: type[BaseException] | None) -> None:
    """Raise `exception` in `thread` at its next Python instruction (None withdraws a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread.ident or 0), ctypes.py_object(exception) if exception else None
    )
