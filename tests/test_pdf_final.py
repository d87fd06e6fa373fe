"""草稿 and 定稿 in the PDF: the watermark, the fingerprint in every footer and as a QR code, and the
`pdf` and `verify` commands."""

from __future__ import annotations

import copy
import io
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from reportlab.graphics.barcode import qrencoder

from core.cli.commands import run
from core.documents.exchange import read_report, write_report
from core.documents.fingerprint import fingerprint, full_fingerprint, matching_code, qr_payload, verify
from core.documents.pdf import layout
from core.documents.pdf.render import render_pdf
from core.errors import UserError
from core.model.report import Report
from tests.conftest import SEED_JSON
from tests.test_pdf import BLOCK_BOTTOM, BLOCK_TOP, BLOCK_X0, BLOCK_X1, MM, Page, read_pdf


@pytest.fixture(scope="module")
def seed_report() -> Report:
    return read_report(SEED_JSON)


@pytest.fixture(scope="module")
def draft(seed_report: Report) -> list[Page]:
    return read_pdf(render_pdf(seed_report))


@pytest.fixture(scope="module")
def final(seed_report: Report) -> list[Page]:
    return read_pdf(render_pdf(seed_report, final=True))


def test_every_draft_page_carries_a_light_watermark_and_no_fingerprint(draft: list[Page]) -> None:
    for page in draft:
        assert page.watermark  # light grey outlines (their colour is what `is_watermark` looks for)
        x0, x1 = min(c["x0"] for c in page.watermark), max(c["x1"] for c in page.watermark)
        top, bottom = min(c["top"] for c in page.watermark), max(c["bottom"] for c in page.watermark)
        size = layout.WATERMARK_SIZE  # two characters of this size, turned 35°, centred on the block
        assert 1.5 * size < x1 - x0 < 2.2 * size and 1.0 * size < bottom - top < 1.7 * size
        assert abs((x0 + x1) / 2 - (BLOCK_X0 + BLOCK_X1) / 2) < 0.2 * size  # ink, not em boxes
        assert abs((top + bottom) / 2 - (BLOCK_TOP + BLOCK_BOTTOM) / 2) < 0.2 * size
        assert "校验码" not in page.footer_text
        assert not page.rects  # no QR code


def test_the_watermark_is_not_text_that_copying_picks_up(seed_report: Report) -> None:
    """The draft's text is the 定稿's, less the 校验码 lines: no 草 or 稿 of the watermark (the seed
    has its own 起草) comes out of a draft, where 稿0 and 草1.属于国家秘密 were once copied."""
    draft, final = render_pdf(seed_report), render_pdf(seed_report, final=True)

    def characters(data: bytes) -> Counter[str]:
        pages = pypdf.PdfReader(io.BytesIO(data)).pages
        return Counter(ch for page in pages for ch in page.extract_text() if not ch.isspace())

    code_line = Counter(f"校验码{fingerprint(seed_report)}")
    pages = len(pypdf.PdfReader(io.BytesIO(draft)).pages)
    added = characters(final) - characters(draft)
    assert not characters(draft) - characters(final)
    full = Counter(f"完整校验码：{full_fingerprint(seed_report)}")  # under the QR code
    assert added == Counter({ch: n * pages for ch, n in code_line.items()}) + full  # and footers
    with pdfplumber.open(io.BytesIO(draft)) as pdf:
        assert not [c for page in pdf.pages for c in page.chars if c["size"] > layout.TITLE_SIZE]


def test_a_final_copy_has_no_watermark_and_its_code_in_every_footer(
    seed_report: Report, final: list[Page]
) -> None:
    code = fingerprint(seed_report)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    for page in final:
        assert page.watermark == []
        assert f"— {page.number} —" in page.footer_text
        assert f"校验码{code}" in page.footer_text.replace(" ", "")
        printed = re.search(r"校验码\s*([0-9A-Z-]+)", page.footer_text)
        assert printed and verify(seed_report, printed.group(1))
        for c in page.footer:  # on the page-number line, below the block
            assert c["top"] > BLOCK_BOTTOM and abs((c["top"] + c["bottom"]) / 2 - BLOCK_BOTTOM - 7 * MM) < 0.5
            assert c["x0"] >= BLOCK_X0 - 0.05 and c["x1"] <= BLOCK_X1 + 0.05


def test_the_qr_code_on_the_last_page_encodes_the_fingerprint(seed_report: Report, final: list[Page]) -> None:
    assert all(not page.rects for page in final[:-1])
    rects = final[-1].rects
    assert rects
    left, top = min(r["x0"] for r in rects), min(r["top"] for r in rects)
    right = max(r["x1"] for r in rects)
    assert left >= BLOCK_X0 - 0.05 and right <= BLOCK_X1 and top > BLOCK_TOP
    # Read the modules back and compare them with the symbol for the expected text.
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(qr_payload(seed_report))
    qr.make()
    n = qr.getModuleCount()
    module = (right - left) / n  # the dark finder patterns reach the symbol's edges
    dark = set()
    for r in rects:
        row = round((r["top"] - top) / module)
        first = round((r["x0"] - left) / module)
        dark |= {(row, col) for col in range(first, first + round(r["width"] / module))}
    assert dark == {(row, col) for row in range(n) for col in range(n) if qr.isDark(row, col)}


def test_the_full_code_is_printed_under_the_qr_code_grouped_for_typing(
    seed_report: Report, final: list[Page]
) -> None:
    """Issue 23 item 4: where nothing can scan the QR code, its 52 characters can be typed from the
    paper, in groups of four, and every place a code is typed accepts them as printed."""
    text = pypdf.PdfReader(io.BytesIO(render_pdf(seed_report, final=True))).pages[-1].extract_text()
    lines = text.split("完整校验码：", 1)[1].strip().splitlines()[:3]
    assert all(re.fullmatch(r"([0-9A-Z]{4} ){3,4}[0-9A-Z]{4}", line) for line in lines), lines
    typed = "\n".join(lines)
    assert typed.replace("\n", "").replace(" ", "") == full_fingerprint(seed_report)
    assert matching_code(seed_report, typed) == "full"
    qr_bottom = max(r["bottom"] for r in final[-1].rects)
    under = [c["text"] for c in final[-1].body if c["top"] > qr_bottom and c["x1"] < BLOCK_X0 + 60 * MM]
    assert "".join(under).replace(" ", "") == "完整校验码：" + full_fingerprint(seed_report)


def test_a_final_copy_is_refused_while_the_report_has_errors_blanks_or_unprintable_characters(
    seed_report: Report,
) -> None:
    report = copy.deepcopy(seed_report)
    report.values["requests.3.1.natural_person"] = None
    with pytest.raises(UserError, match="未填写"):
        render_pdf(report, final=True)
    report.values["requests.3.1.natural_person"] = Decimal(99)
    with pytest.raises(UserError, match="不能定稿"):
        render_pdf(report, final=True)
    render_pdf(report)  # a draft may still be printed, to look at
    report = copy.deepcopy(seed_report)
    report.signature.name = "𠀀家村村民委员会"
    with pytest.raises(UserError, match=r"缺字：𠀀（U\+20000）"):
        render_pdf(report, final=True)


def test_a_printed_code_stops_matching_once_the_report_changes(
    seed_report: Report, final: list[Page]
) -> None:
    printed = re.search(r"校验码\s*([0-9A-Z-]+)", final[0].footer_text)
    assert printed
    changed = copy.deepcopy(seed_report)
    changed.texts["other"] += "另：补充一句。"
    assert verify(seed_report, printed.group(1))
    assert not verify(changed, printed.group(1))


# ---------------------------------------------------------------- command line


def test_main_pdf_writes_a_draft_of_the_report_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "年报.pdf"
    assert run(["pdf", str(SEED_JSON), "-o", str(out)]) == 0
    pages = read_pdf(out.read_bytes())
    assert pages[0].watermark
    assert str(out) in capsys.readouterr().out
    assert not list(tmp_path.glob("*.tmp"))


def test_main_pdf_warns_of_characters_that_print_as_blanks_and_still_writes_the_draft(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = read_report(SEED_JSON)
    report.texts["other"] = "本年度收到𠀀某的来信。"
    source, out = tmp_path / "年报.json", tmp_path / "年报.pdf"
    write_report(report, source)
    assert run(["pdf", str(source), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert str(out) in captured.out
    assert "有 1 个字符本机没有字体能够打印，打印件上会缺字：𠀀（U+20000）。" in captured.err
    assert out.exists()
    assert run(["pdf", str(SEED_JSON), "-o", str(out)]) == 0
    assert capsys.readouterr().err == ""


def test_main_pdf_explains_an_unusable_file_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"schema": "nianbao.report/1", "format": "2021", "agency": "某县", "year": "去年"}', "utf-8"
    )
    assert run(["pdf", str(bad), "-o", str(tmp_path / "out.pdf")]) == 2
    err = capsys.readouterr().err
    assert "year" in err and "Traceback" not in err
    assert not (tmp_path / "out.pdf").exists()
    assert run(["pdf", str(SEED_JSON), "-o", str(tmp_path / "no" / "such" / "dir.pdf")]) == 2
    assert "无法写入" in capsys.readouterr().err


def test_main_verify_says_whether_a_printed_code_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = read_report(SEED_JSON)
    code = fingerprint(report)
    assert run(["verify", str(SEED_JSON), code.lower().replace("-", " ")]) == 0
    assert "一致" in capsys.readouterr().out
    assert run(["verify", str(SEED_JSON), *code.split("-")]) == 0  # typed with spaces, unquoted
    capsys.readouterr()
    report.texts["overview"] += "。"
    edited = tmp_path / "edited.json"
    write_report(report, edited)
    assert run(["verify", str(edited), code]) == 1
    assert "不一致" in capsys.readouterr().out
    assert run(["verify", str(SEED_JSON), "ABC"]) == 2
    assert "格式不对" in capsys.readouterr().err
    assert run(["verify", str(tmp_path / "missing.json"), code]) == 2
