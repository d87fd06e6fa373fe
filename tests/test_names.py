"""Suggested file names (issue 9, item 3): one safe rule, whatever the agency name holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.model.names import FALLBACK, MAX_BYTES, safe_file_name
from core.model.report import Report

FORBIDDEN = set('<>:"/\\|?*')


@pytest.mark.parametrize(
    "agency",
    [
        "../../x",
        "..\\..\\Windows\\x",
        "a: * ? \\ b",
        '某局<>|"',
        "CON",
        "nul",
        "com1.txt",
        "LPT9",
        ".hidden",
        "末尾有点...",
        "tab\tnew\nline\x00nul",
        "某" * 100,
        "   ",
        "..",
    ],
)
def test_a_suggested_name_stays_in_the_chosen_folder_and_is_valid_everywhere(
    agency: str, tmp_path: Path
) -> None:
    name = safe_file_name(agency, ".pdf")
    assert name.endswith(".pdf") and len(name) > len(".pdf")
    stem = name.removesuffix(".pdf")
    assert not FORBIDDEN & set(name)
    assert not any(ord(ch) < 32 for ch in name)
    assert not stem.startswith(".") and not stem.endswith((".", " "))
    assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT9"}
    assert len(name.encode("utf-8")) <= MAX_BYTES
    target = tmp_path / name
    assert target.parent == tmp_path
    target.write_bytes(b"x")  # the file system takes it
    assert target.read_bytes() == b"x"


def test_an_ordinary_title_is_kept_as_it_is() -> None:
    title = Report.blank("温县人民政府办公室", 2021).title
    assert safe_file_name(title, ".json") == f"{title}.json"
    assert safe_file_name("", ".json") == f"{FALLBACK}.json"
