"""The finding-code case table: for every code of domain.md §6 (catalogue codes aside) at least
one document that must raise it and one that must not. Each case is written as a real DOCX and
converted to PDF; ``pdf`` says what the PDF must give where it differs from the DOCX (a PDF text
layer invents spaces and cannot show strike-through)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from builders import DocSpec, Para

AS_OF = dt.date(2026, 11, 22)
LONG = "现将有关事项通知如下，请各科室认真贯彻落实，并于本月底前将落实情况书面报送办公室。"


def tabled(cell: str, **kw: object) -> DocSpec:
    """A 公文 whose 版头 (份号, mark) stands in the first cell of a table opening it."""
    spec = gongwen(None, copy=None, **kw)  # type: ignore[arg-type]
    spec.lead_table = [[cell, ""]]
    return spec


def gongwen(mark: str | Para | None = "秘密★1年", *, copy: str | None = "000123",
            urgency: str | None = None, scope: str | None = "知悉范围：本局领导班子成员",
            date: str = "2024年3月22日", lead: list[str | Para] | None = None,
            doc_no: bool = True, extra: list[str | Para] | None = None) -> DocSpec:
    """A 公文 in GB/T 9704 order, with parts replaceable."""
    body: list[str | Para] = []
    if lead is not None:
        body.extend(lead)
    else:
        if copy:
            body.append(copy)
        if mark is not None:
            body.append(mark)
        if urgency:
            body.append(urgency)
    body.append(Para("某市测绘地理信息局文件", align="center"))
    if doc_no:
        body.append(Para("某测发〔2024〕5号", align="center"))
    body += [Para("关于做好年度测绘成果管理工作的通知", align="center"), "各科室：", LONG]
    body += extra or []
    if scope:
        body.append(scope)
    body += ["某市测绘地理信息局", date]
    return DocSpec(body=body)


@dataclass(frozen=True)
class Case:
    """One document and whether ``code`` must be raised on it."""

    id: str
    spec: DocSpec
    code: str
    expect: bool
    pdf: bool | None = None  # None: same as ``expect``

    def expect_pdf(self) -> bool:
        return self.expect if self.pdf is None else self.pdf

    def expect_doc(self) -> bool:
        """The Word binary reader reads text, alignment and headers, not character formatting:
        a struck-through (cancelled) mark reads as live there, as in a PDF."""
        return self.expect_pdf() if self.code == "DECLASS_CONFLICT" else self.expect


CASES: list[Case] = [
    Case("no_star", gongwen("秘密1年"), "MARK_NO_STAR", True),
    Case("no_star_bare", gongwen("机密"), "MARK_NO_STAR", True),
    Case("no_star_ok", gongwen("秘密★1年"), "MARK_NO_STAR", False),
    Case("wrong_symbol_ast", gongwen("秘密＊1年"), "MARK_WRONG_SYMBOL", True),
    Case("wrong_symbol_hollow", gongwen("机密☆5年"), "MARK_WRONG_SYMBOL", True),
    Case("wrong_symbol_ok", gongwen("机密★5年"), "MARK_WRONG_SYMBOL", False),
    Case("spacing", gongwen("秘密 ★ 1年"), "MARK_SPACING", True, pdf=False),
    Case("spacing_ok", gongwen("秘密★1年"), "MARK_SPACING", False),
    Case("period_missing", gongwen("机密★"), "PERIOD_MISSING", True),
    Case("period_missing_ok", gongwen("机密★5年"), "PERIOD_MISSING", False),
    Case("exceeds", gongwen("秘密★15年"), "PERIOD_EXCEEDS_MAX", True),
    Case("exceeds_ok", gongwen("秘密★10年"), "PERIOD_EXCEEDS_MAX", False),
    Case("not_arabic", gongwen("机密★五年"), "PERIOD_NOT_ARABIC", True),
    Case("not_arabic_ok", gongwen("机密★5年"), "PERIOD_NOT_ARABIC", False),
    Case("unit_months", gongwen("秘密★18个月"), "PERIOD_UNIT", True),
    Case("unit_ok", gongwen("秘密★6个月"), "PERIOD_UNIT", False),
    Case("invalid_forever", gongwen("绝密★永久"), "PERIOD_INVALID", True),
    Case("invalid_brackets", gongwen("绝密★（30年）"), "PERIOD_INVALID", True),
    Case("invalid_ok", gongwen("绝密★30年"), "PERIOD_INVALID", False),
    Case("long_term", gongwen("绝密★长期"), "LONG_TERM_REVIEW", True),
    Case("long_term_ok", gongwen("绝密★30年"), "LONG_TERM_REVIEW", False),
    Case("condition", gongwen("绝密★启用前"), "CONDITION_MANUAL", True),
    Case("condition_ok", gongwen("绝密★10年"), "CONDITION_MANUAL", False),
    Case("scope_missing", gongwen(scope=None), "SCOPE_MISSING", True),
    Case("scope_ok", gongwen(), "SCOPE_MISSING", False),
    Case("scope_distribution", gongwen(scope="（此件发至县团级）"), "SCOPE_MISSING", False),
    Case("copy_missing", gongwen(copy=None), "COPY_NO_MISSING", True),
    Case("copy_short", gongwen(copy="00123"), "COPY_NO_MISSING", True),
    Case("copy_ok", gongwen(), "COPY_NO_MISSING", False),
    # no 文号 and no 印发 line: a 公文 by its elements (title 关于…的通知, 主送 line, 落款)
    Case("copy_by_elements", gongwen(copy=None, doc_no=False), "COPY_NO_MISSING", True),
    Case("copy_not_gongwen", DocSpec(body=[
        "秘密★5年", Para("硕士学位论文", align="center"),
        Para("某市测绘成果管理机制研究", align="center"), "作者：张某", "导师：李某", LONG,
        "知悉范围：答辩委员会成员", "2024年3月22日"]), "COPY_NO_MISSING", False),
    Case("copy_form", DocSpec(body=[
        "秘密★1年", Para("测绘成果使用审批表", align="center"), "申请单位：某设计院", LONG,
        "审批意见：同意", "知悉范围：经办人员", "某市测绘地理信息局", "2024年3月22日"]),
        "COPY_NO_MISSING", False),
    Case("position_after_title", gongwen(lead=["关于某事项的通知", "秘密★1年"]),
         "MARK_POSITION", True),
    Case("position_right", gongwen(Para("秘密★1年", align="right")), "MARK_POSITION", True),
    Case("position_ok", gongwen(), "MARK_POSITION", False),
    Case("order_wrong", gongwen(lead=["秘密★1年", "000123", "特急"]), "HEADER_ORDER", True),
    Case("order_ok", gongwen(urgency="特急"), "HEADER_ORDER", False),
    Case("order_not_gongwen", DocSpec(body=[
        "秘密★1年", "000123", Para("硕士学位论文", align="center"),
        Para("某市测绘成果管理机制研究", align="center"), "作者：张某", LONG,
        "知悉范围：答辩委员会成员", "2024年3月22日"]), "HEADER_ORDER", False),
    Case("conflict", gongwen("机密★5年", extra=["密级：秘密"]), "MARK_CONFLICT", True),
    Case("conflict_ok", gongwen("机密★5年", extra=["密级：机密"]), "MARK_CONFLICT", False),
    Case("work_secret_star", gongwen("内部★1年"), "WORK_SECRET_CONFUSION", True),
    Case("work_secret_field", gongwen(None, extra=["密级：内部"]), "WORK_SECRET_CONFUSION", True),
    Case("work_secret_ok", gongwen(None, copy=None, extra=["内部资料 注意保管"]),
         "WORK_SECRET_CONFUSION", False),
    Case("date_chinese", gongwen(date="二〇二四年三月二十二日"), "DATE_FORMAT", True),
    Case("date_padded", gongwen(date="2024年03月02日"), "DATE_FORMAT", True),
    Case("date_ok", gongwen(), "DATE_FORMAT", False),
    Case("expired", gongwen("秘密★1年", date="2020年1月1日"), "EXPIRED", True),
    Case("expired_default_max", gongwen("机密★", date="2000年1月1日"), "EXPIRED", True),
    Case("expired_ok", gongwen("秘密★5年", date="2024年3月22日"), "EXPIRED", False),
    Case("expired_date_form", gongwen("秘密★2025年12月31日"), "EXPIRED", True),
    Case("soon", gongwen("秘密★1年", date="2026年1月10日"), "EXPIRY_SOON", True),
    Case("soon_ok", gongwen("秘密★5年", date="2026年1月10日"), "EXPIRY_SOON", False),
    Case("declass_live", gongwen(lead=["000123", "秘密★1年", "解密"]), "DECLASS_CONFLICT", True),
    Case("declass_struck", gongwen(lead=["000123", Para("秘密★1年", strike=True), "解密"]),
         "DECLASS_CONFLICT", False, pdf=True),
    Case("declass_ok", gongwen(), "DECLASS_CONFLICT", False),
    # several fields on one line, as officers type them
    Case("field_line", gongwen("密级：机密　　保密期限：5年"), "PERIOD_MISSING", False),
    Case("field_line_tab", gongwen("密级：机密\t保密期限：5年"), "PERIOD_MISSING", False),
    Case("field_line_level_only", gongwen("密级：机密"), "PERIOD_MISSING", True),
    Case("mark_then_scope", gongwen("机密★5年　　知悉范围：市政府领导", scope=None),
         "SCOPE_MISSING", False),
    Case("mark_then_scope_term", gongwen("机密★5年　　知悉范围：市政府领导", scope=None),
         "PERIOD_INVALID", False),
    Case("mark_then_scope_spacing", gongwen("机密★5年　　知悉范围：市政府领导", scope=None),
         "MARK_SPACING", False),
    # a text that declares its own level in prose and carries no mark
    Case("stated_unmarked", gongwen(None, copy=None, extra=[
        "本通知属机密级，保密期限10年，请严格控制知悉范围。"]), "LEVEL_STATED_UNMARKED", True),
    Case("stated_marked", gongwen("机密★10年", extra=[
        "本通知属机密级，保密期限10年，请严格控制知悉范围。"]), "LEVEL_STATED_UNMARKED", False),
    Case("stated_prose_ok", gongwen(None, copy=None, extra=[
        "国家秘密的密级分为绝密、机密、秘密三级，本通知不属于国家秘密。"]),
         "LEVEL_STATED_UNMARKED", False),
    # 份号 and mark as two lines of one paragraph (a soft line break), or of a table's first
    # cell when the 版头 is laid out in a table
    Case("copy_mark_soft_break", gongwen(None, copy=None, lead=[Para("000123\n秘密★1年")]),
         "COPY_NO_MISSING", False),
    Case("copy_mark_soft_break_position", gongwen(None, copy=None,
                                                  lead=[Para("000123\n秘密★1年")]),
         "MARK_POSITION", False),
    Case("copy_mark_one_line_expired", gongwen(None, copy=None, lead=["000123　秘密★1年"],
                                               date="2020年1月1日"), "EXPIRED", True),
    Case("copy_mark_one_line", gongwen(None, copy=None, lead=["000123　秘密★1年"]),
         "COPY_NO_MISSING", False),
    Case("copy_mark_one_line_position", gongwen(None, copy=None, lead=["000123　秘密★1年"]),
         "MARK_POSITION", False),
    Case("lead_table_expired", tabled("000123\n秘密★1年", date="2020年1月1日"), "EXPIRED", True),
    Case("lead_table_copy", tabled("000123\n秘密★1年"), "COPY_NO_MISSING", False),
    Case("lead_table_no_copy", tabled("秘密★1年"), "COPY_NO_MISSING", True),
    Case("lead_table_position", tabled("000123\n秘密★1年"), "MARK_POSITION", False),
    # the 成文日期 judged by the standard in force on that date (GB/T 9704-1999 before 2012-07-01)
    Case("date_chinese_1999", gongwen(date="二〇〇五年六月十一日"), "DATE_FORMAT", False),
    Case("date_arabic_1999", gongwen(date="2005年6月11日"), "DATE_FORMAT", True),
]
