"""A city's collection desk: the board of a year of 2,000 reports (¼ 定稿) and their 汇总, per checkout.

    uv run python -m benchmarks.bench_desk_year [--reports 2000] [--runs 7] [--root TREE …]

For each checkout given with `--root` (default: this one; give the old one and the new one to compare)
a child process builds, with that checkout's own storage, a database holding REPORTS reports of 2021
(distinct numbers, every fourth one 定稿) and as many of 2020, then times, RUNS times each, median of
wall and CPU:
- the board of 2021 (`desk.database_board`), as the desk window shows it on opening;
- the 汇总 of 2021 as the desk makes it (`desk.add_up_stored` where the checkout has it, else `add_up`
  over `load_reports`);
- `desk --db --sum`'s path (the dialog's own, figures first and codes off the GUI thread, is timed by
  `bench_sum_dialog`): the whole `SumResult` with the list of included
  reports and their 校验码, on opening and on one tick after (`desk.make_stored_sum` where the checkout
  has it, keeping the drafts' codes between ticks; else `make_sum` over `standing_reports`).
The children take turns (one round of timing each, RUNS rounds), so that machine load favours none.
The goal (issue 22) is at most 100 ms for each. Bytecode is compiled (PYTHONPYCACHEPREFIX).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from benchmarks.side_by_side import in_turns, installed, parse_with_roots

# Runs inside a checkout: build the database, then time one round per line read on stdin.
_CHILD = """
import contextlib, json, sys, time
sys.path.insert(0, {root!r})
from core import desk
from core.storage import Database
from tests.helpers import distinct_report

db = Database.open({db!r})
db._conn.execute("PRAGMA synchronous = OFF")  # building is not timed: no sync per report
with db.batch() if hasattr(db, "batch") else contextlib.nullcontext():
    for year in (2020, 2021):
        for a in range({reports}):
            report_id = db.create_report(distinct_report(f"测试市第{{a:04d}}局", year, base=a + year % 7))
            if a % 4 == 0:
                db.set_status(report_id, "final")
db._conn.execute("PRAGMA synchronous = FULL")
db.list_reports()  # every count kept before timing
roster = [f"测试市第{{a:04d}}局" for a in range({reports})]

def board():
    return desk.database_board(db, 2021, roster)

def total():
    ids = [r.report_id for r in desk.database_board(db, 2021).rows]
    started = (time.perf_counter(), time.process_time())  # the sum only, not the board it starts from
    if hasattr(desk, "add_up_stored"):
        desk.add_up_stored(db, ids, "测试市", 2021)
    else:
        desk.add_up(list(db.load_reports(ids).values()), "测试市", 2021)
    return started

def dialog():
    # the 汇总 dialog over the database: opening it (every report ticked) and one tick after
    board = desk.database_board(db, 2021, roster)
    rows = [r for r in board.rows if r.report_id is not None]
    start = (time.perf_counter(), time.process_time())
    if hasattr(desk, "make_stored_sum"):
        codes = {{}}
        desk.make_stored_sum(db, rows, "测试市", 2021, board.missing, codes)
        opened = (time.perf_counter() - start[0], time.process_time() - start[1])
        start = (time.perf_counter(), time.process_time())
        desk.make_stored_sum(db, rows[1:], "测试市", 2021, board.missing, codes)
    elif not hasattr(desk, "make_sum"):  # a checkout from before the 汇总 dialog's list of reports
        return None, None
    else:
        reports = desk.standing_reports(board, db)
        desk.make_sum(rows, reports, "测试市", 2021, board.missing)
        opened = (time.perf_counter() - start[0], time.process_time() - start[1])
        start = (time.perf_counter(), time.process_time())
        desk.make_sum(rows[1:], reports, "测试市", 2021, board.missing)
    return opened, (time.perf_counter() - start[0], time.process_time() - start[1])

print("ready", flush=True)
for line in sys.stdin:
    start = (time.perf_counter(), time.process_time())
    board()
    board_times = (time.perf_counter() - start[0], time.process_time() - start[1])
    start = total()
    sum_times = (time.perf_counter() - start[0], time.process_time() - start[1])
    opened, ticked = dialog()
    print(json.dumps({{"board": board_times, "sum": sum_times, "open": opened, "tick": ticked}}), flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args, roots = parse_with_roots(parser)
    with tempfile.TemporaryDirectory() as tmp:
        children = [
            (root, _CHILD.format(root=str(root), db=str(Path(tmp) / f"d{n}.sqlite3"), reports=args.reports))
            for n, root in enumerate(roots)
        ]
        samples = in_turns(children, installed(tmp), args.runs)
    print(f"{args.reports} reports of 2021 (¼ 定稿) and as many of 2020; {args.runs} runs; "
          f"load average {os.getloadavg()[0]:.1f}; bytecode compiled")  # fmt: skip
    for root, runs in zip(roots, samples, strict=True):
        print(f"  {root}:")
        for what, label in (
            ("board", "board of 2021"),
            ("sum", "汇总 of 2021"),
            ("open", "汇总 dialog opened (sum, included list with codes, blanks)"),
            ("tick", "汇总 dialog, one report unticked"),
        ):
            if runs[0][what] is None:
                print(f"    {label}: not in this checkout")
                continue
            wall = statistics.median(r[what][0] for r in runs) * 1000
            cpu = statistics.median(r[what][1] for r in runs) * 1000
            print(f"    {label}: {wall:.0f} ms wall, {cpu:.0f} ms CPU (goal ≤ 100 ms)")


if __name__ == "__main__":
    main()
