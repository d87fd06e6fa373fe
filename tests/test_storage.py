"""Storage: reports and their whole history in a real SQLite file per test; failures explained in Chinese."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlite_utils

from core import storage
from core.documents.exchange import dumps, read_report
from core.errors import UserError
from core.model.report import Report, Signature
from core.ops.library import Library
from core.rules.table import check
from core.storage import Change, Database
from tests.conftest import SEED_JSON

FEE = "active_disclosure.fees.amount"
NEW = "requests.1.natural_person"  # 22 in the seed
COMMERCIAL = "requests.1.commercial"
GIVEN_TOTAL = "requests.1.total"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "nianbao.sqlite3"


@pytest.fixture
def db(path: Path) -> Iterator[Database]:
    with Database.open(path) as database:
        yield database


def _varied(seed: Report) -> Report:
    """The seed with what the seed lacks: blanks (a blank total too), a 4-decimal fee, a signature date."""
    report = copy.deepcopy(seed)
    report.values[COMMERCIAL] = None
    report.values["requests.3.7.total"] = None
    report.values[FEE] = Decimal("7730.2800")
    report.signature = Signature(name="温县人民政府办公室", date=dt.date(2022, 1, 20))
    report.texts["other"] = ""
    return report


def _same(a: Report, b: Report) -> None:
    """Equal down to each Decimal's digits (Decimal('7730.28') == Decimal('7730.2800'), but not here)."""
    assert a == b
    assert {k: str(v) for k, v in a.values.items()} == {k: str(v) for k, v in b.values.items()}


def _header_bytes(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(100)


# ---------------------------------------------------------------- round trips


def test_every_cell_text_blank_given_total_and_signature_survive_storage_and_reopening(
    path: Path, seed: Report
) -> None:
    report = _varied(seed)
    assert report.values[GIVEN_TOTAL] == 23  # a total as published stays given, not derived
    with Database.open(path) as db:
        report_id = db.create_report(report)
        _same(db.load_report(report_id), report)
    with Database.open(path) as db:
        loaded = db.load_report(report_id)
    _same(loaded, report)
    assert loaded.values[COMMERCIAL] is None and loaded.values["requests.3.7.total"] is None
    assert str(loaded.values[FEE]) == "7730.2800"
    assert loaded.signature.date == dt.date(2022, 1, 20)


def test_import_then_export_gives_the_seed_file_back_exactly(db: Database) -> None:
    report_id, created = db.import_report(read_report(SEED_JSON))
    assert created
    assert dumps(db.load_report(report_id)) == SEED_JSON.read_text(encoding="utf-8")


def test_importing_the_same_agency_and_year_again_is_a_new_revision_not_a_duplicate(
    db: Database, seed: Report
) -> None:
    report_id, _ = db.import_report(seed)
    changed = copy.deepcopy(seed)
    changed.values[NEW] = Decimal(25)
    assert db.import_report(changed) == (report_id, False)
    assert [s.id for s in db.list_reports()] == [report_id]
    latest = db.history(report_id)[0]
    assert (latest.kind, latest.changes) == ("import", [Change(NEW, "22", "25")])
    assert db.import_report(changed) == (report_id, False)  # same content again: no empty revision
    assert len(db.history(report_id)) == 2


# ---------------------------------------------------------------- history


def test_a_cell_edit_is_recorded_with_its_old_and_new_value(db: Database, seed: Report) -> None:
    report_id = db.create_report(seed)
    revision = db.set_values(report_id, {NEW: Decimal(30)})
    latest = db.history(report_id)[0]
    assert (latest.id, latest.kind, latest.report_id) == (revision, "edit", report_id)
    assert latest.changes == [Change(NEW, "22", "30")]
    assert db.load_report(report_id).values[NEW] == 30


def test_a_paste_of_many_cells_is_one_revision(db: Database, seed: Report) -> None:
    report_id = db.create_report(seed)
    block = {NEW: Decimal(1), COMMERCIAL: Decimal(2), FEE: Decimal("0.5000"), GIVEN_TOTAL: None}
    db.set_values(report_id, block, kind="paste")
    history = db.history(report_id)
    assert [r.kind for r in history] == ["paste", "create"]
    assert history[0].changes == [
        Change(NEW, "22", "1"),
        Change(COMMERCIAL, "0", "2"),
        Change(FEE, "0", "0.5000"),
        Change(GIVEN_TOTAL, "23", None),
    ]


def test_a_text_edit_and_a_signature_edit_are_recorded(db: Database, seed: Report) -> None:
    report_id = db.create_report(seed)
    old_problems = seed.texts["problems"]
    db.set_text(report_id, "problems", "新的问题说明。")
    db.set_signature(report_id, "温县政府办", dt.date(2022, 1, 31))
    text_edit, signature_edit = db.history(report_id)[1], db.history(report_id)[0]
    assert text_edit.changes == [Change("text.problems", old_problems, "新的问题说明。")]
    assert signature_edit.changes == [
        Change("signature.name", "温县人民政府办公室", "温县政府办"),
        Change("signature.date", None, "2022-01-31"),
    ]
    loaded = db.load_report(report_id)
    assert loaded.texts["problems"] == "新的问题说明。"
    assert loaded.signature == Signature(name="温县政府办", date=dt.date(2022, 1, 31))


def test_writing_what_is_already_there_records_nothing(db: Database, seed: Report) -> None:
    report_id = db.create_report(seed)
    assert db.set_values(report_id, {NEW: Decimal(22)}) is None
    assert db.set_text(report_id, "overview", seed.texts["overview"]) is None
    assert db.set_signature(report_id, seed.signature.name, None) is None
    assert len(db.history(report_id)) == 1


def test_report_at_rebuilds_the_report_as_it_was_after_each_revision(db: Database, seed: Report) -> None:
    report_id = db.create_report(seed)
    steps = [
        lambda: db.set_values(report_id, {NEW: Decimal(5)}),
        lambda: db.set_values(report_id, {NEW: None, FEE: Decimal("12.3400")}, kind="paste"),
        lambda: db.set_text(report_id, "overview", "改写后的概述"),
        lambda: db.rename_report(report_id, "温县人民政府", 2022),
        lambda: db.set_signature(report_id, None, dt.date(2023, 1, 5)),
        lambda: db.set_values(report_id, {NEW: Decimal(7)}),
    ]
    snapshots = {db.history(report_id)[0].id: db.load_report(report_id)}
    for step in steps:
        step()
        snapshots[db.history(report_id)[0].id] = db.load_report(report_id)
    assert len(snapshots) == len(steps) + 1
    assert db.history(report_id, limit=2) == db.history(report_id)[:2]
    for revision_id, expected in snapshots.items():
        _same(db.report_at(report_id, revision_id), expected)


def test_restoring_brings_back_an_earlier_state_and_the_restore_can_itself_be_undone(
    db: Database, seed: Report
) -> None:
    report_id = db.create_report(seed)
    created = db.history(report_id)[0].id
    db.set_values(report_id, {NEW: Decimal(99), COMMERCIAL: None})
    db.set_text(report_id, "other", "后来加的话")
    edited = db.load_report(report_id)
    before_restore = db.history(report_id)[0].id

    restore = db.restore_revision(report_id, created)
    _same(db.load_report(report_id), seed)
    latest = db.history(report_id)[0]
    assert (latest.id, latest.kind) == (restore, "restore")
    assert "恢复到" in (latest.note or "")
    assert Change(NEW, "99", "22") in latest.changes

    db.restore_revision(report_id, before_restore)  # undo the restore: nothing was lost
    _same(db.load_report(report_id), edited)
    assert [r.kind for r in db.history(report_id)] == ["restore", "restore", "edit", "edit", "create"]


def test_a_revision_of_another_report_cannot_be_restored(db: Database, seed: Report) -> None:
    first = db.create_report(seed)
    other = db.create_report(Report.blank("温县教育局", 2021))
    with pytest.raises(UserError, match="不属于这份报告"):
        db.restore_revision(first, db.history(other)[0].id)


# ---------------------------------------------------------------- typing in a narrative text


class _Clock:
    """The database's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2022, 1, 10, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(db: Database) -> _Clock:
    db.clock = _Clock()
    return db.clock


def _history_characters(db: Database, report_id: int) -> int:
    return sum(len(c.old or "") + len(c.new or "") for r in db.history(report_id) for c in r.changes)


def _type(db: Database, clock: _Clock, report_id: int, key: str, start: str, added: str) -> None:
    """Store the text after every character, as the editor does on each input-method commit."""
    for n in range(1, len(added) + 1):
        clock.tick(0.5)
        db.set_text(report_id, key, start + added[:n])


def test_a_burst_of_typing_is_one_revision_and_the_file_stays_small(
    db: Database, path: Path, seed: Report, clock: _Clock
) -> None:
    report_id = db.create_report(seed)
    before = db.history(report_id)[0].id
    characters = _history_characters(db, report_id)
    db.close()
    size = path.stat().st_size
    db = Database.open(path)
    db.clock = clock
    original = seed.texts["overview"]
    added = "补充说明本年度政务公开工作的新进展。" * 17  # 306 characters, one store each
    _type(db, clock, report_id, "overview", original, added)

    [burst, _] = db.history(report_id)
    assert burst.changes == [Change("text.overview", original, original + added)]
    assert burst.at == clock.now  # the time of the last keystroke
    assert db.load_report(report_id).texts["overview"] == original + added
    assert _history_characters(db, report_id) == characters + len(original) + len(original + added)
    assert db.report_at(report_id, before).texts["overview"] == original
    db.restore_revision(report_id, before)
    assert db.load_report(report_id).texts["overview"] == original
    db.close()
    # one copy of each version, not 306 (which would add some 3 MB)
    assert path.stat().st_size < size + 64 * 1024


def test_a_pause_of_a_minute_starts_a_new_text_revision(db: Database, seed: Report, clock: _Clock) -> None:
    report_id = db.create_report(seed)
    original = seed.texts["problems"]
    _type(db, clock, report_id, "problems", original, "一是")
    clock.tick(storage.TEXT_BURST_SECONDS + 1)
    _type(db, clock, report_id, "problems", original + "一是", "二是")
    second, first, created = db.history(report_id)
    assert first.changes == [Change("text.problems", original, original + "一是")]
    assert second.changes == [Change("text.problems", original + "一是", original + "一是二是")]
    assert db.report_at(report_id, first.id).texts["problems"] == original + "一是"
    assert db.report_at(report_id, created.id).texts["problems"] == original


def test_any_other_edit_in_between_starts_a_new_text_revision(
    db: Database, seed: Report, clock: _Clock
) -> None:
    report_id = db.create_report(seed)
    original = seed.texts["other"]
    db.set_text(report_id, "other", original + "甲")
    db.set_values(report_id, {NEW: Decimal(30)})
    db.set_text(report_id, "other", original + "甲乙")
    db.set_text(report_id, "problems", "另一段")
    db.set_text(report_id, "other", original + "甲乙丙")
    db.set_text(report_id, "other", original + "甲乙丙丁", kind="paste")
    assert [(r.kind, r.changes) for r in db.history(report_id)[:-1]] == [
        ("paste", [Change("text.other", original + "甲乙丙", original + "甲乙丙丁")]),
        ("edit", [Change("text.other", original + "甲乙", original + "甲乙丙")]),
        ("edit", [Change("text.problems", seed.texts["problems"], "另一段")]),
        ("edit", [Change("text.other", original + "甲", original + "甲乙")]),
        ("edit", [Change(NEW, "22", "30")]),
        ("edit", [Change("text.other", original, original + "甲")]),
    ]


def test_typing_that_ends_where_it_began_leaves_no_revision(
    db: Database, seed: Report, clock: _Clock
) -> None:
    report_id = db.create_report(seed)
    original = seed.texts["other"]
    assert db.set_text(report_id, "other", original + "草") is not None
    assert db.set_text(report_id, "other", original) is None  # undone at once
    assert [r.kind for r in db.history(report_id)] == ["create"]
    assert db.load_report(report_id) == seed
    assert db.set_text(report_id, "other", original + "再写") is not None
    assert [r.kind for r in db.history(report_id)] == ["edit", "create"]


# ---------------------------------------------------------------- identity, status, recycle bin


def test_a_second_report_for_the_same_agency_and_year_is_refused_in_chinese(
    db: Database, seed: Report
) -> None:
    db.create_report(seed)
    with pytest.raises(UserError, match="已经有一份“温县人民政府办公室”的 2021 年度报告"):
        db.create_report(Report.blank(" 温县人民政府办公室 ", 2021))
    other = db.create_report(Report.blank("温县人民政府办公室", 2020))
    with pytest.raises(UserError, match="已经有一份"):
        db.rename_report(other, "温县人民政府办公室", 2021)
    assert [(s.agency, s.year) for s in db.list_reports()] == [
        ("温县人民政府办公室", 2021),
        ("温县人民政府办公室", 2020),
    ]


def test_renaming_moves_agency_and_year_together_past_a_report_in_between(db: Database) -> None:
    moving = db.create_report(Report.blank("乙局", 2021))
    db.create_report(Report.blank("甲局", 2021))  # the half-way state (甲局, 2021) is taken
    db.rename_report(moving, "甲局", 2022)
    assert db.find_report("甲局", 2022) == moving
    assert db.history(moving)[0].changes == [
        Change("agency", "乙局", "甲局"),
        Change("year", "2021", "2022"),
        Change("signature.name", "乙局", "甲局"),  # a blank report is signed with the agency name
    ]


def test_renaming_carries_a_signature_that_was_the_agency_name_and_keeps_any_other(
    db: Database, seed: Report
) -> None:
    signed_as_agency = db.create_report(seed)
    assert seed.signature.name == seed.agency
    db.rename_report(signed_as_agency, "温县人民政府", 2021)
    [rename] = [r for r in db.history(signed_as_agency) if r.kind == "rename"]
    assert rename.changes == [
        Change("agency", seed.agency, "温县人民政府"),
        Change("signature.name", seed.agency, "温县人民政府"),
    ]
    assert db.load_report(signed_as_agency).signature.name == "温县人民政府"
    db.restore_revision(signed_as_agency, db.history(signed_as_agency)[1].id)  # one step undoes both
    _same(db.load_report(signed_as_agency), seed)

    signed_otherwise = db.create_report(Report.blank("甲局", 2021))
    db.set_signature(signed_otherwise, "甲局办公室", None)
    db.rename_report(signed_otherwise, "乙局", 2021)
    assert db.load_report(signed_otherwise).signature.name == "甲局办公室"


def test_a_final_report_refuses_changes_until_it_is_reopened_with_a_reason(
    db: Database, seed: Report
) -> None:
    report_id = db.create_report(seed)
    db.set_status(report_id, "final")
    assert db.status(report_id) == "final"
    with pytest.raises(UserError, match=r"已定稿.*请先解除定稿") as refused:
        db.set_values(report_id, {NEW: Decimal(1)})
    assert "退回草稿" not in refused.value.message  # the button is called 「解除定稿」
    with pytest.raises(UserError, match="已定稿"):
        db.import_report(seed)
    with pytest.raises(UserError, match="解除定稿需要写明原因"):
        db.set_status(report_id, "draft")
    db.set_status(report_id, "draft", "上级要求补充数据")
    assert db.set_values(report_id, {NEW: Decimal(1)}) is not None
    statuses = [(r.changes, r.note) for r in db.history(report_id) if r.kind == "status"]
    assert statuses == [
        ([Change("status", "final", "draft")], "上级要求补充数据"),
        ([Change("status", "draft", "final")], None),
    ]


def test_a_deleted_report_waits_in_the_recycle_bin_and_comes_back_whole(db: Database, seed: Report) -> None:
    report_id = db.create_report(seed)
    db.set_values(report_id, {NEW: Decimal(40)})
    db.delete_report(report_id)
    assert db.list_reports() == []
    assert db.find_report(seed.agency, seed.year) is None
    [deleted] = db.deleted_reports()
    assert (deleted.id, deleted.deleted_at is not None) == (report_id, True)
    with pytest.raises(UserError, match="已删除"):
        db.set_values(report_id, {NEW: Decimal(41)})

    db.undelete_report(report_id)
    assert [s.id for s in db.list_reports()] == [report_id]
    assert db.deleted_reports() == []
    assert db.load_report(report_id).values[NEW] == 40
    assert [r.kind for r in db.history(report_id)][:2] == ["undelete", "delete"]


def test_a_deleted_report_cannot_come_back_over_a_new_one_of_the_same_year(
    db: Database, seed: Report
) -> None:
    old = db.create_report(seed)
    db.delete_report(old)
    new = db.create_report(seed)  # the agency and year are free again
    with pytest.raises(UserError, match="不能恢复"):
        db.undelete_report(old)
    db.delete_report(new)
    db.undelete_report(old)
    assert db.find_report(seed.agency, seed.year) == old


def test_the_list_orders_by_agency_then_newest_year_and_counts_findings(db: Database, seed: Report) -> None:
    broken = copy.deepcopy(seed)
    broken.values[NEW] = Decimal(21)  # breaks the row total and the balance
    broken.values[COMMERCIAL] = None
    db.create_report(broken)
    last_year = Report.blank(seed.agency, 2020)
    db.create_report(last_year)
    db.create_report(Report.blank("温县教育局", 2021))
    summaries = Library(db).reports()  # storage keeps the counts; the library counts them
    assert [(s.agency, s.year) for s in summaries] == sorted(
        [(s.agency, s.year) for s in summaries], key=lambda k: (k[0], -k[1])
    )
    top = next(s for s in summaries if s.year == 2021 and s.agency == seed.agency)
    findings = check(broken, last_year)
    assert top.errors == sum(1 for f in findings if f.severity == "error") > 0
    assert top.warnings == sum(1 for f in findings if f.severity == "warning") > 0
    assert (top.status, top.updated_at.tzinfo is not None) == ("draft", True)


def test_agency_names_are_remembered_most_recent_first(db: Database) -> None:
    first = db.create_report(Report.blank("甲局", 2021))
    db.create_report(Report.blank("乙局", 2021))
    db.set_text(first, "other", "甲局最近改过")
    db.rename_report(first, "甲局（更名）", 2021)
    assert db.agencies() == ["甲局（更名）", "乙局", "甲局"]


def test_values_other_than_decimals_and_unknown_cells_are_programming_errors(
    db: Database, seed: Report
) -> None:
    report_id = db.create_report(seed)
    with pytest.raises(TypeError):
        db.set_values(report_id, {NEW: 3.0})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        db.set_values(report_id, {NEW: Decimal("NaN")})
    with pytest.raises(ValueError, match="unknown cell"):
        db.set_values(report_id, {"requests.9.natural_person": Decimal(1)})
    with pytest.raises(ValueError, match="unknown text"):
        db.set_text(report_id, "preface", "…")
    assert len(db.history(report_id)) == 1


def test_loading_a_report_reads_each_table_once_not_each_cell(db: Database, seed: Report) -> None:
    report_id = db.create_report(seed)
    statements: list[str] = []
    db._conn.set_trace_callback(statements.append)
    db.load_report(report_id)
    db._conn.set_trace_callback(None)
    assert sum(1 for s in statements if s.lstrip().upper().startswith("SELECT")) <= 3


def test_two_connections_see_each_others_commits(path: Path, seed: Report) -> None:
    with Database.open(path) as app, Database.open(path) as cli:
        report_id, _ = cli.import_report(seed)
        app.set_values(report_id, {NEW: Decimal(3)})
        assert cli.load_report(report_id).values[NEW] == 3


def test_the_connection_may_be_used_from_a_worker_thread(db: Database, seed: Report) -> None:
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(db.import_report(seed)))
    worker.start()
    worker.join()
    assert results == [(db.find_report(seed.agency, seed.year), True)]


# ---------------------------------------------------------------- the file itself


def test_wal_and_full_synchronous_writes_are_in_force(db: Database, path: Path) -> None:
    assert db.settings() == {
        "journal_mode": "wal",
        "synchronous": "FULL",
        "foreign_keys": True,
        "busy_timeout_ms": 5000,
    }
    header = _header_bytes(path)
    assert (header[18], header[19]) == (2, 2)  # WAL recorded in the file itself, not only the connection
    assert db.schema_version() == len(storage.MIGRATIONS)
    assert db.integrity_check() == []


def test_a_file_from_a_newer_version_is_refused_and_left_byte_for_byte_unchanged(
    path: Path, seed: Report
) -> None:
    with Database.open(path) as db:
        db.create_report(seed)
    data = bytearray(path.read_bytes())
    data[60:64] = (99).to_bytes(4, "big")  # user_version, as a newer 年报助手 would have written it
    path.write_bytes(bytes(data))
    files = sorted(os.listdir(path.parent))
    with pytest.raises(UserError, match="更新版本"):
        Database.open(path)
    assert path.read_bytes() == bytes(data)
    assert sorted(os.listdir(path.parent)) == files


@pytest.mark.parametrize(
    "content",
    [
        "年度报告草稿\n".encode(),
        b'\xef\xbb\xbf{"schema": "nianbao.report/1"}',
        b"SQLite format 3\x00" + b"\x00" * 10,
    ],
    ids=["text", "json", "truncated-sqlite"],
)
def test_a_file_that_is_not_our_database_is_refused_unchanged(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    with pytest.raises(UserError) as refused:
        Database.open(path)
    assert "年报助手" in refused.value.message or "损坏" in refused.value.message
    assert path.read_bytes() == content
    assert sorted(os.listdir(path.parent)) == [path.name]


def test_another_programs_sqlite_database_is_refused_unchanged(path: Path) -> None:
    sqlite_utils.Database(path)["contacts"].insert({"name": "张三"})
    before = path.read_bytes()
    with pytest.raises(UserError, match="别的程序的数据库"):
        Database.open(path)
    assert path.read_bytes() == before


def test_a_damaged_file_is_refused_or_fails_the_integrity_check(path: Path, seed: Report) -> None:
    with Database.open(path) as db:
        db.create_report(seed)
    data = bytearray(path.read_bytes())
    first_page = data[:]
    first_page[100:400] = b"\xff" * 300  # the schema page
    path.write_bytes(bytes(first_page))
    with pytest.raises(UserError, match="损坏"):
        Database.open(path)
    assert path.read_bytes() == bytes(first_page)

    data[4096 * 3 + 8 : 4096 * 3 + 200] = b"\xff" * 192  # a page of the tables
    path.write_bytes(bytes(data))
    with Database.open(path) as db:
        assert db.integrity_check() != []


def test_an_empty_file_becomes_a_new_database(path: Path) -> None:
    path.write_bytes(b"")
    with Database.open(path) as db:
        assert db.schema_version() == len(storage.MIGRATIONS) and db.list_reports() == []


def test_a_missing_folder_or_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="不存在"):
        Database.open(tmp_path / "无此文件夹" / "a.sqlite3")
    with pytest.raises(UserError, match="找不到数据库文件"):
        Database.open(tmp_path / "a.sqlite3", create=False)
    with pytest.raises(UserError, match="文件夹"):
        Database.open(tmp_path)
    assert os.listdir(tmp_path) == []


def test_a_migration_first_keeps_a_backup_of_the_file_as_it_was(
    path: Path, seed: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Database.open(path) as db:
        report_id = db.create_report(seed)
    current = storage.MIGRATIONS
    new = len(current) + 1
    steps: list[int] = []
    monkeypatch.setattr(storage.schema, "MIGRATIONS", (*current, lambda conn: steps.append(new)))
    with Database.open(path) as db:
        assert (db.schema_version(), steps) == (new, [new])
        _same(db.load_report(report_id), seed)
    backup = path.with_name(f"{path.name}.before-v{new}.bak")
    shutil.move(backup, path.with_name("kept.bak"))
    with Database.open(path) as db:  # already at the new version: no migration, no new backup
        assert steps == [new] and not backup.exists()

    monkeypatch.setattr(storage.schema, "MIGRATIONS", current)  # the program as it was before
    with Database.open(path.with_name("kept.bak"), read_only=True) as old:
        assert (old.schema_version(), old.integrity_check()) == (len(current), [])
        _same(old.load_report(report_id), seed)
    with pytest.raises(UserError, match="更新版本"):
        Database.open(path)


def test_a_failing_migration_leaves_the_file_at_its_old_version(
    path: Path, seed: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Database.open(path) as db:
        report_id = db.create_report(seed)

    def broken(conn: object) -> None:
        raise RuntimeError("migration bug")

    current = storage.MIGRATIONS
    monkeypatch.setattr(storage.schema, "MIGRATIONS", (*current, broken))
    with pytest.raises(RuntimeError):
        Database.open(path)
    monkeypatch.setattr(storage.schema, "MIGRATIONS", current)
    with Database.open(path) as db:
        assert db.schema_version() == len(current)
        _same(db.load_report(report_id), seed)


def test_a_new_file_gets_no_migration_backup(path: Path) -> None:
    Database.open(path).close()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


# ---------------------------------------------------------------- backup


def test_a_backup_taken_while_another_connection_keeps_writing_is_sound(path: Path, seed: Report) -> None:
    with Database.open(path) as app:
        report_id, _ = app.import_report(seed)
        stop = threading.Event()

        def keep_editing() -> None:
            n = 0
            while not stop.is_set():
                n += 1
                app.set_values(report_id, {NEW: Decimal(n)})

        writer = threading.Thread(target=keep_editing)
        writer.start()
        try:
            with Database.open(path) as other:
                for i in range(5):
                    other.backup(path.parent / f"copy{i}.sqlite3")
        finally:
            stop.set()
            writer.join()
        current_history = len(app.history(report_id))
    for i in range(5):
        with Database.open(path.parent / f"copy{i}.sqlite3") as copy:
            assert copy.integrity_check() == []
            loaded = copy.load_report(report_id)
            revisions = copy.history(report_id)
            assert 1 <= len(revisions) <= current_history
            _same(copy.report_at(report_id, revisions[0].id), loaded)
            assert copy.settings()["journal_mode"] == "wal"


def test_a_backup_is_one_self_contained_file_and_never_the_database_itself(
    db: Database, seed: Report
) -> None:
    db.import_report(seed)
    dest = db.path.parent / "备份.sqlite3"
    db.backup(dest)
    assert not dest.with_name(dest.name + "-wal").exists()
    assert _header_bytes(dest)[18:20] == b"\x01\x01"  # rollback journal: copy it anywhere as it is
    with pytest.raises(UserError, match="不能是数据库文件本身"):
        db.backup(db.path)
    with pytest.raises(UserError, match="无法写入备份文件"):
        db.backup(db.path.parent / "无此文件夹" / "b.sqlite3")


def test_a_backup_never_overwrites_a_database_whose_log_would_be_replayed_onto_it(
    db: Database, seed: Report
) -> None:
    db.import_report(seed)
    dest = db.path.parent / "另一个.sqlite3"
    dest.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    wal = dest.with_name(dest.name + "-wal")
    wal.write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 28)  # a log SQLite would read with the new file
    with pytest.raises(UserError, match="未合并的日志文件"):
        db.backup(dest)
    assert dest.read_bytes() == b"SQLite format 3\x00" + b"\x00" * 200
    wal.write_bytes(b"")  # an empty log holds nothing
    db.backup(dest)
    with Database.open(dest, read_only=True) as copy:
        assert copy.list_reports()[0].agency == seed.agency


def test_a_read_only_opening_reads_but_never_writes(path: Path, seed: Report) -> None:
    with Database.open(path) as db:
        report_id = db.create_report(seed)
    before = path.read_bytes()
    with Database.open(path, read_only=True) as db:
        _same(db.load_report(report_id), seed)
        with pytest.raises(UserError, match="只读"):
            db.set_values(report_id, {NEW: Decimal(1)})
    assert path.read_bytes() == before
    with pytest.raises(UserError, match="找不到"):
        Database.open(path.with_name("none.sqlite3"), read_only=True)


# ---------------------------------------------------------------- failures


@contextlib.contextmanager
def _read_only_folder(folder: Path) -> Iterator[None]:
    """A folder nobody may write to — for root too (the CI runs as root): the immutable flag."""
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("cannot make a folder read-only for root here")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_a_database_in_a_read_only_folder_is_explained_in_chinese(tmp_path: Path, seed: Report) -> None:
    folder = tmp_path / "U盘"
    folder.mkdir()
    with Database.open(folder / "年报.sqlite3") as db:
        report_id = db.create_report(seed)
    before = (folder / "年报.sqlite3").read_bytes()
    with _read_only_folder(folder):
        with pytest.raises(UserError, match="只读"):
            Database.open(folder / "新的.sqlite3")
        with pytest.raises(UserError, match=r"只读|无法打开"), Database.open(folder / "年报.sqlite3") as db:
            db.set_values(report_id, {NEW: Decimal(1)})
    assert (folder / "年报.sqlite3").read_bytes() == before


def test_a_database_locked_by_another_writer_is_explained_and_unchanged(path: Path, seed: Report) -> None:
    with Database.open(path) as other, Database.open(path, timeout=0.2) as db:
        report_id, _ = db.import_report(seed)
        # another window in the middle of saving, for longer than the timeout
        with other._write(), pytest.raises(UserError, match=r"正被另一个程序.*使用.*本次修改没有保存"):
            db.set_values(report_id, {NEW: Decimal(1)})
        assert db.load_report(report_id).values[NEW] == 22
        assert len(db.history(report_id)) == 1
        assert db.set_values(report_id, {NEW: Decimal(1)}) is not None  # fine once the other is done
