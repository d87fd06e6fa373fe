"""The register's counting and deadline rules at their edges, on a real SQLite file (docs/register.md)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import UserError
from core.model.vocabulary import CalendarKind
from core.register.calendar import Arrangement, WorkCalendar
from core.register.counting import count_year
from core.register.deadlines import deadline, due_summary
from core.register.model import Case, Channel, Request, applicants, results
from core.register.ops import Register
from core.register.report_link import differences, fill, narrative_sentence
from core.storage import Database
from core.storage.schema import APPLICATION_ID, MIGRATIONS

D = dt.date
AGENCY = "温县人民政府办公室"


@pytest.fixture
def register(db_path: Path) -> Register:
    db = Database.open(db_path)
    yield Register(db, AGENCY)  # type: ignore[misc]
    db.close()


def req(number: str, received: D, applicant: str = "natural_person", **fields: object) -> Request:
    return Request(number=number, received=received, applicant=applicant, subject=f"申请{number}", **fields)  # type: ignore[arg-type]


# ---------------------------------------------------------------- counting


def test_answered_on_1_january_counts_as_carried_over_and_answered_in_the_new_year() -> None:
    request = req("2025-001", D(2025, 12, 20), answered=D(2026, 1, 1), result="3.1")
    before, after = count_year([request], [], 2025).values, count_year([request], [], 2026).values
    assert (before["requests.1.natural_person"], before["requests.4.natural_person"]) == (1, 1)
    assert before["requests.3.1.natural_person"] == 0
    assert (after["requests.1.total"], after["requests.2.natural_person"]) == (0, 1)
    assert (after["requests.3.1.natural_person"], after["requests.4.total"]) == (1, 0)


def test_received_on_31_december_is_new_that_year_and_carried_into_the_next() -> None:
    request = req("2025-002", D(2025, 12, 31), applicant="commercial")
    before, after = count_year([request], [], 2025).values, count_year([request], [], 2026).values
    assert (before["requests.1.commercial"], before["requests.4.commercial"]) == (1, 1)
    assert (
        after["requests.2.commercial"],
        after["requests.4.commercial"],
        after["requests.1.commercial"],
    ) == (1, 1, 0)


def test_counted_totals_follow_the_format() -> None:
    requests = [
        req("1", D(2026, 2, 1), "natural_person", answered=D(2026, 2, 10), result="3.3.4"),
        req("2", D(2026, 2, 2), "natural_person", answered=D(2026, 2, 11), result="3.3.1"),
        req("3", D(2026, 2, 3), "legal_service", answered=D(2026, 2, 12), result="3.5.2"),
        req("4", D(2026, 2, 4), "research"),
    ]
    values = count_year(requests, [], 2026).values
    assert values["requests.3.7.natural_person"] == 2
    assert values["requests.3.7.total"] == 3
    assert values["requests.1.total"] == 4
    assert values["requests.3.3.4.total"] == 1 and values["requests.4.research"] == 1


def test_a_request_answered_without_result_or_before_it_was_received_is_a_problem_by_number() -> None:
    requests = [
        req("2026-007", D(2026, 3, 1), answered=D(2026, 3, 5)),
        req("2026-008", D(2026, 3, 9), answered=D(2026, 3, 2), result="3.1"),
        req("2024-001", D(2024, 3, 9), answered=D(2024, 3, 10)),  # not in 2026's table: not listed
    ]
    count = count_year(requests, [], 2026)
    assert [(p.number, p.why) for p in count.problems] == [
        ("2026-007", "已答复但没有办理结果"),
        ("2026-008", "答复日期早于收到日期"),
    ]
    assert not count.usable


def test_cases_count_under_their_result_or_as_pending() -> None:
    cases = [
        Case("review", D(2025, 11, 1), D(2026, 2, 1), "upheld"),
        Case("litigation_direct", D(2026, 5, 1), None, None),
        Case("litigation_after_review", D(2026, 6, 1), D(2027, 1, 4), "corrected"),
        Case("review", D(2026, 7, 1), D(2026, 8, 1), "corrected"),
    ]
    values = count_year([], cases, 2026).values
    assert values["review_litigation.review.upheld"] == 1
    assert values["review_litigation.review.corrected"] == 1
    assert values["review_litigation.review.total"] == 2
    assert values["review_litigation.litigation_direct.pending"] == 1
    assert values["review_litigation.litigation_after_review.pending"] == 1
    assert count_year([], cases, 2025).values["review_litigation.review.pending"] == 1


_DAYS = st.dates(min_value=D(2023, 1, 1), max_value=D(2027, 12, 31))


@st.composite
def _requests(draw: st.DrawFn) -> Request:
    received = draw(_DAYS)
    answered = draw(st.none() | st.integers(0, 400).map(lambda n: received + dt.timedelta(days=n)))
    result = draw(st.sampled_from(sorted(results()))) if answered else None
    applicant = draw(st.sampled_from(sorted(applicants())))
    return req("x", received, applicant, answered=answered, result=result)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_requests(), max_size=40), st.integers(2023, 2027))
def test_new_plus_carried_equals_answered_plus_carried_forward(requests: list[Request], year: int) -> None:
    values = count_year(requests, [], year).values
    for column in (*applicants(), "total"):
        assert (
            values[f"requests.1.{column}"] + values[f"requests.2.{column}"]
            == values[f"requests.3.7.{column}"] + values[f"requests.4.{column}"]
        )


# ---------------------------------------------------------------- deadlines


CAL = WorkCalendar()


def test_answer_due_the_20th_working_day_after_the_day_received() -> None:
    d = deadline(req("a", D(2026, 3, 2)), CAL, on=D(2026, 3, 2))
    assert d.due == D(2026, 3, 30)
    assert d.correction_due == D(2026, 3, 11)  # 补正告知期限: 7th working day
    assert (d.working_days_left, d.overdue, d.calendar) == (20, False, CalendarKind.OFFICIAL)


def test_extension_adds_20_working_days_across_qingming() -> None:
    assert deadline(req("a", D(2026, 3, 2), extended=True), CAL, D(2026, 3, 2)).due == D(2026, 4, 28)


def test_a_correction_stops_the_clock_and_restarts_it_from_the_day_received() -> None:
    waiting = req("a", D(2026, 3, 2), correction_asked=D(2026, 3, 4))
    d = deadline(waiting, CAL, D(2026, 3, 31))
    assert (d.due, d.waiting_for_correction, d.overdue) == (None, True, False)
    mended = waiting.with_changes(correction_received=D(2026, 3, 16))
    assert deadline(mended, CAL, D(2026, 3, 31)).due == D(2026, 4, 14)


def test_a_consultation_over_national_day_adds_the_working_days_it_took_with_the_makeup_saturday() -> None:
    plain = req("a", D(2025, 9, 15))
    assert deadline(plain, CAL, D(2025, 9, 15)).due == D(2025, 10, 17)
    # 9-26, 9-28 (调休 Sunday), 9-29, 9-30, 10-9, 10-10, 10-11 (调休 Saturday), 10-13: 8 working days
    assert CAL.working_days_between(D(2025, 9, 25), D(2025, 10, 13)) == 8
    consulted = plain.with_changes(consult_sent=D(2025, 9, 25), consult_received=D(2025, 10, 13))
    assert deadline(consulted, CAL, D(2025, 9, 15)).due == D(2025, 10, 29)


def test_overdue_open_and_answered_late() -> None:
    request = req("a", D(2026, 3, 2))
    d = deadline(request, CAL, D(2026, 4, 2))  # due 3-30; 3-31, 4-1, 4-2 past it
    assert (d.overdue, d.working_days_left) == (True, -3)
    late = deadline(request.with_changes(answered=D(2026, 3, 31), result="3.1"), CAL, D(2026, 5, 1))
    on_time = deadline(request.with_changes(answered=D(2026, 3, 30), result="3.1"), CAL, D(2026, 5, 1))
    assert (late.overdue, on_time.overdue) == (True, False)


def test_a_year_the_package_does_not_know_counts_weekends_only_until_the_office_enters_it(
    register: Register,
) -> None:
    request = req("2027-001", D(2027, 9, 27))  # Monday; 2027's 国庆 not in chinese-calendar 1.11
    d = deadline(request, register.calendar(), D(2027, 9, 27))
    assert (d.due, d.calendar) == (D(2027, 10, 25), CalendarKind.WEEKENDS_ONLY)
    register.register(request)
    assert "仅扣除周末" in register.due_summary(D(2027, 10, 20)).sentence
    days_off = frozenset(D(2027, 10, n) for n in range(1, 8))
    register.enter_arrangement(Arrangement(2027, days_off, frozenset({D(2027, 9, 26), D(2027, 10, 9)})))
    with Database.open(register.store.db.path) as again:  # kept in the database
        known = Register(again, AGENCY).calendar()
    d = deadline(request, known, D(2027, 9, 27))
    # 9-28..9-30 (3), 10-8 (4), 10-9 调休 (5), 10-11..15 (10), 18..22 (15), 25..29 (20)
    assert (d.due, d.calendar) == (D(2027, 10, 29), CalendarKind.OFFICE)
    with pytest.raises(UserError, match="已经知道"):
        register.enter_arrangement(Arrangement(2026, frozenset()))


def test_due_summary_in_plain_chinese() -> None:
    requests = [
        req("a", D(2026, 3, 2)),  # due 3-30
        req("b", D(2026, 3, 3)),  # due 3-31
        req("c", D(2026, 3, 4)),  # due 4-1
        req("d", D(2026, 2, 25)),  # due 3-24 (2-28 is a 调休 Saturday): 3-25, 3-26 overdue
        req("e", D(2026, 2, 2), answered=D(2026, 2, 3), result="3.1"),
    ]
    summary = due_summary(requests, CAL, D(2026, 3, 26))
    assert summary.sentence == "3 件申请将在 5 个工作日内到期；1 件已逾期 2 个工作日。"


# ---------------------------------------------------------------- stored: operations, history, undo


def test_register_answer_reopen_delete_and_undo_all_kept_in_history(register: Register) -> None:
    _, first = register.register(req("", D(2026, 3, 5), applicant_name="张三", channel=Channel.POST))
    _, second = register.register(req("", D(2026, 3, 6)))
    assert [r.number for r in register.requests()] == ["2026-001", "2026-002"]
    register.answer(first, D(2026, 3, 20), "3.2")
    assert register.request(first).result == "3.2"
    register.reopen(first)
    assert register.request(first).open
    deleted = register.delete(second)
    assert [r.id for r in register.requests()] == [first]
    undone = register.undo(deleted)
    assert [r.id for r in register.requests()] == [first, second]
    assert undone is not None
    register.undo(undone)  # undoing the undo deletes it again
    assert [r.id for r in register.requests()] == [first]
    kinds = [rev.kind for rev in register.history()]
    assert kinds == ["undo", "undo", "delete", "reopen", "answer", "register", "register"]
    with pytest.raises(UserError, match="已答复的申请要选择办理结果"):
        register.edit(register.request(first).with_changes(answered=D(2026, 3, 21)))
    with pytest.raises(UserError, match="已被台账中的另一件申请使用"):
        register.register(req("2026-001", D(2026, 3, 7)))


def test_undo_of_a_registration_removes_it(register: Register) -> None:
    revision, _ = register.register(req("", D(2026, 3, 5)))
    assert revision is not None
    register.undo(revision)
    assert register.requests() == []


def test_fill_writes_one_revision_and_marks_the_cells(register: Register) -> None:
    db = register.store.db
    register.register(req("", D(2025, 12, 30), "commercial"))
    _, answered = register.register(req("", D(2026, 1, 5), "natural_person"))
    register.answer(answered, D(2026, 1, 20), "3.4.1")
    register.record_case(Case("review", D(2026, 4, 1)))
    outcome = fill(db, register, 2026)
    assert outcome.created
    report = db.load_report(outcome.report_id)
    assert report.values["requests.2.commercial"] == 1
    assert report.values["requests.3.4.1.natural_person"] == 1
    assert report.values["requests.4.commercial"] == 1
    assert report.values["review_litigation.review.pending"] == 1
    assert report.values["requests.3.7.total"] is None  # a total: computed from its parts
    assert db.history(outcome.report_id)[0].kind == "register"
    marks = register.store.counted_cells(outcome.report_id)
    assert marks["requests.2.commercial"].counted == "1"
    assert differences(db, register, outcome.report_id) == []
    from decimal import Decimal

    db.set_values(outcome.report_id, {"requests.2.commercial": Decimal(3)})
    found = differences(db, register, outcome.report_id)
    assert [(d.address, d.typed, d.counted) for d in found] == [("requests.2.commercial", Decimal(3), 1)]
    assert "商业企业" in found[0].description


def test_fill_refuses_a_register_with_problems(register: Register) -> None:
    _, rid = register.register(req("2026-009", D(2026, 3, 5)))
    db = register.store.db
    with db._write():  # an older program wrote an answer without a result
        db._conn.execute("UPDATE register_requests SET answered = '2026-03-09' WHERE id = ?", (rid,))
    with pytest.raises(UserError, match="2026-009：已答复但没有办理结果"):
        fill(db, register, 2026)
    assert db.find_report(AGENCY, 2026) is None


def test_narrative_sentence_counts_channels_and_topics() -> None:
    requests = [
        req("1", D(2026, 1, 2), channel=Channel.POST, topic="土地征收"),
        req("2", D(2026, 1, 3), channel=Channel.IN_PERSON, topic="土地征收"),
        req("3", D(2026, 1, 4), channel=Channel.ONLINE, topic="补偿安置"),
        req("4", D(2026, 1, 5), channel=Channel.EMAIL, topic="土地征收"),
        req("5", D(2025, 1, 5), channel=Channel.EMAIL, topic="其他"),
    ]
    assert narrative_sentence(requests, 2026) == (
        "本年新收政府信息公开申请4件，其中书面申请2件、网上申请2件；"
        "申请量居前的事项为土地征收（3件）、补偿安置（1件）。"
    )


def test_a_version_3_file_is_migrated_with_a_backup_first(db_path: Path) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    for migrate in MIGRATIONS[:3]:
        migrate(conn)
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    assert APPLICATION_ID
    with Database.open(db_path) as db:
        assert db.schema_version() == len(MIGRATIONS)
        Register(db, AGENCY).register(req("", D(2026, 1, 2)))
    assert db_path.with_name(f"{db_path.name}.before-v4.bak").exists()


def test_days_off_read_as_the_notice_writes_them() -> None:
    from core.register.calendar import read_days

    assert read_days("10月1日至7日、9月26日\n2027-1-1", 2027) == frozenset(
        {D(2027, 10, n) for n in range(1, 8)} | {D(2027, 9, 26), D(2027, 1, 1)}
    )
    with pytest.raises(UserError, match="不在 2027 年"):
        read_days("2028-1-1", 2027)


def test_the_sentence_goes_after_the_requests_paragraph_once() -> None:
    from core.model.report import Report
    from core.register.report_link import with_sentence

    report = Report.blank(AGENCY, 2026)
    report.texts["overview"] = "（一）主动公开情况\n甲。\n（二）依申请公开情况\n乙。\n（三）政府信息管理情况"
    placed = with_sentence(report, "丙。")
    assert placed == (
        "overview",
        "（一）主动公开情况\n甲。\n（二）依申请公开情况\n乙。\n丙。\n（三）政府信息管理情况",
    )
    report.texts["overview"] = placed[1]
    assert with_sentence(report, "丙。") is None


def test_the_excel_export_is_marked_internal_and_keeps_every_text_as_text(tmp_path: Path) -> None:
    import openpyxl

    from core.register.export import register_xlsx

    requests = [
        req("=1+2", D(2026, 3, 2), applicant_name='=HYPERLINK("x")', answered=D(2026, 3, 9), result="3.3.1"),
        req("2026-002", D(2026, 3, 3), applicant_name="李四"),
    ]
    path = tmp_path / "台账.xlsx"
    path.write_bytes(register_xlsx(AGENCY, requests, CAL, D(2026, 3, 26)))
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value == "内部资料"
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == "=1+2" and sheet["A3"].data_type == "s" and sheet["E3"].data_type == "s"
    assert rows[0][4] == '=HYPERLINK("x")' and rows[1][4] == "李四"
    assert rows[0][13] == "（三）不予公开1.属于国家秘密" and rows[0][3] == "自然人"
    assert rows[1][-1] == "即将到期" and rows[0][-1] == "已办结"


def test_a_typed_number_over_a_count_is_asked_about_until_a_reason_is_kept(register: Register) -> None:
    from decimal import Decimal

    from core.register.report_link import keep_override, typed_over

    db = register.store.db
    register.register(req("", D(2026, 1, 5), "research"))
    report_id = fill(db, register, 2026).report_id
    address = "requests.1.research"
    assert typed_over(db, db.load_report(report_id), report_id, [address]) == []
    db.set_values(report_id, {address: Decimal(4)})
    assert typed_over(db, db.load_report(report_id), report_id, [address]) == [(address, 1)]
    with pytest.raises(UserError, match="请写明"):
        keep_override(db, report_id, address, "  ")
    keep_override(db, report_id, address, "一件申请登记在上级机关的台账中")
    assert typed_over(db, db.load_report(report_id), report_id, [address]) == []
    assert (
        register.store.counted_cells(report_id)[address].override_reason == "一件申请登记在上级机关的台账中"
    )


def test_several_overdue_say_the_longest() -> None:
    requests = [req("a", D(2026, 2, 25)), req("b", D(2026, 2, 26))]  # due 3-24 and 3-25
    assert due_summary(requests, CAL, D(2026, 3, 27)).sentence == "2 件已逾期（最长 3 个工作日）。"
    nothing = "没有申请将在 5 个工作日内到期，也没有逾期的申请。"
    assert due_summary([], CAL, D(2026, 3, 27)).sentence == nothing


def test_the_clock_stands_still_while_a_consultation_runs() -> None:
    consulting = req("a", D(2026, 3, 2), consult_sent=D(2026, 3, 9))  # 20 working days: due 3-30
    assert deadline(consulting, CAL, D(2026, 3, 13)).due == D(2026, 4, 3)  # + 3-10..3-13 (4 days)
    assert deadline(consulting, CAL, D(2026, 3, 13)).working_days_left == 15
    back = consulting.with_changes(consult_received=D(2026, 3, 11))
    assert deadline(back, CAL, D(2026, 4, 20)).due == D(2026, 4, 1)  # + 3-10, 3-11


def test_fill_goes_through_the_report_session_so_drafted_sentences_follow_the_count(db: Database) -> None:
    from core.model.report import Report
    from core.rules.text import insert_drafts

    report = Report.blank(AGENCY, 2026)
    report.texts.update(insert_drafts(report))  # 「根据表格生成」 before the register was counted
    report_id = db.create_report(report)
    register = Register(db, AGENCY)
    for n, day in enumerate((3, 4, 5, 6, 7)):
        register.register(req(f"2026-00{n}", D(2026, 1, day), "natural_person"))
    fill(db, register, 2026)
    overview = db.load_report(report_id).texts["overview"]
    assert "本机关共收到政府信息公开申请5件" in overview  # the untouched drafted block followed the count


def test_drafting_from_the_tables_adds_the_registers_sentence_only_with_a_register(db: Database) -> None:
    from core.model.report import Report
    from core.ops.session import ReportSession

    with_register = db.create_report(Report.blank(AGENCY, 2026))
    register = Register(db, AGENCY)
    register.register(req("", D(2026, 1, 5), channel=Channel.ONLINE, topic="土地征收"))
    register.register(req("", D(2026, 2, 5), channel=Channel.POST, topic="土地征收"))
    register.register(req("", D(2025, 3, 5), channel=Channel.POST, topic="房屋拆迁"))  # another year
    drafted = ReportSession(db, with_register).drafted_texts()["overview"]
    sentence = (
        "本年新收政府信息公开申请2件，其中书面申请1件、网上申请1件；申请量居前的事项为土地征收（2件）。"
    )
    lines = drafted.split("\n")
    assert lines[lines.index("（二）依申请公开情况") + 2] == sentence  # after the 依申请公开 paragraph

    without = db.create_report(Report.blank("另一个机关", 2026))
    assert sentence not in ReportSession(db, without).drafted_texts()["overview"]
    earlier = db.create_report(Report.blank(AGENCY, 2024))  # no request registered that year
    assert "本年新收" not in ReportSession(db, earlier).drafted_texts()["overview"]


def test_a_date_outside_the_registers_years_is_refused_on_every_path_that_stores(db_path: Path) -> None:
    """A year typed as 9999 (or 1) in the form was stored, and then every start of the app failed
    working out its deadline (past the calendar's end): the register refuses it, naming the field."""
    from core.register.ops import due_message

    with Database.open(db_path) as db:
        register = Register(db, "温县某局")
        late = Request("ZR-1", dt.date(9999, 12, 20), "natural_person", "甲")
        with pytest.raises(UserError, match="申请“ZR-1”不能保存：收到日期的年份 9999 不在 1990–2200 年之间"):
            register.register(late)
        _, request_id = register.register(Request("ZR-2", dt.date(2026, 3, 2), "natural_person", "乙"))
        with pytest.raises(UserError, match="答复日期的年份 1 不在 1990–2200 年之间"):
            register.answer(request_id, dt.date(1, 3, 9), "3.1")
        assert [r.number for r in register.requests()] == ["ZR-2"]
        assert "1 件申请" in due_message(db, dt.date(2026, 3, 25))
