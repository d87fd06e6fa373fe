"""`read_bytes` reads the size it found and a byte more, not a buffer of the bound (issue 22: `db import`
of 10,000 files): a file is read whole, up to and at the bound, refused past it, and a file that holds
more than its size said (it grew; here /proc's, which all say 0) is still read whole or refused."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from core.documents.input_files import read_bytes
from core.errors import UserError


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 100_000])
def test_a_file_is_read_whole_up_to_the_bound(tmp_path: Path, size: int) -> None:
    path = tmp_path / "报告.json"
    content = bytes((n * 7 + 3) % 251 for n in range(size))
    path.write_bytes(content)
    assert read_bytes(path, 100_000) == content


def test_a_file_one_byte_past_the_bound_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "报告.json"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(UserError, match=re.escape("“报告.json”太大")):
        read_bytes(path, 1000)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_a_file_holding_more_than_its_size_said_is_read_whole_or_refused() -> None:
    status = Path("/proc/self/status")  # a regular file whose size reads 0
    assert status.stat().st_size == 0
    data = read_bytes(status, 1_000_000)
    assert data.startswith(b"Name:") and b"VmRSS:" in data and len(data) > 200
    with pytest.raises(UserError, match="太大"):
        read_bytes(status, 100)
