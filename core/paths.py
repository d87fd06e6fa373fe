"""Where things live: bundled resources (also inside a frozen bundle) and the per-user data folder."""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
import sys
from pathlib import Path

from core.errors import UserError, os_reason

APP_NAME = "nianbao"
APP_AUTHOR = "nianbao"


def resource_path(*parts: str) -> Path:
    """A file under `resources/`, from a source checkout or from a PyInstaller bundle."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base.joinpath("resources", *parts)


def data_dir() -> Path:
    """The per-user data folder (e.g. %LOCALAPPDATA%\\nianbao on Windows); created on first use."""
    import platformdirs  # only where the user's folder is needed, not for every command

    path = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    """The database used when no `--db PATH` is given."""
    return data_dir() / "nianbao.sqlite3"


def log_dir() -> Path:
    """Folder of the rotating log file."""
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


BACKUP_STAMP = "%Y%m%d-%H%M%S"  # in every backup's name: sorts by time, read back by core.ops.backups


def backup_folder(db_path: Path) -> Path:
    """A database's backups sit beside it, so that a database on a USB stick carries its own."""
    return db_path.with_name(db_path.name + ".backups")


def backup_path(db_path: Path, kind: str, at: dt.datetime, stamp: str = BACKUP_STAMP) -> Path:
    """`<stem>-<time>-<kind>.sqlite3` in the backup folder: the one spelling of a backup's name."""
    return backup_folder(db_path) / f"{db_path.stem}-{at.strftime(stamp)}-{kind}.sqlite3"


def write_atomically(path: Path | str, data: bytes) -> None:
    """Write a file so that a half-written one never replaces a good one; failures in Chinese.

    Only a regular file (or nothing) is ever replaced: a device or FIFO (`-o /dev/null`) is written
    through, as a shell redirection would, never swapped for a file. The data reaches the disk
    (fsync) before the rename, and each writer has its own temporary name, so two never collide.
    """
    path = Path(path)
    tmp: Path | None = None
    try:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            mode = stat.S_IFREG
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "directory")
        if not stat.S_ISREG(mode):
            _write_through(path, data)
            return
        if path.is_symlink():  # replace the file the link points to, not the link
            path = path.resolve()
        # what secrets.token_hex reads, without importing secrets (hmac, random …) in every command
        name = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
        # O_EXCL: a name no other writer holds; mode 0o666 so the umask decides, as for any new file
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        tmp = name
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
        tmp = None
    except OSError as exc:
        hint = "（如果它正在其他程序中打开，请先关闭）" if isinstance(exc, PermissionError) else ""
        raise UserError(f"无法写入文件“{path}”：{os_reason(exc)}{hint}。") from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _write_through(path: Path, data: bytes) -> None:
    """Write into a special file without replacing it; a FIFO nobody reads is refused, not waited on."""
    flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO with no reader
            raise UserError(f"无法写入“{path}”：它是一个管道，但没有程序在读取它。") from None
        raise
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
