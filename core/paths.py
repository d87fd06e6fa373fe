"""Where things live: bundled resources (also inside a frozen bundle) and the per-user data folder."""

from __future__ import annotations

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


def write_atomically(path: Path | str, data: bytes) -> None:
    """Write a file so that a half-written one never replaces a good one; failures in Chinese."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        hint = "（如果它正在其他程序中打开，请先关闭）" if isinstance(exc, PermissionError) else ""
        raise UserError(f"无法写入文件“{path}”：{os_reason(exc)}{hint}。") from None
