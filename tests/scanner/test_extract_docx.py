"""DOCX extraction: runs joined, headers of every kind, text boxes, fields, tables, properties."""

from __future__ import annotations

from pathlib import Path

from builders import DocSpec, Para, make_docx

from markers import find_marks
from scanner.extract.docx import extract_docx


def _blocks(tmp_path: Path, spec: DocSpec) -> dict[str, str]:
    doc = extract_docx(make_docx(tmp_path / "d.docx", spec))
    return {b.location: b.text for b in doc.blocks}


def test_runs_are_joined(tmp_path: Path) -> None:
    blocks = _blocks(tmp_path, DocSpec(body=[Para(runs=("机", "密", "★", "10年"))]))
    assert "机密★10年" in blocks.values()


def test_first_even_and_default_headers(tmp_path: Path) -> None:
    blocks = _blocks(tmp_path, DocSpec(header=["默认页眉"], first_header=["首页页眉"],
                                       even_header=["偶数页页眉"], footer=["页脚"], body=["正文"]))
    assert blocks["header.first.p1"] == "首页页眉"
    assert blocks["header.even.p1"] == "偶数页页眉"
    assert blocks["header.default.p1"] == "默认页眉"
    assert blocks["footer.default.p1"] == "页脚"


def test_textbox_simple_field_table_and_properties(tmp_path: Path) -> None:
    spec = DocSpec(body=["正文"], textbox=["文本框内容"], simple_field="域中文字",
                   table=[["密级", "秘密"]], title="标题属性", custom={"密级": "机密"})
    blocks = _blocks(tmp_path, spec)
    assert "文本框内容" in blocks.values()
    assert "域中文字" in blocks.values()
    assert blocks["table1.r1"] == "密级\t秘密"
    assert blocks["props.title"] == "标题属性"
    assert blocks["props.custom.密级"] == "机密"
    assert list(blocks.values()).count("文本框内容") == 1


def test_custom_property_is_a_mark(tmp_path: Path) -> None:
    doc = extract_docx(make_docx(tmp_path / "p.docx", DocSpec(body=["正文"],
                                                              custom={"密级": "秘密★1年"})))
    marks = find_marks(doc.blocks)
    assert marks.effective is not None
    assert marks.effective.form == "property" and marks.effective.term.years == 1


def test_header_mark_and_table_field_pairing(tmp_path: Path) -> None:
    spec = DocSpec(first_header=["000123", "机密★5年"], body=["正文"],
                   table=[["密级", "机密"], ["保密期限", "5年"]])
    marks = find_marks(extract_docx(make_docx(tmp_path / "h.docx", spec)).blocks)
    assert marks.effective is not None and marks.effective.location == "header.first.p2"
    field = [m for m in marks.markings if m.form == "field"]
    assert field and field[0].term.years == 5


def test_struck_mark_is_cancelled(tmp_path: Path) -> None:
    spec = DocSpec(body=[Para("秘密★1年", strike=True), "解密"])
    marks = find_marks(extract_docx(make_docx(tmp_path / "s.docx", spec)).blocks)
    assert marks.effective is None
    assert marks.markings and marks.markings[0].struck
