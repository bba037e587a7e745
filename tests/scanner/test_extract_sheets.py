"""Spreadsheets: .xlsx written by openpyxl, and .xls (and WPS .et, the same BIFF format)
written from it by LibreOffice Calc; the mark where officers put it (the first rows, the printed
header, the properties), hidden sheets, the row limit, damaged and mislabelled files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import convert, soffice

from scanner.extract import sheet
from scanner.extract.biff import extract_xls
from scanner.extract.sheet import column, extract_xlsx, header_footer_lines
from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")


def _ledger(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws["A1"] = "机密★5年"
    ws["A2"] = "某项目涉密人员名单"
    ws.append(["序号", "姓名", "岗位"])
    ws.append([1, "张三", "核心涉密岗位"])
    ws.append(["填表日期", dt.date(2026, 3, 2)])
    ws.oddFooter.center.text = "知悉范围：项目组"
    hidden = wb.create_sheet("备查")
    hidden["B3"] = "机密★5年"
    hidden.sheet_state = "hidden"
    wb.properties.title = "涉密人员名单"
    wb.save(str(path))
    return path


def _header_only(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总表"
    ws.oddHeader.left.text = "秘密★1年"
    ws.append(["单位", "数量"])
    ws.append(["某处", 3])
    wb.save(str(path))
    return path


def _field_pair(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "统计表"
    ws.append(["密级", "机密", "保密期限", "10年"])
    ws.append(["项目", "数量"])
    wb.save(str(path))
    return path


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sheets")
    made = [_ledger(folder / "ledger.xlsx"), _header_only(folder / "header.xlsx"),
            _field_pair(folder / "pair.xlsx")]
    out = {p.stem + ".xlsx": p for p in made}
    if soffice() is not None:
        for xls in convert(made, folder / "xls", "xls"):
            out[xls.name] = xls
            et = xls.with_suffix(".et")
            shutil.copy(xls, et)
            out[et.name] = et
    return out


def _formats(stem: str) -> list[str]:
    return [f"{stem}.xlsx", pytest.param(f"{stem}.xls", marks=needs_soffice),
            pytest.param(f"{stem}.et", marks=needs_soffice)]  # type: ignore[list-item]


@pytest.mark.parametrize("name", _formats("ledger"))
def test_a_mark_in_the_first_cell_is_read_with_its_sheet_and_cell(books: dict[str, Path],
                                                                  name: str) -> None:
    report = scan_file(books[name], OPTIONS)
    assert report.status == "ok", report.reason_en
    eff = report.marks.effective if report.marks else None
    assert eff is not None and (eff.level, eff.term.years) == ("机密", 5)
    assert eff.location == "台账!A1" and eff.region == "top"
    codes = {f.code for f in report.findings}
    assert "SCOPE_MISSING" not in codes  # the footer's 知悉范围 counts
    assert "MARK_CONFLICT" not in codes  # the hidden sheet's mark agrees
    reader = extract_xlsx if name.endswith(".xlsx") else extract_xls
    blocks = {b.location: (b.text, b.region) for b in reader(books[name]).blocks}
    assert blocks["台账!A3"] == ("序号\t姓名\t岗位", "table")
    assert blocks["备查!B3"] == ("机密★5年", "top")  # a hidden sheet is read
    assert blocks["台账!页脚"] == ("知悉范围：项目组", "footer")
    assert blocks["台账!A5"] == ("填表日期\t2026年3月2日", "table")  # a date cell as it shows
    assert blocks["props.title"] == ("涉密人员名单", "props")


@pytest.mark.parametrize("name", _formats("header"))
def test_a_mark_in_the_printed_header(books: dict[str, Path], name: str) -> None:
    report = scan_file(books[name], OPTIONS)
    eff = report.marks.effective if report.marks else None
    assert eff is not None and (eff.raw, eff.region) == ("秘密★1年", "header")
    assert eff.location == "汇总表!页眉"


@pytest.mark.parametrize("name", _formats("pair"))
def test_label_and_value_cells_pair_as_in_a_docx_table(books: dict[str, Path],
                                                       name: str) -> None:
    report = scan_file(books[name], OPTIONS)
    eff = report.marks.effective if report.marks else None
    assert eff is not None and (eff.level, eff.term.years, eff.form) == ("机密", 10, "field")
    assert eff.location == "统计表!A1"


def test_columns_and_header_codes() -> None:
    assert [column(n) for n in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert header_footer_lines('&L&"宋体,加粗"&14机密★5年&R第&P页') == ["机密★5年", "第页"]


def test_a_large_sheet_is_read_up_to_the_limit_and_says_so(tmp_path: Path) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("名单")
    ws.append(["秘密★1年"])
    for i in range(sheet.MAX_ROWS + 50):
        ws.append([i, f"人员{i}"])
    wb.save(str(tmp_path / "big.xlsx"))
    doc = extract_xlsx(tmp_path / "big.xlsx")
    assert len(doc.blocks) == sheet.MAX_ROWS
    report = scan_file(tmp_path / "big.xlsx", OPTIONS)
    assert report.status == "ok"
    assert report.marks is not None and report.marks.effective is not None
    assert f"first {sheet.MAX_ROWS} rows" in (report.reason_en or "")
    assert "名单" in (report.reason_zh or "")


@pytest.mark.parametrize("cut", [0.3, 0.9])
def test_truncated_workbooks_are_unreadable(books: dict[str, Path], tmp_path: Path,
                                            cut: float) -> None:
    for name in ("ledger.xlsx", "ledger.xls"):
        if name not in books:
            continue
        data = books[name].read_bytes()
        path = tmp_path / name
        path.write_bytes(data[:int(len(data) * cut)])
        report = scan_file(path, OPTIONS)
        assert report.status == "unreadable" and report.reason_en, name


def test_a_word_file_named_xls_says_what_it_is(tmp_path: Path) -> None:
    from conftest import TESTS  # noqa: PLC0415

    path = tmp_path / "x.xls"
    shutil.copy(TESTS / "data" / "doc_cases" / "copy_ok.doc", path)
    report = scan_file(path, OPTIONS)
    assert report.status == "unreadable"
    assert "content is a Word document" in (report.reason_en or "")


def test_a_strict_open_xml_workbook_is_read(books: dict[str, Path], tmp_path: Path) -> None:
    """Excel's "Strict Open XML" save uses other namespaces for the same elements."""
    import zipfile  # noqa: PLC0415

    strict = tmp_path / "strict.xlsx"
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(books["ledger.xlsx"]) as src, zipfile.ZipFile(strict, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/") and not info.filename.endswith(".rels"):
                data = data.replace(main, b"http://purl.oclc.org/ooxml/spreadsheetml/main")
                data = data.replace(rels, b"http://purl.oclc.org/ooxml/officeDocument/"
                                          b"relationships")
            dst.writestr(info, data)
    with zipfile.ZipFile(strict) as zf:
        assert b"purl.oclc.org" in zf.read("xl/workbook.xml")
    report = scan_file(strict, OPTIONS)
    eff = report.marks.effective if report.marks else None
    assert eff is not None and eff.location == "台账!A1"
