"""How a command opens the app's database: read-only when it only reads (it works on a read-only medium,
writes nothing and needs no lock), under the one-writer lock when it writes. The lock goes by the file's
identity, so the same file open under another name (a hard link) is refused, not written twice.

The app's commands (`core/cli/commands.py`) and the register's (`core/register/cli.py`) both open the
database here, so every command that writes waits for the same lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from core.errors import UserError
from core.paths import default_db_path
from core.storage import Database
from core.storage.instance_lock import InstanceLock

WRITER_WAIT = 10.0  # seconds a writing command waits for another command to finish with the database


def open_to_read(path: Path | None) -> Database:
    """The database at `path` (the default one when None), opened read-only."""
    return Database.open(path or default_db_path(), create=False, read_only=True)


@contextlib.contextmanager
def open_to_write(path: Path | None, create: bool = True) -> Iterator[Database]:
    """The database at `path` (the default one when None; made when missing unless `create` is False)
    under the one-writer lock."""
    path = Path(path or default_db_path())
    with InstanceLock(path) as lock:
        if not lock.acquire(wait=WRITER_WAIT):
            raise UserError(
                f"年报助手或另一个命令正在使用数据库“{path}”（也可能是用另一个文件名），请关闭后再试。"
            )
        with Database.open(path, create=create) as db:
            yield db
