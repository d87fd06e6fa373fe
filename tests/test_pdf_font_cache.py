"""The parsed bundled font is kept between runs (a fresh `main.py pdf` spent most of its time parsing
it), and the PDF stays byte-for-byte the same: parsed, read from the kept copy, or with a damaged one."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import SEED_JSON
from tests.helpers import run_main


def _pdf(data_home: Path, out: Path) -> bytes:
    """A fresh `main.py pdf` of the seed report; RL_invariant: no time stamp or random id in the file."""
    env = dict(os.environ, XDG_DATA_HOME=str(data_home), RL_invariant="1")
    done = run_main("pdf", SEED_JSON, "-o", out, env=env)
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def test_the_pdf_is_the_same_with_and_without_the_kept_font(tmp_path: Path) -> None:
    parsed = _pdf(tmp_path, tmp_path / "parsed.pdf")
    kept = list(tmp_path.glob("nianbao/cache/fonts/*.pickle"))
    assert len(kept) == 1  # the bundled font: the only one on a machine without Windows fonts
    cached = _pdf(tmp_path, tmp_path / "cached.pdf")
    assert parsed.startswith(b"%PDF") and len(parsed) > 20_000
    assert cached == parsed
    kept[0].write_bytes(b"not a font cache")  # e.g. a disk error: parsed again, and kept again
    assert _pdf(tmp_path, tmp_path / "damaged.pdf") == parsed
    assert kept[0].stat().st_size > 100_000


def test_a_folder_that_cannot_hold_the_cache_still_prints(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the data folder would be")
    out = tmp_path / "out.pdf"
    env = dict(os.environ, XDG_DATA_HOME=str(blocked), RL_invariant="1")
    done = run_main("pdf", SEED_JSON, "-o", out, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # a cache is nothing to tell the user about
    assert out.read_bytes() == _pdf(tmp_path / "home", tmp_path / "ok.pdf")
