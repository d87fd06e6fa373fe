"""The desk's roster edited in the app (kept in the folder, numbers stable, a rename carrying what the
desk learned), files taken in from outside the folder, and the board of the app's own database: opened
report, typed code, error list, 汇总 and year over year from stored reports. Screenshots go to
/tmp/desk/."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core import desk
from core.documents.exchange import write_report
from core.documents.fingerprint import SHORT_CODE_LIMIT, fingerprint, full_fingerprint
from core.storage import Database
from tests.helpers import distinct_report
from ui.desk_roster import RosterDialog
from ui.desk_window import DeskWindow
from ui.fonts import ensure_chinese_font

SHOTS = Path("/tmp/desk")


def _window(qtbot: QtBot, db: Database | None = None) -> DeskWindow:
    ensure_chinese_font()
    window = DeskWindow(None, db)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.year_box.setValue(2022)
    return window


def _rows(window: DeskWindow) -> list[tuple[str, str]]:
    return [(r.agency, r.status) for r in window.board.rows]


def _received(qtbot: QtBot, window: DeskWindow, folder: Path) -> None:
    window.open_folder(folder)
    qtbot.waitUntil(lambda: bool(window.received), timeout=30_000)


def _names(dialog: RosterDialog) -> list[str]:
    return [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]  # type: ignore[union-attr]


def test_roster_edited_in_the_app_is_kept_with_the_folder(qtbot: QtBot, tmp_path: Path) -> None:
    inbox = tmp_path / "收件"
    inbox.mkdir()
    twelve = distinct_report("温县财政局", 2022, base=12)
    write_report(twelve, inbox / "财政.json")
    write_report(distinct_report("温县水利局", 2022, base=30), inbox / "水利.json")
    write_report(distinct_report("孟州市公安局", 2022, base=50), inbox / "公安.json")
    roster_file = tmp_path / "名单.csv"
    roster_file.write_text("单位名称\n温县财政局\n温县教育局\n", "utf-8")
    window = _window(qtbot)
    job = window.set_roster(roster_file)
    qtbot.waitUntil(lambda: job.finished, timeout=30_000)
    _received(qtbot, window, inbox)
    window.select("温县财政局")
    assert window.confirm_selected(fingerprint(twelve)) is True

    dialog = window.edit_roster()
    assert _names(dialog) == ["温县财政局", "温县教育局"]
    assert [dialog.table.item(r, 0).text() for r in range(2)] == ["1", "2"]  # type: ignore[union-attr]
    dialog.new_name.setText("温县审计局")
    assert dialog.isVisible()
    dialog.new_name.setFocus()
    qtbot.keyClick(dialog.new_name, Qt.Key.Key_Return)  # Enter adds the name, it does not close the dialog
    assert dialog.isVisible() and _names(dialog)[-1] == "温县审计局" and dialog.new_name.text() == ""
    dialog.new_name.setText("温县人民政府审计局")
    dialog.add()
    assert "已有“温县审计局”" in dialog.problem.text() and dialog.new_name.text() == "温县人民政府审计局"
    dialog.table.item(1, 1).setText("温县财政局")  # type: ignore[union-attr]  # a rename into a duplicate
    assert "已有“温县财政局”" in dialog.problem.text() and _names(dialog)[1] == "温县教育局"
    dialog.table.item(0, 1).setText("温县财政局（国资局）")  # type: ignore[union-attr]
    dialog.table.selectRow(1)
    dialog.remove_selected()
    dialog.buttons["加入收到报告的单位（2 个）"].click()
    assert _names(dialog) == ["温县财政局（国资局）", "温县审计局", "孟州市公安局", "温县水利局"]
    dialog.table.selectRow(3)
    dialog.move_selected(-3)
    dialog.resize(560, 640)
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "roster.png"))
    dialog.accept()

    assert _rows(window) == [
        ("温县水利局", desk.DRAFT),
        ("温县财政局（国资局）", desk.FINAL),  # the typed code followed the rename
        ("温县审计局", desk.MISSING),
        ("孟州市公安局", desk.DRAFT),
    ]
    kept = desk.Memory.load(inbox / desk.MEMORY_FILE).roster
    assert kept is not None and [(e.id, e.name) for e in kept.entries] == [
        (5, "温县水利局"),
        (1, "温县财政局（国资局）"),
        (3, "温县审计局"),
        (4, "孟州市公安局"),
    ]

    again = _window(qtbot)  # another day: the folder alone brings its roster back
    _received(qtbot, again, inbox)
    assert _rows(again) == _rows(window)


def test_cancelled_roster_edit_changes_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot)
    roster_file = tmp_path / "名单.csv"
    roster_file.write_text("温县财政局\n", "utf-8")
    job = window.set_roster(roster_file)
    qtbot.waitUntil(lambda: job.finished, timeout=30_000)
    dialog = window.edit_roster()
    dialog.new_name.setText("温县审计局")
    dialog.add()
    dialog.reject()
    assert window.roster == ["温县财政局"]


def test_files_taken_in_are_copied_into_the_folder(qtbot: QtBot, tmp_path: Path) -> None:
    inbox = tmp_path / "收件"
    inbox.mkdir()
    outside = tmp_path / "邮件附件"
    outside.mkdir()
    write_report(distinct_report("温县财政局", 2022, base=3), outside / "报告.json")
    write_report(distinct_report("温县水利局", 2022, base=9), inbox / "报告.json")
    window = _window(qtbot)
    window.choose_files()
    assert "请先打开收件文件夹" in window.statusBar().currentMessage()
    _received(qtbot, window, inbox)
    window.take_files([outside / "报告.json", outside / "报告.json", tmp_path / "没有.json"])
    qtbot.waitUntil(lambda: len(window.board.rows) == 2, timeout=30_000)
    assert sorted(p.name for p in inbox.iterdir()) == ["报告.json", "报告（2）.json"]  # the same file once
    assert (inbox / "报告（2）.json").read_bytes() == (outside / "报告.json").read_bytes()
    assert sorted(_rows(window)) == [("温县水利局", desk.DRAFT), ("温县财政局", desk.DRAFT)]


def test_board_of_the_database(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    final = distinct_report("温县人民政府财政局", 2022, base=6)
    db.set_status(db.create_report(final), "final")
    wrong = distinct_report("温县水利局", 2022, base=13)
    wrong.values["requests.3.2.other"] += 7  # type: ignore[operator]
    db.create_report(wrong)
    db.create_report(distinct_report("温县水利局", 2021, base=8))
    window = _window(qtbot, db)
    roster_file = tmp_path / "名单.csv"
    roster_file.write_text("温县财政局\n温县水利局\n温县审计局\n", "utf-8")
    job = window.set_roster(roster_file)
    qtbot.waitUntil(lambda: job.finished, timeout=30_000)
    window.open_database()
    assert _rows(window) == [
        ("温县财政局", desk.FINAL),
        ("温县水利局", desk.DRAFT),
        ("温县审计局", desk.MISSING),
    ]
    assert "本机数据库" in window.windowTitle()
    cells = {r.agency: desk.board_cells(r) for r in window.board.rows}
    assert cells["温县水利局"][7:9] == ("温县水利局", "2023-01-20")  # 署名 without reading the draft
    assert cells["温县水利局"][4] == ""  # 跨年问题 not known until the report is read
    window.table.resizeColumnsToContents()
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "database-board.png"))
    assert desk.Memory.load(desk.database_memory(db.path)).roster is not None

    window.select("温县水利局")
    viewer = window.open_selected()
    assert viewer is not None and "温县水利局" in viewer.page.toPlainText()
    tree = viewer.findings.tree
    assert any("相差 7" in tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount()))  # type: ignore[union-attr]
    assert window.confirm_selected(fingerprint(wrong)) is True
    assert desk.Memory.load(desk.database_memory(db.path)).confirmed["温县水利局|2022"] == fingerprint(wrong)

    window.export_errors(tmp_path / "错误.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "错误.xlsx").worksheets[0]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows and {r[0] for r in rows} == {"温县水利局"} and any("相差 7" in str(r[3]) for r in rows)

    total = window.show_sum()
    assert total.chosen() == ["温县财政局", "温县水利局"]
    cell = "requests.3.1.commercial"
    assert total.total is not None and total.total.values[cell] == final.values[cell] + wrong.values[cell]  # type: ignore[operator]
    years = window.show_years()
    assert sorted(years.chart.series) == [2021, 2022]
    years.choice.setCurrentText("温县水利局")
    assert years.table.item(0, 0).text() == "新收申请"  # type: ignore[union-attr]
    assert years.table.item(0, 2).text() != ""  # type: ignore[union-attr]  # last year from the database
    window.status_filter.setCurrentText(desk.MISSING)
    assert (
        window.proxy.rowCount() == 1
        and window.proxy.index(0, 0).data(Qt.ItemDataRole.UserRole) == "温县审计局"
    )


def test_files_received_into_the_database(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    final = distinct_report("温县财政局", 2022, base=6)
    db.set_status(db.create_report(final), "final")
    window = _window(qtbot, db)
    window.open_database()
    mail = tmp_path / "邮件"
    mail.mkdir()
    audit = distinct_report("温县审计局", 2022, base=21)
    package = desk.write_package(audit, mail, final=True)
    write_report(distinct_report("温县财政局", 2022, base=40), mail / "财政-改.json")
    write_report(final, mail / "财政-同一份.json")
    (mail / "坏.json").write_text("{", "utf-8")
    window.take_files([package, mail / "财政-改.json", mail / "财政-同一份.json", mail / "坏.json"])
    qtbot.waitUntil(lambda: "已存入本机数据库" in window.statusBar().currentMessage(), timeout=60_000)
    assert "已存入本机数据库 1 份报告" in window.statusBar().currentMessage()
    shown = window.dialogs[-1]
    assert "有 2 个文件没有存入" in shown.text() and "已定稿，不能修改" in shown.text()  # type: ignore[attr-defined]
    assert "坏.json" in shown.text()  # type: ignore[attr-defined]
    assert _rows(window) == [("温县审计局", desk.FINAL), ("温县财政局", desk.FINAL)]
    audit_id = db.find_report("温县审计局", 2022)
    assert audit_id is not None and db.load_report(audit_id) == audit
    assert "汇总台收取" in (db.history(audit_id)[-1].note or "")
    assert db.load_report(db.find_report("温县财政局", 2022) or 0) == final  # the 定稿 is not changed


def test_the_desk_opened_from_the_main_window_shows_its_database(qtbot: QtBot, db: Database) -> None:
    from tests.qt_helpers import import_seed, open_window

    window = open_window(qtbot, db)
    report_id = import_seed(window)
    window._message.close()
    (entry,) = [a for a in window.menuBar().actions()[0].menu().actions() if a.text() == "汇总台…"]
    entry.trigger()
    (desk_window,) = [w for w in window.findChildren(DeskWindow) if w.isVisible()]
    assert desk_window.actions_by_name["本机数据库"].isEnabled()
    desk_window.actions_by_name["本机数据库"].trigger()
    desk_window.year_box.setValue(db.load_report(report_id).year)
    assert [(r.agency, r.report_id) for r in desk_window.board.rows] == [
        (db.load_report(report_id).agency, report_id)
    ]


def _last_message(window: DeskWindow) -> str:
    boxes = [d for d in window.dialogs if isinstance(d, QMessageBox)]
    return boxes[-1].text()


def test_typed_code_answer_says_what_a_short_code_cannot_rule_out(qtbot: QtBot, tmp_path: Path) -> None:
    inbox = tmp_path / "收件"
    inbox.mkdir()
    report = distinct_report("温县财政局", 2022, base=17)
    write_report(report, inbox / "财政.json")
    window = _window(qtbot)
    _received(qtbot, window, inbox)
    window.select("温县财政局")

    assert window.confirm_selected(fingerprint(report)) is True
    short = _last_message(window)
    assert SHORT_CODE_LIMIT in short and "内容相符" not in short
    assert "内容相符" not in window.statusBar().currentMessage()

    window.select("温县财政局")
    assert window.confirm_selected(full_fingerprint(report)) is True  # the code under the QR is accepted
    assert "完整校验码相符" in _last_message(window)
    assert [r.confirmed for r in window.board.rows if r.agency == "温县财政局"] == [True]

    window.select("温县财政局")
    assert window.confirm_selected("0000-0000-0000") is False
    assert _last_message(window).startswith("温县财政局：不一致")


def test_with_no_roster_the_board_says_no_report_is_off_it(qtbot: QtBot, db: Database) -> None:
    """Before a roster is read, every row of the board said 「不在名单中」; with one, the rows off it do."""
    for n, agency in enumerate(("温县财政局", "温县水利局")):
        db.create_report(distinct_report(agency, 2022, base=3 + 29 * n))
    window = _window(qtbot, db)
    window.year_box.setValue(2022)
    window.open_database()
    notes = len(desk.BOARD_HEADERS) - 1

    def shown() -> dict[str, str]:
        model = window.model
        return {model.item(r, 0).text(): model.item(r, notes).text() for r in range(model.rowCount())}

    assert shown() == {"温县财政局": "", "温县水利局": ""}
    window.session.memory.roster = desk.Roster.of(["温县财政局"])
    window.rebuild()
    assert shown() == {"温县财政局": "", "温县水利局": "不在名单中"}
