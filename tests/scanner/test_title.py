"""The report's ``title``: the 公文 title (关于…的通知), not the 发文机关标志, an issuer's name
or a junk property; with the 文号 and 份号 beside it. Real DOCX files (python-docx), and PDF,
.doc and .wps files made from them by LibreOffice."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import olefile
import pytest
from builders import DocSpec, Para, make_docx, soffice, to_doc, to_pdf

from scanner.pipeline import ScanOptions, scan_file
from scanner.report.model import to_json
from scanner.title import property_title, real_text

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
TITLE = "示例市人民政府关于加强电网运行安全保障工作的通知"
GONGWEN = DocSpec(body=[
    "000123", "机密★5年", "特急",
    Para("示例市人民政府文件", align="center"), Para("示例府发〔2024〕3号", align="center"),
    Para("示例市人民政府关于加强", align="center"),
    Para("电网运行安全保障工作的通知", align="center"),
    "各区县人民政府：", "为加强电网运行安全，现将有关事项通知如下。", "知悉范围：各区县人民政府",
    "示例市人民政府", "2024年3月1日"],
    title="示例市人民政府文件")  # a template's title property: the 发文机关标志
ISSUER = DocSpec(body=[
    Para("示例市机密技术服务中心文件", align="center"),
    Para("示例市机密技术服务中心关于开展年度安全检查的通知", align="center"),
    "各科室：", "现将年度安全检查有关事项通知如下。", "示例市机密技术服务中心", "2024年5月6日"])
HEADING = DocSpec(body=[Para("示例市人民政府文件", align="center"),
                        Para("二〇二四年电网运行工作要点", align="center"),
                        "一、总体要求", "全年工作安排如下。"])
SIGNED = DocSpec(body=[Para("示例市机密技术服务中心", align="center"),
                       Para("二〇二四年安全工作要点", align="center"),
                       "一、总体要求", "全年工作安排如下。", "示例市机密技术服务中心",
                       "2024年1月8日"],
                 title="示例市机密技术服务中心文件")
PROPERTY = DocSpec(body=["会议记录", "参会人员讨论了工作安排。"], title="第三季度工作例会记录")


def _report(path: Path) -> dict[str, object]:
    report = to_json(scan_file(path, OPTIONS))
    assert report["status"] == "ok", report["reason_en"]
    return report


def test_docx_title_number_and_copy(tmp_path: Path) -> None:
    report = _report(make_docx(tmp_path / "a.docx", GONGWEN))
    assert report["title"] == TITLE
    assert report["doc_number"] == "示例府发〔2024〕3号"
    assert report["copy_number"] == "000123"


def test_an_issuer_with_a_level_in_its_name_is_not_the_title(tmp_path: Path) -> None:
    report = _report(make_docx(tmp_path / "i.docx", ISSUER))
    assert report["title"] == "示例市机密技术服务中心关于开展年度安全检查的通知"


def test_else_the_first_heading_else_the_property(tmp_path: Path) -> None:
    assert _report(make_docx(tmp_path / "h.docx", HEADING))["title"] == "二〇二四年电网运行工作要点"
    assert _report(make_docx(tmp_path / "p.docx", PROPERTY))["title"] == "第三季度工作例会记录"
    # the issuer's name (机密 in it), centred above the heading and repeated in the 落款, is not
    # the title, nor is a title property that is the 发文机关标志
    assert _report(make_docx(tmp_path / "s.docx", SIGNED))["title"] == "二〇二四年安全工作要点"
    flag = _report(make_docx(tmp_path / "f.docx", DocSpec(body=["正文一段。"],
                                                          title="示例市人民政府文件")))
    assert flag["title"] is None
    nothing = _report(make_docx(tmp_path / "n.docx", DocSpec(body=["正文一段。", "正文两段。"])))
    assert nothing["title"] is None


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    base = tmp_path_factory.mktemp("title")
    gongwen = make_docx(base / "gongwen.docx", GONGWEN)
    heading = make_docx(base / "heading.docx", HEADING)
    # a property to spoil: ASCII, so its bytes are easy to find in the .doc's property set
    junk = make_docx(base / "junk.docx", DocSpec(body=["正文一段。", "正文两段。"],
                                                 title="PROPERTYTITLE"))
    pdf, heading_pdf = to_pdf([gongwen, heading], base / "pdf")
    docs = to_doc([gongwen, heading, junk], base / "doc")
    return {"pdf": pdf, "heading.pdf": heading_pdf, "doc": docs[0], "heading.doc": docs[1],
            "junk.doc": docs[2]}


def test_pdf_and_doc_titles(converted: dict[str, Path]) -> None:
    for kind in ("pdf", "doc"):
        report = _report(converted[kind])
        assert report["title"] == TITLE, kind
        assert report["doc_number"] == "示例府发〔2024〕3号", kind
        assert report["copy_number"] == "000123", kind
    assert _report(converted["heading.doc"])["title"] == "二〇二四年电网运行工作要点"
    # a PDF says nothing of alignment: the first line below the 版头 that reads as a heading
    assert _report(converted["heading.pdf"])["title"] == "二〇二四年电网运行工作要点"


def _spoil_title(source: Path, target: Path, junk: bytes) -> Path:
    """``source`` with the bytes of its title property replaced by ``junk`` (same length), as a
    WPS file read in the wrong code page gives."""
    shutil.copy(source, target)
    ole = olefile.OleFileIO(str(target), write_mode=True)
    try:
        stream = "\x05SummaryInformation"
        data = ole.openstream(stream).read()
        assert b"PROPERTYTITLE" in data
        ole.write_stream(stream, data.replace(b"PROPERTYTITLE", junk))
    finally:
        ole.close()
    return target


@pytest.mark.parametrize("junk", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x01\x02\x03\x04",
                                  b"\x00\xff\xfe\x00\x13\x14\x00\x00\x0b\x0c\x0e\x0f\x10"],
                         ids=["ole-bytes", "control-bytes"])
def test_a_junk_title_property_is_never_the_title(converted: dict[str, Path], tmp_path: Path,
                                                  junk: bytes) -> None:
    good = _report(converted["junk.doc"])
    assert good["title"] == "PROPERTYTITLE"  # the property as written is the title
    wps = _spoil_title(converted["junk.doc"], tmp_path / "junk.wps", junk)
    report = _report(wps)
    assert report["title"] is None, report["title"]


def test_junk_is_told_from_text() -> None:
    assert real_text("关于开展安全检查的通知") and real_text("Annual report 2024")
    for junk in ("\ufffd\ufffd\x11ࡱ", "a\x00b\x00c", "\ue000\ue001\ue002", "ÊÂÀýÊÐÕþ¸®",
                 "★★★", "", "--"):
        assert property_title(junk) is None, junk


@pytest.mark.parametrize("name", ["°ú DOCX ⁄c (2).docx", "Microsoft Word - 通知.doc",
                                  "关于开展安全检查的通知.pdf"])
def test_a_file_name_in_the_title_property_is_never_the_title(tmp_path: Path,
                                                              name: str) -> None:
    """Print To PDF writes the printed file's name (here a Chinese one read in the wrong code
    page) as the PDF's title: a real PDF with such a title and no heading has no title."""
    import pypdf  # noqa: PLC0415

    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": name, "/Producer": "Microsoft: Print To PDF"})
    path = tmp_path / "printed.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    assert pypdf.PdfReader(str(path)).metadata.title == name
    report = _report(path)
    assert report["title"] is None, report["title"]
    assert property_title(name) is None and property_title("关于开展安全检查的通知") is not None


def test_the_ledger_lists_the_same_title(tmp_path: Path) -> None:
    make_docx(tmp_path / "archive" / "a.docx", GONGWEN)
    done = subprocess.run([sys.executable, "-m", "scanner.cli", "audit", "archive", "--out",
                           "out", "--as-of", "2026-11-22", "--jobs", "1"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    with (tmp_path / "out" / "ledger.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["标题"] == TITLE and rows[0]["文号"] == "示例府发〔2024〕3号"


def test_fields_and_list_entries_are_never_part_of_a_title(tmp_path: Path) -> None:
    # a 知悉范围 line or a 发至 line right above the title is no title's first line
    for field in ("知悉范围：市政府领导", "此件发至各区县水利局"):
        path = make_docx(tmp_path / "scope.docx", DocSpec(body=[
            "000123", "机密★5年", field, "关于启动城区限制供水措施的请示", "市政府：",
            "为保障城区供水安全，拟启动限制供水措施，妥否，请批示。", "某市水务局",
            "2026年5月6日"]))
        assert _report(path)["title"] == "关于启动城区限制供水措施的请示"
    # a compilation's 目录 lists its documents' titles: its own title is its cover's
    path = make_docx(tmp_path / "book.docx", DocSpec(body=[
        "机密★10年", "2025年上半年水利安全工作文件汇编", "某市水利局办公室编", "2025年6月", "目录",
        "1. 关于加强重点水利工程建设期间安全防范工作的通知（青水发〔2025〕8号）",
        "2. 关于做好2025年度汛期水库调度运行工作的通知（青水发〔2025〕19号）",
        "为便于查阅，现将上半年有关文件汇编如下。"]))
    report = _report(path)
    assert report["title"] == "2025年上半年水利安全工作文件汇编"
    assert report["doc_number"] is None  # the 目录's 文号 are its documents'


def test_an_office_name_above_a_whole_title_is_not_part_of_it(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "letter.docx", DocSpec(body=[
        "长岭市第一中学", "关于做好入闱命题教师推荐工作的通知", "各教研组：",
        "请各教研组于本月底前推荐入闱命题教师人选。", "长岭市第一中学", "2025年8月25日"]))
    assert _report(path)["title"] == "关于做好入闱命题教师推荐工作的通知"


def test_titles_as_plain_text_and_pdf_write_them() -> None:
    from markers import Block  # noqa: PLC0415
    from scanner.document import Document  # noqa: PLC0415
    from scanner.title import document_title  # noqa: PLC0415

    def title(lines: list[str]) -> str | None:
        blocks = tuple(Block(t, f"page1.l{i}", "top", i) for i, t in enumerate(lines, 1))
        from markers import find_marks  # noqa: PLC0415

        return document_title(Document(path=Path("x.pdf"), kind="pdf", blocks=blocks, pages=1,
                                       meta={}), find_marks(blocks))

    # a company's letterhead above a heading that is no 公文 title
    assert title(["北港石化码头有限公司", "安全生产工作提示", "公司各部门：",
                  "近期集中区安全防护要求较多，现提示如下。"]) == "安全生产工作提示"
    # a kind with a word before it; the spaces a PDF's text layer puts next to Chinese text
    assert title(["国务院办公厅关于加快发展体育竞赛表演产业的指导意见", "各省人民政府："]) == \
        "国务院办公厅关于加快发展体育竞赛表演产业的指导意见"
    assert title(["关于做好 2026 年高考考点保障工作的通知", "各县区招生办："]) == \
        "关于做好2026年高考考点保障工作的通知"
