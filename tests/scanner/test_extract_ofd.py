"""OFD extraction on packages built here (text objects by position, a template page, an
annotation, custom data, several documents) and on damaged ones; the real OFD files of the
shared corpus are in tests/test_corpus.py."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from scanner.extract.ofd import extract_ofd
from scanner.pipeline import ScanOptions, scan_file

NS = "http://www.ofdspec.org/2016"
OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))


def _text(x: float, y: float, text: str, size: float = 5.0) -> str:
    return (f'<ofd:TextObject ID="1" Boundary="{x} {y} {size * len(text)} {size}" '
            f'Size="{size}"><ofd:TextCode X="0" Y="{size * 0.9}">{text}</ofd:TextCode>'
            "</ofd:TextObject>")


def _page(*objects: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}">'
            "<ofd:Content><ofd:Layer ID=\"2\">" + "".join(objects)
            + "</ofd:Layer></ofd:Content></ofd:Page>")


def make_ofd(path: Path, pages: list[str], *, template: str | None = None,
             custom: dict[str, str] | None = None, second_doc: list[str] | None = None) -> Path:
    """An OFD package: one document (and optionally a second) with the pages given."""
    customs = "".join(f'<ofd:CustomData Name="{k}">{v}</ofd:CustomData>'
                      for k, v in (custom or {}).items())
    docs = [("Doc_0", pages)] + ([("Doc_1", second_doc)] if second_doc else [])
    bodies = "".join(f"<ofd:DocBody><ofd:DocInfo><ofd:Title>测试</ofd:Title><ofd:CustomDatas>"
                     f"{customs}</ofd:CustomDatas></ofd:DocInfo><ofd:DocRoot>{d}/Document.xml"
                     "</ofd:DocRoot></ofd:DocBody>" for d, _ in docs)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" '
                               f'DocType="OFD" Version="1.1">{bodies}</ofd:OFD>')
        for d, doc_pages in docs:
            tpl = ('<ofd:TemplatePage ID="9" BaseLoc="Tpls/T0/Content.xml"/>'
                   if template and d == "Doc_0" else "")
            refs = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/P{i}/Content.xml"/>'
                           for i in range(len(doc_pages)))
            zf.writestr(f"{d}/Document.xml",
                        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}">'
                        "<ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
                        f"</ofd:PhysicalBox></ofd:PageArea>{tpl}</ofd:CommonData>"
                        f"<ofd:Pages>{refs}</ofd:Pages></ofd:Document>")
            for i, page in enumerate(doc_pages):
                with_tpl = (page.replace("<ofd:Content>",
                                         '<ofd:Template TemplateID="9"/><ofd:Content>')
                            if template and d == "Doc_0" and i == 0 else page)
                zf.writestr(f"{d}/Pages/P{i}/Content.xml", with_tpl)
            if template and d == "Doc_0":
                zf.writestr(f"{d}/Tpls/T0/Content.xml", template)
    return path


MARKED = _page(_text(27, 14, "001012"), _text(27, 21, "机密"), _text(37, 21, "★"),
               _text(42, 21, "5"), _text(47, 21, "年"), _text(27, 28, "特急"),
               _text(60, 60, "关于某事项的通知"), _text(27, 80, "知悉范围：局领导"),
               _text(120, 200, "2023年1月1日"))


def test_marks_are_read_by_position_as_on_a_printed_page(tmp_path: Path) -> None:
    path = make_ofd(tmp_path / "m.ofd", [MARKED, _page(_text(20, 20, "第二页正文"))])
    report = scan_file(path, OPTIONS)
    assert report.status == "ok", report.reason_en
    marks = report.marks
    assert marks is not None and marks.effective is not None
    assert marks.effective.raw == "机密★5年" and marks.effective.region == "top"
    assert marks.copy_number is not None and marks.copy_number.value == "001012"
    assert marks.urgency is not None and marks.urgency.value == "特急"
    assert report.source.pages == 2 and report.source.kind == "ofd"


def test_text_stored_out_of_order_is_put_back_in_reading_order(tmp_path: Path) -> None:
    shuffled = _page(_text(60, 60, "正文第一行"), _text(37, 21, "★"), _text(27, 21, "机密"),
                     _text(27, 14, "001012"), _text(42, 21, "10年"))
    doc = extract_ofd(make_ofd(tmp_path / "s.ofd", [shuffled]))
    assert [b.text for b in doc.blocks[:3]] == ["001012", "机密★10年", "正文第一行"]


def test_template_text_and_custom_data_and_several_documents(tmp_path: Path) -> None:
    template = _page(_text(30, 10, "某某局文件"))
    path = make_ofd(tmp_path / "t.ofd", [_page(_text(30, 40, "正文"))], template=template,
                    custom={"SecurityLevel": "SECRET", "AppVersion": "1"},
                    second_doc=[_page(_text(30, 40, "第二份文档"))])
    doc = extract_ofd(path)
    texts = {b.location: b.text for b in doc.blocks}
    assert "某某局文件" in texts.values() and "第二份文档" in texts.values()
    assert texts["props.custom.SecurityLevel"] == "机密" and texts["props.title"] == "测试"
    assert doc.pages == 2


def test_prose_about_secrecy_in_an_ofd_is_no_mark(tmp_path: Path) -> None:
    prose = _page(_text(20, 20, "国家秘密的密级分为绝密、机密、秘密三级。"),
                  _text(20, 30, "公文一般由份号、密级和保密期限等要素组成。"))
    report = scan_file(make_ofd(tmp_path / "p.ofd", [prose]), OPTIONS)
    assert report.status == "ok" and report.marks is not None
    assert report.marks.markings == ()


@pytest.mark.parametrize(("build", "reason"), [
    (lambda p: p.write_bytes(b"PK\x03\x04broken"), "damaged"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("OFD.xml", f'<ofd:OFD xmlns:ofd="{NS}"/>'),
     "no pages"),
    (lambda p: zipfile.ZipFile(p, "w").writestr(
        "OFD.xml", f'<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody><ofd:DocRoot>D/Document.xml'
                   "</ofd:DocRoot></ofd:DocBody></ofd:OFD>"), "lacks"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("word/document.xml", "<x/>"), "Word"),
])
def test_damaged_packages_get_a_clear_reason(tmp_path: Path, build: object, reason: str) -> None:
    path = tmp_path / "bad.ofd"
    build(path)  # type: ignore[operator]
    report = scan_file(path, OPTIONS)
    assert report.status == "unreadable"
    assert reason in (report.reason_en or ""), report.reason_en


def test_security_level_is_a_mark_property(tmp_path: Path) -> None:
    """OFD's SecurityLevel custom data is the document's level: alone it is the mark (and, with
    no term anywhere, PERIOD_MISSING); beside a printed mark with its term it agrees with it and
    raises nothing of its own; a different level is a conflict."""
    alone = scan_file(make_ofd(tmp_path / "a.ofd", [_page(_text(60, 60, "关于某事项的通知"))],
                               custom={"SecurityLevel": "SECRET"}), OPTIONS)
    assert alone.level == "机密"
    assert "PERIOD_MISSING" in {f.code for f in alone.findings}
    beside = scan_file(make_ofd(tmp_path / "b.ofd", [MARKED], custom={"SecurityLevel": "SECRET"}),
                       OPTIONS)
    assert beside.marks is not None
    assert {m.form for m in beside.marks.markings} == {"line", "property"}
    assert beside.marks.effective is not None and beside.marks.effective.raw == "机密★5年"
    codes = {f.code for f in beside.findings}
    assert not codes & {"PERIOD_MISSING", "MARK_CONFLICT"}, codes
    other = scan_file(make_ofd(tmp_path / "c.ofd", [MARKED],
                               custom={"SecurityLevel": "TOP SECRET"}), OPTIONS)
    assert "MARK_CONFLICT" in {f.code for f in other.findings}
