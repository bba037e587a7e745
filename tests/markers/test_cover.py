"""Cover fields in a grid (markers/cover.py): label and value beside each other, stacked in two
cells, or a row of labels above a row of values; in real DOCX tables and in the LibreOffice PDF
of the same cover. Blank forms and prose give nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders import DocSpec, make_docx, soffice, to_pdf

from markers import Block, find_marks
from scanner.pipeline import ScanOptions, scan_file

COVERS = {
    "beside": [["密级", "机密", "保密期限", "10年"], ["知悉范围", "课题组成员", "份号", "000012"]],
    "stacked": [["密级\n保密期限\n知悉范围", "机密\n10年\n课题组成员"]],
    "below": [["密级", "保密期限", "知悉范围"], ["机密", "10年", "课题组成员"]],
    "thesis": [["分类号", "TP391", "密级", "机密"], ["UDC", "004", "保密期限", "10年"],
               ["控制范围", "答辩委员会", "学号", "2021001"]],
}
BLANK = [["密级", "", "保密期限", ""], ["知悉范围", "", "作者", "张某"]]
TITLE = ["硕士学位论文", "某地区测绘成果管理机制研究", "作者：张某"]


def rows(*lines: str) -> list[Block]:
    return [Block(t, f"table1.r{i}", "table", i) for i, t in enumerate(lines)]


def test_the_three_layouts_from_table_rows() -> None:
    for blocks in (rows("密级\t机密\t保密期限\t10年"),
                   rows("密级 保密期限\t机密 10年"),
                   rows("密级\t保密期限", "机密\t10年"),
                   [Block("密级  保密期限", "page1.l4", "top", 0),
                    Block("机密  10 年", "page1.l5", "top", 1)]):
        marks = find_marks(blocks)
        assert marks.effective is not None, blocks
        assert (marks.effective.level, marks.effective.term.years) == ("机密", 10), blocks


def test_blank_forms_and_prose_give_nothing() -> None:
    assert find_marks(rows("密级\t\t保密期限\t", "知悉范围\t\t作者\t张某")).effective is None
    assert find_marks(rows("密级\t保密期限", "\t")).effective is None
    prose = [Block("国家秘密的密级分为绝密、机密、秘密三级，保密期限按照有关规定确定。", "body.p1")]
    assert find_marks(prose).effective is None


@pytest.fixture(scope="module")
def covers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("covers")
    docs = {name: make_docx(folder / f"{name}.docx", DocSpec(body=TITLE, table=table))
            for name, table in {**COVERS, "blank": BLANK}.items()}
    if soffice() is None:
        pytest.fail("LibreOffice is needed to make the PDFs (.ci/run installs it)")
    pdfs = {p.stem + ".pdf": p for p in to_pdf(list(docs.values()), folder)}
    return {**{k + ".docx": v for k, v in docs.items()}, **pdfs}


@pytest.mark.slow
@pytest.mark.parametrize("name", [*COVERS, "blank"])
@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_real_covers_in_docx_and_their_pdf(covers: dict[str, Path], name: str, kind: str) -> None:
    report = scan_file(covers[f"{name}.{kind}"], ScanOptions(as_of=dt.date(2026, 11, 30)))
    marks = report.marks
    assert marks is not None
    if name == "blank":
        assert marks.effective is None
        return
    assert marks.effective is not None, (name, kind)
    assert (marks.effective.level, marks.effective.term.years) == ("机密", 10), (name, kind)
    assert "PERIOD_MISSING" not in {f.code for f in report.findings}
    if name != "beside" or kind == "docx":
        assert marks.scope is not None, (name, kind)
    if name == "beside":
        assert marks.copy_number is not None and marks.copy_number.value == "000012", kind
