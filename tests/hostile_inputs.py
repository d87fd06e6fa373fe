"""Hostile published files (issue 23), built on the fly: zip and stream bombs, spans, reference loops,
malformed XML, foreign zip entries, encodings. Shared by tests/test_hostile_readers.py and
benchmarks/fuzz_hostile.py; each builder writes one file into a folder and returns its path."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT

PUBLISHED = ROOT / "tests" / "fixtures" / "published"
SEED_DOCX = PUBLISHED / "seed.docx"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
BODY = "word/document.xml"


def _docx_with(
    folder: Path, name: str, replace: dict[str, bytes], stream: tuple[str, int] | None = None
) -> Path:
    """seed.docx with some parts replaced, and optionally one part of `stream[1]` zero bytes (written
    in chunks, so building a bomb costs no memory)."""
    path = folder / name
    with zipfile.ZipFile(SEED_DOCX) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item.filename, replace.get(item.filename, src.read(item.filename)))
        if stream is not None:
            member = zipfile.ZipInfo(stream[0])
            member.compress_type = zipfile.ZIP_DEFLATED
            with out.open(member, "w", force_zip64=True) as part:
                chunk = bytes(1024 * 1024)
                for _ in range(stream[1] // len(chunk)):
                    part.write(chunk)
    return path


def _document(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}>{body}</w:document>'.encode()
    )


def _patched_zip(folder: Path, name: str, local: tuple[int, bytes], central: tuple[int, bytes]) -> Path:
    """seed.docx with bytes of every local header and central directory entry overwritten."""
    data = bytearray(SEED_DOCX.read_bytes())
    for signature, (offset, value) in ((b"PK\x03\x04", local), (b"PK\x01\x02", central)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset : at + offset + len(value)] = value
            at = data.find(signature, at + 4)
    path = folder / name
    path.write_bytes(bytes(data))
    return path


def _corrupt_docx(folder: Path) -> Path:
    data = bytearray(SEED_DOCX.read_bytes())
    at = data.find(BODY.encode()) + len(BODY) + 200  # inside the body part's compressed data
    data[at : at + 64] = bytes(64)
    path = folder / "corrupt-entry.docx"
    path.write_bytes(bytes(data))
    return path


def pdf_file(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of the numbered objects (1, 2, …) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _stream(data: bytes, flate: bool = True) -> bytes:
    body = zlib.compress(data, 9) if flate else data
    return (
        b"<< /Length %d%s >>\nstream\n" % (len(body), b" /Filter /FlateDecode" if flate else b"")
        + body
        + (b"\nendstream")
    )


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _one_page(contents: bytes, media_box: bytes = b"[0 0 595 842]") -> bytes:
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
    )
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page % media_box,
            contents,
            _FONT,
        ]
    )


TEXT_PAGE = _stream(b"BT /F1 12 Tf 72 720 Td (2021 report) Tj ET", flate=False)


def _stream_bomb() -> bytes:
    inflater = zlib.compressobj(9)
    body = b"".join(inflater.compress(bytes(1024 * 1024)) for _ in range(200)) + inflater.flush()
    return _one_page(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream")


def _many_pages(count: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(count))
    pages = [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * count
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
            TEXT_PAGE,
            *pages,
        ]
    )


def _reference_loop() -> bytes:
    """/Contents points at an object that is only a reference to one that points back (0.5 KB)."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page,
            b"5 0 R",
            b"4 0 R",
        ]
    )


def _kids_loop() -> bytes:
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R >>",
        ]
    )


def _table(cells: str) -> bytes:
    page = f"<html><body><p>2021年政府信息公开工作年度报告</p><table><tr>{cells}</tr></table></body></html>"
    return page.encode()


def _big_table(megabytes: int) -> bytes:
    row = "<tr>" + "<td>1</td>" * 10 + "</tr>"
    return (
        "<html><body><table>" + row * (megabytes * 1024 * 1024 // len(row)) + "</table></body></html>"
    ).encode()


Build = Callable[[Path], Path]


def _bytes(name: str, data: bytes | Callable[[], bytes]) -> tuple[str, Build]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data() if callable(data) else data)
        return path

    return name, build


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + f"]><w:document {W}><w:body><w:p><w:r><w:t>&j;</w:t></w:r></w:p></w:body></w:document>"
).encode()

# (file name, builder): every file is refused with a Chinese reason
REFUSED: list[tuple[str, Build]] = [
    (
        "docx-bomb-document.docx",
        lambda f: _docx_with(f, "docx-bomb-document.docx", {}, (BODY + ".x", 200 << 20)),
    ),
    (
        "docx-bomb-image.docx",
        lambda f: _docx_with(f, "docx-bomb-image.docx", {}, ("word/media/image9.png", 200 << 20)),
    ),
    (
        "malformed-xml.docx",
        lambda f: _docx_with(f, "malformed-xml.docx", {BODY: _document("<w:body><w:p>")[:-12]}),
    ),
    ("entity-expansion.docx", lambda f: _docx_with(f, "entity-expansion.docx", {BODY: BILLION_LAUGHS})),
    (
        "nesting-300.docx",
        lambda f: _docx_with(
            f,
            "nesting-300.docx",
            {BODY: _document("<w:body>" + "<w:p>" * 300 + "</w:p>" * 300 + "</w:body>")},
        ),
    ),
    (
        "text-node-11MB.docx",
        lambda f: _docx_with(
            f,
            "text-node-11MB.docx",
            {BODY: _document("<w:body><w:p><w:r><w:t>" + "字" * (11 << 20) + "</w:t></w:r></w:p></w:body>")},
        ),
    ),
    (
        "strict-ooxml.docx",
        lambda f: _docx_with(
            f,
            "strict-ooxml.docx",
            {
                BODY: _document("<w:body/>").replace(
                    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
                )
            },
        ),
    ),
    ("missing-body.docx", lambda f: _docx_with(f, "missing-body.docx", {BODY: _document("")})),
    (
        "encrypted-entries.docx",
        lambda f: _patched_zip(f, "encrypted-entries.docx", (6, b"\x01\x00"), (8, b"\x01\x00")),
    ),
    (
        "deflate64-entries.docx",
        lambda f: _patched_zip(f, "deflate64-entries.docx", (8, b"\x09\x00"), (10, b"\x09\x00")),
    ),
    ("corrupt-entry.docx", _corrupt_docx),
    _bytes("stream-bomb.pdf", _stream_bomb),
    _bytes("reference-loop.pdf", _reference_loop),
    _bytes("kids-loop.pdf", _kids_loop),
    _bytes("pages-2000.pdf", lambda: _many_pages(2000)),
    _bytes("bad-mediabox.pdf", lambda: _one_page(TEXT_PAGE, b"[0 0 (a) /b]")),
    _bytes("mediabox-not-a-box.pdf", lambda: _one_page(TEXT_PAGE, b"7")),
    _bytes("spans-100000.html", _table('<td rowspan="100000" colspan="100000">1</td>' * 20)),
    _bytes("spans-1e9.html", _table('<td rowspan="1000000000" colspan="1000000000">1</td>')),
    _bytes("nesting-100000.html", ("<div>" * 100_000 + "2021" + "</div>" * 100_000).encode()),
    _bytes("digits-200000.html", _table(f"<td>{'9' * 200_000}</td>")),
    _bytes("digits-200000.txt", ("政府信息公开工作年度报告\n" + "9" * 200_000 + "\n").encode()),
    _bytes("bom-then-bad-byte.txt", b"\xef\xbb\xbf\xff\xfe2021"),
    _bytes("bom-then-bad-byte.html", b"\xef\xbb\xbf<html>\xff</html>"),
    _bytes(
        "utf8-one-bad-byte.txt",
        "二〇二一年政府信息公开工作年度报告。".encode() * 40 + b"\xff" + "结束".encode(),
    ),
    _bytes("web-table-60MB.html", lambda: _big_table(60)),
    _bytes("web-table-9MB.html", lambda: _big_table(9)),
]
