"""What the ledger adds to a report: the deciding office from the 落款 or the 发文机关标志, 派生
from the text, the run or a finding, 档号 from a sidecar or a name, and labels that wrap."""

from __future__ import annotations

from pathlib import Path

import pytest

from markers.models import Block
from scanner.audit.facts import ArchiveIds, DocFacts, derived_in_text, issuer, read_sidecar
from scanner.audit.ledger import basis_of, origin_of
from scanner.audit.summary import wrap
from scanner.audit.yearly import by_year, decision_kind
from scanner.decisions import FILE, Decision


def blocks(*lines: str) -> list[Block]:
    return [Block(text, f"body.p{i}", "body", i) for i, text in enumerate(lines)]


BODY = ("各单位：", "一、认真做好相关工作。", "二、确保各项措施落实到位。")


@pytest.mark.parametrize(("lines", "office"), [
    ((*BODY, "示例市人民政府", "2023年3月22日"), "示例市人民政府"),
    ((*BODY, "示例市人民政府（印章）", "2023年3月22日", "抄送：市委办公室。",
      "示例市人民政府办公室 2023年3月23日印发"), "示例市人民政府"),
    ((*BODY, "示例市 保密局 2023年3月22日"), "示例市保密局"),  # on the date's line
    (("示例市人民政府文件", "示政发〔2023〕1号", *BODY, "特此通知。"), "示例市人民政府"),
    ((*BODY, "附件：名单", "2023年3月22日"), ""),  # not an office before the date
    ((*BODY, "请认真贯彻执行。"), ""),
])
def test_issuer_is_the_signature_or_the_issuer_mark(lines: tuple[str, ...], office: str) -> None:
    assert issuer(blocks(*lines)) == office


def test_derived_in_text() -> None:
    assert derived_in_text(blocks("定密依据：派生自示政发〔2018〕1号"))
    assert derived_in_text(blocks("定密方式：派生"))
    assert not derived_in_text(blocks("派生产品的销售情况"))


def test_archive_id_from_sidecar_then_name(tmp_path: Path) -> None:
    root = tmp_path / "档案"
    (root / "WS·2020-Y-0001" / "sub").mkdir(parents=True)
    (root / "2019").mkdir()
    (root / "档号.csv").write_text("文件名,档号\n2019/a.docx,WS·2019-Y-0007\n", encoding="gb18030")
    (root / "2019" / "archive_ids.csv").write_bytes(
        "\ufeff./b.docx,WS·2019-Y-0008\n".encode())
    ids = ArchiveIds()
    assert ids.of(str(root / "2019" / "a.docx"), "2019/a.docx") == "WS·2019-Y-0007"
    assert ids.of(str(root / "2019" / "b.docx"), "2019/b.docx") == "WS·2019-Y-0008"
    assert ids.of(str(root / "2019" / "c.docx"), "2019/c.docx") == ""
    deep = root / "WS·2020-Y-0001" / "sub" / "x.docx"
    assert ids.of(str(deep), "WS·2020-Y-0001/sub/x.docx") == "WS·2020-Y-0001"
    named = root / "2019" / "J001-WS·2019-D30-0005 通知.docx"
    assert ids.of(str(named), "2019/J001-WS·2019-D30-0005 通知.docx") == "J001-WS·2019-D30-0005"
    member = f"{root / '2019' / 'a.docx'}!inner.docx"  # a member: its package's entry
    assert ids.of(member, "2019/a.docx!inner.docx") == "WS·2019-Y-0007"
    assert read_sidecar(root / "missing.csv") == {}


def _report(**extra: object) -> dict[str, object]:
    return {"classification": "秘密", "marking": {"raw": "秘密★5年", "level": "秘密"},
            "findings": [],
            "hits": [{"item": "A-1", "title": "甲事项", "level": "机密", "live": True},
                     {"item": "B-2", "title": "乙事项", "level": "秘密", "live": True},
                     {"item": "C-3", "title": "丙事项", "level": "秘密", "vetoed": True}],
            **extra}


def test_origin_from_run_text_mark_and_findings() -> None:
    assert origin_of(_report(), None, False) == "original"
    assert origin_of(_report(), None, True) == "derived"  # --derived / derived: true
    assert origin_of(_report(), DocFacts(derived=True), False) == "derived"
    assert origin_of(_report(marking={"raw": "秘密★5年（派生）", "level": "秘密"}), None,
                     False) == "derived"
    assert origin_of(_report(findings=[{"code": "DERIVED_ABOVE_SOURCE"}]), None,
                     False) == "derived"
    assert origin_of(_report(classification=None, marking=None), None, True) == ""
    # the report of an unmarked document quoting a classified source is classified itself;
    # the document is not marked, so neither original nor derived
    assert origin_of(_report(classification="机密", marking=None), None, True) == ""


def test_basis_is_the_suggestion_else_a_live_hit_at_the_level() -> None:
    assert basis_of(_report()) == "B-2 乙事项"
    assert basis_of(_report(suggested_marking={"item": "A-1"})) == "A-1 甲事项"
    assert basis_of(_report(hits=[])) == ""


def test_wrap_keeps_every_character() -> None:
    label = "EDU-01 国家教育统一考试在启用前的试卷、参考答案和评分标准"
    lines = wrap(label, 20)
    assert "".join(lines) == label and len(lines) == 2
    assert wrap("", 20) == [""]


def test_yearly_decisions_count_extension_by_the_decisions_year() -> None:
    """延长保密期限 (a conclusion the review app offers) counts as 延长, in the year it was made."""
    decisions = [Decision("a.docx", "0" * 64, FILE, "conclusion", "王五", at, conclusion=c)
                 for at, c in (("2025-12-31T23:00:00", "延长保密期限"), ("2026-01-02T08:00:00",
                                                                   "解密"),
                               ("2026-02-01T08:00:00", "维持"))]
    years = by_year([], decisions)
    assert list(years) == ["2025", "2026"]
    assert years["2025"]["decisions"] == {"定密": 0, "变更": 0, "延长": 1, "解密": 0}
    assert years["2026"]["decisions"]["解密"] == 1 and years["2026"]["classified"] == 0
    assert decision_kind("维持") is None
