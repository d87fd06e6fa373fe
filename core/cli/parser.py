"""argparse speaking Chinese: every message argparse itself can print (usage, help, each usage mistake).

argparse builds its messages from English templates through the module's gettext functions `_` and
`ngettext`. While a `ChineseArgumentParser` is built, parses or formats help, those two are swapped for a
lookup in `CHINESE` (keyed by argparse's own templates), so no English sentence reaches a user, whatever
the mistake (`--json=1` → 「参数 --json：不接受取值 '1'」). A test checks that every template of the
running argparse has its Chinese here.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn

EXIT_UNUSABLE = 2

CHINESE: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "ignored explicit argument %r": "不接受取值 %r",
    "expected one argument": "后面需要一个值",
    "expected at most one argument": "后面最多只能有一个值",
    "expected at least one argument": "后面至少需要一个值",
    "expected %s argument": "后面需要 %s 个值",
    "expected %s arguments": "后面需要 %s 个值",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的%(type)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择 %(value)r（可选：%(choices)s）",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "unexpected option string: %s": "不应出现的选项：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 中必须给出一个",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "不认识的命令 %(parser_name)r（可选：%(choices)s）"
    ),
    'argument "-" with mode %r': "参数“-”不能以 %r 方式打开",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：出错：%(message)s\n",
    # mistakes in building a parser: a programmer sees them, but in Chinese too
    ".__call__() not defined": ".__call__() 没有定义",
    "%r is not callable": "%r 不能调用",
    "conflicting subparser: %s": "命令重复：%s",
    "conflicting subparser alias: %s": "命令别名重复：%s",
    "conflicting option string: %s": "选项重复：%s",
    "conflicting option strings: %s": "选项重复：%s",
    "cannot merge actions - two groups are named %r": "无法合并选项：两组都叫 %r",
    "'required' is an invalid argument for positionals": "位置参数不能设置 required",
    "dest= is required for options like %r": "像 %r 这样的选项必须指定 dest=",
    "invalid conflict_resolution value: %r": "无效的 conflict_resolution 值：%r",
    "mutually exclusive arguments must be optional": "互斥的参数必须是可选的",
    "cannot have multiple subparser arguments": "不能有多组命令",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r": (
        "无效的选项 %(option)r：必须以字符 %(prefix_chars)r 开头"
    ),
}


def _translate(message: str) -> str:
    return CHINESE.get(message, message)


def _translate_plural(singular: str, plural: str, n: int) -> str:
    return _translate(singular if n == 1 else plural)


@contextlib.contextmanager
def chinese_messages() -> Iterator[None]:
    """argparse's templates in Chinese for the duration (nests; restores what was there)."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _translate, _translate_plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def whole_number(text: str) -> int:
    """`type=int` with a Chinese name for the message 「'x' 不是有效的整数」."""
    return int(text)


whole_number.__name__ = "整数"


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with Chinese help and usage mistakes explained in Chinese (exit status 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with chinese_messages():
            super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        if kwargs.get("type") is int:
            kwargs["type"] = whole_number
        with chinese_messages():
            return super().add_argument(*args, **kwargs)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        with chinese_messages():  # its own message for arguments left over
            return super().parse_args(args, namespace)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        with chinese_messages():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with chinese_messages():
            return super().format_usage()

    def format_help(self) -> str:
        with chinese_messages():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNUSABLE, f"命令行参数有误：{message}\n")
