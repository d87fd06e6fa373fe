"""What is kept between runs (core.kept): the built report format is the format as built and
validated, a damaged kept copy is made again, and a changed declaration is never read from an old copy."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

from core.format import f2021, kept_format
from core.kept import kept
from core.paths import data_dir


def _kept_files(kind: str) -> list[Path]:
    return sorted((data_dir() / "cache" / kind).glob("*.pickle"))


def test_the_kept_format_is_the_format_as_built() -> None:
    built = kept_format(f2021.build, f2021.__file__)
    assert len(_kept_files("formats")) == 1
    read_back = kept_format(f2021.build, f2021.__file__)
    assert read_back is not built and read_back == f2021.build()
    assert read_back.cells.keys() == built.cells.keys() and len(read_back.cells) == 200
    assert read_back.derivations == built.derivations
    assert read_back.table("requests").column("natural_person").name == "自然人"


def test_a_changed_declaration_is_built_again(tmp_path: Path) -> None:
    declared = tmp_path / "f2021.py"
    shutil.copy(f2021.__file__, declared)
    kept_format(f2021.build, str(declared))
    os.utime(declared, ns=(1, 1))  # edited: another time (and the same size)
    kept_format(f2021.build, str(declared))
    assert len(_kept_files("formats")) == 2


def test_a_damaged_kept_copy_is_made_again() -> None:
    made: list[int] = []

    def make() -> dict[str, int]:
        made.append(1)
        return {"几": 7301}

    assert kept("tests", ("一把钥匙",), make) == {"几": 7301}
    assert kept("tests", ("一把钥匙",), make) == {"几": 7301} and len(made) == 1
    _kept_files("tests")[0].write_bytes(b"\x80 not a pickle")
    assert kept("tests", ("一把钥匙",), make) == {"几": 7301} and len(made) == 2
    assert kept("tests", ("另一把",), make) == {"几": 7301} and len(made) == 3


def test_a_kept_copy_made_for_another_key_is_never_given() -> None:
    """Files are named by a checksum of their key, which two keys may share: each file holds its key,
    and a copy kept under another key (or a pickle of anything else) is made again, never given."""
    assert kept("tests", ("一把钥匙",), lambda: 4127) == 4127
    [file] = _kept_files("tests")
    name, value = pickle.loads(file.read_bytes())
    assert value == 4127 and "一把钥匙" in name
    file.write_bytes(pickle.dumps(("另一把钥匙", 9999)))
    assert kept("tests", ("一把钥匙",), lambda: 4128) == 4128
    file.write_bytes(pickle.dumps(9999))  # a copy written before keys were kept beside values
    assert kept("tests", ("一把钥匙",), lambda: 4129) == 4129
    assert pickle.loads(file.read_bytes())[1] == 4129
