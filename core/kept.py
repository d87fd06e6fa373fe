"""What a fresh process takes long to make, kept between runs in the per-user data folder (pickled).

A font's parsed tables and the built report format were a good part of every fresh `main.py pdf` and
`check`, yet change only with the files they are made from. `kept(kind, key, make)` gives the copy kept
under `key` (say, the source files' sizes and times and the library versions) or makes it, keeps it and
gives it. A kept copy that cannot be read is made again; one that cannot be written only costs the time.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

from core import __version__
from core.paths import data_dir, write_atomically

log = logging.getLogger(__name__)


def kept[T](kind: str, key: object, make: Callable[[], T]) -> T:
    """`make()`, or the copy kept for `key` (with this app's and Python's versions) under `kind`."""
    name = repr((key, __version__, sys.version_info[:2])).encode("utf-8")
    file = Path(kind) / f"{hashlib.sha256(name).hexdigest()[:32]}.pickle"
    try:
        path = data_dir() / "cache" / file
        if path.exists():
            value: T = pickle.loads(path.read_bytes())
            return value
    except Exception as exc:  # no data folder, a damaged or foreign file: made (and kept) again
        log.info("kept %s not usable: %s", file, exc)
    value = make()
    try:
        path = data_dir() / "cache" / file
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception as exc:  # a read-only or full disk: the next run makes it again
        log.info("kept %s not written: %s", file, exc)
    return value


def file_key(*paths: Path | str) -> tuple[tuple[str, int, int], ...]:
    """The files' paths, sizes and modification times: a key that changes when any of them does."""
    key = []
    for path in map(Path, paths):
        stat = path.stat()
        key.append((str(path.resolve()), stat.st_size, stat.st_mtime_ns))
    return tuple(key)
