"""Presentations: .pptx written by python-pptx, and .ppt (and WPS .dps, the same binary format)
written from it by LibreOffice Impress; the mark on the title slide or in every slide's footer,
notes, tables, damaged and mislabelled files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from builders import convert, soffice
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.shapes.autoshape import Shape
from pptx.slide import SlideMaster
from pptx.util import Inches

from markers.models import Marking
from scanner.extract.ppt import extract_ppt
from scanner.extract.slides import extract_pptx
from scanner.pipeline import ScanOptions, scan_file
from scanner.report.model import FileReport

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")


def _title_deck(path: Path) -> Path:
    prs = Presentation()
    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = "某项目进展汇报"
    first.placeholders[1].text = "某研究所 2026年3月"
    box = first.shapes.add_textbox(Inches(0.2), Inches(0.1), Inches(2), Inches(0.5))
    box.text_frame.text = "机密★5年"
    second = prs.slides.add_slide(prs.slide_layouts[1])
    second.shapes.title.text = "一、总体进展"
    second.placeholders[1].text = "某分系统完成联调测试。"
    second.notes_slide.notes_text_frame.text = "讲稿要点：联调结论"
    table = second.shapes.add_table(2, 2, Inches(1), Inches(4), Inches(4), Inches(1)).table
    table.cell(0, 0).text = "项目"
    table.cell(0, 1).text = "进度"
    table.cell(1, 0).text = "联调"
    table.cell(1, 1).text = "完成"
    box = second.shapes.add_textbox(Inches(1), Inches(6), Inches(4), Inches(0.5))
    box.text_frame.text = "知悉范围：项目组"
    prs.core_properties.title = "进展汇报"
    prs.save(str(path))
    return path


def _footer_deck(path: Path) -> Path:
    prs = Presentation()
    for n in range(3):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = f"第{n + 1}部分"
        slide.placeholders[1].text = "某型装备试验情况。"
        for ph in slide.slide_layout.placeholders:
            if ph.placeholder_format.type == PP_PLACEHOLDER.FOOTER:
                slide.shapes.clone_placeholder(ph)
        footer = next(s for s in slide.placeholders
                      if s.placeholder_format.type == PP_PLACEHOLDER.FOOTER)
        footer.text_frame.text = "秘密★1年"
    prs.save(str(path))
    return path


PROMPTS = {"title": "单击此处编辑母版标题样式", "body": "单击此处编辑母版文本样式"}


def _master_box(master: SlideMaster, lines: list[str], left: float, top: float) -> None:
    """A text box on the slide master (python-pptx adds shapes to slides only: the box is
    added to the master's shape tree and filled as a slide's would be)."""
    sp = master.shapes._spTree.add_textbox(900 + len(master.shapes), "密级框", Inches(left),
                                           Inches(top), Inches(2.5), Inches(0.8))
    frame = Shape(sp, master.shapes).text_frame
    frame.text = lines[0]
    for line in lines[1:]:
        frame.add_paragraph().text = line


def _master_deck(path: Path, lines: list[str], *, left: float = 0.2, top: float = 0.1,
                 hide_on_first: bool = False) -> Path:
    """A deck whose mark is only on its slide master, the master's placeholders holding
    PowerPoint's Chinese prompts; three slides of two layouts, none marked."""
    prs = Presentation()
    master = prs.slide_master
    for ph in master.placeholders:
        kind = ph.placeholder_format.type
        if kind == PP_PLACEHOLDER.TITLE:
            ph.text_frame.text = PROMPTS["title"]
        elif kind == PP_PLACEHOLDER.BODY:
            ph.text_frame.text = PROMPTS["body"]
    _master_box(master, lines, left, top)
    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = "某项目进展汇报"
    first.placeholders[1].text = "某研究所 2026年3月"
    if hide_on_first:
        first._element.set("showMasterSp", "0")
    for n in range(2):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = f"第{n + 1}部分"
        slide.placeholders[1].text = "某分系统完成联调测试。"
    prs.save(str(path))
    return path


def _table_deck(path: Path, rows: list[list[str]], top: float) -> Path:
    """A deck whose first slide holds a table at ``top`` inches (a title below or above it)."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "涉密文件登记台账" if top > 1 else "关于某系统联调测试的情况汇报"
    width = Inches(1.8) * len(rows[0])
    table = slide.shapes.add_table(len(rows), len(rows[0]), Inches(0.3), Inches(top), width,
                                   Inches(0.4) * len(rows)).table
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    prs.save(str(path))
    return path


REGISTER = [["序号", "文件标题", "文号", "密级和保密期限", "份数"]] + [
    [str(i), f"关于某事项{i}的通知", f"示发〔2024〕{i}号", mark, "3"]
    for i, mark in enumerate(["机密★10年", "秘密★5年", "机密★2027年12月31日", "秘密★1年"], 1)]


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("slides")
    made = [_title_deck(folder / "title.pptx"), _footer_deck(folder / "footer.pptx"),
            _master_deck(folder / "master.pptx", ["000123", "机密★5年"]),
            _master_deck(folder / "master_low.pptx", ["秘密★1年"], top=6.5),
            _master_deck(folder / "master_right.pptx", ["绝密★10年"], left=7.2),
            _master_deck(folder / "master_hidden.pptx", ["机密★5年"], hide_on_first=True),
            _table_deck(folder / "register.pptx", REGISTER, 1.5),
            _table_deck(folder / "grid.pptx", [["份号", "000123"], ["密级", "机密★5年"]], 0.1)]
    out = {p.name: p for p in made}
    if soffice() is not None:
        for ppt in convert(made, folder / "ppt", "ppt"):
            out[ppt.name] = ppt
            dps = ppt.with_suffix(".dps")
            shutil.copy(ppt, dps)
            out[dps.name] = dps
    return out


def _formats(stem: str) -> list[str]:
    return [f"{stem}.pptx", pytest.param(f"{stem}.ppt", marks=needs_soffice),
            pytest.param(f"{stem}.dps", marks=needs_soffice)]  # type: ignore[list-item]


@pytest.mark.parametrize("name", _formats("title"))
def test_a_mark_on_the_title_slide(decks: dict[str, Path], name: str) -> None:
    report = scan_file(decks[name], OPTIONS)
    assert report.status == "ok", report.reason_en
    eff = report.marks.effective if report.marks else None
    assert eff is not None and (eff.raw, eff.region) == ("机密★5年", "top")
    assert eff.location == "幻灯片1.p1"  # the text box in the top band before the title
    assert {f.code for f in report.findings} == set()
    reader = extract_pptx if name.endswith(".pptx") else extract_ppt
    blocks = {b.location: b.text for b in reader(decks[name]).blocks}
    assert blocks["幻灯片2.p1"] == "一、总体进展"
    assert blocks["幻灯片2.备注.p1"] == "讲稿要点：联调结论"
    assert blocks["props.title"] == "进展汇报"
    assert blocks["幻灯片2.table1.r1"] == "项目\t进度"  # a .ppt's table: cells put back in rows
    assert blocks["幻灯片2.table1.r2"] == "联调\t完成"


@pytest.mark.parametrize("name", _formats("register"))
def test_a_register_of_marked_documents_is_not_marked(decks: dict[str, Path], name: str) -> None:
    report = scan_file(decks[name], OPTIONS)
    assert report.status == "ok", report.reason_en
    assert report.marks is None or report.marks.effective is None, report.marks
    reader = extract_pptx if name.endswith(".pptx") else extract_ppt
    rows = [b.text for b in reader(decks[name]).blocks if ".table1." in b.location]
    assert rows == ["\t".join(row) for row in REGISTER]


@pytest.mark.parametrize("name", _formats("grid"))
def test_a_label_value_table_at_the_top_holds_the_mark(decks: dict[str, Path], name: str) -> None:
    report = scan_file(decks[name], OPTIONS)
    eff = _effective(report)
    assert (eff.raw, eff.level) == ("机密★5年", "机密")
    assert report.marks is not None and report.marks.copy_number is not None
    assert report.marks.copy_number.value == "000123"


@pytest.mark.parametrize("name", _formats("footer"))
def test_a_mark_in_every_slide_footer(decks: dict[str, Path], name: str) -> None:
    report = scan_file(decks[name], OPTIONS)
    assert report.status == "ok", report.reason_en
    eff = report.marks.effective if report.marks else None
    assert eff is not None and (eff.raw, eff.region) == ("秘密★1年", "footer")
    assert "MARK_CONFLICT" not in {f.code for f in report.findings}


def _effective(report: FileReport) -> Marking:
    assert report.status == "ok", report.reason_en
    eff = report.marks.effective if report.marks else None
    assert eff is not None
    return eff


@pytest.mark.parametrize("name", _formats("master"))
def test_a_mark_on_the_slide_master_is_the_decks_mark(decks: dict[str, Path], name: str) -> None:
    report = scan_file(decks[name], OPTIONS)
    eff = _effective(report)
    assert (eff.raw, eff.region) == ("机密★5年", "top")  # top left of the master: of every page
    assert eff.location.startswith("母版")
    assert report.marks is not None and report.marks.copy_number is not None
    assert report.marks.copy_number.value == "000123"
    assert "MARK_POSITION" not in {f.code for f in report.findings}
    reader = extract_pptx if name.endswith(".pptx") else extract_ppt
    texts = [b.text for b in reader(decks[name]).blocks]
    assert texts.count("机密★5年") == 1  # the master once, however many masters are written
    assert not any("编辑母版" in t or "Click to edit" in t or "Second level" in t
                   for t in texts), texts  # placeholders' prompts are no text of the deck
    assert "某项目进展汇报" in texts and "第2部分" in texts


@pytest.mark.parametrize("name", [*_formats("master_low"), *_formats("master_right"),
                                  *_formats("master_hidden")])
def test_a_master_mark_out_of_place_is_found_and_misplaced(decks: dict[str, Path],
                                                          name: str) -> None:
    report = scan_file(decks[name], OPTIONS)
    eff = _effective(report)
    assert eff.location.startswith("母版")
    assert eff.raw == {"master_low": "秘密★1年", "master_right": "绝密★10年",
                       "master_hidden": "机密★5年"}[Path(name).stem]
    # at the bottom, top right, or hidden on the first slide: not the top left of page 1
    assert "MARK_POSITION" in {f.code for f in report.findings}


def test_a_masters_own_text_is_not_the_decks_title(tmp_path: Path) -> None:
    report = scan_file(_master_deck(tmp_path / "org.pptx", ["某某研究院"]), OPTIONS)
    assert report.title == "某项目进展汇报"  # slide 1's title, not the master's box


def test_layouts_and_master_footers_are_read_where_they_show(tmp_path: Path) -> None:
    """A layout's own text box shows on the slides built on it (the top of page 1 when slide 1
    is); the master's footer placeholder's text is a footer of every slide."""
    prs = Presentation()
    for ph in prs.slide_master.placeholders:
        if ph.placeholder_format.type == PP_PLACEHOLDER.FOOTER:
            ph.text_frame.text = "秘密★1年"
    for n, text in enumerate(["000321", "秘密★1年"]):
        shapes = prs.slide_layouts[n].shapes
        box = shapes._spTree.add_textbox(901, "框", Inches(0.2), Inches(0.1), Inches(2),
                                         Inches(0.5))
        Shape(box, shapes).text_frame.text = text
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "某项目进展汇报"
    prs.slides.add_slide(prs.slide_layouts[1]).shapes.title.text = "一、总体进展"
    prs.save(str(path := tmp_path / "layouts.pptx"))
    blocks = {b.location: (b.text, b.region) for b in extract_pptx(path).blocks}
    assert blocks["母版1.版式1.p1"] == ("000321", "top")  # on slide 1's layout, top left
    assert blocks["母版1.版式2.p1"] == ("秘密★1年", "body")  # on slide 2's only
    assert ("秘密★1年", "footer") in blocks.values()  # the master's footer placeholder
    assert not any("Click to edit" in text for text, _ in blocks.values())


@pytest.mark.parametrize("cut", [0.3, 0.9])
def test_truncated_presentations_are_unreadable(decks: dict[str, Path], tmp_path: Path,
                                                cut: float) -> None:
    for name in ("title.pptx", "title.ppt"):
        if name not in decks:
            continue
        data = decks[name].read_bytes()
        path = tmp_path / name
        path.write_bytes(data[:int(len(data) * cut)])
        report = scan_file(path, OPTIONS)
        assert report.status == "unreadable" and report.reason_en, name


def test_a_word_file_named_ppt_says_what_it_is(tmp_path: Path) -> None:
    from conftest import TESTS  # noqa: PLC0415

    path = tmp_path / "x.dps"
    shutil.copy(TESTS / "data" / "doc_cases" / "copy_ok.doc", path)
    report = scan_file(path, OPTIONS)
    assert report.status == "unreadable"
    assert "Word or Excel" in (report.reason_en or "")
