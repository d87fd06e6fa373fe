"""Every message argparse can print reaches the user in Chinese: each template of the running argparse
has its Chinese, and real usage mistakes (run as a fresh `main.py`) read in Chinese only."""

from __future__ import annotations

import argparse
import ast
import inspect
import re

import pytest

from core.cli.parser import CHINESE, ChineseArgumentParser
from tests.helpers import run_main

_HAN = re.compile(r"[\u4e00-\u9fff]")


def _argparse_templates() -> set[str]:
    """The literal first argument of every `_(…)` / `ngettext(…)` call in argparse's source."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(argparse))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"_", "ngettext"}:
            found |= {a.value for a in node.args[:2] if isinstance(getattr(a, "value", None), str)}
    return found


def test_every_argparse_template_has_chinese_with_the_same_placeholders() -> None:
    templates = _argparse_templates()
    assert len(templates) > 25  # the scan found argparse's messages
    assert sorted(templates - set(CHINESE)) == []
    for english in templates:
        chinese = CHINESE[english]
        assert _HAN.search(chinese), english
        assert sorted(re.findall(r"%\(\w+\)[rs]|%[rs]", chinese)) == sorted(
            re.findall(r"%\(\w+\)[rs]|%[rs]", english)
        ), english


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("check", "a.json", "--json=1"), "参数 --json：不接受取值 '1'"),
        (("check", "a.json", "--bogus"), "不认识的参数：--bogus"),
        (("db", "export", "--agency", "某局", "--year", "二〇"), "参数 --year：'二〇' 不是有效的整数"),
        (("db", "exprot"), "无效的选择 'exprot'"),
        (("pdf", "a.json", "-o"), "参数 -o/--output：后面需要一个值"),
        (("check",), "缺少参数：REPORT.json"),
    ],
)
def test_usage_mistakes_are_explained_in_chinese_only(args: tuple[str, ...], expected: str) -> None:
    result = run_main(*args)
    assert result.returncode == 2
    message = result.stderr.splitlines()[-1]
    assert message.startswith("命令行参数有误：") and expected in message
    # what is left once option names, metavars and the quoted input are taken out: no English word
    rest = re.sub(r"-[\w/-]+|'[^']*'|[A-Z_.]+(json)?", "", message)
    assert re.findall(r"[a-z]{2,}", rest) == [], message


def test_the_translation_applies_only_inside_our_parser() -> None:
    plain = argparse.ArgumentParser(prog="x", add_help=False)
    assert "usage:" in plain.format_usage()
    ours = ChineseArgumentParser(prog="x")
    assert ours.format_usage().startswith("用法：") and "显示本帮助并退出" in ours.format_help()
    assert "usage:" in plain.format_usage()  # nothing leaked into argparse at large
