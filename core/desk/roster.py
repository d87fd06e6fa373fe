"""The roster (应报单位名单) and what a desk remembers (its roster, name answers, typed codes)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.desk.names import normalize_name
from core.errors import UserError, os_reason
from core.model.report import MAX_AGENCY

log = logging.getLogger(__name__)


MEMORY_FILE = ".nianbao-desk.json"  # the desk's roster, remembered answers and confirmed codes, in the folder


# ---------------------------------------------------------------- the roster and the desk's memory


@dataclass(frozen=True)
class RosterEntry:
    id: int  # 编号: given once, never reused, kept through renames
    name: str
    columns: dict[str, str] = field(default_factory=dict, compare=False)  # 联系人, 电话 … from the file


@dataclass
class Roster:
    """应报单位名单 as the desk keeps and edits it: names in order, each with a stable number. Names
    are unique after `normalize_name` (温县人民政府财政局 and 温县财政局 cannot both be on it)."""

    entries: list[RosterEntry] = field(default_factory=list)
    next_id: int = 1
    _normal: dict[str, RosterEntry] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, names: Iterable[str]) -> Roster:
        roster = cls()
        roster.take(names)
        return roster

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.entries]

    @property
    def headers(self) -> list[str]:
        """The other columns the roster file had (联系人, 电话 …), in their order."""
        return list(dict.fromkeys(h for e in self.entries for h in e.columns))

    def columns(self) -> dict[str, dict[str, str]]:
        return {e.name: e.columns for e in self.entries}

    def _clean(self, name: str, keep: int | None = None) -> str:
        name = name.strip()  # kept as typed (full-width brackets stay); compared after normalize_name
        if not name:
            raise UserError("单位名称不能为空。")
        if len(name) > MAX_AGENCY:
            raise UserError(f"单位名称太长（{len(name)} 个字），最多 {MAX_AGENCY} 个字。")
        same = self._by_normal().get(normalize_name(name))
        if same is not None and same.id != keep:
            raise UserError(f"名单中已有“{same.name}”，与“{name}”是同一个单位。")
        return name

    def _by_normal(self) -> dict[str, RosterEntry]:
        """The entries by normalised name (a roster of 8,000 names is taken in linear time, not by
        comparing each name with every other); rebuilt when the entries changed behind its back."""
        if len(self._normal) != len(self.entries):
            self._normal = {normalize_name(e.name): e for e in self.entries}
        return self._normal

    def add(self, name: str, columns: Mapping[str, str] | None = None) -> RosterEntry:
        entry = RosterEntry(self.next_id, self._clean(name), dict(columns or {}))
        self.entries.append(entry)
        self._normal[normalize_name(entry.name)] = entry
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
        self.entries[i] = RosterEntry(entry_id, self._clean(name, keep=entry_id), self.entries[i].columns)
        self._normal = {}

    def remove(self, entry_id: int) -> None:
        del self.entries[self._index(entry_id)]
        self._normal = {}

    def move(self, entry_id: int, step: int) -> None:
        i = self._index(entry_id)
        j = max(0, min(len(self.entries) - 1, i + step))
        self.entries.insert(j, self.entries.pop(i))
        self._normal = {}

    def replaced_by(
        self, names: Sequence[str], columns: Mapping[str, Mapping[str, str]] | None = None
    ) -> Roster:
        """A roster read from a file in place of this one: a name already on it keeps its number;
        `columns` (name → 联系人, 电话 …) come with the names."""
        known = {normalize_name(e.name): e.id for e in self.entries}
        roster = Roster(next_id=self.next_id)
        for name in names:
            try:
                clean = roster._clean(name)
            except UserError:
                continue
            kept = known.get(normalize_name(clean))
            number = kept if kept is not None else roster.next_id
            entry = RosterEntry(number, clean, dict((columns or {}).get(name, {})))
            roster.entries.append(entry)
            roster._normal[normalize_name(clean)] = entry
            if kept is None:
                roster.next_id += 1
        return roster

    def _index(self, entry_id: int) -> int:
        for i, e in enumerate(self.entries):
            if e.id == entry_id:
                return i
        raise UserError("名单中没有这个单位。")

    def as_json(self) -> dict[str, object]:
        agencies = [
            {"id": e.id, "name": e.name} | ({"columns": e.columns} if e.columns else {}) for e in self.entries
        ]
        return {"next_id": self.next_id, "agencies": agencies}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Roster:
        agencies = data.get("agencies")
        if not isinstance(agencies, list):
            raise TypeError("agencies")
        entries = [
            RosterEntry(int(a["id"]), str(a["name"]), _text_map(a.get("columns", {}))) for a in agencies
        ]
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

    note: str | None = None  # said once when the file kept was damaged and set aside

    @classmethod
    def load(cls, path: Path) -> Memory:
        """The memory kept at `path`; none yet: an empty one. A damaged file (cut short, nested a
        million deep, a code that is not text) never stops the desk: it is set aside under a name
        of its own, the desk starts afresh, and `note` says so in Chinese."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            reason = os_reason(exc)
            return cls(note=f"无法读取汇总台的记录文件“{path.name}”（{reason}），本次从头开始记录。")
        try:
            data = json.loads(raw.decode("utf-8-sig"))
            memory = cls(
                answers=_text_map(data.get("answers", {})), confirmed=_text_map(data.get("confirmed", {}))
            )
            memory.roster = Roster.from_json(data["roster"]) if data.get("roster") else None
        except (ValueError, AttributeError, TypeError, KeyError, RecursionError):
            return cls(note=_set_aside(path))
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


def _text_map(value: object) -> dict[str, str]:
    """A JSON object of texts, or a `TypeError` (the memory file is damaged)."""
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise TypeError("not a map of texts")
    return dict(value)


def _set_aside(path: Path) -> str:
    """A damaged memory file renamed beside itself (kept for whoever wants to look), and what to say."""
    import datetime as dt

    aside = path.with_name(f"{path.name}.损坏-{dt.datetime.now():%Y%m%d-%H%M%S}")
    try:
        path.replace(aside)
    except OSError:
        log.warning("desk: a damaged memory file could not be set aside", exc_info=True)
        return f"汇总台的记录文件“{path.name}”已损坏，本次从头开始记录（名单、名称的回答和校验码需重给）。"
    return (
        f"汇总台的记录文件“{path.name}”已损坏，已另存为“{aside.name}”，本次从头开始记录"
        "（名单、对名称的回答和输入的校验码需要重新给出）。"
    )
