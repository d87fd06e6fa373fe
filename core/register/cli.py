"""`register import | table | due | fill` (docs/register.md «Command line»): exit 0, 1 (rows rejected or
requests that cannot be counted), 2 (an unusable file). core/cli/commands.py adds these commands to its
parser."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.errors import UserError

EXIT_OK, EXIT_REJECTED = 0, 1


def _reading(args: argparse.Namespace) -> Any:
    """The database, read-only (`table`, `due`), and the agency's register in it."""
    from core.ops.opening import open_to_read
    from core.register.ops import Register

    db = open_to_read(args.db)
    return db, Register(db, args.agency)


@contextlib.contextmanager
def _writing(args: argparse.Namespace, create: bool = False) -> Iterator[Any]:
    """The database under the one-writer lock (`import`, `fill`), and the agency's register in it."""
    from core.ops.opening import open_to_write
    from core.register.ops import Register

    with open_to_write(args.db, create=create) as db:
        yield db, Register(db, args.agency)


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=1))


def cmd_import(args: argparse.Namespace) -> int:
    from core.register.ledger import preview

    found = preview(args.file)  # an unusable file: UserError, exit 2, no database made
    with _writing(args, create=True) as (_db, register):
        outcome = register.import_ledger(found)
    if args.json:
        _print_json(outcome.as_json())
    else:
        for r in outcome.rejected:
            print(f"第 {r.row} 行「{r.column}」“{r.value}”：{r.why}", file=sys.stderr)
        print(f"导入 {outcome.imported} 件，更新 {outcome.updated} 件，未导入 {len(outcome.rejected)} 行。")
    return EXIT_REJECTED if outcome.rejected else EXIT_OK


def cmd_table(args: argparse.Namespace) -> int:
    from core.register.model import CASES, FORWARD, NEW, REQUESTS

    db, register = _reading(args)
    with db:
        count = register.count(args.year)
    out = {
        REQUESTS: count.table(REQUESTS),
        CASES: count.table(CASES),
        "problems": [p.as_json() for p in count.problems],
    }
    if args.json:
        _print_json(out)
    else:
        for p in count.problems:
            print(f"{p.number}：{p.why}", file=sys.stderr)
        table = out[REQUESTS]
        print(f"{args.year} 年：新收 {table[NEW]['total']} 件，结转下年 {table[FORWARD]['total']} 件。")
    return EXIT_REJECTED if count.problems else EXIT_OK


def cmd_due(args: argparse.Namespace) -> int:
    on = _day(args.on)
    db, register = _reading(args)
    with db:
        due = register.due(on)
    out = [
        {
            "number": r.number,
            "received": r.received.isoformat(),
            "due": d.due.isoformat() if d.due else None,
            "working_days_left": d.working_days_left,
            "overdue": d.overdue,
            "calendar": d.calendar.value,
        }
        for r, d in due
    ]
    if args.json:
        _print_json(out)
    else:
        for r, d in due:
            when = f"答复期限 {d.due}" if d.due else "等待补正"
            print(f"{r.number}  收到 {r.received}  {when}  {d.calendar.chinese}")
    return EXIT_OK


def cmd_fill(args: argparse.Namespace) -> int:
    from core.register.report_link import fill

    with _writing(args) as (db, register):
        try:
            outcome = fill(db, register, args.year)
        except UserError as exc:
            print(exc.message, file=sys.stderr)
            return EXIT_REJECTED
    made = "新建并" if outcome.created else ""
    changed = "写入" if outcome.revision is not None else "核对（数字本已相同）"
    print(f"已{made}{changed} “{register.agency}”{args.year} 年度报告的第三、四部分表格（由台账生成）。")
    return EXIT_OK


def _day(text: str) -> dt.date:
    from core.register.values import in_register_years

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"“{text}”不是 YYYY-MM-DD 格式的日期。") from None
    return in_register_years(day)


def add_commands(
    commands: argparse._SubParsersAction[Any], parser_class: type[argparse.ArgumentParser]
) -> None:
    """`register …` under the app's command line."""
    db_option = parser_class(add_help=False)
    db_option.add_argument(
        "--db", type=Path, default=argparse.SUPPRESS, metavar="PATH", help="数据库文件路径"
    )
    agency = parser_class(add_help=False)
    agency.add_argument("--agency", required=True, metavar="NAME", help="机关名称")
    p = commands.add_parser(
        "register", parents=[db_option], help="依申请公开登记台账：导入、统计、期限、生成表格"
    )
    sub = p.add_subparsers(dest="register_command", metavar="操作", required=True, parser_class=parser_class)
    s = sub.add_parser("import", parents=[db_option, agency], help="导入本机关的台账（.xlsx 或 .csv）")
    s.add_argument("file", type=Path, metavar="FILE.xlsx|.csv")
    s.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    s.set_defaults(run=cmd_import)
    s = sub.add_parser("table", parents=[db_option, agency], help="由台账统计某年的第三、四部分表格")
    s.add_argument("--year", required=True, type=int, metavar="Y", help="年度，如 2026")
    s.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    s.set_defaults(run=cmd_table)
    s = sub.add_parser("due", parents=[db_option, agency], help="列出办理中的申请及其答复期限")
    s.add_argument("--on", required=True, metavar="YYYY-MM-DD", help="按哪一天计算")
    s.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    s.set_defaults(run=cmd_due)
    s = sub.add_parser("fill", parents=[db_option, agency], help="把台账统计的表格写入该年度报告")
    s.add_argument("--year", required=True, type=int, metavar="Y", help="年度，如 2026")
    s.set_defaults(run=cmd_fill)
