"""TEXT.COPIED on long narratives (issue 23 item 5: two 1 MB narratives took 45 CPU s, quadratic).

    uv run python -m benchmarks.bench_copied [--kb 1000]

This year's and last year's 第一部分 are each about KB kilobytes of distinct sentences (UTF-8), half of
this year's repeating last year's word for word, the other half new (compared with all of last year's by
a scan); prints the CPU seconds of `copied_share` and what it found.
"""

from __future__ import annotations

import argparse
import copy
import time

from core.documents.exchange import read_report
from core.rules.text import copied_share
from tests.conftest import SEED_JSON


def _sentence(i: int, year: str) -> str:
    words = "".join("甲乙丙丁戊己庚辛壬癸"[int(d)] for d in str(i))  # distinct, and no digits to mask
    if year == "今年":  # a new sentence: like none of last year's, so each is compared with all of them
        return f"围绕第{words}号督查事项召开协调会议并通报整改结果。"
    return f"{year}本机关推进第{words}项政务公开专项工作并完善相关制度。"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=int, default=1000, help="size of each narrative in kilobytes")
    size = parser.parse_args().kb * 1000
    seed = read_report(SEED_JSON)
    previous, report = copy.deepcopy(seed), copy.deepcopy(seed)
    previous.year = seed.year - 1
    per = len(_sentence(10**5, "去年").encode())
    count = size // per
    previous.texts = {
        "overview": "".join(_sentence(i, "去年") for i in range(count)),
        "problems": "",
        "other": "",
    }
    report.texts = {
        "overview": "".join(_sentence(i, "去年" if i % 2 else "今年") for i in range(count)),
        "problems": "",
        "other": "",
    }
    started = time.process_time()
    repeated, total = copied_share(report, previous)
    seconds = time.process_time() - started
    mb = len(report.texts["overview"].encode()) / 1e6
    print(f"两份 {mb:.2f} MB 的叙述（各 {count} 句）：重复 {len(repeated)}/{total} 句，CPU {seconds:.2f} s")


if __name__ == "__main__":
    main()
