"""RTF and saved web pages written by LibreOffice from a python-docx document, an MHT archive
and mail files built with the standard library's ``email`` package (the body and each
attachment a member, as a ZIP's), and their damaged forms."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest
from builders import DocSpec, convert, make_docx, soffice

from scanner.cli import main
from scanner.extract.rtf import extract_rtf, read_rtf
from scanner.extract.web import extract_html, extract_mht
from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
AS_OF = "2026-11-22"
needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
LINES = ["000123", "机密★5年", "某局关于某型装备试验安排的通知", "知悉范围：局领导班子成员",
         "试验于三月进行。", "某局", "2026年3月2日"]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("web")
    notice = make_docx(folder / "notice.docx", DocSpec(body=LINES, title="试验安排"))
    cover = make_docx(folder / "cover.docx", DocSpec(
        body=["某大学博士学位论文"], table=[["密级", "机密"], ["保密期限", "10年"]],
        first_header=["内部"], footer=["第1页"]))
    out = {"notice.docx": notice, "cover.docx": cover}
    if soffice() is not None:
        for fmt in ("rtf", "html"):
            for made in convert([notice, cover], folder / fmt, fmt):
                out[made.name] = made
    return out


@needs_soffice
@pytest.mark.parametrize("name", ["notice.rtf", "notice.html"])
def test_the_notice_reads_as_its_docx(pages: dict[str, Path], name: str) -> None:
    want = scan_file(pages["notice.docx"], OPTIONS)
    got = scan_file(pages[name], OPTIONS)
    assert got.status == "ok", got.reason_en
    assert got.marks is not None and want.marks is not None
    assert got.marks.effective is not None and got.marks.effective.raw == "机密★5年"
    assert got.marks.effective.region == "top"
    assert got.marks.copy_number is not None and got.marks.copy_number.value == "000123"
    assert {f.code for f in got.findings} == {f.code for f in want.findings}


@needs_soffice
@pytest.mark.parametrize("name", ["cover.rtf", "cover.html"])
def test_cover_tables_read_as_rows(pages: dict[str, Path], name: str) -> None:
    reader = extract_rtf if name.endswith(".rtf") else extract_html
    rows = [(b.text, b.location) for b in reader(pages[name]).blocks if b.region == "table"]
    assert rows == [("密级\t机密", "table1.r1"), ("保密期限\t10年", "table1.r2")]
    eff = scan_file(pages[name], OPTIONS).marks.effective  # type: ignore[union-attr]
    assert eff is not None and (eff.level, eff.term.years, eff.form) == ("机密", 10, "field")


@needs_soffice
def test_rtf_headers_footers_and_a_doc_that_is_rtf(pages: dict[str, Path],
                                                   tmp_path: Path) -> None:
    blocks = extract_rtf(pages["cover.rtf"]).blocks
    assert ("内部", "header") in {(b.text, b.region) for b in blocks}
    assert ("第1页", "footer") in {(b.text, b.region) for b in blocks}
    path = tmp_path / "saved_as.doc"
    shutil.copy(pages["notice.rtf"], path)
    report = scan_file(path, OPTIONS)
    assert report.status == "ok" and report.source.kind == "rtf"
    assert report.marks is not None and report.marks.effective is not None


def test_rtf_escapes_code_pages_and_damage() -> None:
    blocks, meta = read_rtf(rb"{\rtf1\ansi\ansicpg936{\fonttbl{\f0 \'cb\'ce;}}"
                            rb"{\info{\title \'b2\'e2\'ca\'d4}}"
                            rb"\'c3\'d8\'c3\'dc\u9733?5\u24180?\par \uc0\u36890 \u30693\par}")
    assert [b.text for b in blocks if b.region != "props"] == ["秘密★5年", "通知"]
    assert meta == {"title": "测试"}
    for bad in (b"{\\rtf1 abc", b"not rtf", b"{\\rtf1" + b"{" * 300 + b"}" * 300 + b"}"):
        with pytest.raises(Exception) as info:
            read_rtf(bad)
        assert type(info.value).__name__ == "ExtractError"


def test_an_mht_archive_is_read_as_its_page(tmp_path: Path) -> None:
    html = ("<html><head><meta charset='gb2312'><title>通知</title></head><body>"
            "<p>000123</p><p align=right>机密★5年</p><p>关于某事项的通知</p>"
            "<p>知悉范围：局领导</p></body></html>")
    msg = MIMEMultipart("related")
    msg["Subject"] = "saved page"
    msg.attach(MIMEText(html, "html", "gb2312"))
    path = tmp_path / "page.mht"
    path.write_bytes(msg.as_bytes())
    doc = extract_mht(path)
    assert [b.text for b in doc.blocks][:2] == ["000123", "机密★5年"]
    assert doc.blocks[1].align == "right" and doc.meta["title"] == "通知"
    report = scan_file(path, OPTIONS)
    assert report.marks is not None and report.marks.effective is not None
    bad = tmp_path / "bad.mht"
    bad.write_bytes(b"\x00\x01 no mime here")
    assert scan_file(bad, OPTIONS).status == "unreadable"


def _mail(docx: Path) -> bytes:
    msg = EmailMessage()
    msg["Subject"] = "关于报送材料的通知"
    msg["From"] = "a@example.invalid"
    msg["To"] = "b@example.invalid"
    msg.set_content("秘密★1年\n请于三月底前报送。\n知悉范围：各处室负责人\n")
    msg.add_attachment(docx.read_bytes(), maintype="application", subtype="octet-stream",
                       filename="附件.docx")
    buf = zipfile.ZipFile(tmp := (docx.parent / "pkg.zip"), "w")
    buf.writestr("a.txt", "机密★5年\n")
    buf.close()
    msg.add_attachment(tmp.read_bytes(), maintype="application", subtype="zip",
                       filename="材料.zip")
    return msg.as_bytes()


def test_a_mail_is_a_package_of_its_body_and_attachments(pages: dict[str, Path],
                                                         tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "mail.eml").write_bytes(_mail(pages["notice.docx"]))
    out = tmp_path / "out"
    assert main(["scan", str(root), "--out", str(out), "--as-of", AS_OF, "-q",
                 "--lang", "en"]) == 3  # the attached ZIP is not opened
    got = {json.loads(p.read_text("utf-8"))["source"]["relative"]: json.loads(
        p.read_text("utf-8")) for p in out.rglob("*.report.json")}
    assert set(got) == {"mail.eml!正文.txt", "mail.eml!附件.docx", "mail.eml!材料.zip"}
    body = got["mail.eml!正文.txt"]
    assert body["status"] == "ok" and body["marking"]["raw"] == "秘密★1年"
    assert got["mail.eml!附件.docx"]["marking"]["raw"] == "机密★5年"
    assert "not opened" in got["mail.eml!材料.zip"]["reason_en"]


def test_a_mail_read_on_its_own_names_its_attachments(pages: dict[str, Path],
                                                      tmp_path: Path) -> None:
    path = tmp_path / "mail.eml"
    path.write_bytes(_mail(pages["notice.docx"]))
    report = scan_file(path, OPTIONS)
    assert report.status == "ok"
    assert report.marks is not None and report.marks.effective is not None
    assert report.marks.effective.raw == "秘密★1年"
    assert "附件.docx" in (report.reason_en or "")
    broken = tmp_path / "broken.eml"
    broken.write_bytes(b"\x00" * 64)
    assert scan_file(broken, OPTIONS).status == "unreadable"


def test_pages_saved_under_office_names_are_read_as_pages(tmp_path: Path) -> None:
    """Word saves web pages and single-file web archives under .doc, and many systems export
    tables as HTML under .xls: the content decides."""
    html = ("<html><head><meta charset='utf-8'></head><body><table><tr><td>密级</td>"
            "<td>机密</td></tr><tr><td>保密期限</td><td>10年</td></tr></table></body></html>")
    archive = MIMEMultipart("related")
    archive.attach(MIMEText(html, "html", "utf-8"))
    cases = {"export.xls": html.encode(), "page.doc": html.encode(),
             "archive.doc": archive.as_bytes()}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        report = scan_file(path, OPTIONS)
        assert report.status == "ok", (name, report.reason_en)
        assert report.source.kind == ("mht" if name == "archive.doc" else "web"), name
        eff = report.marks.effective if report.marks else None
        assert eff is not None and (eff.level, eff.term.years) == ("机密", 10), name
    plain = tmp_path / "notes.doc"
    plain.write_text("机密★5年\n只是文字\n", encoding="utf-8")
    assert scan_file(plain, OPTIONS).status == "unreadable"  # text named .doc: still refused


def test_rtf_named_txt_is_still_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "source.txt"
    path.write_bytes(b"{\\rtf1 \\'c3\\'d8\\'c3\\'dc}\n")
    report = scan_file(path, OPTIONS)
    assert report.status == "ok" and report.source.kind == "text"
