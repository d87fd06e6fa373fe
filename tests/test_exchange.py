"""The exchange JSON: exact round trip, blanks kept as null, unusable files explained in Chinese."""

from __future__ import annotations

import errno
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.documents.exchange import dumps, loads, read_report, write_report
from core.errors import UserError, os_reason
from core.model.report import Report
from tests.conftest import SEED_JSON


def test_seed_round_trips_byte_for_byte(seed: Report) -> None:
    assert dumps(seed) == SEED_JSON.read_text(encoding="utf-8")


def test_nulls_and_given_totals_survive_a_round_trip(seed: Report) -> None:
    seed.values["requests.3.2.research"] = None
    seed.values["requests.3.7.total"] = Decimal(99)  # a wrong given total is kept, not recomputed
    again = loads(dumps(seed))
    assert again.values["requests.3.2.research"] is None
    assert again.values["requests.3.7.total"] == 99
    assert again == seed


def test_omitted_totals_and_rows_read_as_blank() -> None:
    data = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    del data["requests"]["3.7"]
    del data["requests"]["1"]["total"]
    report = loads(json.dumps(data, ensure_ascii=False))
    assert report.values["requests.3.7.natural_person"] is None
    assert report.values["requests.1.total"] is None


def test_fee_keeps_its_decimal_digits(seed: Report) -> None:
    seed.values["active_disclosure.fees.amount"] = Decimal("7730.2800")
    out = json.loads(dumps(seed))
    assert out["active_disclosure"]["fees"]["amount"] == "7730.2800"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["requests"]["3.1"].update(natural_person="五"), "requests.3.1.natural_person"),
        (lambda d: d["requests"]["3.1"].update(natural_person=True), "requests.3.1.natural_person"),
        (lambda d: d["review_litigation"]["review"].update(upheld=[1]), "review_litigation.review.upheld"),
        (lambda d: d["requests"].update({"3.9": {}}), "requests.3.9"),
        (lambda d: d["text"].update(overview=5), "text.overview"),
        (lambda d: d["signature"].update(date="2022/1/20"), "signature.date"),
        (lambda d: d.update(year="二〇二一"), "year"),
        (lambda d: d.update(schema="other/1"), "schema"),
    ],
)
def test_an_unusable_value_is_refused_naming_its_field(change, field: str) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(UserError) as caught:
        loads(json.dumps(data, ensure_ascii=False))
    assert field in caught.value.message


def test_not_json_and_missing_files_are_explained(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{不是JSON", encoding="utf-8")
    with pytest.raises(UserError, match="不是有效的 JSON"):
        read_report(bad)
    with pytest.raises(UserError, match="找不到文件"):
        read_report(tmp_path / "none.json")


def test_a_2019_format_report_is_refused_politely() -> None:
    data = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    data["format"] = "2019"
    with pytest.raises(UserError, match="2019"):
        loads(json.dumps(data, ensure_ascii=False))


@pytest.mark.parametrize(
    ("missing", "said"),
    [("schema", "文件中没有 schema 字段"), ("year", "文件中没有 year（年度）字段")],
)
@pytest.mark.parametrize("how", ["absent", "null"])
def test_a_missing_schema_or_year_is_named_as_missing_not_as_none(missing: str, said: str, how: str) -> None:
    data = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    if how == "absent":
        del data[missing]
    else:
        data[missing] = None
    with pytest.raises(UserError) as caught:
        loads(json.dumps(data, ensure_ascii=False))
    assert said in caught.value.message and "None" not in caught.value.message


def test_a_file_that_cannot_be_written_is_explained_in_chinese_only(seed: Report, tmp_path: Path) -> None:
    with pytest.raises(UserError) as no_folder:
        write_report(seed, tmp_path / "无此文件夹" / "年报.json")
    assert no_folder.value.message.endswith("：文件或文件夹不存在。")
    (tmp_path / "年报.json").mkdir()
    with pytest.raises(UserError) as a_folder:
        write_report(seed, tmp_path / "年报.json")
    assert "这是一个文件夹" in a_folder.value.message
    for caught in (no_folder, a_folder):
        reason = caught.value.message.rsplit("”：", 1)[1]  # what follows the quoted path
        assert not re.search("[A-Za-z]", reason)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["年报.json"]  # no half-written file left


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOENT, "文件或文件夹不存在"),
        (errno.EACCES, "没有权限"),
        (errno.EPERM, "没有权限"),
        (errno.ENOSPC, "磁盘空间已满"),
        (errno.EROFS, "磁盘是只读的"),
        (errno.EISDIR, "这是一个文件夹，不是文件"),
        (errno.ENOTDIR, "路径中有一级不是文件夹"),
        (errno.EEXIST, "文件已经存在"),
        (errno.EBUSY, "文件正被其他程序使用"),
        (errno.ENAMETOOLONG, "文件名或路径太长"),
    ],
)
def test_the_os_reason_is_plain_chinese(code: int, reason: str) -> None:
    assert os_reason(OSError(code, "the system's English text")) == reason


def test_an_unknown_os_error_and_a_windows_sharing_violation_are_still_chinese() -> None:
    assert os_reason(OSError(999, "Something odd happened")) == "操作系统报告了错误（错误代码 999）"
    assert os_reason(OSError("no errno at all")) == "操作系统报告了错误"
    locked = PermissionError(errno.EACCES, "The process cannot access the file")
    locked.winerror = 32  # type: ignore[attr-defined]  # as Windows sets it when Word holds the file
    assert os_reason(locked) == "文件正被其他程序使用"
