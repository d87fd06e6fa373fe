"""The operations layer without Qt, on a real database file: the open report's session, the library,
and the one 定稿 policy every output with a 校验码 goes through."""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from core.documents.fingerprint import fingerprint
from core.errors import UserError
from core.model.report import Report
from core.model.vocabulary import ChangeField, FieldKind, ReportStatus, RevisionKind
from core.ops.library import Library
from core.ops.policy import may_show_code, shown_code, submission_readiness
from core.ops.session import ReportSession
from core.storage import Database
from tests.helpers import WriteLock

B1_NATURAL = "requests.1.natural_person"  # 三、一、本年新收 / 自然人
B2_NATURAL = "requests.2.natural_person"  # 三、二、上年结转 / 自然人 (carried over from last year's 四)
B4_NATURAL = "requests.4.natural_person"


def _session(db: Database, report: Report) -> ReportSession:
    return ReportSession(db, Library(db).import_report(report).report_id)


def test_importing_over_the_open_report_keeps_the_import_not_a_refused_edit(
    short_wait_db: Database, db_path: Path, seed: Report
) -> None:
    session = _session(short_wait_db, seed)
    lock = WriteLock(db_path)
    try:
        change = session.values_change({B1_NATURAL: Decimal(31)})
        assert change is not None
        session.apply_values(change.after)
        refused = session.flush()
        assert refused.error is not None and session.unsaved
    finally:
        lock.close()
    published = copy.deepcopy(seed)
    published.values[B1_NATURAL] = Decimal(47)
    imported = Library(short_wait_db).import_report(published, note="上年发布的文件", open_session=session)

    assert (imported.created, imported.open_report_reloaded, imported.dropped_unsaved) == (False, True, True)
    assert "以导入的内容为准" in imported.message
    assert session.report.values[B1_NATURAL] == Decimal(47) and not session.unsaved
    assert session.flush().wrote is False  # nothing stale is left to write later
    assert short_wait_db.load_report(session.report_id).values[B1_NATURAL] == Decimal(47)


def test_a_refused_edit_is_kept_and_written_once_the_database_takes_it(
    short_wait_db: Database, db_path: Path, seed: Report
) -> None:
    session = _session(short_wait_db, seed)
    lock = WriteLock(db_path)
    change = session.values_change({B1_NATURAL: Decimal(29)})
    assert change is not None
    session.apply_values(change.after)
    assert session.flush().error is not None
    lock.close()
    assert session.flush().wrote is True and not session.unsaved
    assert short_wait_db.load_report(session.report_id).values[B1_NATURAL] == Decimal(29)


def test_importing_last_years_report_checks_the_open_report_again_at_once(db: Database, seed: Report) -> None:
    this_year = replace(copy.deepcopy(seed), year=2022)
    this_year.values[B2_NATURAL] = seed.values[B4_NATURAL] + 5  # last year left fewer to carry over
    session = _session(db, this_year)
    assert not [f for f in session.findings if f.rule.startswith("YEAR.")]

    imported = Library(db).import_report(seed, open_session=session)

    assert imported.open_report_rechecked and imported.created
    carry = [f for f in session.findings if f.rule == "YEAR.CARRY_OVER"]
    assert [f.cells[0] for f in carry] == [B2_NATURAL]
    listed = {s.year: s for s in Library(db).reports()}
    assert listed[2022].warnings == session.counts[1] >= 1  # the kept counts know it too


def test_edits_are_undoable_records_kept_with_typed_kinds(db: Database, seed: Report) -> None:
    session = _session(db, seed)
    before = seed.values[B1_NATURAL]
    change = session.values_change({B1_NATURAL: Decimal(23)}, RevisionKind.PASTE)
    assert change is not None and change.before[B1_NATURAL] == before
    assert change.after["requests.1.total"] is None  # the given total it feeds is computed again
    session.apply_values(change.after, change.kind)
    assert session.flush().wrote
    session.apply_values(change.before, RevisionKind.EDIT)  # the undo
    session.flush()
    assert db.load_report(session.report_id).values[B1_NATURAL] == before
    kinds = [RevisionKind.of(r.kind) for r in session.history()]
    assert kinds[:3] == [RevisionKind.EDIT, RevisionKind.PASTE, RevisionKind.IMPORT]
    fields = {ChangeField.parse(c.field) for r in session.history(limit=2) for c in r.changes}
    assert fields == {
        ChangeField(FieldKind.CELL, B1_NATURAL),
        ChangeField(FieldKind.CELL, "requests.1.total"),
    }
    assert session.values_change({B1_NATURAL: before}) is None  # nothing differs

    text = session.text_change("other", "本年度无其他需要报告的事项。")
    signed = session.signature_change("温县人民政府", None)
    assert text is not None and text.before == seed.texts["other"]
    assert signed is not None and (signed.before.name, signed.after.name) == (
        seed.signature.name,
        "温县人民政府",
    )
    session.apply_text(text.key, text.after)
    session.apply_signature(signed.after)
    assert session.flush().wrote and db.load_report(session.report_id).signature.name == "温县人民政府"
    assert (
        session.text_change("other", text.after) is None
        and session.signature_change("温县人民政府", None) is None
    )


def test_a_dismissal_keeps_its_reason_and_the_history_names_the_rule_in_chinese(
    db: Database, seed: Report
) -> None:
    seed.values["requests.1.commercial"] = None
    session = _session(db, seed)
    blank = next(f for f in session.findings if f.rule == "BLANK")
    session.dismiss(blank, "该项本年确实没有数据")
    assert blank not in session.findings and blank in session.dismissed_findings
    latest = session.history(limit=1)[0]
    assert RevisionKind.of(latest.kind) is RevisionKind.DISMISS
    field = ChangeField.parse(latest.changes[0].field)
    assert field.kind is FieldKind.DISMISSED and latest.changes[0].new == "该项本年确实没有数据"
    assert (
        field.name(seed.spec)
        == "提醒「未填写的单元格：第三部分「一、本年新收政府信息公开申请数量」「商业企业」」"
    )
    session.undismiss(blank)
    assert blank in session.findings
    stated = ChangeField.dismissed("TEXT.NUMBER|本年新收政府信息公开申请=20")
    assert stated.name(seed.spec) == "提醒「文字中的数字与表格不符：本年新收政府信息公开申请为 20」"


def test_finalize_follows_the_one_policy(db: Database, seed: Report) -> None:
    seed.values[B1_NATURAL] = seed.values[B1_NATURAL] + 1  # table 三 no longer balances
    session = _session(db, seed)
    refused = session.finalize()
    assert not refused.allowed and any("错误" in reason for reason in refused.blocking)
    assert db.status(session.report_id) == ReportStatus.DRAFT and refused.fonts_question is None

    change = session.values_change({B1_NATURAL: seed.values[B1_NATURAL] - 1})
    assert change is not None
    session.apply_values(change.after)
    opening = "2020年，本机关认真贯彻政府信息公开条例。\n" + seed.texts["overview"]
    session.apply_text("overview", opening)  # a hint: another year spoken of as the report's own
    ready = session.finalize_readiness()
    assert ready.allowed and [f.rule for f in ready.hints] == ["TEXT.YEAR"]
    assert "2020" in ready.open_items()
    assert session.finalize().allowed and session.read_only
    assert session.status is ReportStatus.FINAL and session.status.chinese == "定稿"
    with pytest.raises(UserError, match="已定稿"):
        session.values_change({B1_NATURAL: Decimal(1)})
    session.unfinalize("发现笔误")
    assert not session.read_only


def test_a_blank_cell_blocks_finalize_and_is_listed_for_a_draft_submission(
    db: Database, seed: Report
) -> None:
    seed.values["requests.1.commercial"] = None
    session = _session(db, seed)
    ready = session.finalize_readiness()
    assert not ready.allowed and any("未填写" in reason for reason in ready.blocking)
    sending = submission_readiness(session.report, False, session.previous, session.dismissals)
    assert sending.allowed and len(sending.blanks) == 1 and "1 个单元格未填写" in sending.open_items()
    assert session.submission_readiness() == sending == Library(db).submission_readiness(session.report_id)


def test_every_output_with_a_code_is_refused_a_code_the_policy_refuses(db: Database, seed: Report) -> None:
    from core.desk import package_bytes
    from core.documents.pdf.render import render_pdf

    assert shown_code(seed, final=True) == fingerprint(seed) and may_show_code(seed)
    assert shown_code(seed, final=False) is None
    broken = copy.deepcopy(seed)
    broken.values[B1_NATURAL] = Decimal(9999)
    assert not may_show_code(broken)
    with pytest.raises(UserError, match="不能带校验码"):
        shown_code(broken, final=True)  # what the Word writer, print, PDF and 报送 callers ask
    with pytest.raises(UserError):
        render_pdf(broken, final=True)
    with pytest.raises(UserError):
        package_bytes(broken, final=True)


def test_the_library_creates_with_carry_over_renames_deletes_and_undeletes(
    db: Database, seed: Report
) -> None:
    library = Library(db)
    library.import_report(seed)
    created = library.create(seed.agency, 2022, from_previous=True)
    assert created.carried_over
    new = db.load_report(created.report_id)
    assert new.values[B2_NATURAL] == seed.values[B4_NATURAL] and new.values[B1_NATURAL] is None
    assert library.is_taken(seed.agency, 2022)
    with pytest.raises(UserError, match="不能重复建立"):
        library.create(seed.agency, 2022, from_previous=False)

    session = ReportSession(db, created.report_id)
    library.rename(created.report_id, "温县人民政府", 2022, open_session=session)
    assert session.report.agency == "温县人民政府" and session.previous is None  # no last year under it
    assert "已删除" in library.delete(created.report_id)
    assert [s.id for s in library.deleted()] == [created.report_id]
    library.undelete(created.report_id)
    assert {s.year for s in library.reports()} == {2021, 2022}


def test_an_import_asks_how_much_it_replaces(db: Database, seed: Report) -> None:
    library = Library(db)
    assert library.replacement(seed) is None  # a new report: nothing to ask
    assert library.import_report(seed).changed
    assert library.replacement(seed) is None  # the same content
    assert not library.import_report(seed).changed
    changed = copy.deepcopy(seed)
    changed.values[B1_NATURAL] = Decimal(3)
    changed.texts["other"] = "无。"
    question = library.replacement(changed)
    assert question is not None and (question.cells, question.texts, question.signature) == (1, 1, False)
