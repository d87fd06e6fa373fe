"""The register's three numbers (issue 21): import of a 5,000-row ledger (target ≤ 3 s), counting a year of
5,000 requests (≤ 100 ms), and a keystroke in the register window's list of 10,000 requests (≤ 16 ms).

- import: a .xlsx ledger as offices write it (a title line, Chinese headers, Excel date cells and typed
  dates, short forms such as 个人 / 信函 / 同意公开) read, previewed and stored in a fresh database file;
- count: table 三 and 四 of one year from 5,000 stored requests (read from the database: `Register.count`);
- keystroke: Down / Page Down in the list (the row shown in the form, the view repainted), offscreen;
  and saving a request typed in the form of a register that long.

Usage: `uv run python -m benchmarks.bench_register [--rows 5000] [--list 10000] [--keys 200]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.register.ledger import preview
from core.register.model import Channel, Request, applicants, results
from core.register.ops import Register
from core.storage import Database

AGENCY = "温县人民政府办公室"
_APPLICANTS = ("个人", "公民", "企业", "律师事务所", "科研机构", "其他")
_CHANNELS = ("信函", "网上", "当面", "电子邮件", "传真")
_RESULTS = ("同意公开", "区分处理", "信息不存在", "属于国家秘密", "重复申请", "")


def write_ledger(path: Path, count: int) -> None:
    """A ledger of `count` rows as offices write it (the tests' writer and headers: a title line, Excel
    date cells and dates typed as text, short forms such as 个人 / 信函 / 同意公开)."""
    from tests.test_register_ledger import write_ledger as write

    rows: list[list[object]] = []
    for n in range(count):
        received = dt.date(2026, 1, 2) + dt.timedelta(days=n % 300)
        typed = f"{received.year}年{received.month}月{received.day}日"
        result = _RESULTS[n % len(_RESULTS)]
        answered = (received + dt.timedelta(days=10)).isoformat() if result else ""
        rows.append([n + 1, f"YS-{n + 1:05d}", received if n % 2 else typed, f"申请人{n}",
                     _APPLICANTS[n % len(_APPLICANTS)], _CHANNELS[n % len(_CHANNELS)],
                     f"关于第{n}号地块征收补偿的信息", "土地征收", "", "", answered, result])  # fmt: skip
    write(path, rows)


def bench_import(folder: Path, rows: int) -> float:
    ledger = folder / "台账.xlsx"
    write_ledger(ledger, rows)
    with Database.open(folder / "import.sqlite3") as db:
        began = time.perf_counter()
        outcome = Register(db, AGENCY).import_ledger(preview(ledger))
        took = time.perf_counter() - began
    assert outcome.imported == rows and not outcome.rejected, outcome.rejected[:3]
    return took


def fill(db: Database, count: int) -> None:
    keys, result_keys = sorted(applicants()), sorted(results())
    channels = list(Channel)
    requests = []
    for n in range(count):
        received = dt.date(2025, 6, 1) + dt.timedelta(days=n % 500)
        answered = received + dt.timedelta(days=12) if n % 4 else None
        requests.append(
            Request(
                number=f"R{n:06d}",
                received=received,
                applicant=keys[n % len(keys)],
                subject=f"第{n}项",
                channel=channels[n % len(channels)],
                answered=answered,
                result=result_keys[n % len(result_keys)] if answered else None,
            )
        )
    Register(db, AGENCY).store.save_requests(AGENCY, requests, "import")


def bench_count(folder: Path, count: int) -> list[float]:
    with Database.open(folder / "count.sqlite3") as db:
        fill(db, count)
        register = Register(db, AGENCY)
        samples = []
        for _ in range(10):
            began = time.perf_counter()
            register.count(2026)
            samples.append(time.perf_counter() - began)
    return samples


def bench_keys(folder: Path, count: int, keys: int) -> dict[str, list[float]]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from ui.fonts import ensure_chinese_font
    from ui.register_page import RegisterWindow

    app = QApplication.instance() or QApplication([])
    ensure_chinese_font()
    db = Database.open(folder / "list.sqlite3")
    fill(db, count)
    began = time.perf_counter()
    window = RegisterWindow(db, AGENCY, today=lambda: dt.date(2026, 6, 1))
    window.show()
    app.processEvents()
    print(f"opening the window on {count} requests: {(time.perf_counter() - began) * 1000:.0f} ms")
    window.table.setFocus()
    window.table.selectRow(0)
    samples: dict[str, list[float]] = {"Down": [], "Page Down": [], "Down, then the whole list painted": []}
    for n in range(keys):
        key = Qt.Key.Key_PageDown if n % 10 == 9 else Qt.Key.Key_Down
        began = time.perf_counter()
        for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
            app.sendEvent(window.table, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))
        app.processEvents()  # the rows that changed painted, the form filled: what the clerk sees
        samples["Page Down" if key == Qt.Key.Key_PageDown else "Down"].append(time.perf_counter() - began)
        if key == Qt.Key.Key_Down:
            window.table.viewport().repaint()  # an upper bound
            samples["Down, then the whole list painted"].append(time.perf_counter() - began)
    saves = []
    for n in range(20):  # a request typed in and saved: Enter on the last field
        window.new_request()
        window.form.subject.setText(f"新登记的第{n}项申请")
        began = time.perf_counter()
        window.save()
        app.processEvents()
        saves.append(time.perf_counter() - began)
    print(f"saving a request into the list of {count}: median {statistics.median(saves) * 1000:.0f} ms")
    window.close()
    db.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--list", type=int, default=10000)
    parser.add_argument("--keys", type=int, default=200)
    args = parser.parse_args()
    print(f"bytecode written: {not sys.dont_write_bytecode}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"import of a {args.rows}-row ledger: {bench_import(folder, args.rows):.2f} s (target ≤ 3 s)")
        counts = bench_count(folder, args.rows)
        print(
            f"counting a year of {args.rows} requests: median {statistics.median(counts) * 1000:.1f} ms, "
            f"max {max(counts) * 1000:.1f} ms (target ≤ 100 ms)"
        )
        for name, keys in bench_keys(folder, args.list, args.keys).items():
            keys.sort()
            p99 = keys[min(len(keys) - 1, round(0.99 * (len(keys) - 1)))]
            median = statistics.median(keys) * 1000
            print(
                f"keystroke in the list of {args.list} ({name}): median {median:.1f} ms,"
                f" p99 {p99 * 1000:.1f} ms (target ≤ 16 ms)"
            )


if __name__ == "__main__":
    main()
