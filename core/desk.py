"""The collection desk (汇总台): a county office receives its departments' reports, sees who is missing
and who is wrong, and adds them up. Pure logic, no Qt; the CLI (`desk`, `sum`) and the app present it.

- The roster (应报单位名单): names from a .csv/.xlsx list (first column, a header row allowed). A .xlsx is
  read with the standard library (zipfile + xml): openpyxl is only a development dependency.
- Matching: an agency arrives under several spellings (「温县人民政府财政局」 for 「温县财政局」). Names are
  compared after a normalisation (width, spaces, punctuation, 人民政府 inside a name); a remembered
  answer wins; a close but not equal name is asked about (`Match.sure` False), never guessed.
- Receiving: our exchange JSON, a 报送 package (.zip holding it, see `write_package`), or a published
  report through the import readers (its doubtful and unread cells mark the row). A bad file never stops
  the rest: it is listed with its Chinese reason.
- The board: one row per roster agency for a year (未交 / 已交（草稿） / 已定稿) with the same rules'
  counts. An exchange file carries no 定稿 status; a report is 已定稿 when its package declares the 定稿
  with the 校验码 of its content, or when the desk typed the paper copy's 校验码 and it matched.
- The sum (汇总) cell by cell, year over year with the 同比突变 flag, and the list of errors to send back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from xml.etree import ElementTree

from rapidfuzz import fuzz, process

from core import exchange
from core.errors import UserError, os_reason
from core.file_kinds import PUBLISHED, ROSTER
from core.fingerprint import fingerprint, verify
from core.formats import get_format
from core.names import safe_file_name
from core.report import MAX_AGENCY, Report, Signature
from core.rules import Finding, check, fmt, resolved_values, severity_counts
from core.summary import STATUS_NAMES

if TYPE_CHECKING:
    from core.read.mapper import Imported
    from core.report_format import ReportFormat
    from core.storage import Database

log = logging.getLogger(__name__)

Status = Literal["未交", "已交（草稿）", "已定稿"]
MISSING: Status = "未交"
DRAFT: Status = "已交（草稿）"
FINAL: Status = "已定稿"

PACKAGE_SCHEMA = "nianbao.package/1"
MANIFEST = "报送说明.json"
MEMORY_FILE = ".nianbao-desk.json"  # the desk's roster, remembered answers and confirmed codes, in the folder
_MAX_MEMBERS = 20  # a package holds 4 files; anything with many more is not one
_ASK_SCORE = 80  # rapidfuzz ratio (0–100) from which a name not equal to a roster name is asked about
_LOOK_SCORE = 40  # below it a roster name is not even looked at as an abbreviation


def _key_figures() -> list[tuple[str, tuple[str, ...]]]:
    """The figures compared year over year (同比), as the format declares them: (name, cells)."""
    return [(f.name, f.cells) for f in get_format().key_figures]


def key_figure_names() -> list[str]:
    return [name for name, _cells in _key_figures()]


_PALETTE = ("#3867d6", "#20bf6b", "#f7b731", "#eb3b5a")


def key_figure_colours() -> list[tuple[str, str]]:
    """(name, colour) of each key figure, as both charts (the app's and the PDF's) draw it."""
    return [(name, _PALETTE[i % len(_PALETTE)]) for i, name in enumerate(key_figure_names())]


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
JUMP_FACTOR = 5
JUMP_MINIMUM = 10


# ---------------------------------------------------------------- the roster


_HEADER = re.compile(
    r"^(序号|单位|部门|机关|名称|单位名称|机关名称|部门名称|报送单位|应报单位|agency|name)$", re.I
)


def read_roster(path: Path | str) -> list[str]:
    """The agency names of a roster file (first column; a header row and blank lines skipped; each
    name once, in the file's order)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ROSTER:
        raise UserError(f"名单文件“{path.name}”应为 .csv 或 .xlsx 文件。")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"找不到名单文件“{path}”。") from None
    except OSError as exc:
        raise UserError(f"无法读取名单文件“{path}”：{os_reason(exc)}。") from None
    column = _csv_first_column(data) if suffix == ".csv" else _xlsx_first_column(data, path.name)
    names = [unicodedata.normalize("NFKC", c).strip() for c in column]
    names = [n for n in names if n]
    if names and _HEADER.match(names[0].replace(" ", "")):
        names = names[1:]
    if not names:
        raise UserError(f"名单文件“{path.name}”的第一列中没有单位名称。")
    return list(dict.fromkeys(names))


def _csv_first_column(data: bytes) -> list[str]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on a Chinese Windows saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UserError("名单文件的编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV 文件。")
    return [row[0] if row else "" for row in csv.reader(io.StringIO(text))]


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _xlsx_first_column(data: bytes, name: str) -> list[str]:
    """Column A of the first worksheet: shared strings, inline strings and numbers."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            members = set(book.namelist())
            sheets = sorted(m for m in members if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", m))
            if not sheets:
                raise UserError(f"名单文件“{name}”中没有工作表。")
            shared: list[str] = []
            if "xl/sharedStrings.xml" in members:
                root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
                shared = ["".join(t.text or "" for t in si.iter(f"{_SHEET_NS}t")) for si in root]
            first = min(sheets, key=lambda m: int(re.sub(r"\D", "", m)))
            sheet = ElementTree.fromstring(book.read(first))
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, ValueError):
        raise UserError(f"名单文件“{name}”不是有效的 Excel（.xlsx）文件。") from None
    column: list[str] = []
    for cell in sheet.iter(f"{_SHEET_NS}c"):
        if not re.fullmatch(r"A\d+", cell.get("r", "")):
            continue
        kind = cell.get("t")
        value = cell.find(f"{_SHEET_NS}v")
        if kind == "s" and value is not None and value.text and value.text.isdigit():
            index = int(value.text)
            column.append(shared[index] if index < len(shared) else "")
        elif kind == "inlineStr":
            column.append("".join(t.text or "" for t in cell.iter(f"{_SHEET_NS}t")))
        elif value is not None:
            column.append(value.text or "")
    return column


# ---------------------------------------------------------------- matching names to the roster


_NOISE = re.compile(r"[\s·•・.。,，、:：;；'\"“”‘’()（）\[\]【】《》<>-]")
_INSIDE = ("人民政府",)  # 温县人民政府财政局 is 温县财政局; 温县人民政府 itself stays


def normalize_name(name: str) -> str:
    """A name as compared: full width folded, spaces and punctuation gone, 人民政府 inside a name dropped."""
    text = _NOISE.sub("", unicodedata.normalize("NFKC", name))
    for word in _INSIDE:
        head, sep, tail = text.partition(word)
        if sep and head and tail:
            text = head + tail
    return text


def _shared(a: str, b: str) -> int:
    """How many characters `a` and `b` share at their start."""
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _abbreviates(a: str, b: str) -> bool:
    """Whether one name is the other shortened: after what they share at both ends (温县…局), the shorter
    rest is the longer's characters in order (发改委 of 发展和改革委员会, 教育 of 教育体育). 温县水利局 and
    温县教育局 share 60 % of their characters but are two agencies: not asked about."""
    start = _shared(a, b)
    end = _shared(a[start:][::-1], b[start:][::-1])
    short, long = sorted((a[start : len(a) - end], b[start : len(b) - end]), key=len)
    letters = iter(long)
    return all(c in letters for c in short)


@dataclass(frozen=True)
class Match:
    """Which roster name a spelling is: `sure` when equal after normalising or remembered; else
    `agency` is the closest candidate to ask about (None: nothing on the roster is like it)."""

    name: str
    agency: str | None
    sure: bool
    score: float = 0.0


class Matcher:
    """Matches spellings to a roster, remembering the answers the user gave (spelling → roster name)."""

    def __init__(self, roster: Sequence[str], answers: Mapping[str, str] | None = None) -> None:
        self.roster = list(roster)
        self.answers = dict(answers or {})
        self._normal = {normalize_name(n): n for n in self.roster}

    def match(self, name: str) -> Match:
        remembered = self.answers.get(name.strip())
        if remembered is not None and remembered in self.roster:
            return Match(name, remembered, True, 100.0)
        exact = self._normal.get(normalize_name(name))
        if exact is not None:
            return Match(name, exact, True, 100.0)
        normal = normalize_name(name)
        close = process.extract(
            normal, list(self._normal), scorer=fuzz.ratio, score_cutoff=_LOOK_SCORE, limit=10
        )
        for candidate, score, _ in close:
            if score >= _ASK_SCORE or _abbreviates(normal, candidate):
                return Match(name, self._normal[candidate], False, float(score))
        return Match(name, None, False, float(close[0][1]) if close else 0.0)

    def remember(self, name: str, agency: str) -> None:
        """The user's answer: `name` is the roster's `agency` from now on."""
        if agency not in self.roster:
            raise UserError(f"名单中没有“{agency}”。")
        self.answers[name.strip()] = agency


# ---------------------------------------------------------------- the roster and the desk's memory


@dataclass(frozen=True)
class RosterEntry:
    id: int  # 编号: given once, never reused, kept through renames
    name: str


@dataclass
class Roster:
    """应报单位名单 as the desk keeps and edits it: names in order, each with a stable number. Names
    are unique after `normalize_name` (温县人民政府财政局 and 温县财政局 cannot both be on it)."""

    entries: list[RosterEntry] = field(default_factory=list)
    next_id: int = 1

    @classmethod
    def of(cls, names: Iterable[str]) -> Roster:
        roster = cls()
        roster.take(names)
        return roster

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.entries]

    def _clean(self, name: str, keep: int | None = None) -> str:
        name = name.strip()  # kept as typed (full-width brackets stay); compared after normalize_name
        if not name:
            raise UserError("单位名称不能为空。")
        if len(name) > MAX_AGENCY:
            raise UserError(f"单位名称太长（{len(name)} 个字），最多 {MAX_AGENCY} 个字。")
        normal = normalize_name(name)
        same = next((e for e in self.entries if e.id != keep and normalize_name(e.name) == normal), None)
        if same is not None:
            raise UserError(f"名单中已有“{same.name}”，与“{name}”是同一个单位。")
        return name

    def add(self, name: str) -> RosterEntry:
        entry = RosterEntry(self.next_id, self._clean(name))
        self.entries.append(entry)
        self.next_id += 1
        return entry

    def take(self, names: Iterable[str]) -> int:
        """Adds the names not on the roster yet (the same agency spelled otherwise is not added);
        returns how many were added."""
        added = 0
        for name in names:
            try:
                self.add(name)
                added += 1
            except UserError:
                continue
        return added

    def rename(self, entry_id: int, name: str) -> None:
        i = self._index(entry_id)
        self.entries[i] = RosterEntry(entry_id, self._clean(name, keep=entry_id))

    def remove(self, entry_id: int) -> None:
        del self.entries[self._index(entry_id)]

    def move(self, entry_id: int, step: int) -> None:
        i = self._index(entry_id)
        j = max(0, min(len(self.entries) - 1, i + step))
        self.entries.insert(j, self.entries.pop(i))

    def replaced_by(self, names: Sequence[str]) -> Roster:
        """A roster read from a file in place of this one: a name already on it keeps its number."""
        known = {normalize_name(e.name): e.id for e in self.entries}
        roster = Roster(next_id=self.next_id)
        for name in names:
            try:
                clean = roster._clean(name)
            except UserError:
                continue
            kept = known.get(normalize_name(clean))
            roster.entries.append(RosterEntry(kept if kept is not None else roster.next_id, clean))
            if kept is None:
                roster.next_id += 1
        return roster

    def _index(self, entry_id: int) -> int:
        for i, e in enumerate(self.entries):
            if e.id == entry_id:
                return i
        raise UserError("名单中没有这个单位。")

    def as_json(self) -> dict[str, object]:
        return {"next_id": self.next_id, "agencies": [{"id": e.id, "name": e.name} for e in self.entries]}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Roster:
        agencies = data.get("agencies")
        if not isinstance(agencies, list):
            raise TypeError("agencies")
        entries = [RosterEntry(int(a["id"]), str(a["name"])) for a in agencies]
        next_id = data.get("next_id")
        top = max((e.id for e in entries), default=0) + 1
        return cls(entries, max(top, next_id if isinstance(next_id, int) else 0))


def typed_key(agency: str, year: int) -> str:
    """How a code typed from a paper copy is kept in `Memory.confirmed`."""
    return f"{agency}|{year}"


@dataclass
class Memory:
    """What a desk remembers: its roster, the answers to name questions (spelling → roster name) and
    the codes typed from paper copies. Kept in a JSON file (`MEMORY_FILE` in a desk's folder)."""

    answers: dict[str, str] = field(default_factory=dict)
    confirmed: dict[str, str] = field(default_factory=dict)  # "agency|year" → the code typed
    roster: Roster | None = None

    @classmethod
    def load(cls, path: Path) -> Memory:
        try:
            data = json.loads(path.read_text("utf-8"))
            memory = cls(answers=dict(data.get("answers", {})), confirmed=dict(data.get("confirmed", {})))
        except (OSError, ValueError, AttributeError, TypeError):
            return cls()  # none yet, or damaged: the desk asks again rather than stopping
        try:
            memory.roster = Roster.from_json(data["roster"]) if data.get("roster") else None
        except (KeyError, ValueError, AttributeError, TypeError):
            log.warning("desk: the roster kept in %s is damaged", path)
        return memory

    def save(self, path: Path) -> None:
        from core.paths import write_atomically

        data: dict[str, object] = {"answers": self.answers, "confirmed": self.confirmed}
        if self.roster is not None:
            data["roster"] = self.roster.as_json()
        write_atomically(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))

    def set_roster(self, roster: Roster) -> None:
        """The roster as edited: what the desk learned of a renamed agency follows the new name, and
        files spelled the old way still find it."""
        before = {e.id: e.name for e in self.roster.entries} if self.roster else {}
        for entry in roster.entries:
            old = before.get(entry.id)
            if old is not None and old != entry.name:
                self._renamed(old, entry.name)
        self.roster = roster

    def _renamed(self, old: str, new: str) -> None:
        self.answers = {spelled: new if agency == old else agency for spelled, agency in self.answers.items()}
        if normalize_name(old) != normalize_name(new):
            self.answers.setdefault(old, new)
        for key in [k for k in self.confirmed if k.rpartition("|")[0] == old]:
            self.confirmed[typed_key(new, int(key.rpartition("|")[2]))] = self.confirmed.pop(key)


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
        return Received(path, exchange.read_report(path), arrived, notes=_reviewed_note(path))
    if suffix == ".zip":
        return _receive_package(path, arrived)
    if suffix in PUBLISHED:
        return _receive_imported(path, path, arrived, path.name)
    raise UserError("不是报告文件（可以收的是报告文件 .json、报送包 .zip、Word、PDF、网页和文本）。")


def _receive_imported(path: Path, shown: Path, arrived: dt.datetime, name: str) -> Received:
    from core.read import read_file  # only a desk with published files loads the readers

    imported = read_file(path)
    cells = tuple(dict.fromkeys([*imported.doubtful, *imported.unread]))
    notes = tuple(imported.notes)
    return Received(shown, imported.report, arrived, doubtful=cells, notes=notes, published=name)


def _receive_package(path: Path, arrived: dt.datetime) -> Received:
    """A 报送 package: its exchange file (or, lacking one, its Word/PDF file through the readers)."""
    try:
        with zipfile.ZipFile(path) as package:
            infos = [i for i in package.infolist() if not i.is_dir()]
            if len(infos) > _MAX_MEMBERS or any(i.file_size > exchange.MAX_FILE_BYTES * 10 for i in infos):
                raise UserError("压缩包中的文件太多或太大，不是报送包。")
            names = [i.filename for i in infos]
            manifest = _manifest(package.read(MANIFEST)) if MANIFEST in names else {}
            reports = [n for n in names if n.lower().endswith(".json") and n != MANIFEST]
            if len(reports) > 1:
                raise UserError(f"压缩包中有 {len(reports)} 份报告文件，一个报送包只应有一份。")
            if reports:
                report = exchange.loads(package.read(reports[0]).decode("utf-8-sig"))
                received = Received(path, report, arrived)
            else:
                others = [n for n in names if Path(n).suffix.lower() in PUBLISHED]
                if not others:
                    raise UserError("压缩包中没有报告文件。")
                with tempfile.TemporaryDirectory() as tmp:  # the readers read files
                    inner = _copy_member(package, others[0], Path(tmp))
                    received = _receive_imported(inner, path, arrived, others[0])
    except zipfile.BadZipFile:
        raise UserError("不是有效的压缩包（.zip）文件。") from None
    except UnicodeDecodeError:
        raise UserError("压缩包中的报告文件不是 UTF-8 编码的文本。") from None
    code = manifest.get("fingerprint")
    if manifest.get("status") == "final" and isinstance(code, str):
        if verify(received.report, code):
            received.final_code = fingerprint(received.report)
        else:
            received.notes = (*received.notes, f"报送说明中的校验码 {code} 与报告内容不符，按草稿收")
    return received


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


# ---------------------------------------------------------------- the 报送 package


def package_name(report: Report, final: bool) -> str:
    status = STATUS_NAMES["final" if final else "draft"]
    return safe_file_name(f"{report.agency}{report.year}年度报告（{status}）", ".zip")


def package_bytes(report: Report, final: bool) -> bytes:
    """What a department sends: the exchange file, the PDF and the Word file, with a 报送说明 naming
    the status and the 校验码 of a 定稿 (a 定稿 must be finishable: `render_pdf` refuses otherwise)."""
    from core.pdf import render_pdf
    from core.write import render

    code = fingerprint(report) if final else None
    stem = safe_file_name(report.title)
    manifest = {
        "schema": PACKAGE_SCHEMA,
        "agency": report.agency,
        "year": report.year,
        "status": "final" if final else "draft",
        "fingerprint": code,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(f"{stem}.json", exchange.dumps(report))
        package.writestr(f"{stem}.pdf", render_pdf(report, final=final))
        package.writestr(f"{stem}.docx", render(report, ".docx", fingerprint=code))
        package.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return out.getvalue()


def write_package(report: Report, folder: Path | str, final: bool) -> Path:
    from core.paths import write_atomically

    path = Path(folder) / package_name(report, final)
    write_atomically(path, package_bytes(report, final))
    return path


# ---------------------------------------------------------------- the board


@dataclass
class BoardRow:
    agency: str  # the roster's name (or the file's own when it is not on the roster)
    status: Status
    received: Received | None = None
    findings: list[Finding] = field(default_factory=list)  # empty for a row read with kept counts
    errors: int = 0
    warnings: int = 0
    cross_year: int | None = 0  # YEAR.* findings, against the agency's previous report (None: not read)
    fingerprint: str | None = None
    on_roster: bool = True
    suggestion: str | None = None  # the roster name to ask about when the match was not sure
    others: list[Path] = field(default_factory=list)  # more files for the same agency and year
    confirmed: bool | None = None  # the paper copy's code typed: matched or not; None: not typed
    notes: list[str] = field(default_factory=list)
    report_id: int | None = None  # kept in the database: read when opened
    arrived: dt.datetime | None = None
    signature: Signature = field(default_factory=Signature)

    @classmethod
    def checked(cls, agency: str, received: Received, previous: Report | None) -> BoardRow:
        findings = check(received.report, previous)
        errors, warnings = severity_counts(findings)
        cross = sum(1 for f in findings if f.rule.startswith("YEAR."))
        status = FINAL if received.final_code else DRAFT
        code = fingerprint(received.report)
        row = cls(
            agency, status, received, findings, errors, warnings, cross, code, notes=list(received.notes)
        )
        row.arrived, row.signature = received.arrived, received.report.signature
        return row

    @property
    def file(self) -> Path | None:
        return self.received.file if self.received else None

    def as_json(self) -> dict[str, object]:
        r = self.received
        sig = self.signature
        return {
            "agency": self.agency,
            "file": str(r.file) if r and r.file else None,
            "errors": self.errors,
            "warnings": self.warnings,
            "fingerprint": self.fingerprint,
            "status": self.status,
            "name_in_file": r.report.agency if r else None,
            "on_roster": self.on_roster,
            "suggestion": self.suggestion,
            "cross_year": self.cross_year,
            "doubtful": list(r.doubtful) if r else [],
            "signature": {"name": sig.name, "date": sig.date.isoformat() if sig.date else None},
            "arrived": self.arrived.isoformat(timespec="seconds") if self.arrived else None,
            "confirmed": self.confirmed,
            "other_files": [str(p) for p in self.others],
            "notes": self.notes,
        }


@dataclass
class Board:
    year: int
    rows: list[BoardRow]
    unusable: list[Unusable]

    @property
    def missing(self) -> list[str]:
        return [r.agency for r in self.rows if r.status == MISSING]

    def count(self, name: str) -> int:
        """How many rows one of `BOARD_FILTERS` shows (the summary lines of the app and of `desk`)."""
        return sum(1 for r in self.rows if BOARD_FILTERS[name](r))

    def as_json(self) -> dict[str, object]:
        return {
            "agencies": [r.as_json() for r in self.rows if r.received is not None],
            "missing": self.missing,
            "unusable": [{"file": str(u.file), "reason": u.reason} for u in self.unusable],
        }


def _rank(r: Received) -> tuple[bool, bool, dt.datetime, bool]:
    """Which of several files for one agency and year stands: a 定稿, then a fully read one, then the
    latest to arrive (a reviewed copy before its original when the clock cannot tell them apart)."""
    return (r.final_code is not None, not r.doubtful, r.arrived, is_reviewed(r.file))


def make_board(
    year: int,
    received: Sequence[Received],
    roster: Sequence[str] = (),
    memory: Memory | None = None,
    unusable: Sequence[Unusable] = (),
    previous: Mapping[str, Report] | None = None,
) -> Board:
    """One row per roster agency (then per agency not on the roster) for `year`. Last year's report of
    an agency is taken from `previous` (roster name → report) or else from the received files."""
    memory = memory or Memory()
    matcher = Matcher(roster, memory.answers)
    by_agency: dict[str, list[Received]] = {}
    last_year: dict[str, Received] = {}
    asked: dict[str, Match] = {}
    for r in received:
        m = matcher.match(r.report.agency)
        key = m.agency if m.sure and m.agency else r.report.agency.strip()
        if not m.sure:
            asked[key] = m
        if r.report.year == year:
            by_agency.setdefault(key, []).append(r)
        elif r.report.year == year - 1 and (key not in last_year or _rank(r) > _rank(last_year[key])):
            last_year[key] = r
    names = list(roster) + sorted(k for k in by_agency if k not in roster)
    rows = []
    for name in names:
        files = sorted(by_agency.get(name, []), key=_rank, reverse=True)
        if not files:
            rows.append(BoardRow(name, MISSING))
            continue
        best = files[0]
        before = (previous or {}).get(name) or (last_year[name].report if name in last_year else None)
        row = BoardRow.checked(name, best, before)
        row.on_roster, row.others = name in roster, [f.file for f in files[1:] if f.file]
        if name in asked:
            row.suggestion = asked[name].agency
        if best.doubtful:
            row.notes.insert(0, f"读入时有 {len(best.doubtful)} 个格没有把握或没有读到，须对照原件核对")
        if row.others:
            row.notes.append(f"另有 {len(row.others)} 个文件也是这份报告，用的是这一个")
        _apply_typed(row, memory, year)
        rows.append(row)
    return Board(year, rows, list(unusable))


def _apply_typed(row: BoardRow, memory: Memory, year: int) -> None:
    typed = memory.confirmed.get(typed_key(row.agency, year))
    if typed is not None and row.received is not None:
        row.confirmed = verify(row.received.report, typed)
        if row.confirmed:
            row.status = FINAL


def database_board(
    db: Database, year: int, roster: Sequence[str] = (), memory: Memory | None = None
) -> Board:
    """The board of the reports of `year` kept in a database, from its kept status and counts (no rule
    runs, no draft is read): one row per roster agency, then the database's other agencies of that
    year. Only a 定稿 (or a report whose paper code was typed) is read, for its 校验码; 署名 comes with the
    kept counts. `load_row` reads a row in full when it is opened."""
    memory = memory or Memory()
    matcher = Matcher(roster, memory.answers)
    found: dict[str, BoardRow] = {}
    for s in db.year_reports(year):
        m = matcher.match(s.agency)
        name = m.agency if m.sure and m.agency else s.agency
        status = FINAL if s.status == "final" else DRAFT
        row = BoardRow(
            name, status, errors=s.errors, warnings=s.warnings, cross_year=None, on_roster=name in roster
        )
        row.report_id, row.arrived = s.id, s.updated_at
        row.fingerprint = s.final_code  # kept when it was made 定稿: the report is not read for it
        row.signature = Signature(name=s.signed_by, date=s.signed_on)
        row.suggestion = None if m.sure else m.agency
        if name in found:  # two stored reports are this agency (two spellings): both must be seen
            found[name].notes.append(
                f"库中另有“{s.agency}”的 {year} 年度报告，也是这个单位，请核对后删去一份"
            )
            continue
        found[name] = row
    wanted = {
        r.report_id: r
        for r in found.values()
        if (r.status == FINAL and r.fingerprint is None) or typed_key(r.agency, year) in memory.confirmed
    }
    for report_id, report in db.load_reports([i for i in wanted if i is not None]).items() if wanted else ():
        row = wanted[report_id]
        row.fingerprint = fingerprint(report)
        row.received = Received(
            None, report, row.arrived or _EPOCH, row.fingerprint if row.status == FINAL else None
        )
        _apply_typed(row, memory, year)
    rows = [found.pop(name) if name in found else BoardRow(name, MISSING) for name in roster]
    return Board(year, rows + [found[k] for k in sorted(found)], [])


def load_row(db: Database, row: BoardRow) -> None:
    """A row of the database board read in full (to open it, confirm its code, list its errors): its
    report, checked against the agency's report of the year before when the database has one."""
    if row.report_id is None or row.findings:
        return  # a file, or read already (a report with no findings is cheap to read again)
    report = db.load_report(row.report_id)
    before = db.find_report(report.agency, report.year - 1)
    full = BoardRow.checked(
        row.agency, Received(None, report, row.arrived or _EPOCH), db.load_report(before) if before else None
    )
    row.received, row.findings, row.cross_year = full.received, full.findings, full.cross_year
    row.fingerprint = full.fingerprint  # the counts stay the kept ones: they leave out dismissed warnings
    if row.status == FINAL and row.received is not None:
        row.received.final_code = row.fingerprint


def keep_in_database(db: Database, received: Sequence[Received]) -> tuple[int, list[Unusable]]:
    """Received reports stored in the database of a desk: each as an import revision naming its file,
    a 定稿 package's report marked 定稿. One read without certainty is not stored (it must be checked
    against the original first), nor one that would change a 定稿; the very same 定稿 again is no news.
    Returns how many were stored and the others with their reasons."""
    kept, refused = 0, []
    for r in received:
        shown = r.file or Path("?")
        if r.doubtful:
            reason = f"有 {len(r.doubtful)} 个格没有把握或没有读到，请用「导入已发布的报告…」核对后再导入。"
            refused.append(Unusable(shown, reason))
            continue
        existing = db.find_report(r.report.agency, r.report.year)
        if existing is not None and db.status(existing) == "final" and db.load_report(existing) == r.report:
            continue
        try:
            report_id, _ = db.import_report(r.report, note=f"汇总台收取：{shown.name}")
            if r.final_code and db.status(report_id) != "final":
                db.set_status(report_id, "final")
        except UserError as exc:
            refused.append(Unusable(shown, exc.message))
            continue
        kept += 1
    return kept, refused


def standing_reports(board: Board, db: Database | None = None) -> dict[str, Report]:
    """The standing report of each agency on a board, in the board's order: as received, or (a
    database board's rows read with kept counts and codes only) read from `db` in one go."""
    unread = [r.report_id for r in board.rows if r.received is None and r.report_id is not None]
    loaded = db.load_reports(unread) if db is not None and unread else {}
    standing = {}
    for row in board.rows:
        report = row.received.report if row.received is not None else loaded.get(row.report_id or -1)
        if report is not None:
            standing[row.agency] = report
    return standing


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


def database_memory(db_path: Path) -> Path:
    """Where the desk of a database keeps its memory: beside the database file."""
    return db_path.with_name(f".{db_path.name}.desk.json")


def received_names(board: Board) -> list[str]:
    """The agencies of the received reports that are not on the roster and not like a roster name
    (those are asked about instead): what 「从收到的报告加入」 adds to the roster."""
    return [r.agency for r in board.rows if not r.on_roster and r.suggestion is None]


def open_desk(folder: Path | str, year: int, roster: Sequence[str] = (), skip: Path | None = None) -> Board:
    """The board of a folder: every file received (but `skip`, the roster file when it lies there), the
    folder's remembered answers applied; without `roster`, the one kept in the folder (if any)."""
    folder = Path(folder)
    received, unusable = receive_all(report_files(folder, skip))
    memory = Memory.load(folder / MEMORY_FILE)
    if not roster and memory.roster is not None:
        roster = memory.roster.names  # the roster the desk in the app keeps in the folder
    return make_board(year, received, roster, memory, unusable)


def confirm_code(memory: Memory, row: BoardRow, year: int, code: str) -> bool:
    """The paper copy's 校验码 typed in: remembered, and whether it matches the file's content."""
    from core.fingerprint import parse_code

    parse_code(code)
    if row.received is None:
        raise UserError(f"“{row.agency}”还没有交报告，无法核对校验码。")
    memory.confirmed[typed_key(row.agency, year)] = code
    _apply_typed(row, memory, year)
    return bool(row.confirmed)


# ---------------------------------------------------------------- what to send back


@dataclass(frozen=True)
class SendBack:
    """One error for an agency to mend: 哪个单位、哪张表、哪一格、差多少 (the message says by how much)."""

    agency: str
    table: str
    cell: str
    message: str


def send_back(board: Board) -> list[SendBack]:
    out = []
    for row in board.rows:
        if row.received is None:
            continue
        spec = row.received.report.spec
        for f in row.findings:
            if f.severity != "error":
                continue
            info = spec.cells.get(f.cells[0]) if f.cells else None
            table = next(
                (s.full_heading for s in spec.sections if info and s.table_key == info.table.key), ""
            )
            out.append(SendBack(row.agency, table, info.description if info else "", f.message))
    return out


# ---------------------------------------------------------------- the sum (汇总)


def add_up(reports: Sequence[Report], agency: str, year: int) -> Report:
    """The reports of one year added cell by cell: a blank counts as 0, a cell blank in every report
    stays blank, a total left blank counts as its parts. The narrative is empty."""
    if not reports:
        raise UserError("没有可以汇总的报告。")
    formats = {r.format for r in reports}
    if len(formats) > 1:
        raise UserError("这些报告的格式不同，不能汇总。")
    for r in reports:
        if r.year != year:
            raise UserError(f"“{r.agency}”的报告是 {r.year} 年度的，不是 {year} 年度，不能一起汇总。")
    spec = reports[0].spec
    rows: list[list[int | Decimal | None]] = [[r.values[a] for a in spec.cells] for r in reports]
    return _sum_report(spec, rows, agency, year)


def add_up_stored(db: Database, report_ids: Sequence[int], agency: str, year: int) -> Report:
    """`add_up` of reports kept in a database, from their packed values: a year of 2,000 reports is
    added up without reading their cells or making a `Report` of each."""
    packed = db.packed_values(report_ids)
    if not packed:
        raise UserError("没有可以汇总的报告。")
    if len({format_id for format_id, _ in packed.values()}) > 1:
        raise UserError("这些报告的格式不同，不能汇总。")
    format_id = next(iter(packed.values()))[0]
    return _sum_report(get_format(format_id), [values for _, values in packed.values()], agency, year)


def _sum_report(spec: ReportFormat, rows: list[list[int | Decimal | None]], agency: str, year: int) -> Report:
    """Rows of cell values (in the format's cell order) added up cell by cell, as `add_up` says; a
    column at a time (2,000 reports are summed in well under 100 ms)."""
    given = list(zip(*rows, strict=True))  # a column per cell
    index = {address: i for i, address in enumerate(spec.cells)}
    added: list[list[int | Decimal]] = [[0 if v is None else v for v in column] for column in given]
    for total, parts in spec.derivations:  # a total left blank counts as its parts (in dependency order)
        part_sums = map(sum, zip(*(added[index[p]] for p in parts), strict=True))
        added[index[total]] = [
            s if v is None else v for v, s in zip(given[index[total]], part_sums, strict=True)
        ]
    # a cell blank in every report stays blank: a total blank everywhere is derived again from the sum
    values = {
        a: None if given[i].count(None) == len(rows) else Decimal(sum(added[i]))
        for i, a in enumerate(spec.cells)
    }
    return Report(
        format=spec.id,
        agency=agency,
        year=year,
        texts={k: "" for k in spec.text_keys},
        values=values,
        signature=Signature(name=agency),
    )


# ---------------------------------------------------------------- year over year


@dataclass(frozen=True)
class Change:
    name: str
    this: Decimal
    last: Decimal | None
    jump: bool  # 同比突变: more than five-fold or below a fifth, with at least 10 cases

    @property
    def text(self) -> str:
        if self.last is None:
            return "上年无报告"
        delta = self.this - self.last
        percent = (self.this / self.last * 100 - 100).quantize(Decimal("0.1")) if self.last else None
        ratio = f"（{fmt(percent)}%）" if percent is not None else ""
        sign = "+" if delta > 0 else ""
        return f"{sign}{fmt(delta)}{ratio}"


def key_figures(report: Report) -> dict[str, Decimal]:
    values = resolved_values(report)
    return {name: sum((values[a] for a in cells), Decimal(0)) for name, cells in _key_figures()}


def is_jump(this: Decimal, last: Decimal) -> bool:
    if max(this, last) < JUMP_MINIMUM:
        return False
    return this > last * JUMP_FACTOR or this * JUMP_FACTOR < last


def year_over_year(report: Report, previous: Report | None) -> list[Change]:
    now = key_figures(report)
    before = key_figures(previous) if previous is not None else {}
    return [
        Change(name, now[name], before.get(name), name in before and is_jump(now[name], before[name]))
        for name, _cells in _key_figures()
    ]


# ---------------------------------------------------------------- tables for the screen and for Excel


BOARD_HEADERS = (
    "单位", "状态", "错误", "提示", "跨年问题", "校验码", "纸质件核对",
    "署名", "成文日期", "收到时间", "文件", "备注",
)  # fmt: skip
SEND_BACK_HEADERS = ("单位", "表格", "单元格", "问题（差多少）")


BOARD_FILTERS: dict[str, Callable[[BoardRow], bool]] = {
    "全部状态": lambda r: True,
    MISSING: lambda r: r.status == MISSING,
    DRAFT: lambda r: r.status == DRAFT,
    FINAL: lambda r: r.status == FINAL,
    "有错误": lambda r: r.errors > 0,
    "有提示": lambda r: r.warnings > 0,
    "有跨年问题": lambda r: bool(r.cross_year),
    "纸质件校验码不一致": lambda r: r.confirmed is False,
    "不在名单中": lambda r: r.received is not None and not r.on_roster,
    "另有重复文件": lambda r: bool(r.others),
    "须核对": lambda r: needs_review(r),
}


def board_cells(row: BoardRow) -> tuple[str | int, ...]:
    """One board row as the screen and the exported list show it (counts as numbers, to sort)."""
    sig = row.signature
    paper = {None: "", True: "一致", False: "不一致"}[row.confirmed]
    notes = ([f"名单中没有，是否为“{row.suggestion}”？"] if row.suggestion else []) + row.notes
    if not row.on_roster and not row.suggestion:
        notes.insert(0, "不在名单中")
    arrived = row.arrived.astimezone().strftime("%Y-%m-%d %H:%M") if row.arrived else ""
    missing = row.status == MISSING
    return (
        row.agency,
        row.status,
        "" if missing else row.errors,
        "" if missing else row.warnings,
        "" if missing or row.cross_year is None else row.cross_year,
        row.fingerprint or "",
        paper,
        sig.name or "",
        sig.date.isoformat() if sig.date else "",
        arrived,
        row.file.name if row.file else ("数据库" if row.report_id else ""),
        "；".join(notes),
    )


def send_back_cells(lines: Sequence[SendBack]) -> list[tuple[str, ...]]:
    return [(s.agency, s.table, s.cell, s.message) for s in lines]


def table_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[str | int]]) -> bytes:
    """A one-sheet workbook: a title line, a bold header row (frozen, filterable), the rows."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(title[:31])  # our own titles: no characters a sheet name forbids
    bold = book.add_format({"bold": True, "border": 1, "bg_color": "#EEEEEE"})
    sheet.write(0, 0, title, book.add_format({"bold": True, "font_size": 14}))
    sheet.write_row(1, 0, list(headers), bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        sheet.write_row(1 + count, 0, list(row))
    sheet.freeze_panes(2, 1)
    sheet.autofilter(1, 0, 1 + count, len(headers) - 1)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, len(headers) - 1, 14)
    book.close()
    return out.getvalue()


# ---------------------------------------------------------------- reviewing what the readers read


REVIEWED = "（已核对）"  # the mark of the exchange file the desk saves after 核对读入
_REVIEWED_STEM = 60  # characters of the original's name kept: the mark must survive the length limit


def _copy_member(package: zipfile.ZipFile, member: str, folder: Path) -> Path:
    """A package's member as a file in `folder` (the readers read files)."""
    if package.getinfo(member).file_size > exchange.MAX_FILE_BYTES * 10:
        raise UserError("压缩包中的文件太大，不是报送包。")
    inner = folder / f"report{Path(member).suffix.lower()}"
    inner.write_bytes(package.read(member))
    return inner


@dataclass(frozen=True)
class Published:
    """A published file read again to be reviewed beside its source."""

    imported: Imported
    name: str  # the file's name (a package's member)
    pdf: Path | bytes | None  # a PDF, to show its pages: the file, or a package member's bytes


def reviewable(received: Received | None) -> bool:
    """Whether a report was read from a published file kept in the folder (it can be reviewed)."""
    return received is not None and received.file is not None and received.published is not None


def read_published(received: Received, reviewed: Report | None = None) -> Published:
    """The published file a received report was read from, read again: the file, or the Word/PDF
    file inside its package. Reviewed before: its `reviewed` copy's cells, which the user vouched for."""
    from core.read import read_file

    if not reviewable(received):
        raise UserError("这份报告不是从 Word、PDF 或网页文件读入的，无须核对读入。")
    assert received.file is not None and received.published is not None
    name = received.published
    try:
        if received.file.suffix.lower() != ".zip":
            path = received.file
            published = Published(read_file(path), name, path if _is_pdf(name) else None)
        else:
            with zipfile.ZipFile(received.file) as package, tempfile.TemporaryDirectory() as tmp:
                inner = _copy_member(package, name, Path(tmp))
                published = Published(read_file(inner), name, inner.read_bytes() if _is_pdf(name) else None)
    except FileNotFoundError:
        raise UserError(f"找不到文件“{received.file.name}”，它可能已被移走，请重新打开收件文件夹。") from None
    except (KeyError, zipfile.BadZipFile):
        raise UserError(f"“{received.file.name}”已被改动，请重新打开收件文件夹。") from None
    except OSError as exc:
        raise UserError(f"无法读取“{received.file.name}”：{os_reason(exc)}。") from None
    if reviewed is None:
        return published
    again = replace(published.imported, report=reviewed, doubtful=[], unread=[])  # nothing left to doubt
    return replace(published, imported=again)


def original_of(row: BoardRow, received: Sequence[Received]) -> Received | None:
    """The received published file whose reviewed copy stands on `row` (to review it again)."""
    if row.received is None or not is_reviewed(row.received.file):
        return None
    mine = [r for r in received if reviewable(r) and r.file in row.others]
    return next((r for r in mine if r.file and reviewed_path(r.file) == row.file), None)


def _is_pdf(name: str) -> bool:
    return name.lower().endswith(".pdf")


def reviewed_path(original: Path) -> Path:
    """Where the reviewed copy of a published file goes: beside it, named after it."""
    return original.with_name(safe_file_name(f"{original.name[:_REVIEWED_STEM]}{REVIEWED}", ".json"))


def is_reviewed(path: Path | None) -> bool:
    return path is not None and path.suffix.lower() == ".json" and path.stem.endswith(REVIEWED)


def _reviewed_note(path: Path) -> tuple[str, ...]:
    return ("已对照原件核对读入",) if is_reviewed(path) else ()


def save_reviewed(report: Report, original: Path) -> Path:
    """The reviewed report as an exchange file beside its original (never over it; over an earlier
    reviewed copy, which is the desk's own)."""
    path = reviewed_path(original)
    if path.resolve() == original.resolve():
        raise UserError(f"核对结果不能覆盖原文件“{original.name}”。")
    exchange.write_report(report, path)
    return path


def needs_review(row: BoardRow) -> bool:
    """Whether a row's standing report was read with cells not vouched for (须核对读入)."""
    return reviewable(row.received) and row.received is not None and bool(row.received.doubtful)


def to_review(board: Board) -> list[BoardRow]:
    return [r for r in board.rows if needs_review(r)]
