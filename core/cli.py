"""The command line (exchange-format.md): `check`, `pdf`, `verify`, `db …`. No Qt is imported here.

Every command returns an exit status. A `UserError` becomes a one-line Chinese message on stderr and
exit status 2; anything unexpected is logged with its traceback and reported in one Chinese line.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from core.errors import UserError
from core.exchange import read_report
from core.logs import setup_logging
from core.rules import check

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3

log = logging.getLogger(__name__)

Command = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is explained in Chinese (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNUSABLE, f"命令行参数有误：{message}\n")


def cmd_check(args: argparse.Namespace) -> int:
    report = read_report(args.report)
    previous = read_report(args.previous) if args.previous else None
    findings = check(report, previous)
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    if args.json:
        out = {"errors": errors, "warnings": warnings, "findings": [f.as_json() for f in findings]}
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        for f in findings:
            print(f"{f.severity} {f.rule} {' '.join(f.cells)}: {f.message}")
        print(f"共 {errors} 处错误，{warnings} 处提示。")
    return EXIT_FINDINGS if errors else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="main.py", description="年报助手：政府信息公开工作年度报告。不带参数时启动桌面程序。"
    )
    parser.add_argument("--db", type=Path, help="数据库文件路径（默认在用户数据文件夹中；可放在U盘上）")
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    p = commands.add_parser("check", help="核对报告文件中的数字")
    p.add_argument("report", type=Path, metavar="REPORT.json")
    p.add_argument("--previous", type=Path, metavar="LAST_YEAR.json", help="上一年度的报告，用于跨年核对")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    p.set_defaults(run=cmd_check)
    return parser


def run(argv: Sequence[str]) -> int:
    """Parse and run one command; never lets a traceback reach the user."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # a GBK console must not crash on a rare character
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_UNUSABLE
    try:
        result: int = args.run(args)
        return result
    except UserError as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception:
        log_file = setup_logging()
        log.exception("command %s failed", args.command)
        print(f"程序内部出错，未能完成。详细信息已记录在日志文件：{log_file}", file=sys.stderr)
        return EXIT_INTERNAL
