"""The characters of a text or web page file: by its byte-order mark (UTF-8, UTF-16), else UTF-8, else
GB18030 (what Chinese Windows' Notepad saves). A file that is UTF-8 but for a few bytes is refused saying
it is the encoding, never guessed into GB18030 garbage."""

from __future__ import annotations

from core.errors import UserError

BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def bom_codec(data: bytes) -> str | None:
    """The encoding the file's byte-order mark names, if it starts with one."""
    return next((codec for bom, codec in BOMS if data.startswith(bom)), None)


def decode_text(data: bytes, name: str) -> str:
    """The file's characters, or a `UserError` naming the encoding and the first bad byte."""
    codec = bom_codec(data)
    if codec is not None:
        try:
            return data.decode(codec).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise _encoding_error(name, codec, exc) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    mostly_utf8 = data.decode("utf-8", "replace").count("\ufffd") <= max(3, len(data) // 1000)
    if not mostly_utf8:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            pass
    raise _encoding_error(name, "UTF-8", utf8_error) from None


def _encoding_error(name: str, codec: str, exc: UnicodeDecodeError) -> UserError:
    return UserError(
        f"文件“{name}”的文字编码有误：它按 {codec.upper()} 编码保存，"
        f"但第 {exc.start + 1} 个字节处不是有效的字符，文件可能已损坏。"
        "请用记事本打开后“另存为”UTF-8 编码再导入。"
    )
