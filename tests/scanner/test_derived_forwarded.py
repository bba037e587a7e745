"""A 转发 that holds the whole document it forwards (its own 版头, title, text and 落款, then the
forwarded document with its 份号, mark, 文号, text and 落款): its 成文日期 is its own 落款's, it is
derived from the forwarded document and not the other way round (even when the dates do not tell
them apart), and a 转发 marked below the document it forwards is DERIVED_BELOW_SOURCE."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from docx import Document

from markers import Block, find_marks
from scanner.cli import main
from scanner.pipeline import ScanOptions, scan_file

SOURCE = ["000012", "机密★10年", "知悉范围：各工程建设单位主要负责人", "省水利厅文件",
          "青水发〔2025〕8号",
          "关于加强重点水利工程建设期间安全防范工作的通知", "各市州水利局，各工程建设单位：",
          "一、各工程建设单位要对大坝监测系统、闸门控制系统的网络拓扑和访问口令实行专人管理，口令每九十天"
          "更换一次，严禁在互联网计算机上存储和处理工程控制参数。",
          "二、重点工程的防洪调度方案、应急抢险预案中涉及库容调度阈值和闸门启闭程序的内容，只在专用网络内"
          "传输，纸质文本按份登记，用后收回。",
          "三、各单位于每季度末对上述措施落实情况开展一次自查，形成书面报告，经主要负责人签字后报送省水利厅"
          "安全监管处。", "省水利厅", "2025年3月10日"]
FORWARD_HEAD = ["某市水利局文件", "某水发〔2025〕21号",
                "关于转发《关于加强重点水利工程建设期间安全防范工作的通知》的通知",
                "各区县水利局，局属各单位：",
                "现将省水利厅《关于加强重点水利工程建设期间安全防范工作的通知》（青水发〔2025〕8号）转发给你们，"
                "请结合实际认真贯彻落实。", "某市水利局"]


def _docx(path: Path, lines: list[str]) -> None:
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))


def _blocks(lines: list[str]) -> list[Block]:
    return [Block(t, f"body.p{i}", "body", i) for i, t in enumerate(lines, 1)]


def _date(marks: object) -> str | None:
    found = marks.document_date  # type: ignore[attr-defined]
    return found.date.isoformat() if found is not None and found.date else None


def test_the_date_of_a_forwarding_document_is_its_own() -> None:
    marks = find_marks(_blocks(["000003", "秘密★5年", *FORWARD_HEAD, "2025年3月20日", *SOURCE]))
    assert _date(marks) == "2025-03-20"
    # an attachment after the 落款 (a 附件 heading, then a schedule of dates): the 落款's date
    schedule = ["附件", "工程安全自查安排表", "2025年4月1日", "2025年7月1日"]
    marks = find_marks(_blocks(["关于开展工程安全自查的通知", "各单位：", "请按附件安排开展自查。",
                                "某市水利局", "2025年3月20日", *schedule]))
    assert _date(marks) == "2025-03-20"
    # with nothing attached, the last date line is the date, as before
    marks = find_marks(_blocks(["关于开展工程安全自查的通知", "各单位：",
                                "定于2025年4月1日开始自查。", "某市水利局", "2025年3月20日"]))
    assert _date(marks) == "2025-03-20"


@pytest.mark.parametrize("forward_date", ["2025年3月20日", "2025年3月10日", None])
def test_a_forwarding_document_is_derived_from_what_it_forwards(tmp_path: Path,
                                                                 forward_date: str | None) -> None:
    # the 转发 dated after the source, on the same day, or undated (then only its citation of
    # the source's 文号 and title tells which is derived)
    archive = tmp_path / "archive"
    archive.mkdir()
    _docx(archive / "source.docx", SOURCE)
    own = [forward_date] if forward_date else []
    _docx(archive / "forward.docx", ["000003", "秘密★5年", *FORWARD_HEAD, *own, *SOURCE])
    out = tmp_path / "out"
    main(["audit", str(archive), "--out", str(out), "--jobs", "1", "--as-of", "2026-12-07"])

    def report(name: str) -> dict:  # type: ignore[type-arg]
        return json.loads((out / "reports" / f"{name}.report.json").read_text("utf-8"))

    source, forward = report("source.docx"), report("forward.docx")
    # its own date, never the forwarded document's (undated when it has none)
    expected = {"2025年3月20日": "2025-03-20", "2025年3月10日": "2025-03-10", None: None}
    assert forward["document_date"] == expected[forward_date]
    assert not source.get("links"), source.get("links")  # the source copies nothing
    assert not {f["code"] for f in source["findings"]} & {"DERIVED_ABOVE_SOURCE",
                                                          "DERIVED_BELOW_SOURCE"}
    links = forward.get("links") or []
    assert [(lk["relative"], lk["by"]) for lk in links] == [("source.docx", "cite+copy")]
    codes = {f["code"] for f in forward["findings"]}
    assert "DERIVED_BELOW_SOURCE" in codes
    # the forwarded document's mark stands at the head of that document: it conflicts with the
    # 转发's own mark, and is not misplaced
    assert "MARK_CONFLICT" in codes and "MARK_POSITION" not in codes
    # its own head has no 知悉范围 (the forwarded document's is that document's), and the office
    # deciding its classification is its own 落款's
    assert "SCOPE_MISSING" in codes and forward["scope"] is None
    with (out / "ledger.csv").open(encoding="utf-8-sig") as fh:
        office = {row["路径"]: row["定密机关"] for row in csv.DictReader(fh)}
    assert office == {"source.docx": "省水利厅", "forward.docx": "某市水利局"}


def test_an_unmarked_forwarding_document_is_told_its_head_has_no_mark(tmp_path: Path) -> None:
    path = tmp_path / "forward.txt"
    path.write_text("\n".join([*FORWARD_HEAD, "2025年3月20日", *SOURCE]) + "\n", "utf-8")
    report = scan_file(path, ScanOptions(as_of=dt.date(2026, 12, 7)))
    position = [f for f in report.findings if f.code == "MARK_POSITION"]
    assert position and "机密★10年" in position[0].message_zh


SECOND = ["000031", "秘密★5年", "省水利厅文件", "青水发〔2025〕19号",
          "关于做好2025年度汛期水库调度运行工作的通知", "各市州水利局：",
          "一、大型水库汛限水位以下运行期间，每日八时向省防汛指挥部报送库水位、入库流量和出库流量，"
          "遇强降雨加密至每两小时一次。",
          "二、中型水库溢洪道闸门启闭须经市级防汛指挥部批准，操作记录保存两年备查，严禁擅自超汛限水位"
          "蓄水。", "省水利厅", "2025年5月6日"]


@pytest.mark.parametrize("dated", ["2025年6月", "2025年5月6日"])
def test_a_compilation_is_derived_from_the_documents_it_holds(tmp_path: Path, dated: str) -> None:
    # a 汇编 marked at its head with the highest of its documents' marks, dated by month only
    # (or on the day of its last document: then its 目录 tells which holds the other), holding
    # two documents whole (each with its own 版头 and 落款); and an undated 摘编 copying
    # paragraphs of both
    archive = tmp_path / "archive"
    archive.mkdir()
    _docx(archive / "a.docx", SOURCE)
    _docx(archive / "b.docx", SECOND)
    _docx(archive / "book.docx", [
        "机密★10年", "2025年上半年水利安全工作文件汇编", "某市水利局办公室编", dated, "目录",
        "1. 关于加强重点水利工程建设期间安全防范工作的通知（青水发〔2025〕8号）",
        "2. 关于做好2025年度汛期水库调度运行工作的通知（青水发〔2025〕19号）", *SOURCE, *SECOND])
    _docx(archive / "excerpt.docx", ["秘密★5年", "2025年上半年水利安全工作文件摘编",
                                     SOURCE[7], SOURCE[8], SECOND[6], SECOND[7]])
    out = tmp_path / "out"
    main(["audit", str(archive), "--out", str(out), "--jobs", "1", "--as-of", "2026-12-07"])

    def report(name: str) -> dict:  # type: ignore[type-arg]
        return json.loads((out / "reports" / f"{name}.report.json").read_text("utf-8"))

    book = report("book.docx")
    # its own title, no 文号 of its own, undated (not its documents' dates)
    assert (book["title"], book["doc_number"], book["document_date"]) == (
        "2025年上半年水利安全工作文件汇编", None, None if dated == "2025年6月" else "2025-05-06")
    codes = {f["code"] for f in book["findings"]}
    # its head carries the highest of its documents' marks: no conflict, nothing misplaced
    assert not codes & {"MARK_CONFLICT", "MARK_POSITION", "COPY_NO_MISSING"}, codes
    # its 目录 names the documents whose text it holds: cited and copied
    assert sorted((lk["relative"], lk["by"]) for lk in book["links"]) == [
        ("a.docx", "cite+copy"), ("b.docx", "cite+copy")]
    for name in ("a.docx", "b.docx"):  # the documents copy nothing of the compilation
        assert not report(name).get("links"), name
    excerpt = report("excerpt.docx")
    assert sorted(lk["relative"] for lk in excerpt["links"]) == ["a.docx", "b.docx"]
    assert "DERIVED_BELOW_SOURCE" in {f["code"] for f in excerpt["findings"]}


def test_document_properties_are_no_part_of_the_text(tmp_path: Path) -> None:
    # two documents from one template: the same long description and subject in their
    # properties, nothing in common in their text; and a copy whose passage ends at its text's end
    archive = tmp_path / "archive"
    archive.mkdir()
    template = ("本模板由某市水利局办公室统一制作，适用于局机关各处室起草公文时使用，"
                "请勿修改版头格式和字体字号设置，如有问题请联系办公室文秘科。")
    other = ["000045", "秘密★1年", "某市水利局文件", "关于做好节日期间值班工作的通知", "各处室：",
             "请各处室安排好节日期间值班人员，保持通讯畅通，遇有重要情况及时报告局办公室。",
             "某市水利局", "2025年9月20日"]
    for name, lines in (("a.docx", SOURCE), ("b.docx", other)):
        doc = Document()
        for line in lines:
            doc.add_paragraph(line)
        doc.core_properties.comments = template
        doc.core_properties.subject = template
        doc.save(str(archive / name))
    _docx(archive / "copy.docx", ["关于大坝监测系统管理的提示", "各单位：", *SOURCE[7:10]])
    out = tmp_path / "out"
    main(["audit", str(archive), "--out", str(out), "--jobs", "1", "--as-of", "2026-12-07"])

    def report(name: str) -> dict:  # type: ignore[type-arg]
        return json.loads((out / "reports" / f"{name}.report.json").read_text("utf-8"))

    assert not report("b.docx").get("links") and not report("a.docx").get("links")
    links = report("copy.docx")["links"]
    assert [lk["relative"] for lk in links] == ["a.docx"]
    places = [p[side][key] for p in links[0]["passages"] for side in ("here", "there")
              for key in ("location", "end")]
    assert places and not [p for p in places if p.startswith("props.")], places


def test_unmarked_documents_holding_marked_ones(tmp_path: Path) -> None:
    # an unmarked 转发 and an unmarked 选编 holding marked documents: read with the held mark
    # (they hold classified text: counted and gated as such) but not marked themselves, so
    # below their sources; the 选编's title, 文号 and date are its own
    archive = tmp_path / "archive"
    archive.mkdir()
    _docx(archive / "source.docx", SOURCE)
    _docx(archive / "second.docx", SECOND)
    _docx(archive / "forward.docx", [*FORWARD_HEAD, "2025年3月20日", *SOURCE])
    _docx(archive / "book.docx", [
        "水利安全工作文件选编", "某市水利局办公室 编", "2025年6月20日", "目录",
        "1. 关于加强重点水利工程建设期间安全防范工作的通知（青水发〔2025〕8号）",
        "2. 关于做好2025年度汛期水库调度运行工作的通知（青水发〔2025〕19号）", *SOURCE, *SECOND])
    out = tmp_path / "out"
    main(["audit", str(archive), "--out", str(out), "--jobs", "1", "--as-of", "2026-12-07"])

    def report(name: str) -> dict:  # type: ignore[type-arg]
        return json.loads((out / "reports" / f"{name}.report.json").read_text("utf-8"))

    for name in ("forward.docx", "book.docx"):
        found = report(name)
        assert found["marking"]["raw"] == "机密★10年" and found["marking"]["held"], name
        assert "DERIVED_BELOW_SOURCE" in {f["code"] for f in found["findings"]}, name
    book = report("book.docx")
    assert (book["title"], book["doc_number"], book["document_date"]) == (
        "水利安全工作文件选编", None, "2025-06-20")
    assert sorted(lk["relative"] for lk in book["links"]) == ["second.docx", "source.docx"]
    for name in ("source.docx", "second.docx"):
        assert not report(name).get("links"), name


def test_a_register_written_as_text_rows_is_not_derived(tmp_path: Path) -> None:
    # a register whose rows are text with | between cells: it cites nothing, has no 文号 of its
    # own, its title is its heading and its date the one on its head line
    archive = tmp_path / "archive"
    archive.mkdir()
    _docx(archive / "source.docx", SOURCE)
    _docx(archive / "register.docx", [
        "2025年度涉密文件登记台账", "某市机要保密局 2025年12月31日",
        "序号 | 文号 | 文件标题 | 密级和保密期限 | 份号 | 收文日期 | 保管人",
        "1 | 青水发〔2025〕8号 | 关于加强重点水利工程建设期间安全防范工作的通知 | 机密★10年 | "
        "000012 | 2025年3月12日 | 张敏",
        "2 | 青水发〔2025〕19号 | 关于做好2025年度汛期水库调度运行工作的通知 | 秘密★5年 | 000031 | "
        "2025年5月8日 | 王海",
        "本台账按收文时间顺序登记。"])
    out = tmp_path / "out"
    main(["audit", str(archive), "--out", str(out), "--jobs", "1", "--as-of", "2026-12-07"])
    found = json.loads((out / "reports" / "register.docx.report.json").read_text("utf-8"))
    assert not found.get("links") and found["marking"] is None
    assert (found["title"], found["doc_number"], found["document_date"]) == (
        "2025年度涉密文件登记台账", None, "2025-12-31")


def test_a_compilations_own_number_is_looked_for_above_its_own_title() -> None:
    from scanner.derived.index import facts_of  # noqa: PLC0415

    blocks = ["反恐防范工作文件选编", "某市公安局治安支队 编", "目录",
              "1. 关于加强重点水利工程建设期间安全防范工作的通知（青水发〔2025〕8号）", *SOURCE]
    facts = facts_of("0" * 64, blocks, {"title": "反恐防范工作文件选编"})
    assert facts.number is None  # the 文号 above the held document's title is that document's
    assert any(c["raw"].startswith("青水发") for c in facts.cites)  # cited in the 目录
    # a document's own title found by the report: its 文号 above it is its own
    facts = facts_of("1" * 64, SOURCE, {"title": SOURCE[5]})
    assert facts.number is not None and facts.number.raw == "青水发〔2025〕8号"


def test_held_documents_in_other_shapes(tmp_path: Path) -> None:
    # a compilation without a 目录 whose parts carry a mark but no 份号 or 版头; a 转发 whose held
    # document follows an 附件： line after its 落款 (its own date is its 落款's) and another of
    # the same date as its source (the source explains the copy, not the other 转发); a request
    # citing 《title》 with the 文号 broken across lines
    archive = tmp_path / "archive"
    archive.mkdir()
    _docx(archive / "source.docx", SOURCE)
    _docx(archive / "second.docx", SECOND)
    bare = SOURCE[5:]  # the held document without 份号, mark and 版头
    _docx(archive / "book.docx", ["机密★10年", "2025年水利安全文件选编", "某市水利局办公室编",
                                  "机密★10年", *SOURCE[5:], "秘密★5年", *SECOND[4:]])
    _docx(archive / "forward.docx", [*FORWARD_HEAD, "2025年3月20日",
                                     "附件：关于加强重点水利工程建设期间安全防范工作的通知", *bare])
    _docx(archive / "sameday.docx", [*FORWARD_HEAD[:-1], "某县水利局", "2025年3月10日",
                                     "附件：关于加强重点水利工程建设期间安全防范工作的通知", *bare])
    _docx(archive / "request.docx", ["关于申请增加监测设备的请示", "市水利局：",
                                     "根据《关于加强重点水利工程建设期间安全防范工作的通知》（青水发〔2025〕",
                                     "8号）要求，我站拟增设大坝渗流监测设备三套，妥否，请批示。",
                                     "某水库管理站", "2025年4月2日"])
    out = tmp_path / "out"
    main(["audit", str(archive), "--out", str(out), "--jobs", "1", "--as-of", "2026-12-07"])

    def report(name: str) -> dict:  # type: ignore[type-arg]
        return json.loads((out / "reports" / f"{name}.report.json").read_text("utf-8"))

    def links(name: str) -> list[tuple[str, str]]:
        return sorted((lk["relative"], lk["by"]) for lk in report(name).get("links") or [])

    book = report("book.docx")
    assert (book["title"], book["document_date"]) == ("2025年水利安全文件选编", None)
    assert [rel for rel, _ in links("book.docx")] == ["second.docx", "source.docx"]
    assert report("forward.docx")["document_date"] == "2025-03-20"
    assert links("forward.docx") == [("source.docx", "cite+copy")]
    assert links("sameday.docx") == [("source.docx", "cite+copy")]
    assert links("request.docx") == [("source.docx", "cite")]
    for name in ("source.docx", "second.docx"):
        assert not report(name).get("links"), name


def test_an_attachment_note_above_the_signature_is_no_held_document() -> None:
    # GB/T 9704's 附件说明 stands between the text and the 落款: the date after it is the
    # document's own
    lines = ["关于印发应急救援车辆涂装规范的通知", "各有关单位：",
             "现将应急救援车辆涂装规范印发给你们，请结合实际认真贯彻执行，执行中遇到的问题及时报告。",
             "附件：应急救援专用号牌式样和车辆涂装样图", "某市应急管理局", "2018年12月4日"]
    assert _date(find_marks(_blocks(lines))) == "2018-12-04"
    # a speech's date in brackets under its title
    speech = ["在安全保卫工作部署会上的讲话", "（2025年4月12日）", "某公司总经理  陈某",
              "同志们：", "今天召开会议，部署重要保障期间的安全保卫工作。"]
    assert _date(find_marks([Block(t, f"body.p{i}", "top", i)
                             for i, t in enumerate(speech, 1)])) == "2025-04-12"


def test_the_pre_issue_gate_holds_an_unmarked_forward_of_a_classified_document(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # no reference archive: the document's only mark stands in the document it forwards
    path = tmp_path / "转发稿.docx"
    _docx(path, [*FORWARD_HEAD[2:], "2025年3月20日", *SOURCE])  # a 转发 without a 版头
    args = ["check", str(path), "--as-of", "2026-12-07"]
    assert main([*args, "--fail-on", "pre-issue"]) == 1
    assert main([*args, "--fail-on", "error"]) == 0  # a warning only: errors alone let it pass
    assert "所附文件的标志，本文件首部未标" in capsys.readouterr().out
    # the same document marked at its own head passes the pre-issue gate on this count
    marked = tmp_path / "转发稿_已标.docx"
    _docx(marked, ["000003", "机密★10年", "知悉范围：各区县水利局主要负责人", *FORWARD_HEAD,
                   "2025年3月20日", *SOURCE])
    assert main(["check", str(marked), "--as-of", "2026-12-07", "--fail-on", "pre-issue"]) == 0
