"""Where a mark stands in a workbook: a sheet's rows are one container (``工作表!``), so a mark
below a title row is misplaced as in a DOCX; the first sheet is the first page, so a mark found
only at the top of a later sheet is misplaced too, while one repeated on every sheet is not.
Workbooks written by openpyxl, and the same as .xls by LibreOffice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from builders import convert, soffice

from markers.models import container_of, sheet_of
from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
MARK = "机密★5年"
Rows = list[list[str]]
CASES: dict[str, tuple[list[tuple[str, Rows]], str | None]] = {
    # name: (sheets, where MARK_POSITION is expected: None for no such finding)
    "a1": ([("名单", [[MARK], ["某项目人员名单"], ["知悉范围：项目组"], ["姓名", "单位"]])], None),
    "after_title": ([("名单", [["某项目人员名单"], [MARK], ["知悉范围：项目组"],
                              ["姓名", "单位"]])], "名单!A2"),
    "later_sheet": ([("汇总", [["某项目汇总表"], ["项目", "金额"], ["甲", "1"]]),
                     ("明细", [[MARK], ["明细表"], ["知悉范围：项目组"]])], "明细!A1"),
    "every_sheet": ([("汇总", [[MARK], ["某项目汇总表"], ["知悉范围：项目组"]]),
                     ("明细", [[MARK], ["明细表"]])], None),
}


def _book(path: Path, sheets: list[tuple[str, Rows]], header: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    if header:
        wb.worksheets[0].oddHeader.center.text = header
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sheets")
    made = {f"{n}.xlsx": _book(folder / f"{n}.xlsx", s) for n, (s, _) in CASES.items()}
    made["header.xlsx"] = _book(folder / "header.xlsx", [
        ("汇总", [["某项目汇总表"], ["知悉范围：项目组"]]), ("明细", [[MARK], ["明细表"]])],
        header=MARK)
    if soffice() is not None:
        made |= {p.name: p for p in convert(list(made.values()), folder / "xls", "xls")}
    return made


def _names() -> list[object]:
    out: list[object] = []
    for name in [*CASES, "header"]:
        out.append(f"{name}.xlsx")
        out.append(pytest.param(f"{name}.xls", marks=[pytest.mark.slow, pytest.mark.skipif(
            soffice() is None, reason="LibreOffice is not installed")]))
    return out


@pytest.mark.parametrize("name", _names())
def test_the_mark_position_on_sheets(books: dict[str, Path], name: str) -> None:
    stem = name.rsplit(".", 1)[0]
    report = scan_file(books[name], OPTIONS)
    assert report.status == "ok", report.reason_en
    assert report.marks is not None and report.marks.effective is not None
    assert report.marks.effective.level == "机密"
    misplaced = [f.location for f in report.findings if f.code == "MARK_POSITION"]
    expected = None if stem == "header" else CASES[stem][1]
    assert misplaced == ([expected] if expected else []), misplaced


def test_a_cover_grid_pairs_labels_with_the_row_below(tmp_path: Path) -> None:
    """密级 | 保密期限 over 机密 | 5年 in two rows of one sheet, as in a DOCX cover table."""
    path = _book(tmp_path / "cover.xlsx", [("封面", [["某项目研究报告"], ["密级", "保密期限"],
                                                  ["机密", "5年"]])])
    report = scan_file(path, OPTIONS)
    eff = report.marks.effective if report.marks else None
    assert eff is not None and (eff.level, eff.form) == ("机密", "field")
    assert eff.term.years == 5


def test_sheet_locations_and_their_containers() -> None:
    assert container_of("2026.3!A7") == "2026.3!" == container_of("2026.3!B12")
    assert container_of("2026.3!页眉2") == "2026.3!页眉" != container_of("2026.3!页脚")
    assert sheet_of("a!b!C3") == "a!b" and sheet_of("body.p3") is None
    assert container_of("header.first.p2") == "header.first"
    assert sheet_of("props.custom.x!A1") is None
