"""The findings panel says how much of this year's narrative repeats last year's report (offices are
scored on it), also below the half at which TEXT.COPIED warns; without last year's report it says nothing."""

from __future__ import annotations

import copy
from dataclasses import replace

from pytestqt.qtbot import QtBot

from core.model.report import Report
from core.rules.text import COPIED, copied_share
from core.storage import Database
from tests.qt_helpers import commit_text, open_window

NEW_OVERVIEW = (
    "本年度主动公开工作以政府网站为主要平台，按季度更新公开目录，并对栏目设置作了调整。"
    "全年组织业务培训三次，覆盖各科室工作人员。"
    "新建了依申请公开办理系统，统一受理渠道，答复期限全程留痕。"
    "政策解读材料与文件同步起草、同步审签、同步发布。"
    "政务公开专区在县便民服务中心设立，配备查阅终端两台。"
)


def test_the_findings_panel_shows_the_repeat_rate_below_the_copied_warning(
    qtbot: QtBot, db: Database, seed: Report
) -> None:
    db.create_report(seed)  # 2021: last year's report
    this_year = replace(copy.deepcopy(seed), year=2022)
    this_year.texts["overview"] = NEW_OVERVIEW  # 问题's first sentences kept, the rest written anew
    this_year.texts["problems"] = "。".join(seed.texts["problems"].split("。")[:2]) + "。"
    this_year.texts["other"] = "本机关未收取信息处理费，也没有其他需要报告的事项。"
    report_id = db.create_report(this_year)
    repeated, total = copied_share(this_year, seed)
    assert 0 < len(repeated) / total < 0.5

    window = open_window(qtbot, db)
    window.open_report(report_id)
    assert window.editor is not None and window.document is not None
    panel = window.editor.findings
    assert not any(f.rule == COPIED for f in window.document.findings)  # the warning does not fire
    assert panel.repeat.isVisible()
    assert panel.repeat.text() == f"与上年报告重复的句子占 {round(100 * len(repeated) / total)}%。"

    overview = next(i for i, s in enumerate(window.editor.sections) if s.text_key == "overview")
    window.editor.show_page(overview)
    edit = window.editor.editors["overview"].edit
    edit.setFocus()
    edit.selectAll()
    commit_text(edit, seed.texts["overview"])  # last year's text again, as a clerk pastes it
    qtbot.waitUntil(lambda: any(f.rule == COPIED for f in window.document.findings), timeout=5_000)
    repeated, total = copied_share(window.document.report, seed)
    assert len(repeated) / total >= 0.5
    assert panel.repeat.text() == f"与上年报告重复的句子占 {round(100 * len(repeated) / total)}%。"

    first = db.create_report(replace(copy.deepcopy(seed), agency="另一个机关"))
    window.open_report(first)  # no 2020 report of that agency: nothing to compare with
    assert not window.editor.findings.repeat.isVisible()
