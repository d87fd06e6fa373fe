"""`main.py check` as the exchange spec says: lines, JSON, exit 0/1/2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED_JSON
from tests.helpers import run_main


def _mutated(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "report.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_seed_passes_with_no_errors() -> None:
    result = run_main("check", SEED_JSON)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines() == ["共 0 处错误，0 处提示。"]


def test_a_broken_balance_prints_rule_cells_and_message_and_exits_1(tmp_path: Path) -> None:
    path = _mutated(tmp_path, lambda d: d["requests"]["3.7"].update(natural_person=21))
    result = run_main("check", path)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    balance = [line for line in lines if " B.BALANCE " in line]
    assert balance == [
        "error B.BALANCE requests.1.natural_person requests.2.natural_person requests.3.7.natural_person "
        "requests.4.natural_person: 自然人列：一（22）+ 二（0）= 22，三（七）总计（21）+ 四（0）= 21，相差 1"
    ]
    assert lines[-1].startswith("共 3 处错误")


def test_json_output_counts_and_lists_findings(tmp_path: Path) -> None:
    path = _mutated(tmp_path, lambda d: d["review_litigation"]["review"].update(upheld=None))
    result = run_main("check", path, "--json")
    assert result.returncode == 0  # a blank is a warning only
    out = json.loads(result.stdout)
    assert out["errors"] == 0 and out["warnings"] == 1
    assert out["findings"] == [
        {
            "rule": "BLANK",
            "severity": "warning",
            "cells": ["review_litigation.review.upheld"],
            "message": "第四部分「行政复议」「结果维持」未填写（没有的请填 0）",
        }
    ]


def _last_year(d: dict[str, Any]) -> None:
    d["year"] = 2020
    d["requests"]["4"].update(other=2, total=2)


def test_previous_year_enables_the_year_rules(tmp_path: Path) -> None:
    previous = _mutated(tmp_path, _last_year)
    result = run_main("check", SEED_JSON, "--previous", previous, "--json")
    assert result.returncode == 0
    assert result.stderr == ""
    rules = [f["rule"] for f in json.loads(result.stdout)["findings"]]
    assert rules.count("YEAR.CARRY_OVER") == 2 and "YEAR.IN_FORCE" in rules


def test_a_previous_report_of_another_agency_or_year_is_used_with_a_warning(tmp_path: Path) -> None:
    def other(d: dict[str, Any]) -> None:
        _last_year(d)
        d.update(agency="温县财政局", year=2019)

    result = run_main("check", SEED_JSON, "--previous", _mutated(tmp_path, other), "--json")
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "注意：上一年度报告的机关是“温县财政局”，与本报告的“温县人民政府办公室”不同；仍按它核对。",
        "注意：上一年度报告是 2019 年度的，不是 2020 年度；仍按它核对。",
    ]
    rules = [f["rule"] for f in json.loads(result.stdout)["findings"]]
    assert rules.count("YEAR.CARRY_OVER") == 2  # still checked against it


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json at all", "不是有效的 JSON"),
        (
            '{"schema": "nianbao.report/1", "format": "2021", "agency": "甲", "year": 2021, '
            '"requests": {"1": {"natural_person": "很多"}}}',
            "requests.1.natural_person",
        ),
        ("[]", "不是报告"),
    ],
)
def test_an_unusable_file_exits_2_with_one_chinese_line(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = run_main("check", path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = run_main("check", tmp_path / "nothing.json")
    assert result.returncode == 2 and "找不到文件" in result.stderr and "Traceback" not in result.stderr


def test_a_usage_mistake_is_explained_in_chinese() -> None:
    result = run_main("check")
    assert result.returncode == 2
    assert result.stderr.startswith("用法：main.py check")
    assert "命令行参数有误：缺少参数" in result.stderr and "required" not in result.stderr


def test_help_is_in_chinese() -> None:
    result = run_main("--help")
    assert result.returncode == 0
    assert "选项" in result.stdout and "显示本帮助并退出" in result.stdout and "usage" not in result.stdout
