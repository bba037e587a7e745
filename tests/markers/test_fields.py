"""The elements around a mark: 份号, 紧急程度, 知悉范围, 成文日期, 文号, 解密."""

from __future__ import annotations

import datetime as dt

import pytest

from markers import fields
from markers.expiry import add_months
from markers.terms import cn_number


@pytest.mark.parametrize(("text", "value"), [
    ("000123", "000123"), ("份号：000123", "000123"), ("共印2份", None), ("第1页", None)])
def test_copy_number(text: str, value: str | None) -> None:
    assert fields.copy_number(text) == value


@pytest.mark.parametrize(("text", "value"), [
    ("知悉范围：本单位领导班子成员", "本单位领导班子成员"), ("（此件发至县团级）", "发至县团级"),
    ("此件发至各区县人民政府", "发至各区县人民政府"), ("知悉范围", None),
    ("本规定所称知悉范围应当根据工作需要限定在最小范围内，"
     "能够限定到具体人员的限定到具体人员", None),
])
def test_scope(text: str, value: str | None) -> None:
    assert fields.scope(text) == value


@pytest.mark.parametrize(("text", "date", "chinese", "short", "padded"), [
    ("2023年3月22日", dt.date(2023, 3, 22), False, False, False),
    ("二〇二三年一月一日", dt.date(2023, 1, 1), True, False, False),
    ("二〇二四年三月二十二日", dt.date(2024, 3, 22), True, False, False),
    ("23年3月22日", dt.date(2023, 3, 22), False, True, False),
    ("2023年03月02日", dt.date(2023, 3, 2), False, False, True),
])
def test_dates(text: str, date: dt.date, chinese: bool, short: bool, padded: bool) -> None:
    d = fields.date_line(text)
    assert d is not None
    assert (d.date, d.chinese, d.short_year, d.zero_padded) == (date, chinese, short, padded)


def test_issued_date_and_doc_number() -> None:
    d = fields.issued_date("某市办公室 2023年3月22日印发")
    assert d is not None and d.date == dt.date(2023, 3, 22)
    assert fields.doc_number("国办发〔2023〕12号") == "国办发〔2023〕12号"
    assert fields.doc_number("根据有关规定办理") is None
    # the 字…第N号 form and full-width parentheses (a title below it is not part of it)
    assert fields.doc_number("东发改能字〔2022〕第31号") == "东发改能字〔2022〕第31号"
    assert fields.doc_number("国办发（2021）12号") == "国办发(2021)12号"


@pytest.mark.parametrize(("text", "value"), [("十二", 12), ("二〇二三", 2023), ("十", 10),
                                             ("三十一", 31), ("甲", None)])
def test_cn_number(text: str, value: int | None) -> None:
    assert cn_number(text) == value


def test_add_months_clamps() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 3, 22), 120) == dt.date(2034, 3, 22)


def test_the_document_number_is_its_own_not_one_it_cites() -> None:
    from markers import Block, find_marks  # noqa: PLC0415

    def number(*lines: str) -> str | None:
        blocks = [Block(t, f"body.p{i}", "top" if i < 3 else "body", i)
                  for i, t in enumerate(lines)]
        return find_marks(blocks).doc_number

    assert number("派生自示政发〔2018〕1号", "示例市人民政府文件", "示政发〔2026〕3号",
                  "关于某事项的通知") == "示政发〔2026〕3号"
    assert number("示例市人民政府文件", "示政发〔2026〕3号", "关于某事项的通知",
                  "根据国办发〔2021〕12号文件精神，现通知如下。") == "示政发〔2026〕3号"
    assert number("关于转发国办发〔2021〕12号文件的通知", "各单位：") is None


def _dated(lines: list[tuple[str, str]]) -> dt.date | None:
    from markers import Block, find_marks  # noqa: PLC0415

    blocks = [Block(text, f"{region}.p{i}", region, i)  # type: ignore[arg-type]
              for i, (region, text) in enumerate(lines, 1)]
    found = find_marks(blocks).document_date
    return found.date if found is not None else None


def test_the_document_date_of_short_texts_slides_and_marks() -> None:
    # a short text read whole as the first page's top: its 落款's date
    short = ["示例市某局文件", "关于有关工作事项的通知", "各科室：", "请各校在启用前妥善保管试卷。",
             "示例市某局", "2026年3月2日"]
    assert _dated([("top", t) for t in short]) == dt.date(2026, 3, 2)
    # a title slide: its date; a mark whose term is a date (on a later slide) is no 成文日期
    deck = [("top", "关于重点项目资金调度工作的汇报"), ("top", "示例市应急管理局"),
            ("top", "2024年5月15日"), ("body", "一、主要情况"),
            ("body", "全年安排重点项目资金三亿元，已拨付两亿元，其余按进度拨付。"),
            ("body", "秘密★2026年3月1日")]
    assert _dated(deck) == dt.date(2024, 5, 15)
    assert _dated([("body", "秘密★2026年3月1日"), ("body", "某项目安排表")]) is None
    # a date in the body after the top's is still the later one (the 落款)
    assert _dated([("top", "2024年5月15日"), ("body", "关于某事项的通知"),
                   ("body", "某市水利局"), ("body", "2024年6月1日")]) == dt.date(2024, 6, 1)
