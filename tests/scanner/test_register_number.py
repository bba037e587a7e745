"""A document's own 文号 stands in its 版头, never in a row listing other documents: a 收文登记簿
(a table of 文号, titles and dates), a numbered list of documents, a 《title》 beside its 文号
(a register's line, a compilation's 《source》（文号）) name other documents. A 版头 laid out in a
table (份号 and mark in the first cell, a label cell 文号 with its value) still gives the 文号.
Real DOCX files (python-docx), PDF and .doc made from them by LibreOffice, and the ledger of a
real ``dingmi audit``."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from builders import DocSpec, Para, make_docx, soffice, to_doc, to_pdf

from markers import Block, find_marks
from scanner.pipeline import ScanOptions, scan_file
from scanner.report.model import to_json

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
ROWS = [["序号", "文号", "标题", "收文日期"],
        ["1", "东应急发〔2021〕12号", "关于调整2021年度防汛抗旱应急物资省级储备布局的通知",
         "2021年4月17日"],
        ["2", "东应急发〔2022〕2号", "关于全省危险化学品重大危险源监测预警系统建设进展情况的通报",
         "2022年1月24日"],
        ["3", "东应急发〔2022〕7号", "关于全省重点水库大坝安全隐患排查情况的报告",
         "2022年6月13日"]]
REGISTER = DocSpec(body=["2021年—2022年机要文件收文登记簿"], table=ROWS)
# the register's last entry written below its table as a line: 文号 《title》 date
LISTED_LINE = ("东应急发〔2020〕3号\u3000《关于2020年春季森林防火重点时段兵力部署的通知》"
               "\u30002020年3月4日")
NUMBER = "示政发〔2024〕3号"
LEAD_TABLE = DocSpec(
    lead_table=[["000123\n秘密★1年", "文号", NUMBER]],
    body=[Para("示例市人民政府关于加强电网运行安全保障工作的通知", align="center"),
          "各区县人民政府：", "为加强电网运行安全，现将有关事项通知如下。",
          "知悉范围：各区县人民政府", "示例市人民政府", "2024年3月1日"])


def _report(path: Path) -> dict[str, object]:
    report = to_json(scan_file(path, OPTIONS))
    assert report["status"] == "ok", report["reason_en"]
    return report


def _register(path: Path) -> Path:
    """The register as a DOCX: its title, the table, then one more entry as a line."""
    make_docx(path, REGISTER)
    import docx  # noqa: PLC0415

    doc = docx.Document(str(path))
    doc.add_paragraph(LISTED_LINE)
    doc.add_paragraph("登记人：王芳")
    doc.save(str(path))
    return path


def test_a_register_has_no_number_of_its_own(tmp_path: Path) -> None:
    report = _report(_register(tmp_path / "登记簿.docx"))
    assert report["doc_number"] is None, report["doc_number"]


def test_a_lead_table_gives_its_number(tmp_path: Path) -> None:
    report = _report(make_docx(tmp_path / "lead.docx", LEAD_TABLE))
    assert report["doc_number"] == NUMBER
    assert report["classification"] == "秘密"
    # the label and its value on a row of their own below the 份号 and mark
    two_rows = DocSpec(lead_table=[["000123\n秘密★1年", ""], ["文号", NUMBER]],
                       body=LEAD_TABLE.body)
    assert _report(make_docx(tmp_path / "rows.docx", two_rows))["doc_number"] == NUMBER


def test_the_register_in_other_formats(tmp_path: Path) -> None:
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    register = _register(tmp_path / "register.docx")
    lead = make_docx(tmp_path / "lead.docx", LEAD_TABLE)
    pdfs = to_pdf([register, lead], tmp_path / "pdf")
    docs = to_doc([register, lead], tmp_path / "doc")
    for path in (pdfs[0], docs[0]):
        assert _report(path)["doc_number"] is None, path
    for path in (pdfs[1], docs[1]):
        assert _report(path)["doc_number"] == NUMBER, path


def test_the_ledger_of_a_register(tmp_path: Path) -> None:
    _register(tmp_path / "archive" / "机要室" / "登记簿.docx")
    make_docx(tmp_path / "archive" / "lead.docx", LEAD_TABLE)
    done = subprocess.run([sys.executable, "-m", "scanner.cli", "audit", "archive", "--out",
                           "out", "--as-of", "2026-11-22", "--jobs", "1"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    with (tmp_path / "out" / "ledger.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["路径"]: r for r in csv.DictReader(fh)}
    assert rows["机要室/登记簿.docx"]["文号"] == ""
    assert rows["lead.docx"]["文号"] == NUMBER


def _number(*lines: tuple[str, str, str]) -> str | None:
    blocks = [Block(text, where, region, i)  # type: ignore[arg-type]
              for i, (text, where, region) in enumerate(lines)]
    return find_marks(blocks).doc_number


def test_rows_listing_documents_are_not_its_own() -> None:
    table = [("\t".join(row), f"table1.r{r}", "table") for r, row in enumerate(ROWS, 1)]
    assert _number(("收文登记簿", "body.p1", "top"), *table) is None
    # a 版头 table with its 文号, then a table listing documents: the 版头's
    lead = [("000123 秘密★1年\t文号\t" + NUMBER, "table1.r1", "table")]
    listed = [(t, w.replace("table1", "table2"), g) for t, w, g in table]
    assert _number(*lead, ("关于某事项的通知", "body.p1", "body"), *listed) == NUMBER
    # a numbered list of documents as lines (a register read from a PDF or a text file)
    numbered = [(f"{n}  {row[1]}  {row[2]}  {row[3]}", f"body.p{n + 1}", "body")
                for n, row in enumerate(ROWS[1:], 1)]
    assert _number(("2025年收文目录", "body.p1", "top"), *numbered) is None
    # one numbered line is not a list: a 版头 line that happens to start with digits stays
    assert _number(("1 " + NUMBER, "body.p1", "top"), ("关于某事项的通知", "body.p2", "body"),
                   ) == NUMBER


def test_a_number_beside_a_title_names_that_document() -> None:
    assert _number(("某某文件汇编", "body.p1", "top"), (LISTED_LINE, "body.p2", "body")) is None
    compiled = "一、某某厅《关于某事项的通知》（东应急发〔2021〕12号）摘录"
    assert _number(("某某文件汇编", "body.p1", "top"), (compiled, "body.p2", "body")) is None
    # its own number above, a cited one below
    assert _number((NUMBER, "body.p1", "top"), ("关于某事项的通知", "body.p2", "body"),
                   (compiled, "body.p3", "body")) == NUMBER
    # a title that is not beside the 文号 (a 版头 line run together with the title)
    assert _number((f"{NUMBER} 关于印发《某办法》的通知", "body.p1", "top")) == NUMBER
