"""What a fresh process takes long to make, kept between runs in the per-user data folder (pickled).

A font's parsed tables and the built report format were a good part of every fresh `main.py pdf` and
`check`, yet change only with the files they are made from. `kept(kind, key, make)` gives the copy kept
under `key` (say, the source files' sizes and times and the library versions) or makes it, keeps it and
gives it. A kept copy that cannot be read is made again; one that cannot be written only costs the time.
Each file holds its key beside the value and is used only when that key is the one asked for: its name
is a checksum of the key (zlib's, loaded anyway, where hashlib's OpenSSL took a fresh `check` 2 ms).
"""

from __future__ import annotations

import logging
import pickle
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

from core import __version__
from core.paths import data_dir, write_atomically

log = logging.getLogger(__name__)


def kept[T](kind: str, key: object, make: Callable[[], T]) -> T:
    """`make()`, or the copy kept for `key` (with this app's and Python's versions) under `kind`."""
    name = repr((key, __version__, sys.version_info[:2]))
    data = name.encode("utf-8")
    file = Path(kind) / f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}.pickle"
    try:
        path = data_dir() / "cache" / file
        if path.exists():
            kept_name, value = pickle.loads(path.read_bytes())
            if kept_name == name:  # not another key with the same checksum
                return value  # type: ignore[no-any-return]
    except Exception as exc:  # no data folder, a damaged or foreign file: made (and kept) again
        log.info("kept %s not usable: %s", file, exc)
    value = make()
    try:
        path = data_dir() / "cache" / file
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, pickle.dumps((name, value), protocol=pickle.HIGHEST_PROTOCOL))
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
