"""The roster (应报单位名单) and what a desk remembers (its roster, name answers, typed codes)."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from core.desk.names import normalize_name
from core.errors import UserError, os_reason
from core.file_kinds import ROSTER
from core.report import MAX_AGENCY

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


MEMORY_FILE = ".nianbao-desk.json"  # the desk's roster, remembered answers and confirmed codes, in the folder


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
