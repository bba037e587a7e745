"""Values, finding codes and locations by their names (scanner.names), Chinese by default and
English on request, in the HTML report and on the console; EXPIRY_SOON gives the days left."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders import DocSpec, make_docx
from cases import gongwen

from markers.codes import CODES as MARK_CODES
from scanner import names
from scanner.catalogs import DEMO
from scanner.cli import main
from scanner.cli.scan import finding_line
from scanner.pipeline import ScanOptions, scan_file
from scanner.report import to_json
from scanner.report.html import render
from scanner.verdicts import VERDICT_CODES

AS_OF = dt.date(2026, 11, 22)
GUARD = "警卫路线及沿线警力部署详见附图。"  # INF-04 机密: unmarked, a likely secret


@pytest.mark.parametrize(("location", "zh", "en"), [
    ("body.p4", "正文第4段", "body, paragraph 4"),
    ("header.default.p2", "页眉第2段", "header, paragraph 2"),
    ("header.first.p1", "首页页眉第1段", "first-page header, paragraph 1"),
    ("footer.even.p3", "偶数页页脚第3段", "even-page footer, paragraph 3"),
    ("page1.l7", "第1页第7行", "page 1, line 7"),
    ("table2.r1c3", "表2第1行第3列", "table 2, row 1, column 3"),
    ("table2.r5", "表2第5行", "table 2, row 5"),
    ("body.p3-l2", "正文第3段第2行", "body, paragraph 3, line 2"),
    ("body.l12", "正文第12行", "body, line 12"),
    ("textbox1.p2", "文本框1第2段", "text box 1, paragraph 2"),
    ("props.title", "文档属性“标题”", "document property “title”"),
    ("props.custom.密级", "自定义属性“密级”", "custom property “密级”"),
    ("props.mail.subject", "邮件主题", "the mail's subject"),
    ("props.mail.forwarded1.subject", "转发的邮件1的主题", "the subject of forwarded mail 1"),
    ("forwarded2.l9", "转发的邮件2第9行", "forwarded mail 2, line 9"),
    ("somewhere.odd", "somewhere.odd", "somewhere.odd"),  # not read: shown as it is
    ("", "", ""),
])
def test_locations_in_words(location: str, zh: str, en: str) -> None:
    assert names.place(location) == zh
    assert names.place(location, "en") == en


@pytest.mark.parametrize(("first", "last", "zh", "en"), [
    ("body.p6", "body.p7", "正文第6–7段", "body, paragraphs 6–7"),
    ("page1.l6", "page1.l12", "第1页第6–12行", "page 1, lines 6–12"),
    ("body.p6", "body.p6", "正文第6段", "body, paragraph 6"),
    ("body.p6", "", "正文第6段", "body, paragraph 6"),
    ("table2.r1", "table2.r3", "表2第1–3行", "table 2, rows 1–3"),
    ("page1.l40", "page2.l3", "第1页第40行至第2页第3行", "page 1, line 40 to page 2, line 3"),
    ("body.p9", "table1.r1c1", "正文第9段至表1第1行第1列",
     "body, paragraph 9 to table 1, row 1, column 1"),
])
def test_spans_in_words(first: str, last: str, zh: str, en: str) -> None:
    assert names.place_range(first, last) == zh
    assert names.place_range(first, last, "en") == en
    if last and last != first:  # one location for both ends: a derived finding's evidence
        assert names.place(f"{first}–{last}") == zh


def test_a_derived_passage_in_words() -> None:
    """A derived finding's evidence names the place here and the source with its place."""
    where = "body.p6–body.p7 ⇄ 省厅/来源 通知.docx page1.l5"
    assert names.place(where) == "本文件 正文第6–7段 ⇄ 来源 省厅/来源 通知.docx 第1页第5行"
    assert names.place(where, "en") == (
        "here body, paragraphs 6–7 ⇄ source 省厅/来源 通知.docx page 1, line 5")
    assert names.place("body.p6 ⇄ 来源.docx ") == "本文件 正文第6段 ⇄ 来源 来源.docx"


def test_marks_without_spaces() -> None:
    assert names.mark_text("秘密★5 年") == "秘密★5年"
    assert names.mark_text(" 机密 ★ 长期 ") == "机密★长期"
    assert names.mark_text(None) == ""


def test_every_finding_code_has_its_names() -> None:
    every = {*MARK_CODES, *VERDICT_CODES, "OCR_LOW_CONFIDENCE"}
    assert every <= set(names.CODES), every - set(names.CODES)
    zh = [names.code_name(c) for c in every]
    assert len(set(zh)) == len(zh)  # no two codes share a name
    assert all(not any("A" <= ch <= "Z" for ch in n) for n in zh)  # Chinese, not a code
    assert names.code_name("UNMARKED_MATCH") == "可能应定未定"
    assert names.code_name("UNMARKED_MATCH", "en") == "possibly should be classified"
    assert names.code_label("UNMARKED_MATCH") == "可能应定未定（UNMARKED_MATCH）"
    assert names.code_name("NOT_A_CODE") == "NOT_A_CODE"


def test_values_by_name() -> None:
    assert [names.value_name("status", s) for s in ("ok", "unreadable", "unsupported")] == [
        "已检查", "无法读取", "不支持的格式"]
    assert names.value_name("verdict", "clean") == "通过"
    assert names.value_name("verdict", "clean", "en") == "clean"
    assert names.value_name("decision", "confirmed") == "确认"
    assert names.value_name("reason", "false_alarm") == "误报"
    assert names.value_name("conclusion", "延长保密期限", "en") == "extend the term"
    assert names.value_name("verdict", "something") == "something"
    assert names.level_name("机密") == "机密" and names.level_name("机密", "en") == "SECRET"


def _unmarked(tmp_path: Path) -> Path:
    return make_docx(tmp_path / "plan.docx", DocSpec(body=[
        "关于有关事项的通知", GUARD, "知悉范围：本局领导班子成员", "2026年3月2日"]))


def test_html_report_names_values_codes_and_places(tmp_path: Path) -> None:
    report = scan_file(_unmarked(tmp_path), ScanOptions(as_of=AS_OF, catalogs=(str(DEMO),)))
    zh = render(to_json(report, "zh"), "zh")
    assert "可能应定未定" in zh and "UNMARKED_MATCH" in zh  # the name, the code beside
    assert "正文第2段" in zh and "body.p" not in zh
    assert "<td>已检查</td>" in zh and "<td>警告</td>" in zh
    assert "<td>ok</td>" not in zh and "fictional" not in zh and "[虚构]" in zh
    en = render(to_json(report, "en"), "en")
    assert "possibly should be classified" in en and "body, paragraph 2" in en
    assert "<td>checked</td>" in en and "可能应定未定" not in en and "虚构" not in en


def test_console_names_the_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _unmarked(tmp_path)
    main(["check", str(path), "--as-of", AS_OF.isoformat(), "--catalog", "demo"])
    assert "可能应定未定（UNMARKED_MATCH）" in capsys.readouterr().out
    main(["check", str(path), "--as-of", AS_OF.isoformat(), "--catalog", "demo", "--lang", "en"])
    out = capsys.readouterr().out
    assert "possibly should be classified (UNMARKED_MATCH)" in out and "应定" not in out


def test_expiry_soon_gives_the_days_left(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "soon.docx", gongwen("秘密★1年", date="2026年1月10日"))
    report = to_json(scan_file(path, ScanOptions(as_of=AS_OF)))
    soon = next(f for f in report["findings"] if f["code"] == "EXPIRY_SOON")
    left = (dt.date(2027, 1, 10) - AS_OF).days
    assert f"还有{left}天" in soon["message_zh"] and "天内" not in soon["message_zh"]
    assert f"{left} days left" in soon["message_en"]


def test_a_finding_line_for_the_console(tmp_path: Path) -> None:
    report = to_json(scan_file(_unmarked(tmp_path),
                               ScanOptions(as_of=AS_OF, catalogs=(str(DEMO),))))
    finding = next(f for f in report["findings"] if f["code"] == "UNMARKED_MATCH")
    zh = finding_line(finding, "zh")
    assert zh.startswith("    警告 可能应定未定（UNMARKED_MATCH）：") and "warning" not in zh
    assert finding["message_zh"] in zh
    english = to_json(scan_file(_unmarked(tmp_path), ScanOptions(
        as_of=AS_OF, catalogs=(str(DEMO),))), "en")
    en = finding_line(next(f for f in english["findings"] if f["code"] == "UNMARKED_MATCH"),
                      "en")
    assert en.startswith("    warning possibly should be classified (UNMARKED_MATCH): ")
