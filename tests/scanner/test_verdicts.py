"""Classification verdicts through real DOCX files and the demo catalogue (domain.md §3, §4)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders import DocSpec, make_docx

from scanner.catalogs import DEMO
from scanner.pipeline import ScanOptions, scan_file
from scanner.report import to_json

ROUTINE = "请各科室于本周五下午三点到三楼会议室参加季度工作例会，会议将通报近期重点工作。"
CONTENT = {
    "water": "附件为全市供水主干管网布局图，标注了各加压站坐标和取水口位置。",  # INF-01 秘密 10年
    "talks": "与某集团的谈判底线为土地价格不低于每亩30万元，让步方案另附。",  # NEG-01 机密 5年
    "grain": "市级粮食储备库点分布及实物库存数量见附表。",  # RES-01 秘密 5年
    "guard": "警卫路线及沿线警力部署详见附图。",  # INF-04 机密
    "datum": "本市独立坐标系与国家大地坐标系的坐标转换参数由专人保管。",  # GEO-01 绝密 长期
}


def _doc(tmp_path: Path, name: str, mark: str | None, body: str) -> Path:
    lines = [x for x in ("000123", mark) if mark] + ["关于有关事项的通知", body,
                                                     "知悉范围：本局领导班子成员", "2026年3月2日"]
    return make_docx(tmp_path / f"{name}.docx", DocSpec(body=lines))


CASES = [
    ("over", "机密★5年", "water", {}, "OVER_CLASSIFIED", True),
    ("over_ok", "秘密★5年", "water", {}, "OVER_CLASSIFIED", False),
    ("under", "秘密★5年", "talks", {}, "UNDER_CLASSIFIED", True),
    ("under_ok", "机密★5年", "talks", {}, "UNDER_CLASSIFIED", False),
    ("unmarked", None, "guard", {}, "UNMARKED_MATCH", True),
    ("unmarked_ok", None, "routine", {}, "UNMARKED_MATCH", False),
    ("no_basis", "秘密★1年", "routine", {}, "NO_BASIS", True),
    ("no_basis_ok", "秘密★5年", "grain", {}, "NO_BASIS", False),
    ("period_above", "秘密★10年", "grain", {}, "PERIOD_ABOVE_CATALOG", True),
    ("period_ok", "秘密★5年", "grain", {}, "PERIOD_ABOVE_CATALOG", False),
    ("authority_city", "绝密★长期", "datum", {"authority": "city"}, "AUTHORITY_EXCEEDED", True),
    ("authority_derived", "绝密★长期", "datum", {"authority": "city", "derived": True},
     "AUTHORITY_EXCEEDED", False),
    ("authority_central", "绝密★长期", "datum", {"authority": "central"},
     "AUTHORITY_EXCEEDED", False),
    ("authority_county", "秘密★5年", "grain", {"authority": "county"}, "AUTHORITY_EXCEEDED", True),
    ("authority_county_ok", "秘密★5年", "grain", {"authority": "county:秘密"},
     "AUTHORITY_EXCEEDED", False),
    ("long_term_allowed", "绝密★长期", "datum", {}, "LONG_TERM_REVIEW", False),
    ("long_term_no_item", "绝密★长期", "guard", {}, "LONG_TERM_REVIEW", True),
]


def _scan(path: Path, **extra: object) -> dict[str, object]:
    options = ScanOptions(as_of=dt.date(2026, 11, 22), catalogs=(str(DEMO),), **extra)  # type: ignore[arg-type]
    return to_json(scan_file(path, options))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_verdicts(tmp_path: Path, case: tuple[str, str | None, str, dict[str, object], str, bool]
                  ) -> None:
    name, mark, content, extra, code, expected = case
    body = ROUTINE if content == "routine" else CONTENT[content]
    report = _scan(_doc(tmp_path, name, mark, body), **extra)
    codes = {f["code"] for f in report["findings"]}  # type: ignore[attr-defined]
    assert (code in codes) is expected, (codes, report["hits"])


def test_derived_declared_in_the_text(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "d.docx", DocSpec(body=[
        "000123", "绝密★长期", "定密依据：派生自上级来文", CONTENT["datum"], "知悉范围：测绘科"]))
    report = _scan(path, authority="city")
    assert "AUTHORITY_EXCEEDED" not in {f["code"] for f in report["findings"]}  # type: ignore[attr-defined]


def test_verdict_carries_items_and_evidence(tmp_path: Path) -> None:
    report = _scan(_doc(tmp_path, "u", "秘密★5年", CONTENT["talks"]))
    verdict = next(v for v in report["verdicts"] if v["code"] == "UNDER_CLASSIFIED")  # type: ignore[attr-defined]
    assert "可能" in verdict["message_zh"] and "likely" in verdict["message_en"]
    assert "NEG-01" in verdict["message_zh"]
    assert any("NEG-01" in e["excerpt"] and "【" in e["excerpt"] for e in verdict["evidence"])
    hit = next(h for h in report["hits"] if h["item"] == "NEG-01")  # type: ignore[attr-defined]
    assert hit["score"] == 1.0 and hit["terms"] and hit["satisfied"]


def test_suggested_marking(tmp_path: Path) -> None:
    report = _scan(_doc(tmp_path, "s", None, CONTENT["talks"]))
    suggestion = report["suggested_marking"]
    assert suggestion == {"level": "机密", "term": "5年", "scope": "谈判组成员", "item": "NEG-01",
                          "catalog": "demo", "text": "机密★5年", "basis_found": True}
    routine = _scan(_doc(tmp_path, "r", "秘密★1年", ROUTINE))["suggested_marking"]
    assert routine["basis_found"] is False and "no state-secret basis" in routine["text"]  # type: ignore[index]


def test_no_catalogue_no_verdicts(tmp_path: Path) -> None:
    report = to_json(scan_file(_doc(tmp_path, "n", "秘密★1年", ROUTINE),
                               ScanOptions(as_of=dt.date(2026, 11, 22))))
    assert report["hits"] == [] and report["verdicts"] == [] and report["suggested_marking"] is None


@pytest.mark.parametrize(("mark", "authority", "expected"), [
    ("机密★5年", "county", True), ("机密★5年", "county:机密", False),
    ("绝密★10年", "city", True), ("机密★5年", "city", False), ("绝密★10年", "provincial", False)])
def test_authority_is_checked_without_a_catalogue(tmp_path: Path, mark: str, authority: str,
                                                  expected: bool) -> None:
    report = to_json(scan_file(_doc(tmp_path, "a", mark, ROUTINE),
                               ScanOptions(as_of=dt.date(2026, 11, 22), authority=authority)))
    found = [f for f in report["findings"] if f["code"] == "AUTHORITY_EXCEEDED"]  # type: ignore[attr-defined]
    assert bool(found) is expected
    if found:  # the unit named in words, not its setting
        assert "county" not in found[0]["message_zh"] and "city" not in found[0]["message_zh"]
