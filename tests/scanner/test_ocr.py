"""Offline OCR (the ``ocr`` extra, installed with the test extra): every case of the finding-code
table rendered to a PNG (and every fourth to an image-only PDF) gives the level of its mark in
at least 90 % of the cases, and prose about secrecy rendered the same way gives no mark."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from cases import CASES
from conftest import DATA_TEXTS, PDF_FIXTURES

from scanner.extract import ocr
from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
pytestmark = pytest.mark.slow


def _pixels(pdf_path: Path, dpi: int = 150) -> tuple[bytes, int, int]:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        image = pdf[0].render(scale=dpi / 72).to_numpy()[:, :, 2::-1]  # BGRA -> RGB
    finally:
        pdf.close()
    return image.tobytes(), int(image.shape[1]), int(image.shape[0])


def write_png(path: Path, rgb: bytes, width: int, height: int) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    stride = width * 3
    raw = b"".join(b"\x00" + rgb[y * stride:(y + 1) * stride] for y in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    return path


def write_scanned_pdf(path: Path, rgb: bytes, width: int, height: int) -> Path:
    data = zlib.compress(rgb, 6)
    draw = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
            b"<< /Length " + str(len(draw)).encode() + b" >>\nstream\n" + draw + b"\nendstream",
            f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
            f"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode "
            f"/Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    start = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n"\
        .encode()
    path.write_bytes(bytes(out))
    return path


def test_the_ocr_extra_is_installed_here() -> None:
    assert ocr.available(), "pip install -e '.[test]' installs the OCR extra"


def test_scanned_cases_give_the_level_of_their_mark(tmp_path: Path) -> None:
    found = total = 0
    misses = []
    for i, case in enumerate(CASES):
        pdf = PDF_FIXTURES / f"{case.id}.pdf"
        truth = scan_file(pdf, OPTIONS).level  # the text layer's answer
        rgb, width, height = _pixels(pdf)
        scans = [write_png(tmp_path / f"{case.id}.png", rgb, width, height)]
        if i % 4 == 0:
            scans.append(write_scanned_pdf(tmp_path / f"{case.id}.scan.pdf", rgb, width, height))
        for scan in scans:
            report = scan_file(scan, OPTIONS)
            assert report.status == "ok", (scan.name, report.reason_en)
            assert report.ocr_confidence is not None
            if truth is None:
                assert report.level is None, (scan.name, report.level)  # nothing invented
                continue
            total += 1
            if report.level == truth:
                found += 1
            else:
                misses.append((scan.name, truth, report.level))
    assert total >= 40 and found >= 0.9 * total, (found, total, misses)


def test_scanned_prose_about_secrecy_gives_no_mark(tmp_path: Path) -> None:
    from builders import DocSpec, make_docx, soffice, to_pdf  # noqa: PLC0415

    if soffice() is None:
        pytest.fail("LibreOffice is needed to lay the prose out (.ci/run installs it)")
    text = (DATA_TEXTS / "gov_sc_01.txt").read_text(encoding="utf-8").split("\n")[3:]
    lines = ["国家秘密的密级分为绝密、机密、秘密三级。",
             "公文一般由份号、密级和保密期限等要素组成。", *[x for x in text if x.strip()][:12]]
    pdf = to_pdf([make_docx(tmp_path / "prose.docx", DocSpec(body=lines))], tmp_path)[0]
    rgb, width, height = _pixels(pdf)
    report = scan_file(write_png(tmp_path / "prose.png", rgb, width, height), OPTIONS)
    assert report.status == "ok" and report.marks is not None
    assert report.marks.markings == (), [m.raw for m in report.marks.markings]
