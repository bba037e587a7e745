"""Tables that list marks and tables that hold one, in every format with tables: workbooks
written by openpyxl (and as .xls and WPS .et by LibreOffice Calc), documents written by
python-docx (and as RTF and a web page by LibreOffice Writer).

- A register (台账, 登记簿) has a header row naming a column ``密级和保密期限`` (or ``密级`` and
  ``保密期限``, ``份号``) above many rows, each listing another document's mark: none of them is
  the file's mark.
- A label cell read with its value (``密级 | 机密★…``) gives the value as the mark's text, and a
  label cell after the value (``紧急程度``) is not part of it.
- A small grid of labels over one row of values is still a cover's fields.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import DocSpec, convert, make_docx, soffice

from markers import Block, find_marks
from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
MARK_CODES = {"MARK_CONFLICT", "MARK_POSITION", "PERIOD_INVALID", "COPY_NO_MISSING",
              "MARK_SPACING", "MARK_NO_STAR", "PERIOD_MISSING"}

TITLE = "2026年度涉密文件清退登记簿"
NOTE = "说明：本登记簿记录各处室清退的涉密文件，每半年核对一次。"
REGISTER = [
    ["序号", "文件名称", "文号", "密级和保密期限", "份号", "清退日期"],
    ["1", "关于年度防汛物资储备的通知", "某办发〔2026〕3号", "机密★10年", "000031", "2026年2月3日"],
    ["2", "关于干部调整的请示", "某办发〔2026〕8号", "秘密★6个月", "000112", "2026年3月9日"],
    ["3", "关于专项审计情况的报告", "某办发〔2026〕15号", "绝密★长期", "000007", "2026年4月1日"],
    ["4", "关于重点工程验收安排的通知", "某办发〔2026〕21号", "秘密★2029年3月31日", "000240",
     "2026年5月6日"],
    ["5", "关于考试命题工作的通知", "某办发〔2026〕30号", "机密★考试结束前", "000086",
     "2026年6月2日"],
]
# the level and the term in columns of their own, every header a cover's label
SPLIT = [["编号", "题目", "密级", "保密期限", "知悉范围"],
         ["A-1", "某项目可行性研究报告", "机密", "10年", "项目组"],
         ["A-2", "某项目概算", "秘密", "5年", "财务处"],
         ["A-3", "某项目会议纪要", "秘密", "1年", "项目组"],
         ["A-4", "某项目图纸目录", "机密", "20年", "设计室"]]
# a 版头 grid: 份号 and mark as label cells with their values beside them, 签发人 after the 份号
# and 紧急程度 after the mark
LABELLED = [["份号", "000517", "签发人", "王某"], ["密级", "机密★会议结束前", "紧急程度", "平件"]]
# a cover grid: labels over one row of values, then other rows of the form
FORM = [["密级", "保密期限", "知悉范围"], ["机密", "10年", "项目组成员"],
        ["项目名称", "某水库除险加固工程", ""], ["负责人", "张某", ""], ["经费", "120万元", ""],
        ["起止时间", "2026年至2027年", ""]]
NOTICE = ["某办发〔2026〕12号", "关于召开防汛工作会议的通知", "各处室：", "定于下周召开会议。",
          "某办公室", "2026年3月2日"]

CASES: dict[str, tuple[list[str], list[list[str]]]] = {  # name: (lines above, table)
    "register": ([TITLE, NOTE], REGISTER),
    "split": (["涉密载体目录"], SPLIT),
    "marked_register": (["秘密★5年", TITLE, NOTE], REGISTER),
    "form": (["某项目立项审批表"], FORM),
}


def _book(path: Path, lines: list[str], table: list[list[str]], lines_after: bool) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "登记簿"
    above = [[t] for t in lines] + [[]] if not lines_after else []  # an empty row between
    rows = [*above, *table, *([[t] for t in lines] if lines_after else [])]
    for r, row in enumerate(rows, 1):
        for c, text in enumerate(row, 1):
            if text:
                ws.cell(row=r, column=c, value=text)
    wb.save(str(path))
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("registers")
    books = [_book(folder / f"{name}.xlsx", lines, table, False)
             for name, (lines, table) in CASES.items()]
    books.append(_book(folder / "labelled.xlsx", NOTICE, LABELLED, True))
    docs = [make_docx(folder / f"{name}.docx", DocSpec(body=lines, table=table))
            for name, (lines, table) in CASES.items()]
    docs.append(make_docx(folder / "labelled.docx", DocSpec(lead_table=LABELLED, body=NOTICE)))
    out = {p.name: p for p in [*books, *docs]}
    if soffice() is not None:
        for xls in convert(books, folder / "xls", "xls"):
            out[xls.name] = xls
            shutil.copy(xls, et := xls.with_suffix(".et"))
            out[et.name] = et
        for fmt in ("rtf", "html"):
            out |= {p.name: p for p in convert(docs, folder / fmt, fmt)}
    return out


def _all(stem: str) -> list[object]:
    made = [f"{stem}.{ext}" for ext in ("xls", "et", "rtf", "html")]
    return [f"{stem}.xlsx", f"{stem}.docx", *(pytest.param(n, marks=needs_soffice)
                                               for n in made)]


def _scan(files: dict[str, Path], name: str) -> tuple[object, set[str]]:
    report = scan_file(files[name], OPTIONS)
    assert report.status == "ok", report.reason_en
    assert report.marks is not None
    return report.marks, {f.code for f in report.findings}


@pytest.mark.parametrize("name", [*_all("register"), *_all("split")])
def test_a_register_column_is_not_the_documents_mark(files: dict[str, Path], name: str) -> None:
    marks, codes = _scan(files, name)
    assert marks.markings == (), marks.markings  # type: ignore[attr-defined]
    assert marks.copy_number is None  # type: ignore[attr-defined]
    assert not codes & MARK_CODES, codes


@pytest.mark.parametrize("name", _all("marked_register"))
def test_a_marked_register_has_its_own_mark_only(files: dict[str, Path], name: str) -> None:
    marks, codes = _scan(files, name)
    eff = marks.effective  # type: ignore[attr-defined]
    assert eff is not None and eff.raw == "秘密★5年" and eff.in_lead
    assert [m.raw for m in marks.markings] == ["秘密★5年"]  # type: ignore[attr-defined]
    assert not codes & MARK_CODES, codes


@pytest.mark.parametrize("name", _all("form"))
def test_a_grid_of_labels_over_values_is_still_a_field(files: dict[str, Path],
                                                       name: str) -> None:
    marks, _ = _scan(files, name)
    eff = marks.effective  # type: ignore[attr-defined]
    assert eff is not None and (eff.level, eff.term.years, eff.form) == ("机密", 10, "field")
    assert eff.raw == "机密"


@pytest.mark.parametrize("name", _all("labelled"))
def test_a_label_cell_with_its_value_gives_the_value(files: dict[str, Path], name: str) -> None:
    marks, codes = _scan(files, name)
    eff = marks.effective  # type: ignore[attr-defined]
    assert eff is not None and eff.raw == "机密★会议结束前" and eff.form == "field"
    assert {m.raw for m in marks.markings} == {"机密★会议结束前"}  # type: ignore[attr-defined]
    copy = marks.copy_number  # type: ignore[attr-defined]
    assert copy is not None and copy.value == "000517"
    assert marks.is_gongwen  # type: ignore[attr-defined]
    # the 份号 is read above the mark in the 版头 grid, whose 签发人 and 平件 are fields too
    assert not codes & {"MARK_CONFLICT", "PERIOD_INVALID", "MARK_POSITION", "COPY_NO_MISSING",
                        "HEADER_ORDER"}, codes


def _rows(*rows: str, start: str = "table1.r") -> list[Block]:
    return [Block(t, f"{start}{i}", "table", i) for i, t in enumerate(rows, 1)]


def test_register_columns_from_blocks() -> None:
    head = "序号\t标题\t密级和保密期限\t份号"
    data = [f"{n}\t某文件\t机密★{n}年\t00001{n}" for n in range(1, 4)]
    assert find_marks(_rows(head, *data)).markings == ()
    # two rows are a grid, not a register: the first row's value is read as before
    assert find_marks(_rows(head, *data[:2])).effective is not None
    # in a spreadsheet the columns line up from the cell each row starts at (the 序号 of the
    # last rows left empty)
    sheet = [Block(head, "表!A3", "table", 0), Block(data[0], "表!A4", "table", 1),
             *(Block(row.split("\t", 1)[1], f"表!B{k}", "table", k) for k, row in
               enumerate(data[1:], 5))]
    assert find_marks(sheet).markings == ()


def test_label_cells_give_the_value_and_stop_at_the_next_label() -> None:
    marks = find_marks(_rows("份号\t000517", "密级\t秘密★公布前\t紧急程度\t平件",
                             "密级和保密期限：\t机密★5年"))
    assert list(dict.fromkeys(m.raw for m in marks.markings)) == ["秘密★公布前", "机密★5年"]
    assert marks.markings[-1].term.years == 5


def test_a_leading_grid_with_a_signer_is_the_lead() -> None:
    grid = _rows("份号\t000041\t签发人\t张某", "密级\t秘密★公布前\t紧急程度\t平件")
    marks = find_marks([*grid, Block("关于某事项的请示", "body.p1", "body", 9)])
    assert marks.copy_number is not None and marks.copy_number.in_lead
    assert list(dict.fromkeys(f.kind for f in marks.lead)) == ["copy", "mark"]


@pytest.mark.parametrize("number", ["示政办发〔2026〕63号", "文号：示政办发〔2026〕63号"])
def test_a_leading_grid_with_the_documents_number_is_the_lead(number: str) -> None:
    # 份号 and mark as two lines of the first cell (joined by a space), the 文号 in another
    # cell of the same row: the row is the 版头, the 份号 is read in the lead
    for row in (f"000070 秘密★3年\t\t{number}", f"000070\n秘密★3年\t{number}"):
        marks = find_marks([*_rows(row), Block("关于某事项的通知", "body.p1", "body", 9)])
        assert marks.effective is not None and marks.effective.raw == "秘密★3年"
        assert marks.copy_number is not None and marks.copy_number.in_lead, row
        assert marks.doc_number == "示政办发〔2026〕63号"
    # a cell of prose beside the mark is no 版头 field
    prose = "000070 秘密★3年\t根据示政办发〔2026〕63号文件精神制定本方案，请认真贯彻落实"
    marks = find_marks([*_rows(prose), Block("关于某事项的通知", "body.p1", "body", 9)])
    assert marks.copy_number is None or not marks.copy_number.in_lead
