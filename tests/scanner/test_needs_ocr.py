"""A scan is never called clean: without OCR (``--ocr off``, or the extra not installed) a PDF
whose first page is only pictures, and image files, get the status ``needs_ocr`` (exit code 3,
counted apart in the audit, failed by the pre-issue gate)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import struct
import zlib
from pathlib import Path

from builders import pdf_bytes
from test_watch import Running, _config, wait_until

from scanner.cli import main
from scanner.limits import Limits
from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22), limits=Limits(ocr="off"))


def scanned_pdf(path: Path, *, text_page_after: bool = False) -> Path:
    """A PDF whose first page is one picture (grey pixels) and no text; optionally a second
    page with text."""
    pixels = bytes([128]) * (40 * 40 * 3)
    draw = b"q 500 0 0 700 50 50 cm /Im1 Do Q"
    kids = b"[3 0 R 6 0 R]" if text_page_after else b"[3 0 R]"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids " + kids + b" /Count " + (b"2" if text_page_after else b"1")
            + b" >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
            b"<< /Length " + str(len(draw)).encode() + b" >>\nstream\n" + draw + b"\nendstream",
            b"<< /Type /XObject /Subtype /Image /Width 40 /Height 40 /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Length " + str(len(pixels)).encode() + b" >>\nstream\n"
            + pixels + b"\nendstream"]
    if text_page_after:
        text = b"BT /F1 24 Tf 72 720 Td (page two) Tj ET"
        objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 7 0 R "
                 b"/Resources << /Font << /F1 8 0 R >> >> >>",
                 b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text
                 + b"\nendstream",
                 b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    path.write_bytes(pdf_bytes(objs))
    return path


def png(path: Path) -> Path:
    """A 4x4 grey PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + bytes([128]) * 4 for _ in range(4))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 0, 0,
                                                                         0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def test_a_scanned_pdf_and_images_need_ocr_never_clean(tmp_path: Path) -> None:
    files = [scanned_pdf(tmp_path / "scan.pdf"), png(tmp_path / "page.png")]
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))
    files.append(tmp_path / "photo.jpg")
    for path in files:
        report = scan_file(path, OPTIONS)
        assert report.status == "needs_ocr", (path.name, report.status, report.reason_en)
        assert report.verdict == "needs_ocr" and "OCR" in (report.reason_en or "")
    assert main(["check", str(files[0]), "--ocr", "off"]) == 3  # some file was not read


def test_text_on_page_one_is_read_even_when_later_pages_are_pictures(tmp_path: Path) -> None:
    both = scanned_pdf(tmp_path / "mixed.pdf", text_page_after=True)
    assert scan_file(both, OPTIONS).status == "needs_ocr"  # page 1 is the picture


def test_an_image_under_another_name_says_what_it_is(tmp_path: Path) -> None:
    report = scan_file(png(tmp_path / "x.docx"), OPTIONS)
    assert report.status == "unreadable" and "an image" in (report.reason_en or "")


def test_the_audit_counts_files_needing_ocr_apart(tmp_path: Path) -> None:
    archive = tmp_path / "a"
    archive.mkdir()
    scanned_pdf(archive / "scan.pdf")
    png(archive / "page.png")
    (archive / "n.txt").write_text("通知\n", encoding="utf-8")
    assert main(["audit", str(archive), "--out", str(tmp_path / "o"), "--jobs", "1",
                 "--lang", "en", "--ocr", "off"]) == 3
    stats = json.loads((tmp_path / "o" / "stats.json").read_text(encoding="utf-8"))
    assert stats["needs_ocr"] == 2 and stats["unreadable"] == 0 and stats["read"] == 1
    assert stats["by_format"] == {"image": 1, "pdf": 1, "text": 1}
    with (tmp_path / "o" / "ledger.csv").open(encoding="utf-8-sig") as fh:
        actions = {r["path"]: r["suggested action"] for r in csv.DictReader(fh)}
    assert "OCR" in actions["scan.pdf"] and "OCR" in actions["page.png"]
    assert "needs OCR" in (tmp_path / "o" / "summary.html").read_text(encoding="utf-8")


def test_the_pre_issue_gate_fails_a_scan(tmp_path: Path) -> None:
    config = _config(tmp_path, profile="pre-issue", on_pass=tmp_path / "passed",
                     on_fail=tmp_path / "failed")
    src = scanned_pdf(tmp_path / "scan.pdf")
    with Running(config) as run:
        shutil.copy(src, tmp_path / "in" / "scan.pdf")
        assert wait_until(lambda: run.rows() == 1, 30)
    assert (tmp_path / "failed" / "scan.pdf").exists()
    assert not (tmp_path / "passed").exists() or not list((tmp_path / "passed").iterdir())
