"""``dingmi serve``: an upload sent as a raw body without ``?name=`` is read as the format its
content is (a ZIP package by its parts, an OLE file by its streams, a text by what it holds),
on a real server on 127.0.0.1; each file is marked 机密★5年 (the examples' 秘密★5年 for the
.docx and the .pdf)."""

from __future__ import annotations

import zipfile
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from builders import convert, soffice
from pptx import Presentation
from server import request, running
from test_extract_ofd import MARKED, make_ofd

from scanner.review.checker import content_suffix

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
MARK = "机密★5年"
LINES = [MARK, "关于某项目试验安排的通知", "知悉范围：项目组", "试验于三月进行。"]

pytestmark = pytest.mark.slow


def _rtf(lines: list[str]) -> bytes:
    body = "\\par ".join("".join(c if ord(c) < 128 else f"\\u{ord(c) - 65536 * (ord(c) > 32767)}?"
                                 for c in line) for line in lines)
    return ("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0 SimSun;}}\\f0 " + body
            + "\\par}").encode("ascii")


def _html(lines: list[str]) -> bytes:
    paras = "".join(f"<p>{line}</p>" for line in lines)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知</title></head>'
            f"<body>{paras}</body></html>").encode()


def _mht(lines: list[str]) -> bytes:
    page = EmailMessage()
    page["MIME-Version"] = "1.0"
    page["Subject"] = "通知"
    page.set_content(_html(lines).decode(), subtype="html")
    page.make_related()
    return page.as_bytes()


def _eml(lines: list[str]) -> bytes:
    mail = EmailMessage()
    mail["From"] = "office@example.org"
    mail["To"] = "staff@example.org"
    mail["Subject"] = "试验安排"
    mail["Date"] = "Mon, 02 Mar 2026 09:00:00 +0800"
    mail.set_content("\n".join(lines))
    return mail.as_bytes()


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("unnamed")
    book = openpyxl.Workbook()
    for r, line in enumerate(LINES, 1):
        book.active.cell(r, 1, line)
    book.save(folder / "sheet.xlsx")
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = MARK
    slide.placeholders[1].text = "\n".join(LINES[1:])
    deck.save(str(folder / "deck.pptx"))
    made = {".xlsx": folder / "sheet.xlsx", ".pptx": folder / "deck.pptx",
            ".docx": EXAMPLES / "发文稿_标志规范.docx", ".pdf": EXAMPLES / "报告_星号错误.pdf",
            ".ofd": make_ofd(folder / "x.ofd", [MARKED])}
    out = {suffix: path.read_bytes() for suffix, path in made.items()}
    out |= {".rtf": _rtf(LINES), ".html": _html(LINES), ".mht": _mht(LINES),
            ".eml": _eml(LINES), ".txt": "\n".join(LINES).encode("gb18030")}
    if soffice() is not None:
        for suffix, path in ((".xls", made[".xlsx"]), (".ppt", made[".pptx"]),
                             (".doc", made[".docx"])):
            out[suffix] = convert([path], folder / suffix[1:], suffix[1:])[0].read_bytes()
    return out


def test_the_suffix_is_told_by_content(uploads: dict[str, bytes]) -> None:
    for suffix, data in uploads.items():
        assert content_suffix(data) == suffix, suffix


def test_a_workbook_with_other_part_names_is_told_by_its_content_types(tmp_path: Path) -> None:
    types = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Override PartName="/book/main.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
    path = tmp_path / "odd.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("book/main.xml", "<workbook/>")
    assert content_suffix(path.read_bytes()) == ".xlsx"
    assert content_suffix(b"Subject: not a mail\n\njust text that starts like one") == ".txt"
    html_mail = EmailMessage()  # an HTML mail is multipart/related, as a web archive is
    html_mail["From"], html_mail["To"], html_mail["Subject"] = "a@example.org", "b@example.org", "x"
    html_mail.set_content(_html(LINES).decode(), subtype="html")
    html_mail.make_related()
    assert content_suffix(html_mail.as_bytes()) == ".eml"
    saved = b"From: <Saved by Blink>\r\nSubject: x\r\n" + _mht(LINES)  # a browser's archive
    assert content_suffix(saved) == ".mht"


def test_unnamed_uploads_are_read_as_their_content(uploads: dict[str, bytes]) -> None:
    with running("serve", "--catalog", "demo", "--jobs", "2", "--timeout", "60") as (url, _):
        for suffix, data in uploads.items():
            status, answer = request(f"{url}api/v1/check?fail_on=never", data,
                                     headers={"Content-Type": "application/octet-stream"})
            assert status == 200 and isinstance(answer, dict), (suffix, answer)
            report = answer["report"]
            assert report["source"]["path"] == f"document{suffix}", (suffix, report["source"])
            assert report["status"] == "ok", (suffix, report["status"], report.get("reason"))
            raw = (report.get("marking") or {}).get("raw")
            expected = "秘密★5年" if suffix in (".docx", ".pdf", ".doc") else MARK
            assert raw == expected or (suffix == ".pdf" and raw), (suffix, raw)
