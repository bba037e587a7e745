"""Declassification follows the source: a real ``dingmi audit`` over .docx files made here (a
机密★10年 source, two documents copying passages of it, one dated and one undated, an unrelated
document). The list names, under the source, the documents derived from it; the undated one
gets the 解密 date of its source, marked as inferred (openpyxl on declassify.xlsx, csv on
declassify.csv, Chromium on the 解密审核表)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from playwright.sync_api import sync_playwright

from scanner.audit.derivation import infer
from scanner.audit.ledger import ledger_row

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-06-30"
OFFICE = "示例省国防科技工业办公室"
PASSAGES = (
    "三号试验场的靶标阵列于九月上旬完成第二轮改装，南区雷达站的探测距离由四百二十公里提升到"
    "五百六十公里，北区配套的测控车组增加到十一台，全部由技术保障大队负责日常维护。",
    "新型复合装甲的抗弹试验共进行二十七发，其中穿甲弹命中后残余穿深均小于十八毫米，"
    "热处理工艺参数按照附件二规定的温度曲线执行，样板由第七研究室统一封存管理。",
    "二〇一六年度的定型试验经费核定为三千八百万元，其中靶场租用和燃料消耗占四成，"
    "剩余部分用于外场保障、数据判读以及试验报告的编写和评审工作。",
)


def _docx(path: Path, lines: list[str]) -> None:
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(path))


def make_archive(base: Path, source_date: str) -> Path:
    """The source (机密★10年, dated ``source_date``), a dated and an undated document each
    copying passages of it, and an unrelated document."""
    root = base / "archive"
    _docx(root / "来源.docx", [
        "000011", "机密★10年", "关于新型装备定型试验有关情况的报告", "国防科工局：",
        "现将新型装备定型试验的有关情况报告如下。", *PASSAGES,
        "知悉范围：局领导班子成员", OFFICE, source_date])
    _docx(root / "转发件.docx", [
        "000021", "机密★10年", "关于转发定型试验情况的通知", "各试验单位：",
        "现将上级有关定型试验的情况转发给你们，请结合本单位实际认真抓好落实。",
        PASSAGES[0], PASSAGES[1],
        "请各单位于本月底前报送落实情况。", "知悉范围：各试验单位主要负责人", OFFICE,
        "2021年5月6日"])
    _docx(root / "汇编件.docx", [  # no 成文日期
        "000031", "机密★10年", "定型试验情况摘编", "为便于工作掌握，现将定型试验有关情况摘编如下。",
        PASSAGES[1], PASSAGES[2], "知悉范围：试验办公室工作人员", OFFICE])
    _docx(root / "无关件.docx", [
        "000041", "秘密★5年", "关于办公楼消防设施检修的通知", "各处室：",
        "机关办公楼的消防喷淋系统将于下周二进行年度检修，检修期间请各处室关好门窗并配合物业人员工作。",
        "知悉范围：机关各处室负责人", OFFICE, "2024年3月5日"])
    return root


def audit(root: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scanner.cli", "audit", str(root), "--out", str(out),
         "--as-of", AS_OF, "--jobs", "1", *extra],
        capture_output=True, text=True, timeout=300, cwd=REPO, check=False)


@pytest.fixture(scope="module")
def due_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source ends on 2026-08-15, within the 3-month window of 2026-06-30."""
    base = tmp_path_factory.mktemp("declassify_derived")
    root = make_archive(base, "2016年8月15日")
    out = base / "out"
    done = audit(root, out)
    assert done.returncode in (0, 1), done.stderr
    return out


def sheet_rows(ws: Any) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]


def _table(ws: Any) -> list[dict[str, str]]:
    rows = sheet_rows(ws)
    return [dict(zip(rows[1], r, strict=True)) for r in rows[2:]]


def test_workbook_lists_the_derived_documents_under_their_source(due_source: Path) -> None:
    wb = openpyxl.load_workbook(due_source / "declassify.xlsx")
    # the undated document has no 落款 date, so no office is read from it: a sheet of its own
    assert wb.sheetnames == [OFFICE, "定密机关不明", "派生文件"]
    lines = _table(wb[OFFICE])
    assert [(r["序号"], r["路径"]) for r in lines] == [
        ("1", "来源.docx"), ("1.1", "汇编件.docx"), ("1.2", "转发件.docx")]
    source, undated, dated = lines
    assert (source["状态"], source["解密日期"]) == ("即将到期", "2026-08-15")
    assert source["派生关系"] == "派生文件 2 份，列于其下"
    assert dated["派生关系"] == undated["派生关系"] == "派生自第 1 项“来源.docx”"
    assert (dated["解密日期"], dated["状态"]) == ("2031-05-06", "未到期")  # its own date
    assert dated["原始/派生"] == "派生"  # its links make it derived
    assert undated["解密日期"] == "2026-08-15（由来源推定）" and undated["状态"] == "即将到期"
    assert undated["原因"] == ("未标成文日期，保密期限由来源推定：随“来源.docx”（机密★10年）"
                             "于 2026-08-15 届满")
    # due by its inferred date, the undated document is on the list on its own line too
    (own,) = _table(wb["定密机关不明"])
    assert (own["序号"], own["路径"], own["状态"]) == ("1", "汇编件.docx", "即将到期")
    assert own["解密日期"] == "2026-08-15（由来源推定）"
    assert own["派生关系"] == "由来源推定：来源.docx（机密★10年）"
    derived = sheet_rows(wb["派生文件"])
    pairs = {(r[0], r[3]): dict(zip(derived[0], r, strict=True)) for r in derived[1:]}
    assert set(pairs) == {("来源.docx", "汇编件.docx"), ("来源.docx", "转发件.docx")}
    assert pairs[("来源.docx", "汇编件.docx")]["解密日期依据"] == (
        "由来源推定：来源.docx（机密★10年）")
    assert pairs[("来源.docx", "转发件.docx")]["解密日期依据"] == ""
    assert pairs[("来源.docx", "转发件.docx")]["来源状态"] == "即将到期"


def test_csv_names_the_derived_documents_and_the_inferred_date(due_source: Path) -> None:
    with (due_source / "declassify.csv").open(encoding="utf-8-sig", newline="") as fh:
        listed = {r["路径"]: r for r in csv.DictReader(fh)}
    assert set(listed) == {"来源.docx", "汇编件.docx"}
    source = listed["来源.docx"]
    assert (source["状态"], source["解密日期"], source["解密日期依据"]) == (
        "即将到期", "2026-08-15", "")
    assert "转发件.docx（机密★10年，2031-05-06，未到期）" in source["派生文件"]
    assert "汇编件.docx（机密★10年，2026-08-15（由来源推定），即将到期）" in source["派生文件"]
    undated = listed["汇编件.docx"]
    assert (undated["状态"], undated["解密日期"], undated["成文日期"]) == (
        "即将到期", "2026-08-15", "")
    assert undated["解密日期依据"] == "由来源推定：来源.docx（机密★10年）"
    assert undated["原因"].startswith("未标成文日期，保密期限由来源推定")
    stats = json.loads((due_source / "stats.json").read_text(encoding="utf-8"))
    # the statistics count the undated document by its inferred date, as the list does
    assert (stats["due_within_window"], stats["expired"], stats["expiry_unknown"]) == (2, 0, 0)


def test_review_form_shows_them_together(due_source: Path) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page()
            page.goto((due_source / "declassify-review.html").as_uri(), wait_until="load")
            form = page.locator("section.form").filter(has_text=OFFICE)
            assert page.locator("section.form").count() == 2  # and 定密机关不明
            assert "派生文件：2" in "".join(form.locator(".meta").inner_text().split())
            rows = form.locator("tbody tr")
            cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
            assert [c[0] for c in cells] == ["1", "1.1", "1.2"]
            derived = form.locator("tbody tr.derived")
            assert derived.count() == 2
            undated = derived.filter(has_text="定型试验情况摘编")
            assert "2026-08-15（由来源推定）" in undated.inner_text()
            assert "派生自第 1 项“来源.docx”" in undated.locator(".rel").inner_text()
            assert "□解密" in undated.locator("td.opinion").inner_text()  # its own opinion
        finally:
            browser.close()


def test_live_source_the_undated_document_is_not_due(tmp_path: Path) -> None:
    root = make_archive(tmp_path, "2020年4月1日")  # the source ends on 2030-04-01
    out = tmp_path / "out"
    done = audit(root, out, "--lang", "en")
    assert done.returncode in (0, 1), done.stderr
    with (out / "declassify.csv").open(encoding="utf-8-sig", newline="") as fh:
        listed = list(csv.DictReader(fh))
    assert listed == []  # nothing due: the undated document follows its live source
    with (out / "ledger.csv").open(encoding="utf-8-sig", newline="") as fh:
        ledger = {r["path"]: r for r in csv.DictReader(fh)}
    # the ledger shows the undated document's date, inferred; the dated one keeps its own
    assert ledger["汇编件.docx"]["expiry date"] == "2030-04-01 (inferred from source)"
    assert ledger["汇编件.docx"]["date"] == ""
    assert ledger["转发件.docx"]["expiry date"] == "2031-05-06"
    assert ledger["无关件.docx"]["expiry date"] == "2029-03-05"
    report = json.loads((out / "reports" / "汇编件.docx.report.json").read_text("utf-8"))
    row = ledger_row(report)
    assert [s.relative for s in row.sources] == ["来源.docx"]
    guess = infer(row, dt.date(2026, 6, 30), dt.date(2026, 9, 30))
    assert guess is not None and (guess.expires_on, guess.state) == ("2030-04-01", "later")
    assert guess.reason("en") == ("undated: the period is inferred from source '来源.docx' "
                                  "(机密★10年), ending on 2030-04-01")
    form = (out / "declassify-review.html").read_text(encoding="utf-8")
    assert "No document has expired or is due." in form
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert (stats["due_within_window"], stats["expired"], stats["expiry_unknown"]) == (0, 0, 0)


def test_the_list_in_english(due_source: Path) -> None:
    out = due_source.parent / "out_en"
    done = audit(due_source.parent / "archive", out, "--lang", "en")
    assert done.returncode in (0, 1), done.stderr
    wb = openpyxl.load_workbook(out / "declassify.xlsx")
    assert wb.sheetnames == [OFFICE, "office unknown", "derived documents"]
    lines = {r["no."]: r for r in _table(wb[OFFICE])}
    assert lines["1"]["derivation"] == "2 derived documents, listed below it"
    undated = lines["1.1"]
    assert (undated["path"], undated["expiry date"], undated["state"]) == (
        "汇编件.docx", "2026-08-15 (inferred from source)", "due")
    assert undated["derivation"] == "derived from no. 1 '来源.docx'"
    assert lines["1.2"]["state"] == "not yet due"
    with (out / "declassify.csv").open(encoding="utf-8-sig", newline="") as fh:
        listed = {r["path"]: r for r in csv.DictReader(fh)}
    assert listed["汇编件.docx"]["expiry basis"] == "inferred from source: 来源.docx (机密★10年)"
    assert "转发件.docx (机密★10年, 2031-05-06, not yet due)" in (
        listed["来源.docx"]["derived documents"])
    form = (out / "declassify-review.html").read_text(encoding="utf-8")
    assert "derived from no. 1 &#x27;来源.docx&#x27;" in form and "由来源推定" not in form


def test_a_copy_marked_shorter_is_not_proposed_for_declassification(tmp_path: Path) -> None:
    """A 落实方案 copying a live 机密★10年 source but marked 秘密★1年 (run out by its own mark):
    its content stays classified with the source, so the list says so (state 来源仍有效, the
    source and its end named) instead of proposing it for 解密; the ledger's advice is to mark it
    as the source is, not to declassify it."""
    root = tmp_path / "archive"
    _docx(root / "来源.docx", [
        "000011", "机密★10年", "关于新型装备定型试验有关情况的报告", "国防科工局：",
        "现将新型装备定型试验的有关情况报告如下。", *PASSAGES,
        "知悉范围：局领导班子成员", OFFICE, "2022年3月1日"])
    _docx(root / "落实方案.docx", [
        "000051", "秘密★1年", "关于落实定型试验保障任务的方案", "各试验单位：",
        PASSAGES[0], PASSAGES[2], "知悉范围：各试验单位主要负责人", OFFICE, "2023年4月10日"])
    out = tmp_path / "out"
    assert audit(root, out).returncode in (0, 1)
    cases = (("zh", "来源仍有效", "仍有效的来源“来源.docx”（机密★10年，至 2032-03-01）"),
             ("en", "source still in force", "'来源.docx' (机密★10年, until 2032-03-01), still "
                                             "in force"))
    for lang, state, words in cases:
        if lang == "en":
            assert audit(root, out, "--lang", "en").returncode in (0, 1)
        with (out / "declassify.csv").open(encoding="utf-8-sig", newline="") as fh:
            listed = {r[0]: r for r in list(csv.reader(fh))[1:]}
        assert set(listed) == {"落实方案.docx"}, listed
        line = " | ".join(listed["落实方案.docx"])
        assert state in line and words in line, line
    rows = list(csv.DictReader((out / "ledger.csv").open(encoding="utf-8-sig", newline="")))
    plan = next(r for r in rows if r[next(iter(r))] == "落实方案.docx")
    advice = plan.get("suggested action") or plan.get("建议处理") or ""
    assert "mark it as its source is marked" in advice and "declassification" not in advice
