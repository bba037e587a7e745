"""Lines in a spreadsheet: a line break inside a cell, and the sections and line breaks of a
printed header, are line boundaries as a paragraph's end is in a document. Workbooks written by
openpyxl, and the same as .xls (and WPS .et, the same BIFF) by LibreOffice Calc."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import convert, soffice

from scanner.extract.biff import extract_xls
from scanner.extract.sheet import extract_xlsx, header_footer_lines
from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
FALSE_ALARMS = {"MARK_SPACING", "PERIOD_INVALID", "MARK_CONFLICT"}


def _book(path: Path, rows: list[list[str]], header: dict[str, str] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "计划表"
    for row in rows:
        ws.append(row)
    for part, text in (header or {}).items():
        getattr(ws.oddHeader, part).text = text
    wb.save(str(path))
    return path


BOOKS = {
    # a cell holding the mark, a line break and a title long enough to be no term
    "cell_title": ([["机密★10年\n2027年度重点水利工程建设资金安排计划表"], ["项目", "金额"],
                    ["甲", "12"]], None),
    # a short title: the cell read as one line once gave the mark 秘密★2年\n用款计划
    "cell_short": ([["秘密★2年\n用款计划"], ["项目", "金额"]], None),
    # the same in a row of several cells
    "cell_row": ([["秘密★3年\n2027年度某项目进度月报", "", "填报单位：某局"], ["项目", "进度"]],
                 None),
    # the mark in the left section, the page number in the centre one
    "sections": ([["单位", "数量"], ["某处", "3"]],
                 {"left": "绝密★15年", "center": "第&P页 共&N页"}),
    # 份号 and the mark on two lines of one section
    "stacked": ([["单位", "数量"], ["某处", "3"]], {"left": "份号：000417\n机密★6个月",
                                                  "right": "&D"}),
}


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sheet_lines")
    made = [_book(folder / f"{name}.xlsx", rows, header)
            for name, (rows, header) in BOOKS.items()]
    out = {p.name: p for p in made}
    if soffice() is not None:
        for xls in convert(made, folder / "xls", "xls"):
            out[xls.name] = xls
            et = xls.with_suffix(".et")
            shutil.copy(xls, et)
            out[et.name] = et
    return out


def _formats(stem: str) -> list[object]:
    return [f"{stem}.xlsx", pytest.param(f"{stem}.xls", marks=needs_soffice),
            pytest.param(f"{stem}.et", marks=needs_soffice)]


def _read(books: dict[str, Path], name: str) -> tuple[object, set[str]]:
    report = scan_file(books[name], OPTIONS)
    assert report.status == "ok", report.reason_en
    assert report.marks is not None
    return report.marks, {f.code for f in report.findings}


@pytest.mark.parametrize("name", _formats("cell_title"))
def test_a_line_break_in_a_cell_ends_the_mark(books: dict[str, Path], name: str) -> None:
    marks, codes = _read(books, name)
    eff = marks.effective  # type: ignore[attr-defined]
    assert eff is not None and (eff.raw, eff.location) == ("机密★10年", "计划表!A1")
    assert eff.in_lead and not codes & FALSE_ALARMS, codes
    reader = extract_xlsx if name.endswith(".xlsx") else extract_xls
    lines = [(b.text, b.region) for b in reader(books[name]).blocks if b.location == "计划表!A1"]
    assert lines == [("机密★10年", "top"), ("2027年度重点水利工程建设资金安排计划表", "top")]


@pytest.mark.parametrize("name", _formats("cell_short"))
def test_a_short_title_after_the_break_is_not_the_term(books: dict[str, Path],
                                                       name: str) -> None:
    marks, codes = _read(books, name)
    eff = marks.effective  # type: ignore[attr-defined]
    assert eff is not None and (eff.raw, eff.term.years) == ("秘密★2年", 2)
    assert not codes & FALSE_ALARMS, codes


@pytest.mark.parametrize("name", _formats("cell_row"))
def test_the_lines_of_a_cell_in_a_row_of_several(books: dict[str, Path], name: str) -> None:
    marks, codes = _read(books, name)
    eff = marks.effective  # type: ignore[attr-defined]
    assert eff is not None and (eff.raw, eff.location) == ("秘密★3年", "计划表!A1")
    assert not codes & FALSE_ALARMS, codes


@pytest.mark.parametrize("name", _formats("sections"))
def test_each_header_section_is_a_line(books: dict[str, Path], name: str) -> None:
    marks, codes = _read(books, name)
    eff = marks.effective  # type: ignore[attr-defined]
    assert eff is not None and (eff.raw, eff.region) == ("绝密★15年", "header")
    assert eff.location == "计划表!页眉"
    assert not codes & FALSE_ALARMS, codes


@pytest.mark.parametrize("name", _formats("stacked"))
def test_lines_of_a_header_section(books: dict[str, Path], name: str) -> None:
    marks, codes = _read(books, name)
    eff = marks.effective  # type: ignore[attr-defined]
    assert eff is not None and (eff.raw, eff.region) == ("机密★6个月", "header")
    copy = marks.copy_number  # type: ignore[attr-defined]
    assert copy is not None and copy.value == "000417"
    assert not codes & FALSE_ALARMS, codes


def test_header_codes_are_removed_and_sections_kept_apart() -> None:
    lines = header_footer_lines('&L&"宋体,加粗"&14机密★5年&C第&P页 共&N页&R&D &T')
    assert lines == ["机密★5年", "第页 共页"]
    # a font code inside the text leaves no gap; && is an ampersand; a colour is a code
    assert header_footer_lines('&L机&"黑体"密★5年&R&KFF0000R&&D') == ["机密★5年", "R&D"]
    assert header_footer_lines("&K01+000秘密★1年&P+1") == ["秘密★1年"]
    # text before any section code is the centre section; the sections read left to right
    assert header_footer_lines("中间&R右边&L左边") == ["左边", "中间", "右边"]
    assert header_footer_lines("&L份号：000123\r\n机密★5年\n\n&C标题") == [
        "份号：000123", "机密★5年", "标题"]
