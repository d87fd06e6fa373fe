"""The register window as a clerk uses it: a request typed in by keyboard, undo and redo, the filters, a
ledger brought in through the preview, and 「由台账生成」 into the open report as one undoable change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox
from pytestqt.qtbot import QtBot

from core.model.report import Report
from core.register.model import Channel, Request
from core.register.ops import Register
from core.storage import Database
from tests.qt_helpers import commit_text, on_next_modal, open_window
from tests.test_register_ledger import ROWS, write_ledger
from ui.main_window import MainWindow
from ui.register_import import LedgerImportDialog
from ui.register_page import RegisterWindow

AGENCY = "温县自然资源局"
TODAY = dt.date(2026, 3, 26)


def _window(qtbot: QtBot, db: Database) -> RegisterWindow:
    window = RegisterWindow(db, AGENCY, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


def _beside_the_open_report(qtbot: QtBot, db: Database, report_id: int) -> tuple[MainWindow, RegisterWindow]:
    """The main window with the report open, and the register window on its year (2026) beside it."""
    main = open_window(qtbot, db, today=TODAY)
    main.open_report(report_id)
    window = RegisterWindow(db, AGENCY, today=lambda: TODAY, parent=main)
    qtbot.addWidget(window)
    window.year.setCurrentIndex(window.year.findData(2026))
    return main, window


def _report_with_requests(db: Database, *requests: Request) -> int:
    """A blank 2026 report of the agency, whose register holds `requests`; its id."""
    report_id = db.create_report(Report.blank(AGENCY, 2026))
    register = Register(db, AGENCY)
    for request in requests:
        register.register(request)
    return report_id


def _enter(qtbot: QtBot, widget: object) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_a_request_typed_by_keyboard_enter_moving_on_and_saving(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path) as db:
        window = _window(qtbot, db)
        form = window.form
        window.new_request()
        _enter(qtbot, form.number)  # no 编号: numbered by date
        assert window.focusWidget() is form.dates["received"]
        form.dates["received"].selectAll()
        qtbot.keyClicks(form.dates["received"], "3.5")  # this year's 3 月 5 日
        _enter(qtbot, form.dates["received"])
        assert window.focusWidget() is form.channel
        qtbot.keyClicks(form.channel, "2")  # 2 邮寄
        _enter(qtbot, form.channel)
        qtbot.keyClicks(form.applicant, "3")  # 3 科研机构
        _enter(qtbot, form.applicant)
        commit_text(form.applicant_name, "王老师")
        _enter(qtbot, form.applicant_name)
        commit_text(form.subject, "本县地下水监测数据")
        _enter(qtbot, form.subject)
        for _ in range(9):  # 事项类别 … 信息处理费 left as they are; Enter on the last one saves
            _enter(qtbot, window.focusWidget())
        stored = Register(db, AGENCY).requests()
        assert [(r.number, r.received, r.channel, r.applicant, r.subject) for r in stored] == [
            ("2026-001", dt.date(2026, 3, 5), Channel.POST, "research", "本县地下水监测数据")
        ]
        assert stored[0].applicant_name == "王老师"
        assert form.request_id is None and window.focusWidget() is form.number  # ready for the next request
        assert window.model.rowCount() == 1
        assert window.summary.text() == "1 件申请将在 5 个工作日内到期。"  # due 4-2: 5 working days left
        window.undo_action.trigger()
        assert Register(db, AGENCY).requests() == [] and window.model.rowCount() == 0
        window.redo_action.trigger()
        assert [r.number for r in Register(db, AGENCY).requests()] == ["2026-001"]
        kinds = [r.kind for r in Register(db, AGENCY).history()]
        assert kinds == ["undo", "undo", "register"]


def test_a_date_that_cannot_be_read_is_named_and_nothing_is_stored(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path) as db:
        window = _window(qtbot, db)
        window.form.dates["received"].setText("2026-2-30")
        window.save()
        boxes = [b.text() for b in window.findChildren(QMessageBox)]
        assert any(t.startswith("收到日期：没有 2026年2月30日 这一天") for t in boxes)
        assert Register(db, AGENCY).requests() == []


def test_filters_show_in_hand_due_soon_overdue_and_answered(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path) as db:
        register = Register(db, AGENCY)
        register.register(Request("A", dt.date(2026, 3, 2), "natural_person", "甲"))  # due 3-30: soon
        register.register(Request("B", dt.date(2026, 2, 25), "natural_person", "乙"))  # due 3-24: overdue
        register.register(Request("C", dt.date(2026, 3, 20), "commercial", "丙"))  # due 4-20 (清明 4-4..6)
        register.register(
            Request("D", dt.date(2026, 3, 3), "other", "丁", answered=dt.date(2026, 3, 9), result="3.1")
        )
        window = _window(qtbot, db)
        assert window.summary.text() == "1 件申请将在 5 个工作日内到期；1 件已逾期 2 个工作日。"

        def shown(name: str) -> list[str]:
            window.filter.setCurrentText(name)
            return [r.number for r, _, _ in window.model.rows]

        assert shown("办理中") == ["B", "A", "C"]
        assert shown("即将到期") == ["A"]
        assert shown("已逾期") == ["B"]
        assert shown("已办结") == ["D"]
        window.filter.setCurrentText("全部")
        window.search.setText("丙")
        assert [r.number for r, _, _ in window.model.rows] == ["C"]
        assert window.model.data(window.model.index(0, 5)) == "剩 16 个工作日"


def test_import_through_the_preview_with_the_clerks_choices(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    ledger = write_ledger(tmp_path / "台账.xlsx", ROWS)
    with Database.open(db_path) as db:
        window = _window(qtbot, db)

        def choose(dialog: object) -> None:
            assert isinstance(dialog, LedgerImportDialog)
            assert dialog.tabs.tabText(2) == "申请人类型（1 项待指定）"
            table = dialog.value_tables["applicant"]
            row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "法人")
            box = table.cellWidget(row, 1)
            assert isinstance(box, QComboBox)
            box.setCurrentIndex(box.findData("commercial"))
            dialog.accept()

        on_next_modal(choose)
        window.import_ledger(ledger)  # read and stored off the GUI thread
        qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=20_000)
        numbers = [r.number for r in Register(db, AGENCY).requests()]
        assert numbers == ["ZR-01", "ZR-02", "ZR-03", "ZR-05"]
        boxes = [b.text() for b in window.findChildren(QMessageBox)]
        assert any("第 6 行「受理日期」“2026-02-30”" in t for t in boxes)


def test_fill_into_the_open_report_is_one_undo_step(qtbot: QtBot, db: Database) -> None:
    report_id = db.create_report(Report.blank(AGENCY, 2026))
    register = Register(db, AGENCY)
    register.register(Request("A", dt.date(2025, 12, 30), "legal_service", "甲"))
    register.register(
        Request("B", dt.date(2026, 1, 4), "natural_person", "乙", answered=dt.date(2026, 1, 9), result="3.2")
    )
    main, window = _beside_the_open_report(qtbot, db, report_id)
    window.fill_report()
    document = main.document
    assert document is not None
    assert document.report.values["requests.2.legal_service"] == 1
    assert document.report.values["requests.3.2.natural_person"] == 1
    assert db.load_report(report_id).values["requests.4.legal_service"] == 1
    assert register.store.counted_cells(report_id)["requests.3.2.natural_person"].counted == "1"
    main.undo_action.trigger()
    assert db.load_report(report_id).values["requests.2.legal_service"] is None
    assert db.load_report(report_id).values["requests.3.2.natural_person"] is None


def test_cases_and_the_offices_arrangement_entered_in_their_dialogs(qtbot: QtBot, db_path: Path) -> None:
    from ui.register_dialogs import ArrangementDialog, CasesDialog

    with Database.open(db_path) as db:
        register = Register(db, AGENCY)
        cases = CasesDialog(register, lambda: TODAY)
        qtbot.addWidget(cases)
        cases.kind.setCurrentIndex(cases.kind.findData("litigation_direct"))
        cases.filed.setText("2026-2-3")
        cases.decided.setText("5.6")
        cases.case_result.setCurrentIndex(cases.case_result.findData("corrected"))
        cases._save()
        assert register.cases()[0].decided == dt.date(2026, 5, 6)
        assert register.count(2026).values["review_litigation.litigation_direct.corrected"] == 1
        arrangement = ArrangementDialog(register, 2027)
        qtbot.addWidget(arrangement)
        arrangement.days_off.setPlainText("10月1日至7日")
        arrangement.working.setPlainText("9月26日、10月9日")
        arrangement.accept()
        entered = register.store.arrangements()[2027]
        assert len(entered.days_off) == 7 and dt.date(2027, 10, 9) in entered.working_weekends
        assert register.calendar().kind(2027).value == "office"


def test_the_registers_sentence_written_into_the_open_report(qtbot: QtBot, db: Database) -> None:
    report_id = _report_with_requests(
        db,
        Request("A", dt.date(2026, 1, 5), "natural_person", "甲", Channel.POST, topic="土地征收"),
        Request("B", dt.date(2026, 1, 6), "commercial", "乙", Channel.ONLINE, topic="土地征收"),
    )
    main, window = _beside_the_open_report(qtbot, db, report_id)
    window.write_sentence()
    expected = (
        "本年新收政府信息公开申请2件，其中书面申请1件、网上申请1件；申请量居前的事项为土地征收（2件）。"
    )
    assert expected in db.load_report(report_id).texts["overview"]
    assert main.editor is not None
    shown = main.editor.editors["overview"].edit
    assert expected in shown.toPlainText()  # the open editor shows it (typing on keeps it)
    main.undo_action.trigger()
    assert expected not in db.load_report(report_id).texts["overview"]
    assert expected not in shown.toPlainText()


def test_the_registers_sentence_written_into_a_report_that_is_not_open(qtbot: QtBot, db: Database) -> None:
    report_id = _report_with_requests(
        db, Request("A", dt.date(2026, 1, 5), "natural_person", "甲", Channel.ONLINE)
    )
    window = _window(qtbot, db)
    window.year.setCurrentIndex(window.year.findData(2026))
    window.write_sentence()
    expected = "本年新收政府信息公开申请1件，其中书面申请0件、网上申请1件。"
    assert expected in db.load_report(report_id).texts["overview"]
    assert db.history(report_id)[0].kind == "edit"


def test_typing_over_a_counted_cell_asks_and_can_bring_the_count_back(qtbot: QtBot, db: Database) -> None:
    from decimal import Decimal

    from tests.qt_helpers import answer_boxes

    report_id = db.create_report(Report.blank(AGENCY, 2026))
    register = Register(db, AGENCY)
    register.register(Request("A", dt.date(2026, 1, 5), "natural_person", "甲"))
    main, window = _beside_the_open_report(qtbot, db, report_id)
    window.fill_report()
    document = main.document
    assert document is not None
    seen: list[str] = []
    answer_boxes("恢复台账数字", seen, once=True)
    document.set_values({"requests.1.natural_person": Decimal(5)})
    qtbot.waitUntil(lambda: bool(seen))
    assert "是由登记台账统计的（1）" in seen[0]
    qtbot.waitUntil(lambda: db.load_report(report_id).values["requests.1.natural_person"] == 1)
    for widget in main.findChildren(RegisterWindow):
        widget.close()


def test_a_deadline_in_a_year_without_its_arrangement_says_so(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path) as db:
        Register(db, AGENCY).register(Request("A", dt.date(2026, 12, 4), "natural_person", "甲"))
        window = _window(qtbot, db)
        assert window.model.data(window.model.index(0, 4)) == "2027-01-01（仅扣周末）"
        assert "仅扣除周末" in window.summary.text()


def test_the_excel_export_is_written_off_the_gui_thread(qtbot: QtBot, db_path: Path, tmp_path: Path) -> None:
    import openpyxl

    with Database.open(db_path) as db:
        Register(db, AGENCY).register(
            Request("A", dt.date(2026, 3, 2), "natural_person", "甲", applicant_name="张三")
        )
        window = _window(qtbot, db)
        target = tmp_path / "台账.xlsx"
        window.export_excel(target)
        qtbot.waitUntil(lambda: "已导出" in window.statusBar().currentMessage(), timeout=20_000)
        sheet = openpyxl.load_workbook(target).active
        assert sheet["A1"].value == "内部资料" and sheet["E3"].value == "张三"


def test_compare_names_the_cells_that_differ_and_delete_asks_first(qtbot: QtBot, db: Database) -> None:
    from decimal import Decimal

    from tests.qt_helpers import answer_next_box

    register = Register(db, AGENCY)
    _, request_id = register.register(Request("A", dt.date(2026, 1, 5), "commercial", "甲"))
    report_id = db.create_report(Report.blank(AGENCY, 2026))
    db.set_values(report_id, {"requests.1.commercial": Decimal(2), "requests.4.commercial": Decimal(1)})
    window = _window(qtbot, db)
    window.year.setCurrentIndex(window.year.findData(2026))
    window.compare_report()
    texts = [b.text() for b in window.findChildren(QMessageBox)]
    assert any(
        "有 1 个格子与台账统计不同" in t and "「商业企业」：报告中为 2，台账统计为 1" in t for t in texts
    )
    window.select(request_id)
    asked = answer_next_box(QMessageBox.StandardButton.Yes)
    window.delete()
    assert "删除申请“A”" in asked[0]
    assert register.requests() == [] and window.model.rowCount() == 0
    window.undo_action.trigger()
    assert [r.number for r in register.requests()] == ["A"]


def test_each_agency_has_its_own_register(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path) as db:
        Register(db, "温县财政局").register(Request("C-1", dt.date(2026, 3, 2), "natural_person", "甲"))
        window = _window(qtbot, db)
        assert window.model.rowCount() == 0
        window.switch_agency("温县财政局")
        assert [r.number for r, _, _ in window.model.rows] == ["C-1"]
        assert window.windowTitle().endswith("温县财政局")
        window.switch_agency("  ")
        assert window.register.agency == "温县财政局"
        assert any("机关名称不能为空" in b.text() for b in window.findChildren(QMessageBox))


def test_drafting_from_the_tables_writes_the_registers_sentence_too(qtbot: QtBot, db: Database) -> None:
    report_id = _report_with_requests(
        db,
        Request("A", dt.date(2026, 3, 5), "natural_person", "甲", Channel.POST, topic="房屋拆迁"),
        Request("B", dt.date(2026, 4, 6), "commercial", "乙", Channel.ONLINE, topic="房屋拆迁"),
        Request("C", dt.date(2026, 5, 7), "commercial", "丙", Channel.ONLINE, topic="规划许可"),
    )
    main = open_window(qtbot, db, today=TODAY)
    main.open_report(report_id)
    assert main.editor is not None and main.document is not None
    overview = main.editor.editors["overview"]
    assert overview.draft_button is not None
    overview.draft_button.click()
    sentence = (
        "本年新收政府信息公开申请3件，其中书面申请1件、网上申请2件；"
        "申请量居前的事项为房屋拆迁（2件）、规划许可（1件）。"
    )
    assert sentence in overview.text() and sentence in db.load_report(report_id).texts["overview"]
    assert "本机关共收到政府信息公开申请0件" in overview.text()  # the tables' own sentence beside it
    main.document.undo_stack.undo()  # one step, as before
    assert sentence not in overview.text() and "共收到" not in overview.text()


def test_on_start_the_window_says_what_falls_due_once_the_list_is_painted(
    qtbot: QtBot, db_path: Path
) -> None:
    with Database.open(db_path) as db:
        register = Register(db, AGENCY)
        register.register(Request("A", dt.date(2026, 3, 2), "natural_person", "甲"))  # due 3-30: soon
        register.register(Request("B", dt.date(2026, 2, 25), "natural_person", "乙"))  # due 3-24: overdue
        window = open_window(qtbot, db, today=TODAY)
        said = f"登记台账：{AGENCY}：1 件申请将在 5 个工作日内到期；1 件已逾期 2 个工作日。"
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == said)
