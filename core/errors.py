"""The one expected-failure type, whose message is plain Chinese, and the Chinese reason for an OS error."""

import errno

_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "磁盘空间配额已用完",
    errno.EROFS: "磁盘是只读的",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一级不是文件夹",
    errno.EEXIST: "文件已经存在",
    errno.EBUSY: "文件正被其他程序使用",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EIO: "读写磁盘时出错（磁盘可能已被拔出或已损坏）",
    errno.EFBIG: "文件太大，超出了磁盘或系统允许的大小",
}
# Windows reports a file another program holds open as EACCES; its own code tells the truth
_WINDOWS_REASONS = {32: "文件正被其他程序使用", 33: "文件正被其他程序使用", 112: "磁盘空间已满"}


class UserError(Exception):
    """A failure the user can understand and act on (bad file, locked database, disk full…).

    `message` is the complete Chinese sentence shown to the user; no traceback accompanies it.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class TextConflict(UserError):
    """A text edit was made on an older version of the stored text (another program changed it since):
    storing it would silently undo that change. `stored` is the newer text."""

    def __init__(self, message: str, stored: str) -> None:
        super().__init__(message)
        self.stored = stored


def os_reason(exc: OSError) -> str:
    """Why the OS refused, in plain Chinese without a final full stop — never the system's English text."""
    winerror = getattr(exc, "winerror", None)
    if winerror in _WINDOWS_REASONS:
        return _WINDOWS_REASONS[winerror]
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    code = winerror or exc.errno
    return f"操作系统报告了错误（错误代码 {code}）" if code else "操作系统报告了错误"
