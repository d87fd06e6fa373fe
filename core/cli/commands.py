"""The command line (exchange-format.md): `check`, `pdf`, `verify`, `db …`. No Qt is imported here.

Every command returns an exit status. A `UserError` becomes a one-line Chinese message on stderr and
exit status 2; anything unexpected is logged with its traceback and reported in one Chinese line.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli.parser import EXIT_UNUSABLE, ChineseArgumentParser
from core.documents.exchange import dumps, read_report, write_report
from core.errors import UserError
from core.paths import default_db_path
from core.rules.table import check, severity_counts

if TYPE_CHECKING:
    from core.desk import Board, DeskSession
    from core.model.report import Report
    from core.storage import Database

EXIT_OK, EXIT_FINDINGS, EXIT_INTERNAL = 0, 1, 3  # EXIT_UNUSABLE (2): also argparse's, in core/cli/parser.py

log = logging.getLogger(__name__)

Command = Callable[[argparse.Namespace], int]


_Parser = ChineseArgumentParser


def cmd_check(args: argparse.Namespace) -> int:
    report = read_report(args.report)
    previous = read_report(args.previous) if args.previous else None
    if previous is not None:  # any file is accepted; say so when it does not look like last year's
        if previous.agency.strip() != report.agency.strip():
            print(
                f"注意：上一年度报告的机关是“{previous.agency}”，与本报告的“{report.agency}”不同；仍按它核对。",
                file=sys.stderr,
            )
        if previous.year != report.year - 1:
            print(
                f"注意：上一年度报告是 {previous.year} 年度的，不是 {report.year - 1} 年度；仍按它核对。",
                file=sys.stderr,
            )
    findings = check(report, previous)
    errors, warnings = severity_counts(findings)
    if args.json:
        out = {"errors": errors, "warnings": warnings, "findings": [f.as_json() for f in findings]}
        if previous is not None:  # offices are scored on it, whether TEXT.COPIED fires or not
            from core.rules.text import repeat_rate

            out["repeat_rate"] = repeat_rate(report, previous)
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        for f in findings:
            print(f"{f.severity} {f.rule} {' '.join(f.cells)}: {f.message}")
        print(f"共 {errors} 处错误，{warnings} 处提示。")
    return EXIT_FINDINGS if errors else EXIT_OK


def cmd_pdf(args: argparse.Namespace) -> int:
    from core.documents.pdf.coverage import describe_characters  # only pdf loads ReportLab
    from core.documents.pdf.fonts import font_notes, resolve_fonts
    from core.documents.pdf.render import write_pdf

    report = read_report(args.report)
    output = args.output or args.report.with_suffix(".pdf")
    missing = write_pdf(report, output)  # a report file carries no 定稿 status: always a draft
    print(f"已生成打印文件（草稿）：{output}")
    print("\n".join(font_notes(resolve_fonts())))  # which faces printed it, and a missing 仿宋
    if missing:  # the draft is still useful; the 定稿 is refused until this is resolved
        print(
            f"注意：有 {len(missing)} 个字符本机没有字体能够打印，打印件上会缺字："
            f"{describe_characters(missing)}。请改用其他写法，或安装含有这些字的字体后重新生成。",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from core.documents.write import SUFFIXES, export  # only export loads python-docx and XlsxWriter

    report = read_report(args.report)
    export(report, args.output)  # a report file carries no 定稿 status: no 校验码
    print(f"已导出（{SUFFIXES.get(args.output.suffix.lower(), '文件')}）：{args.output}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from core.documents.fingerprint import check_code, fingerprint, parse_code, printed_code

    report = read_report(args.report)
    code = "".join(args.code)
    parse_code(code)  # a code that cannot be one is an unusable input, not a mismatch
    result = check_code(report, code)
    if result.matches:  # the code on the paper, which may be an older version's, not the file's own
        print(f"校验码一致：打印件（校验码 {printed_code(code)}）与这份报告文件的内容相符。{result.proves}")
        return EXIT_OK
    own = fingerprint(report)
    print(f"校验码不一致：打印件上的校验码 {code} 与这份报告文件的内容不符（本文件的校验码为 {own}）。")
    return EXIT_FINDINGS


def cmd_import(args: argparse.Namespace) -> int:
    from core.documents.read import read_file  # only import loads the readers

    previous = read_report(args.previous) if args.previous else None  # settles digits run together
    imported = read_file(args.file, previous=previous)
    write_report(imported.report, args.output)
    if args.json:
        print(json.dumps(imported.as_json(), ensure_ascii=False, indent=1))
    else:
        print(f"已导入：{imported.report.title} → {args.output}")
        print(f"没有把握的格 {len(imported.doubtful)} 个，没有读到的格 {len(imported.unread)} 个。")
        for note in imported.notes:
            print(f"  {note}")
    return EXIT_FINDINGS if imported.doubtful or imported.unread else EXIT_OK


def cmd_sum(args: argparse.Namespace) -> int:
    from core.desk import add_up
    from core.desk.names import normalize_name, one_line

    reports = []
    for path in args.reports:
        try:
            reports.append(read_report(path))
        except UserError as exc:
            raise UserError(f"“{path}”不能汇总：{exc.message}") from None
        if reports[-1].year != args.year:
            raise UserError(f"“{path}”是 {reports[-1].year} 年度的报告，不是 {args.year} 年度，不能汇总。")
    seen: dict[str, Path] = {}
    for path, report in zip(args.reports, reports, strict=True):
        earlier = seen.setdefault(normalize_name(report.agency), path)
        if earlier != path and not args.allow_same_agency:
            raise UserError(
                f"“{earlier}”和“{path}”都是“{one_line(report.agency)}”的报告，汇总会把它算两次。"
                "如确需一起汇总，请加 --allow-same-agency。"
            )
    write_report(add_up(reports, args.agency.strip(), args.year), args.output)
    print(f"已汇总 {len(reports)} 份报告 → {args.output}")
    return EXIT_OK


def cmd_desk(args: argparse.Namespace) -> int:
    """The board of a folder or of the database (`--db`); exit 1 when a report has errors, one is
    missing, a file is unusable or two files conflict."""
    from core.desk import DeskSession
    from core.logs import setup_logging

    setup_logging()  # the readers' warnings go to the log file, never to the console in English
    db_path: Path | None = getattr(args, "db", None)
    if (args.folder is None) == (db_path is None):
        raise UserError("请给出收件文件夹，或用 --db 指定数据库（二者只选一个）。")
    if db_path is None:
        session = DeskSession.of_folder(args.folder)
        if args.roster:
            session.use_roster_file(args.roster)
        session.read()
        return _show_desk(args, session, session.board(args.year), None)
    session = DeskSession.of_database(db_path)
    if args.roster:
        session.use_roster_file(args.roster)
    with _open_db(args) as db:
        return _show_desk(args, session, session.board(args.year, db), db)


def _show_desk(args: argparse.Namespace, session: DeskSession, board: Board, db: Database | None) -> int:
    from core.desk import MISSING, BoardFilter
    from core.desk.names import one_line

    columns = session.roster_columns
    if args.sum:
        result = session.sum(board, "本级汇总", None if db is not None else session.reports(board), db)
        from core.desk.sums import write_sum

        write_sum(result, args.sum)
    if args.json:
        out = board.as_json() | {
            "roster": [{"agency": name, "columns": columns.get(name, {})} for name in session.roster],
            "notes": session.notes,
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        for note in session.notes:
            print(note)
        if board.partial_note:
            print(board.partial_note)
        for row in board.rows:
            contact = "\t".join(one_line(f"{k} {v}") for k, v in columns.get(row.agency, {}).items())
            if row.received is None and row.report_id is None:
                print(one_line(row.agency) + f"\t{row.status}" + (f"\t{contact}" if contact else ""))
            else:
                counts = f"错误 {row.errors}\t提示 {row.warnings}"
                where = row.file if row.file else "数据库"
                print(
                    one_line(f"{row.agency}")
                    + f"\t{row.status}\t{counts}\t{row.fingerprint or ''}\t"
                    + one_line(where)
                )
            for note in row.remarks:
                print(f"  {one_line(note)}")
        for bad in board.unusable:
            print(f"不能使用“{one_line(bad.file)}”：{one_line(bad.reason)}")
        for aside in board.sums:
            print(f"未计入“{one_line(aside.file)}”：{aside.reason}")
        print(board.summary(session.roster))
        if args.sum:
            print(f"已汇总 {len(result.contents.reports)} 份报告 → {args.sum}（{result.blanks_note}）")
    trouble = bool(board.unusable) or board.count(MISSING) + board.count(BoardFilter.ERRORS) > 0
    trouble = trouble or board.count(BoardFilter.CONFLICT) > 0 or board.partial is not None
    return EXIT_FINDINGS if trouble else EXIT_OK


# ---------------------------------------------------------------- db: the app's own database


def _open_db(args: argparse.Namespace) -> Database:
    """The database for a command that only reads (list, check, export, backup): read-only, no lock."""
    from core.ops.opening import open_to_read  # only the db commands pay for loading the storage layer

    return open_to_read(args.db)


def _writing_db(args: argparse.Namespace) -> contextlib.AbstractContextManager[Database]:
    """The database for a command that writes, under the one-writer lock (`core.ops.opening`)."""
    from core.ops.opening import open_to_write

    return open_to_write(args.db)


IMPORT_BATCH = 200  # files stored per transaction: one sync to disk each, and memory flat in the count


def cmd_db_import(args: argparse.Namespace) -> int:
    """Every file listed, each on its own: a bad file is named with its reason and the rest go on.
    Streamed (read, store, forget) in transactions of `IMPORT_BATCH` files, each said after it is kept."""
    unusable: list[tuple[Path, str]] = []
    reports = _readable(args.reports, unusable)
    first = next(reports, None)
    if first is not None:  # no database is made for files that are all unusable
        pending = itertools.chain([first], reports)
        with _writing_db(args) as db:
            while batch := list(itertools.islice(pending, IMPORT_BATCH)):
                said = []
                with db.batch():
                    for path, report in batch:
                        try:
                            said.append(_import_one(db, report))
                        except UserError as exc:  # e.g. the stored report is 定稿
                            unusable.append((path, exc.message))
                if said:
                    print("\n".join(said))
    for path, reason in unusable:
        print(f"未导入“{path}”：{reason}", file=sys.stderr)
    total = len(args.reports)
    if total > 1:
        print(f"共 {total} 个文件：{total - len(unusable)} 个已处理，{len(unusable)} 个不能导入。")
    return EXIT_UNUSABLE if unusable else EXIT_OK


def _readable(paths: Sequence[Path], unusable: list[tuple[Path, str]]) -> Iterator[tuple[Path, Report]]:
    """Each file's report, read when asked for; a file that cannot be read goes to `unusable`."""
    for path in paths:
        try:
            yield path, read_report(path)
        except UserError as exc:
            unusable.append((path, exc.message))


def _import_one(db: Database, report: Report) -> str:
    from core.ops.library import Library  # the same import as the window's

    imported = Library(db).import_report(report)
    if imported.created:
        return f"已导入：{report.title}（新建，编号 {imported.report_id}）。"
    if imported.changed:
        return f"已导入：{report.title}（库中已有这份报告，记为一次新的修改，可在历史中查看和恢复）。"
    return f"库中的{report.title}与文件内容相同，没有改动。"


def cmd_db_export(args: argparse.Namespace) -> int:
    with _open_db(args) as db:
        report_id = db.find_report(args.agency, args.year)
        if report_id is None:
            raise UserError(f"数据库中没有“{args.agency.strip()}”的 {args.year} 年度报告。")
        report = db.load_report(report_id)
    if args.output:
        write_report(report, args.output)
        print(f"已导出到 {args.output}。")
    else:  # UTF-8 bytes whatever the console's code page, so `> file.json` is a valid report file
        sys.stdout.flush()
        sys.stdout.buffer.write(dumps(report).encode("utf-8"))
        sys.stdout.buffer.flush()
    return EXIT_OK


def cmd_db_list(args: argparse.Namespace) -> int:
    from core.ops.library import Library
    from core.rules.summary import STATUS_NAMES

    with _open_db(args) as db:
        summaries = Library(db).reports()  # counted again where the content changed
    if not summaries:
        print("数据库中还没有报告。")
    for s in summaries:
        print(
            f"{s.agency}\t{s.year}\t{STATUS_NAMES[s.status]}\t错误 {s.errors}\t提示 {s.warnings}\t"
            f"{s.updated_at:%Y-%m-%d %H:%M}"
        )
    return EXIT_OK


def cmd_db_check(args: argparse.Namespace) -> int:
    with _open_db(args) as db:
        problems, version, settings = db.integrity_check(), db.schema_version(), db.settings()
    print(f"数据库：{db.path}")
    print(f"结构版本：{version}")
    print(f"日志模式：{str(settings['journal_mode']).upper()}，同步写入：{settings['synchronous']}")
    problems += [db.recovery_note] if db.recovery_note else []
    if problems:
        print(f"完整性检查：发现 {len(problems)} 个问题")
        for problem in problems:
            print(f"  {problem}")
        return EXIT_FINDINGS
    print("完整性检查：通过")
    return EXIT_OK


def cmd_db_backup(args: argparse.Namespace) -> int:
    with _open_db(args) as db:
        db.backup(args.output)
    print(f"已备份到 {args.output}。")
    return EXIT_OK


def cmd_db_restore(args: argparse.Namespace) -> int:
    from core.ops.backups import restore_backup
    from core.storage.instance_lock import InstanceLock

    db_path = Path(args.db or default_db_path())
    with InstanceLock(db_path) as lock:
        if not lock.acquire():
            raise UserError("年报助手正在使用这个数据库，请先关闭程序，再恢复备份。")
        safety = restore_backup(args.backup, db_path)
    print(f"已用备份“{args.backup}”恢复数据库 {db_path}。")
    if safety:
        print(f"恢复前的数据库已另存为 {safety}。")
    return EXIT_OK


def _add_db_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    # SUPPRESS: a subcommand's own default must not overwrite `main.py --db PATH db …`
    db_option = _Parser(add_help=False)
    db_option.add_argument(
        "--db", type=Path, default=argparse.SUPPRESS, metavar="PATH", help="数据库文件路径"
    )
    p = commands.add_parser("db", parents=[db_option], help="本机数据库：导入、导出、列出、检查、备份、恢复")
    sub = p.add_subparsers(dest="db_command", metavar="操作", required=True, parser_class=_Parser)
    s = sub.add_parser(
        "import", parents=[db_option], help="把报告文件存入数据库（已有同一机关同一年度的则记为新修改）"
    )
    s.add_argument("reports", type=Path, nargs="+", metavar="FILE", help="一个或多个报告文件")
    s.set_defaults(run=cmd_db_import)
    s = sub.add_parser("export", parents=[db_option], help="把数据库中的一份报告导出为报告文件")
    s.add_argument("--agency", required=True, metavar="NAME", help="机关名称")
    s.add_argument("--year", required=True, type=int, metavar="N", help="年度，如 2021")
    s.add_argument("-o", "--output", type=Path, metavar="OUT.json", help="输出文件（不写则输出到屏幕）")
    s.set_defaults(run=cmd_db_export)
    s = sub.add_parser("list", parents=[db_option], help="列出数据库中的报告")
    s.set_defaults(run=cmd_db_list)
    s = sub.add_parser("check", parents=[db_option], help="检查数据库文件是否完好")
    s.set_defaults(run=cmd_db_check)
    s = sub.add_parser("backup", parents=[db_option], help="把数据库完整复制一份（程序打开时也可以）")
    s.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="备份文件")
    s.set_defaults(run=cmd_db_backup)
    s = sub.add_parser("restore", parents=[db_option], help="用备份文件恢复数据库（先另存当前数据库）")
    s.add_argument("backup", type=Path, metavar="FILE", help="备份文件")
    s.set_defaults(run=cmd_db_restore)


def _add_desk_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    p = commands.add_parser("sum", help="把同一年度的多份报告逐格相加，汇总为一份报告文件")
    p.add_argument("reports", type=Path, nargs="+", metavar="FILE", help="要汇总的报告文件")
    p.add_argument("--agency", required=True, metavar="NAME", help="汇总报告的机关名称")
    p.add_argument("--year", required=True, type=int, metavar="N", help="年度，如 2021")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.json", help="输出的报告文件")
    p.add_argument(
        "--allow-same-agency", action="store_true", help="允许同一单位的多份报告一起汇总（否则拒绝）"
    )
    p.set_defaults(run=cmd_sum)
    p = commands.add_parser("desk", help="汇总台：列出文件夹（或数据库）中各单位的报告、状态、错误和校验码")
    p.add_argument("folder", type=Path, nargs="?", metavar="FOLDER", help="收到的报告所在的文件夹")
    p.add_argument(
        "--db", type=Path, default=argparse.SUPPRESS, metavar="PATH", help="用本机数据库代替文件夹"
    )
    p.add_argument(
        "--roster", type=Path, metavar="ROSTER.csv|.xlsx", help="应报单位名单（有表头时按“单位名称”列）"
    )
    p.add_argument("--year", required=True, type=int, metavar="N", help="年度，如 2021")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    p.add_argument(
        "--sum", type=Path, metavar="OUT.json", help="把表中计入的报告汇总，写入这个文件（标为汇总）"
    )
    p.set_defaults(run=cmd_desk)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="main.py", description="年报助手：政府信息公开工作年度报告。不带参数时启动桌面程序。"
    )
    parser.add_argument(
        "--db", type=Path, metavar="PATH", help="数据库文件路径（默认在用户数据文件夹中；可放在U盘上）"
    )
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    p = commands.add_parser("check", help="核对报告文件中的数字")
    p.add_argument("report", type=Path, metavar="REPORT.json")
    p.add_argument("--previous", type=Path, metavar="LAST_YEAR.json", help="上一年度的报告，用于跨年核对")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    p.set_defaults(run=cmd_check)

    p = commands.add_parser("pdf", help="生成可打印的PDF（草稿）")
    p.add_argument("report", type=Path, metavar="REPORT.json")
    p.add_argument("-o", "--output", type=Path, metavar="OUT.pdf", help="输出文件（不写则与报告文件同名）")
    p.set_defaults(run=cmd_pdf)

    p = commands.add_parser("export", help="导出为 Word（.docx）、Excel（.xlsx）或网页（.html）")
    p.add_argument("report", type=Path, metavar="REPORT.json")
    p.add_argument(
        "-o", "--output", type=Path, required=True, metavar="OUT", help="输出文件，按扩展名选择格式"
    )
    p.set_defaults(run=cmd_export)

    p = commands.add_parser("verify", help="核对打印件上的校验码与报告文件是否相符")
    p.add_argument("report", type=Path, metavar="REPORT.json")
    p.add_argument("code", nargs="+", metavar="CODE", help="打印件页脚的校验码，如 ABCD-EFGH-JKLM")
    p.set_defaults(run=cmd_verify)
    p = commands.add_parser("import", help="读入已发布的报告（Word、PDF、网页、文本），存为报告文件")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.json", help="输出的报告文件")
    p.add_argument("--json", action="store_true", help="以 JSON 列出没有把握和没有读到的格")
    p.add_argument(
        "--previous", type=Path, metavar="LAST_YEAR.json", help="上一年度的报告，用于拆分连在一起的数字"
    )
    p.set_defaults(run=cmd_import)
    _add_desk_commands(commands)
    _add_db_commands(commands)
    from core.register.cli import add_commands as add_register_commands  # standard library only

    add_register_commands(commands, _Parser)
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
    _log_to_file()
    try:
        _check_paths(args)
        result: int = args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's final flush
        return result
    except BrokenPipeError:  # `db list | head -1`: the reader has all it wanted
        _discard_stdout()
        return EXIT_OK
    except UserError as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception:
        from core.logs import setup_logging  # only when something went wrong

        log_file = setup_logging()
        log.exception("command %s failed", args.command)
        print(f"程序内部出错，未能完成。详细信息已记录在日志文件：{log_file}", file=sys.stderr)
        return EXIT_INTERNAL


_INPUTS = ("report", "previous", "file", "reports", "backup", "roster", "db")  # the paths a command reads


def _check_paths(args: argparse.Namespace) -> None:
    """Every input that exists is a regular file (a FIFO or a device would hang or read forever; a folder
    keeps its own message), and no output is one of the inputs (`pdf r.json -o r.json`)."""
    from core.documents.input_files import regular_file, same_file

    inputs: list[Path] = []
    for name in _INPUTS:
        given = getattr(args, name, None)
        inputs += given if isinstance(given, list) else [given] if given is not None else []
    for path in inputs:
        if os.path.exists(path) and not os.path.isdir(path):
            regular_file(path)
    output = getattr(args, "output", None)
    if output is not None and (same := same_file(output, inputs)) is not None:
        raise UserError(f"输出文件“{output}”就是要读取的文件“{same}”，写入会覆盖它。请另选一个输出文件名。")


def _log_to_file() -> None:
    """Library warnings (pdfminer's "Invalid MediaBox…") go to the log file, never to the console in
    English (Python prints a record no handler takes)."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(_LogFileOnDemand())


class _LogFileOnDemand(logging.Handler):
    """Sets the log file up at the first record only, so that a command that logs nothing loads nothing."""

    def emit(self, record: logging.LogRecord) -> None:
        from core.logs import setup_logging

        root = logging.getLogger()
        root.removeHandler(self)
        present = list(root.handlers)  # a log file set up already has this record
        try:
            setup_logging()
        except OSError:  # a read-only profile: the record is lost, not printed
            root.addHandler(logging.NullHandler())
        for handler in root.handlers:
            if handler not in present:
                handler.handle(record)


def _discard_stdout() -> None:
    """Send what is still buffered for a closed pipe nowhere, so that exiting prints no error."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
