"""Receiving files: an exchange JSON, a 报送 package or a published report read through the import
readers. A bad file never stops the rest: it is listed with its Chinese reason."""

from __future__ import annotations

import datetime as dt
import json
import logging
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.desk.marks import SUM_KIND, SumMark, mark_of, marked_file, names_a_sum
from core.desk.names import one_line
from core.documents import exchange
from core.documents.file_kinds import PUBLISHED
from core.documents.fingerprint import fingerprint, verify
from core.documents.workbook import read_member
from core.errors import UserError, os_reason
from core.model.names import safe_file_name
from core.model.report import Report
from core.model.vocabulary import ReportStatus

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


PACKAGE_SCHEMA = "nianbao.package/1"
MANIFEST = "报送说明.json"


_MAX_MEMBERS = 20  # a package holds 4 files; anything with many more is not one
_MAX_MANIFEST = 64 * 1024
MAX_PUBLISHED_BYTES = (
    50 * 1024 * 1024
)  # as the import readers take a file directly (core.documents.read.MAX_BYTES)


# ---------------------------------------------------------------- receiving files


@dataclass
class Received:
    """One report that came in, with what the desk knows of how it came."""

    file: Path | None  # None: kept in the database
    report: Report
    arrived: dt.datetime
    final_code: str | None = None  # the 校验码 its package declares for the 定稿
    doubtful: tuple[str, ...] = ()  # cells an imported file could not vouch for (doubtful or unread)
    notes: tuple[str, ...] = ()
    published: str | None = None  # read through the import readers: that file's name (a package's member)
    summary: SumMark | None = None  # a 汇总 written by the app (see `core.desk.marks`): never a department
    sent_up: bool = False  # a 汇总 package (kind 汇总) sent up the chain: one row on the receiving desk


@dataclass(frozen=True)
class Unusable:
    file: Path
    reason: str


def report_files(folder: Path | str, skip: Path | None = None) -> list[Path]:
    """The files of a folder (and its subfolders) the desk looks at: all but hidden ones (the desk's
    memory among them), Office's lock files and `skip`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"找不到文件夹“{folder}”。")
    skipped = skip.resolve() if skip is not None else None
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith((".", "~$")) and p.resolve() != skipped
    )


def receive(path: Path) -> Received:
    """Read one file as a report, or raise a `UserError` saying why it cannot be used."""
    try:
        arrived = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except OSError as exc:
        raise UserError(f"无法读取：{os_reason(exc)}。") from None
    suffix = path.suffix.lower()
    if suffix == ".json":
        report = exchange.read_report(path)  # its checks of size and kind come first
        summary = _mark(path.read_bytes().decode("utf-8-sig"))
        return Received(path, report, arrived, notes=_reviewed_note(path), summary=summary)
    if suffix == ".xlsx" and marked_file(path):  # the desk reads no workbook, but says what this one is
        raise UserError("这是本软件导出的汇总（Excel），不是单位的报告，不计入。")
    if suffix == ".zip":
        return _receive_package(path, arrived)
    if suffix in PUBLISHED:
        return _receive_imported(path, path, arrived, path.name)
    raise UserError("不是报告文件（可以收的是报告文件 .json、报送包 .zip、Word、PDF、网页和文本）。")


def _receive_imported(path: Path, shown: Path, arrived: dt.datetime, name: str) -> Received:
    from core.documents.read import read_file  # only a desk with published files loads the readers

    imported = read_file(path)
    cells = tuple(dict.fromkeys([*imported.doubtful, *imported.unread]))
    notes = tuple(imported.notes)
    summary = SumMark() if marked_file(path) or names_a_sum(imported.source) else None
    return Received(
        shown, imported.report, arrived, doubtful=cells, notes=notes, published=name, summary=summary
    )


def _exchange(text: str) -> tuple[Report, SumMark | None]:
    """An exchange file's report and, when it is a 汇总, its mark."""
    return exchange.loads(text), _mark(text)  # strict loads: what is not a report is refused first


def _mark(text: str) -> SumMark | None:
    """The 汇总 mark of an exchange file already read as a report (None: a department's report)."""
    return mark_of(json.loads(text)) if '"summary"' in text else None


def _receive_package(path: Path, arrived: dt.datetime) -> Received:
    """A 报送 package: its exchange file (or, lacking one, its Word/PDF file through the readers)."""
    try:
        if path.stat().st_size > MAX_PUBLISHED_BYTES:
            raise UserError("压缩包太大，不是报送包。")
        with zipfile.ZipFile(path) as package:
            infos = [i for i in package.infolist() if not i.is_dir()]
            if len(infos) > _MAX_MEMBERS:
                raise UserError("压缩包中的文件太多，不是报送包。")
            names = [i.filename for i in infos]
            manifest = _manifest(_member(package, MANIFEST, _MAX_MANIFEST)) if MANIFEST in names else {}
            reports = [n for n in names if n.lower().endswith(".json") and n != MANIFEST]
            if len(reports) > 1:
                raise UserError(f"压缩包中有 {len(reports)} 份报告文件，一个报送包只应有一份。")
            if reports:
                text = _member(package, reports[0], exchange.MAX_FILE_BYTES).decode("utf-8-sig")
                report, summary = _exchange(text)
                sent_up = manifest.get("kind") == SUM_KIND and summary is not None
                received = Received(path, report, arrived, summary=summary, sent_up=sent_up)
            else:
                others = [n for n in names if Path(n).suffix.lower() in PUBLISHED]
                if not others:
                    raise UserError("压缩包中没有报告文件。")
                with tempfile.TemporaryDirectory() as tmp:  # the readers read files
                    inner = _copy_member(package, others[0], Path(tmp))
                    received = _receive_imported(inner, path, arrived, others[0])
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError):  # damaged, deflate64, encrypted
        raise UserError("不是有效的压缩包（.zip）文件，或其中的文件已损坏、加密。") from None
    except UnicodeDecodeError:
        raise UserError("压缩包中的报告文件不是 UTF-8 编码的文本。") from None
    code = manifest.get("fingerprint")
    if manifest.get("status") == ReportStatus.FINAL and isinstance(code, str):
        if verify(received.report, code):
            received.final_code = fingerprint(received.report)
        else:
            received.notes = (*received.notes, f"报送说明中的校验码 {code} 与报告内容不符，按草稿收")
    return received


def _member(package: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A package's member read no further than `limit` bytes (what its header declares may lie)."""
    too_big = f"压缩包中的“{_shown_name(name)}”太大（超过 {limit // 1024} KB），不是报送包中的文件。"
    return read_member(package, name, limit, too_big)


def _shown_name(name: str) -> str:
    """A member's name as a message quotes it: one line, not too long."""
    flat = one_line(name)
    return flat if len(flat) <= 60 else flat[:60] + "……"


def _manifest(raw: bytes) -> dict[str, object]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("schema") == PACKAGE_SCHEMA else {}


def receive_all(
    paths: Sequence[Path],
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[list[Received], list[Unusable]]:
    """Every file on its own: the usable ones, and the others with their reasons. `progress(done,
    total)` after each file; stops early once `cancelled()` is true."""
    received: list[Received] = []
    unusable: list[Unusable] = []
    for done, path in enumerate(paths, start=1):
        if cancelled is not None and cancelled():
            break
        try:
            received.append(receive(path))
        except UserError as exc:
            unusable.append(Unusable(path, exc.message))
        except Exception:  # a reader tripped over a damaged file: it must not stop the rest
            log.warning("desk: %s could not be read", path, exc_info=True)
            unusable.append(Unusable(path, "文件已损坏或格式不对，无法读取。"))
        if progress is not None:
            progress(done, len(paths))
    return received, unusable


def take_file(folder: Path, path: Path) -> Path | None:
    """A received file copied into the desk's folder (kept with the desk): under its own name, or
    with （2）, （3）… when another file has that name; None when the very same file is already there."""
    try:
        data = path.read_bytes()
        target = folder / path.name
        n = 1
        while target.exists():
            if target.is_file() and target.read_bytes() == data:
                return None
            n += 1
            target = folder / f"{path.stem}（{n}）{path.suffix}"
    except OSError as exc:
        raise UserError(f"无法读取“{path.name}”：{os_reason(exc)}。") from None
    from core.paths import write_atomically

    write_atomically(target, data)
    return target


REVIEWED = "（已核对）"  # the mark of the exchange file the desk saves after 核对读入
_REVIEWED_STEM = 60  # characters of the original's name kept: the mark must survive the length limit


def _copy_member(package: zipfile.ZipFile, member: str, folder: Path) -> Path:
    """A package's member as a file in `folder` (the readers read files)."""
    inner = folder / f"report{Path(member).suffix.lower()}"
    inner.write_bytes(_member(package, member, MAX_PUBLISHED_BYTES))
    return inner


def reviewed_path(original: Path) -> Path:
    """Where the reviewed copy of a published file goes: beside it, named after it."""
    return original.with_name(safe_file_name(f"{original.name[:_REVIEWED_STEM]}{REVIEWED}", ".json"))


def is_reviewed(path: Path | None) -> bool:
    return path is not None and path.suffix.lower() == ".json" and path.stem.endswith(REVIEWED)


def _reviewed_note(path: Path) -> tuple[str, ...]:
    return ("已对照原件核对读入",) if is_reviewed(path) else ()
