"""长期 at any level where a catalogue item provides it (domain.md §2, §4, §6): a `机密★长期` or
`秘密★长期` under such an item is correct; without one, LONG_TERM_REVIEW and never
PERIOD_EXCEEDS_MAX."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders import DocSpec, make_docx

from scanner.pipeline import ScanOptions, scan_file
from scanner.report import to_json

CATALOG = """\
catalog: {id: lt, title: 长期测试目录}
items:
  - id: LT-1
    title: 国家等级控制点坐标成果
    level: 机密
    long_term: true
    match: {all: [控制点坐标成果]}
  - id: LT-2
    title: 国家等级水准点高程成果
    level: 秘密
    long_term: true
    match: {all: [水准点高程成果]}
  - id: LT-3
    title: 测绘项目招标标底
    level: 秘密
    max_years: 5
    match: {all: [招标标底]}
"""
BODY = {"control": "本次提供的控制点坐标成果共计120个点，仅限项目组使用。",
        "level": "附表列出了测区内水准点高程成果，请妥善保管。",
        "bid": "本项目招标标底由财务科负责编制。",
        "routine": "请各科室于周五前报送季度工作总结。"}


def _scan(tmp_path: Path, name: str, mark: str, body: str, with_catalog: bool = True
          ) -> set[str]:
    catalog = tmp_path / "lt.yaml"
    catalog.write_text(CATALOG, encoding="utf-8")
    path = make_docx(tmp_path / f"{name}.docx", DocSpec(body=[
        "000123", mark, "关于提供测绘成果的函", body, "知悉范围：项目组成员", "2026年3月2日"]))
    options = ScanOptions(as_of=dt.date(2026, 11, 22),
                          catalogs=(str(catalog),) if with_catalog else ())
    report = to_json(scan_file(path, options))
    return {f["code"] for f in report["findings"]}  # type: ignore[attr-defined]


@pytest.mark.parametrize(("mark", "body"), [("机密★长期", "control"), ("秘密★长期", "level")])
def test_long_term_under_an_item_that_provides_it_is_correct(tmp_path: Path, mark: str,
                                                             body: str) -> None:
    codes = _scan(tmp_path, "ok", mark, BODY[body])
    assert not codes & {"PERIOD_EXCEEDS_MAX", "LONG_TERM_REVIEW", "PERIOD_ABOVE_CATALOG",
                        "NO_BASIS", "UNDER_CLASSIFIED", "OVER_CLASSIFIED"}, codes
    assert not any(c for c in codes if c not in {"EXPIRY_SOON", "EXPIRED"}), codes


@pytest.mark.parametrize("mark", ["机密★长期", "秘密★长期"])
def test_long_term_without_such_an_item_needs_review_not_an_error(tmp_path: Path,
                                                                  mark: str) -> None:
    for codes in (_scan(tmp_path, "none", mark, BODY["routine"], with_catalog=False),
                  _scan(tmp_path, "bid", mark, BODY["bid"])):
        assert "LONG_TERM_REVIEW" in codes and "PERIOD_EXCEEDS_MAX" not in codes, codes


def test_long_term_against_an_item_with_a_period_is_above_it(tmp_path: Path) -> None:
    codes = _scan(tmp_path, "bid", "秘密★长期", BODY["bid"])
    assert "PERIOD_ABOVE_CATALOG" in codes


def test_a_period_beyond_the_statutory_maximum_rests_on_a_long_term_item(tmp_path: Path) -> None:
    assert "PERIOD_EXCEEDS_MAX" not in _scan(tmp_path, "c25", "机密★25年", BODY["control"])
    assert "PERIOD_EXCEEDS_MAX" in _scan(tmp_path, "b25", "秘密★15年", BODY["bid"])
