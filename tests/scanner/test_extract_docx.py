"""DOCX extraction: runs joined, headers of every kind, text boxes, fields, tables, properties."""

from __future__ import annotations

import zipfile
from pathlib import Path

from builders import DocSpec, Para, make_docx
from lxml import etree

from markers import Block, find_marks
from scanner.extract.docx import XSLT_FROM, _Body, _Builder, extract_docx
from scanner.extract.wordml import W, w


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


def _body_blocks(root: etree._Element, flat: bool) -> list[Block]:
    out = _Builder()
    body = root.find(w("body"))
    assert body is not None
    reader = _Body(out, body)
    assert reader.flat  # the documents below are plain: no table, box, revision or break
    reader.flat = flat
    reader.read(body)
    return out.blocks


def test_plain_body_fast_path_gives_the_general_paths_blocks(tmp_path: Path) -> None:
    """Plain paragraphs are read by one XSLT pass; the blocks (text, location, region, order,
    alignment) must be those the element-by-element reader gives."""
    body: list[str | Para] = ["000123", Para(runs=("机", "密★", "5年")), "特急",
                              Para(text="关于开展检查工作的通知", align="center"), "", "   "]
    body += [f"第{i}段：本段为普通正文内容，用于检验读取结果。" for i in range(60)]
    body += [Para(text="秘密★1年", align="right"), Para(text="居中的一行", align="center"),
             "2023年3月1日"]
    path = make_docx(tmp_path / "plain.docx", DocSpec(body=body))
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    fast, general = _body_blocks(root, True), _body_blocks(root, False)
    assert [b.text for b in fast][:3] == ["000123", "机密★5年", "特急"]
    assert any(b.align == "right" and b.text == "秘密★1年" for b in fast)
    assert fast == general


def _long_plain_body(first: str) -> etree._Element:
    """A document whose body is the paragraphs ``first`` (WordprocessingML) followed by enough
    plain ones for the one-pass reader."""
    filler = "".join(f"<w:p><w:r><w:t>其余第{i}段</w:t></w:r></w:p>" for i in range(XSLT_FROM))
    return etree.fromstring(f'<w:document xmlns:w="{W}"><w:body>{first}{filler}</w:body>'
                            '</w:document>')


def test_plain_body_with_a_newline_inside_a_text_element() -> None:
    """A text element holding a newline (not written by Word, but legal XML) must not shift the
    paragraphs: the reader falls back to one paragraph at a time."""
    root = _long_plain_body('<w:p><w:r><w:t>机密★5年</w:t></w:r></w:p>'
                            '<w:p><w:r><w:t>第一行\n仍是第一段</w:t></w:r></w:p>'
                            '<w:p><w:r><w:t>第二段</w:t></w:r></w:p>')
    fast = _body_blocks(root, True)
    assert [(b.text, b.location) for b in fast][:4] == [
        ("机密★5年", "body.p1"), ("第一行\n仍是第一段", "body.p2"), ("第二段", "body.p3"),
        ("其余第0段", "body.p4")]
    assert len(fast) == 3 + XSLT_FROM
    assert fast == _body_blocks(root, False)


def test_short_plain_body_gives_the_general_paths_blocks(tmp_path: Path) -> None:
    """Below XSLT_FROM paragraphs the plain body is read paragraph by paragraph: same blocks."""
    body: list[str | Para] = ["000123", Para(text="秘密★1年", align="right"), "特急",
                              Para(text="关于开展检查工作的通知", align="center"), "正文。"]
    path = make_docx(tmp_path / "short.docx", DocSpec(body=body))
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    assert len(root[0]) < XSLT_FROM
    fast = _body_blocks(root, True)
    assert [b.text for b in fast] == [
        "000123", "秘密★1年", "特急", "关于开展检查工作的通知", "正文。"]
    assert fast == _body_blocks(root, False)


def test_plain_body_section_break_ends_the_top_block() -> None:
    """A section that ends in the second paragraph (``w:pPr/w:sectPr``) closes the first page's
    top block there, in the one-pass reader as in the general one: the mark after it is body."""
    root = _long_plain_body(
        '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>封面标题</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:sectPr/></w:pPr><w:r><w:t>某某单位</w:t></w:r></w:p>'
        '<w:p><w:r><w:t>秘密★1年</w:t></w:r></w:p>')
    fast = _body_blocks(root, True)
    assert [(b.text, b.region, b.align) for b in fast][:3] == [
        ("封面标题", "top", "center"), ("某某单位", "top", None), ("秘密★1年", "body", None)]
    assert fast == _body_blocks(root, False)
