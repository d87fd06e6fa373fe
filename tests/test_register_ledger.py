"""An office's ledger brought into the register (`register import` and the preview behind 导入台账…), and
the `register` command line, run as a clerk's script runs it."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import xlsxwriter

from core.register.ledger import header_field, preview
from core.register.model import Request
from core.register.ops import Register
from core.storage import Database
from core.storage.instance_lock import InstanceLock
from tests.helpers import run_main

AGENCY = "温县自然资源局"
HEADERS = [
    "序号",
    "登记编号",
    "受理日期",
    "申请人",
    "申请人类别",
    "申请渠道",
    "申请内容",
    "事项类别",
    "征求意见发出日期",
    "征求意见收到日期",
    "办结日期",
    "答复结果",
]


def write_ledger(path: Path, rows: list[list[object]], headers: list[str] = HEADERS) -> Path:
    """A ledger as offices keep it: a title line, the header, Excel date cells and typed dates mixed
    (also the benchmark's)."""
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("台账")
    date = book.add_format({"num_format": "yyyy年m月d日"})
    sheet.write_string(0, 0, "温县自然资源局2026年政府信息公开申请登记台账")
    for c, text in enumerate(headers):
        sheet.write_string(1, c, text)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return path


ROWS: list[list[object]] = [
    [
        1,
        "ZR-01",
        dt.date(2026, 3, 5),
        "张三",
        "个人",
        "信函",
        "征收补偿",
        "土地征收",
        "",
        "",
        "2026年3月20日",
        "同意公开",
    ],
    [
        2,
        "ZR-02",
        "2026.3.6",
        "某某置业有限公司",
        "企业",
        "网上",
        "规划许可",
        "规划",
        "2026-3-9",
        "2026/3/20",
        "",
        "",
    ],
    [3, "ZR-03", "2026/3/9", "李四", "公民", "当面", "宅基地审批", "", "", "", "20260401", "信息不存在"],
    [4, "ZR-04", "2026-02-30", "王五", "个人", "网络", "拆迁", "", "", "", "", ""],
    [5, "ZR-05", "2026-03-10", "赵六", "法人", "网络", "拆迁", "", "", "", "", ""],
    [
        6,
        "ZR-06",
        "2026-03-11",
        "钱七",
        "律师事务所",
        "电子邮件",
        "执法案卷",
        "",
        "",
        "",
        "2026-03-12",
        "不予公开",
    ],
]


def test_headers_are_found_by_name_the_most_specific_winning() -> None:
    assert header_field("收到日期")[0] == "received"
    assert header_field("征求意见收到日期")[0] == "consult_received"
    assert header_field("受理日期（年月日）")[0] == "received"
    assert header_field("申请人类型")[0] == "applicant"
    assert header_field("申请人")[0] == "applicant_name"
    assert header_field("序号") == (None, 0)
    assert header_field("办结日期")[0] == "answered"


def test_preview_shows_each_column_and_each_distinct_value_once(tmp_path: Path) -> None:
    found = preview(write_ledger(tmp_path / "台账.xlsx", ROWS))
    assert found.header_row == 2
    understood = {found.headers[i]: f for i, f in found.columns.items()}
    assert understood["受理日期"] == "received" and understood["征求意见收到日期"] == "consult_received"
    assert "序号" not in understood
    assert found.samples(2, 3) == ["2026-03-05", "2026.3.6", "2026/3/9"]  # an Excel date cell shown as read
    assert found.values["applicant"] == {
        "个人": "natural_person",
        "企业": "commercial",
        "公民": "natural_person",
        "法人": None,
        "律师事务所": "legal_service",
    }
    assert found.values["result"] == {"同意公开": "3.1", "信息不存在": "3.4.1", "不予公开": None}
    assert found.values["channel"]["信函"] == "邮寄" and found.values["channel"]["网上"] == "网络"


def test_import_lists_unreadable_rows_and_adds_nothing_twice(tmp_path: Path, db_path: Path) -> None:
    ledger = write_ledger(tmp_path / "台账.xlsx", ROWS)
    with Database.open(db_path) as db:
        register = Register(db, AGENCY)
        outcome = register.import_ledger(preview(ledger))
        assert (outcome.imported, outcome.updated) == (3, 0)
        assert [(r.row, r.column, r.value) for r in outcome.rejected] == [
            (6, "受理日期", "2026-02-30"),
            (7, "申请人类别", "法人"),
            (8, "答复结果", "不予公开"),
        ]
        stored = {r.number: r for r in register.requests()}
        assert stored["ZR-01"].received == dt.date(2026, 3, 5)  # an Excel date cell
        assert stored["ZR-01"].answered == dt.date(2026, 3, 20) and stored["ZR-01"].result == "3.1"
        assert stored["ZR-02"].consult_received == dt.date(2026, 3, 20)
        assert stored["ZR-03"].answered == dt.date(2026, 4, 1) and stored["ZR-03"].result == "3.4.1"
        assert stored["ZR-01"].applicant_name == "张三" and stored["ZR-02"].topic == "规划"
        again = register.import_ledger(preview(ledger))
        assert (again.imported, again.updated, again.revision) == (0, 0, None)
        assert len(register.requests()) == 3
        # the clerk says what 法人 and 不予公开 mean here: the rows come in, the rest stays as it was
        found = preview(ledger)
        found.values["applicant"]["法人"] = "commercial"
        found.values["result"]["不予公开"] = "3.3.7"
        third = register.import_ledger(found)
        assert (third.imported, third.updated, [r.row for r in third.rejected]) == (2, 0, [6])
        assert {r.number: r.result for r in register.requests()}["ZR-06"] == "3.3.7"


def test_a_ledger_without_numbers_keys_on_date_and_content(tmp_path: Path, db_path: Path) -> None:
    csv_path = tmp_path / "台账.csv"
    csv_path.write_bytes(
        "收件日期,申请人类型,申请方式,申请内容\n2026-4-1,自然人,当面,甲\n2026-4-2,自然人,邮寄,乙\n".encode(
            "gb18030"
        )
    )
    with Database.open(db_path) as db:
        register = Register(db, AGENCY)
        assert register.import_ledger(preview(csv_path)).imported == 2
        assert register.import_ledger(preview(csv_path)).imported == 0
        assert [r.number for r in register.requests()] == ["2026-001", "2026-002"]


def test_a_ledger_saved_by_excel_for_mac_with_carriage_returns_alone_is_read(
    tmp_path: Path, db_path: Path
) -> None:
    """「CSV (Macintosh)」 ends its lines with a carriage return alone: it was refused as no CSV file."""
    mac = tmp_path / "台账.csv"
    mac.write_bytes(
        "编号,收到日期,申请人类型,申请内容\rZR-1,2026-4-1,自然人,甲\rZR-2,2026-4-2,商业企业,乙\r".encode()
    )
    with Database.open(db_path) as db:
        register = Register(db, AGENCY)
        assert register.import_ledger(preview(mac)).imported == 2
        assert [(r.number, r.received, r.subject) for r in register.requests()] == [
            ("ZR-1", dt.date(2026, 4, 1), "甲"),
            ("ZR-2", dt.date(2026, 4, 2), "乙"),
        ]


def _cli(*args: object) -> subprocess.CompletedProcess[str]:
    return run_main(*args, timeout=120)


def test_command_line_import_table_due_fill(tmp_path: Path, db_path: Path) -> None:
    ledger = write_ledger(tmp_path / "台账.xlsx", ROWS)
    at = ("--agency", AGENCY, "--db", db_path)
    imported = _cli("register", "import", ledger, *at, "--json")
    assert imported.returncode == 1, imported.stderr
    out = json.loads(imported.stdout)
    assert (out["imported"], out["updated"], len(out["rejected"])) == (3, 0, 3)
    assert out["rejected"][0] == {
        "row": 6,
        "column": "受理日期",
        "value": "2026-02-30",
        "why": out["rejected"][0]["why"],
    }
    table = _cli("register", "table", "--year", 2026, *at, "--json")
    assert table.returncode == 0, table.stderr
    counted = json.loads(table.stdout)
    assert counted["requests"]["1"] == {
        "natural_person": 2,
        "commercial": 1,
        "research": 0,
        "social_welfare": 0,
        "legal_service": 0,
        "other": 0,
        "total": 3,
    }
    assert counted["requests"]["3.4.1"]["natural_person"] == 1 and counted["requests"]["4"]["total"] == 1
    assert counted["review_litigation"]["review"]["total"] == 0 and counted["problems"] == []
    due = _cli("register", "due", "--on", "2026-04-01", *at, "--json")
    assert json.loads(due.stdout) == [
        {
            "number": "ZR-02",
            "received": "2026-03-06",
            "due": "2026-04-17",
            "working_days_left": 11,
            "overdue": False,
            "calendar": "official",
        }
    ]  # 20 working days + 9 for the consultation, over 清明
    filled = _cli("register", "fill", "--year", 2026, *at)
    assert filled.returncode == 0, filled.stderr
    with Database.open(db_path) as db:
        report = db.load_report(db.find_report(AGENCY, 2026) or 0)
        assert report.values["requests.1.commercial"] == 1
    unusable = _cli("register", "import", tmp_path / "nothing.xlsx", *at)
    assert unusable.returncode == 2 and "找不到台账文件" in unusable.stderr


def test_register_commands_that_write_wait_for_the_one_writer_lock(tmp_path: Path, db_path: Path) -> None:
    """`register import` and `register fill` write: while the app (or another command) holds the
    database they are refused like every other writing command; `table` and `due` only read."""
    ledger = write_ledger(tmp_path / "台账.xlsx", ROWS)
    at = ("--agency", AGENCY, "--db", db_path)
    assert _cli("register", "import", ledger, *at).returncode == 1  # 3 rows imported, 3 rejected
    with InstanceLock(db_path) as lock:
        assert lock.acquire()
        commands = (("import", ledger), ("fill", "--year", 2026))
        with ThreadPoolExecutor(len(commands)) as pool:  # side by side: each waits the full WRITER_WAIT
            for refused in pool.map(lambda command: _cli("register", *command, *at), commands):
                assert refused.returncode == 2 and "正在使用数据库" in refused.stderr, refused.stderr
        table = _cli("register", "table", "--year", 2026, *at, "--json")
        assert table.returncode == 0 and json.loads(table.stdout)["requests"]["1"]["total"] == 3
    with Database.open(db_path) as db:
        assert db.find_report(AGENCY, 2026) is None  # the refused fill wrote nothing


def test_names_never_leave_in_the_report(tmp_path: Path, db_path: Path) -> None:
    ledger = write_ledger(tmp_path / "台账.xlsx", ROWS)
    at = ("--agency", AGENCY, "--db", db_path)
    _cli("register", "import", ledger, *at)
    _cli("register", "fill", "--year", 2026, *at)
    exported = _cli("db", "export", "--agency", AGENCY, "--year", 2026, "--db", db_path)
    assert exported.returncode == 0, exported.stderr
    for name in ("张三", "李四", "某某置业有限公司"):
        assert name not in exported.stdout
        assert name not in _cli("register", "due", "--on", "2026-04-01", *at, "--json").stdout


@pytest.mark.parametrize("text", ["申请人类别", "受理日期"])
def test_a_ledger_without_its_header_is_unusable(tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.csv"
    path.write_text(f"{text},备注\n1,2\n", encoding="utf-8")
    from core.errors import UserError

    with pytest.raises(UserError, match="找不到台账的表头"):
        preview(path)


def test_command_line_names_requests_that_cannot_be_counted(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from core.cli.commands import run

    with Database.open(db_path) as db:
        register = Register(db, AGENCY)
        register.register(Request("ZR-9", dt.date(2026, 3, 2), "natural_person", "甲"))
        with db._write():  # as an older program could leave it: answered, no result
            db._conn.execute("UPDATE register_requests SET answered = '2026-03-09'")
    at = ["--agency", AGENCY, "--db", str(db_path)]
    assert run(["register", "table", "--year", "2026", *at, "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["problems"] == [
        {"number": "ZR-9", "why": "已答复但没有办理结果"}
    ]
    assert run(["register", "fill", "--year", "2026", *at]) == 1
    assert "ZR-9：已答复但没有办理结果" in capsys.readouterr().err
    with Database.open(db_path) as db:
        assert db.find_report(AGENCY, 2026) is None


def test_a_ledger_that_is_not_a_bounded_regular_csv_is_refused_in_plain_words(tmp_path: Path) -> None:
    from core.errors import UserError
    from core.register.ledger import MAX_LEDGER_BYTES

    huge = tmp_path / "台账.csv"
    with huge.open("wb") as f:  # sparse: all NUL bytes, no disk used
        f.truncate(MAX_LEDGER_BYTES + 1)
    with pytest.raises(UserError, match=r"台账文件“台账\.csv”太大.*不像是登记台账"):
        preview(huge)
    folder = tmp_path / "文件夹.csv"
    folder.mkdir()
    with pytest.raises(UserError, match="是一个文件夹"):
        preview(folder)
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK not a workbook")
    with pytest.raises(UserError, match=r"台账文件“坏\.xlsx”不是有效的 Excel（\.xlsx）文件"):
        preview(broken)
    empty = tmp_path / "空.xlsx"
    with zipfile.ZipFile(empty, "w") as book:
        book.writestr("docProps/app.xml", "<Properties/>")
    with pytest.raises(UserError, match=r"台账文件“空\.xlsx”中没有工作表"):
        preview(empty)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(b"\xff\xfe\xfd")
    with pytest.raises(UserError, match=r"台账文件“gbk\.csv”的编码无法识别"):
        preview(gbk)


def test_a_csv_whose_quote_never_closes_is_refused_in_plain_words_by_the_ledger_and_the_roster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cell opened with a quote that is never closed runs to the end of the file; past the csv module's
    limit of 131,072 characters that was an internal error (the command exited 3, the window crashed)."""
    from core.cli.commands import run
    from core.desk.roster_file import read_roster
    from core.errors import UserError

    body = "".join(f"{n},2026-01-05,自然人,申请{n}\n" for n in range(9000))  # 0.2 MB after the quote
    for name, read in (("台账", preview), ("名单", read_roster)):
        path = tmp_path / f"{name}.csv"
        path.write_text(
            f'编号,收到日期,申请人类型,申请内容\n1,2026-01-05,自然人,"关于某事\n{body}', encoding="gbk"
        )
        with pytest.raises(
            UserError, match=rf"{name}文件“{name}\.csv”不是有效的 CSV 文件.*引号（\"）没有配对"
        ):
            read(path)
    database = str(tmp_path / "库.sqlite3")
    assert run(["register", "import", "--db", database, "--agency", AGENCY, str(tmp_path / "台账.csv")]) == 2
    assert "不是有效的 CSV 文件" in capsys.readouterr().err


def test_a_ledger_workbook_that_unpacks_beyond_any_ledger_is_refused(tmp_path: Path) -> None:
    """A zip bomb: a file of a few hundred KB whose sheet unpacks past the bound is not parsed."""
    from core.errors import UserError
    from core.register.ledger import MAX_LEDGER_UNPACKED

    for part in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"):
        bomb = tmp_path / "炸弹.xlsx"
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as book:
            if part != "xl/worksheets/sheet1.xml":
                book.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
            book.writestr(part, b"<a>" + b" " * MAX_LEDGER_UNPACKED + b"</a>")
        assert bomb.stat().st_size < 1_000_000
        with pytest.raises(UserError, match=r"台账文件“炸弹\.xlsx”解压后太大，不像是登记台账"):
            preview(bomb)
