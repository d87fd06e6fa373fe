"""One writer per database: OS-level exclusive locks on `<database>.lock` and on the file's identity.

The operating system drops a lock when the holding process ends, however it ends, so a crash never
leaves a stale lock behind. The desktop app holds it while a database is open; every command that
writes (`db import`, `db restore`) takes it, waiting a little for another command to finish.
The lock goes by the file, not by the name it was given: `<database>.lock` sits beside the resolved
path (a symlink finds its target's lock), and a second lock in the per-user data folder is named after
the file's device and inode (a hard link, another spelling of the same file, finds the same one).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import IO

from core.errors import UserError, os_reason
from core.paths import data_dir

log = logging.getLogger(__name__)
_RETRY = 0.05  # seconds between tries while waiting for the lock


class InstanceLock:
    def __init__(self, db_path: Path) -> None:
        resolved = Path(os.path.realpath(db_path))
        self.db_path = resolved
        self.path = resolved.with_name(resolved.name + ".lock")
        self._files: list[IO[bytes]] = []

    def _identity_path(self) -> Path | None:
        """The lock named after the database file's identity; None while the file does not exist."""
        try:
            st = os.stat(self.db_path)
        except OSError:
            return None
        try:
            folder = data_dir() / "locks"
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            where = getattr(exc, "filename", None) or "用户数据文件夹"
            raise UserError(f"无法创建文件夹“{where}”：{os_reason(exc)}。") from None
        return folder / f"{st.st_dev:x}-{st.st_ino:x}.lock"

    def acquire(self, wait: float = 0.0) -> bool:
        """Take the locks, trying for up to `wait` seconds; False when another process still holds one
        of them. Both or neither: when one cannot be made (a `UserError`), the other is let go too."""
        deadline = time.monotonic() + wait
        while not self._try_acquire():
            if time.monotonic() >= deadline:
                return False
            time.sleep(_RETRY)
        return True

    def _try_acquire(self) -> bool:
        if self._files:
            return True
        try:
            for path in (self.path, self._identity_path()):
                if path is None:
                    continue
                handle = _open(path)
                try:
                    _lock(handle)
                except OSError:
                    handle.close()
                    self.release()
                    return False
                self._files.append(handle)
        except BaseException:
            self.release()
            raise
        _note_pid(self._files[0])
        return True

    def release(self) -> None:
        for handle in reversed(self._files):
            _unlock(handle)
            handle.close()
        self._files.clear()

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _open(path: Path) -> IO[bytes]:
    try:
        return open(path, "a+b")  # kept open while the lock is held
    except OSError as exc:
        raise UserError(f"无法在“{path.parent}”中创建锁文件：{os_reason(exc)}。") from None


def _note_pid(handle: IO[bytes]) -> None:
    """Write our process id into the lock file, for whoever looks; a full disk must not stop the app."""
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
    except OSError as exc:
        log.warning("could not write the process id into %s: %s", handle.name, exc)


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
