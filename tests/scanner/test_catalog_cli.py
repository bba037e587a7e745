"""``dingmi catalog …`` and ``--catalog`` on scan/check: exit codes and messages."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
import yaml
from builders import DocSpec, make_docx

from scanner.catalogs import DEMO
from scanner.cli import main

BAD = Path(__file__).resolve().parents[1] / "data" / "catalogs_bad"


def _expected() -> dict[str, str]:
    with (BAD / "expected.tsv").open(encoding="utf-8") as fh:
        return {r[0]: r[2] for r in csv.reader(fh, delimiter="\t")}


@pytest.mark.parametrize("name", sorted(_expected()))
def test_validate_bad_exits_2_with_the_message(name: str, capsys: pytest.CaptureFixture[str]
                                               ) -> None:
    assert main(["catalog", "validate", str(BAD / name)]) == 2
    out = capsys.readouterr().out
    assert _expected()[name].split(":", 1)[1] in out


def test_validate_test_stats_on_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "validate", str(DEMO)]) == 0
    assert main(["catalog", "test", str(DEMO)]) == 0
    assert "86/86" in capsys.readouterr().out
    assert main(["catalog", "stats", str(DEMO), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "items 43" in out and "fictional" in out


def test_failing_example_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("catalog: {id: c, title: c}\nitems:\n  - id: C-1\n    title: t\n"
                    "    level: 秘密\n    max_years: 1\n    match: {all: [谈判底线]}\n"
                    "    examples: {match: [没有相关内容的句子。]}\n", encoding="utf-8")
    assert main(["catalog", "test", str(path)]) == 1
    assert "C-1" in capsys.readouterr().out


def test_scan_with_a_bad_catalogue_exits_2(tmp_path: Path) -> None:
    make_docx(tmp_path / "in" / "a.docx", DocSpec(body=["正文"]))
    code = main(["scan", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                 "--catalog", str(BAD / "bad_level.yaml")])
    assert code == 2


def test_check_with_catalogue_and_authority(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    doc = make_docx(tmp_path / "a.docx", DocSpec(body=[
        "000123", "机密★5年", "与某集团的谈判底线为每亩30万元。", "知悉范围：谈判组"]))
    assert main(["check", str(doc), "--catalog", str(DEMO), "--authority", "county"]) == 1
    out = capsys.readouterr().out
    assert "AUTHORITY_EXCEEDED" in out
    with pytest.raises(SystemExit) as exc:
        main(["check", str(doc), "--authority", "village"])
    assert exc.value.code == 2


SHEET = [["序号", "具体事项内容", "密级", "保密期限", "知悉范围", "产生部门或岗位"],
         ["1", "全市统一考试在启用前的试卷和参考答案", "秘密", "启用前", "命题人员", "教育局"],
         ["2", "重大项目谈判底线和让步方案", "机密级", "5年", "谈判组", "商务局"]]


@pytest.mark.slow
def test_import_csv_and_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with (tmp_path / "s.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(SHEET)
    book = openpyxl.Workbook()
    for row in SHEET:
        book.active.append(row)
    book.save(tmp_path / "s.xlsx")
    for name in ("s.csv", "s.xlsx"):
        out = tmp_path / f"{name}.yaml"
        assert main(["catalog", "import", str(tmp_path / name), "--out", str(out),
                     "--id", "unit"]) == 0
        assert main(["catalog", "validate", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        assert "unit-0002" in text and "level: 机密" in text and "max_years: 5" in text
        assert "condition: 启用前" in text and "any:" in text
    capsys.readouterr()


def test_import_bad_level_uses_the_yaml_message(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    rows = [*SHEET, ["3", "某事项", "内部", "1年", "", ""]]
    with (tmp_path / "bad.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    assert main(["catalog", "import", str(tmp_path / "bad.csv"), "--out",
                 str(tmp_path / "x.yaml"), "--lang", "en"]) == 2
    out = capsys.readouterr().out
    assert "bad.csv:4: level: invalid level '内部': must be 绝密, 机密 or 秘密" in out


def test_import_with_column_override(tmp_path: Path) -> None:
    rows = [["条目", "等级", "时限"], ["谈判底线和让步方案", "机密", "5年"]]
    with (tmp_path / "o.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "o.yaml"
    assert main(["catalog", "import", str(tmp_path / "o.csv"), "--out", str(out)]) == 2
    assert main(["catalog", "import", str(tmp_path / "o.csv"), "--out", str(out),
                 "--col-title", "条目", "--col-level", "等级", "--col-term", "时限"]) == 0


def test_import_reports_every_bad_row_and_keeps_the_good_ones_only_when_asked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["序号", "国家秘密事项名称", "密级", "保密期限"],
            ["1", "国家等级控制点坐标成果", "机密", "长期"],  # 长期 at 机密: lawful
            ["2", "1:1万及更大比例尺地形图及其数字化成果", "秘密", "长期"],
            ["3", "某事项", "内部", "1年"],
            ["4", "重力测量成果", "秘密", "15年"],
            ["5", "测绘项目招标标底", "秘密", "5年"],
            ["6", "又一事项", "公开", "2年"]]
    sheet = tmp_path / "rows.csv"
    with sheet.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "rows.yaml"
    assert main(["catalog", "import", str(sheet), "--out", str(out), "--lang", "en"]) == 2
    text = capsys.readouterr().out
    assert not out.exists()
    for row in (4, 5, 7):  # sheet rows (the header is row 1): each bad one named
        assert f"rows.csv:{row}:" in text, text
    assert "rows.csv:2:" not in text and "rows.csv:3:" not in text
    assert "--keep-good" in text
    assert main(["catalog", "import", str(sheet), "--out", str(out), "--keep-good"]) == 1
    text = capsys.readouterr().out
    assert "rows.csv:5:" in text and "已导入 3 个事项" in text
    items = yaml.safe_load(out.read_text(encoding="utf-8"))["items"]
    assert [i["title"] for i in items] == [rows[1][1], rows[2][1], rows[5][1]]
    assert items[0]["long_term"] is True and items[0]["level"] == "机密"
    # the quantity in the title is proposed as a quantity condition
    assert items[1]["match"]["quantity"] == [{"scale": "1:1万及更大"}]
    assert main(["catalog", "validate", str(out)]) == 0


def test_catalog_test_runs_examples_of_every_quantity_kind(
        capsys: pytest.CaptureFixture[str]) -> None:
    path = BAD.parent / "catalogs_ok" / "quantities.yaml"
    kinds = {k for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
             for q in item["match"]["quantity"] for k in q if k != "of"}
    assert kinds == {"scale", "area", "length", "count", "amount", "grade", "value"}
    assert main(["catalog", "test", str(path)]) == 0
    assert "16/16" in capsys.readouterr().out
