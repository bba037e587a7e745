"""The finding codes of domain.md §6: severity and bilingual message templates.

Messages are ``str.format`` templates; :func:`make` fills them so no caller writes message text.
"""

from __future__ import annotations

from markers.models import Evidence, Finding, Severity

CODES: dict[str, tuple[Severity, str, str]] = {
    "MARK_NO_STAR": ("error", "密级“{raw}”缺少“★”", "mark '{raw}' has no ★ between level and term"),
    "MARK_WRONG_SYMBOL": (
        "error", "标志使用了“{symbol}”，应为“★”", "mark uses '{symbol}' instead of ★"),
    "MARK_SPACING": ("warning", "标志“{raw}”内含空格", "spaces inside the mark '{raw}'"),
    "PERIOD_MISSING": (
        "error", "“{raw}”未标明保密期限，按{level}法定最长期限{years}年计算",
        "'{raw}' has no term; the statutory maximum for {level} ({years} years) applies"),
    "PERIOD_EXCEEDS_MAX": (
        "error", "保密期限“{term}”超过{level}法定最长期限{years}年",
        "term '{term}' exceeds the statutory maximum of {years} years for {level}"),
    "PERIOD_NOT_ARABIC": (
        "error", "保密期限“{term}”应使用阿拉伯数字", "term '{term}' must use Arabic digits"),
    "PERIOD_UNIT": ("warning", "保密期限“{term}”计量单位不当：{why_zh}", "term '{term}': {why_en}"),
    "PERIOD_INVALID": (
        "error", "保密期限“{term}”无效（{why_zh}）", "term '{term}' is invalid ({why_en})"),
    "LONG_TERM_REVIEW": (
        "warning", "“长期”须有保密事项范围条目依据，请核对",
        "'长期' (long term) needs a catalogue item that provides it; please review"),
    "CONDITION_MANUAL": (
        "info", "解密条件“{condition}”需人工判断是否已满足",
        "declassification condition '{condition}' must be judged by a person"),
    "SCOPE_MISSING": (
        "error", "涉密文件未标明知悉范围", "classified document has no 知悉范围 (scope) statement"),
    "COPY_NO_MISSING": (
        "error", "涉密公文未在密级上方标注6位份号{detail_zh}",
        "classified official document has no 6-digit copy number above the mark{detail_en}"),
    "MARK_POSITION": (
        "warning", "标志“{raw}”不在首页左上角版头位置（{where_zh}）",
        "mark '{raw}' is not in the top-left block of page 1 ({where_en})"),
    "HEADER_ORDER": (
        "warning", "版头要素顺序应为份号→密级和保密期限→紧急程度，实际为{order_zh}",
        "header order should be copy number → mark → urgency, found {order_en}"),
    "MARK_CONFLICT": (
        "error", "文件中出现不一致的密级或期限：{list}",
        "conflicting marks in one document: {list}"),
    "WORK_SECRET_CONFUSION": (
        "error", "“{raw}”：内部/工作秘密不是国家秘密密级，不得使用“★”或作为密级",
        "'{raw}': 内部/work secret is not a state-secret level and takes no ★"),
    "DATE_FORMAT": (
        "warning", "成文日期“{raw}”格式不规范：{why_zh}", "document date '{raw}': {why_en}"),
    "EXPIRED": (
        "info", "保密期限已于{date}届满，应自行解密或复核",
        "the period ended on {date}: due for automatic declassification or review"),
    "EXPIRY_SOON": (
        "info", "保密期限将于{date}届满（还有{days}天），请提前审核",
        "the period ends on {date} ({days} days left): review before then"),
    "DECLASS_CONFLICT": (
        "error",
        "文件有“解密”标注，但密级标志“{raw}”未作废",
        "a 解密 stamp is present but the mark '{raw}' is not cancelled"),
    "LEVEL_STATED_UNMARKED": (
        "error", "文中声明本文件为国家秘密（“{raw}”），但未标注密级标志",
        "the text declares itself classified ('{raw}') but carries no mark"),
    "DERIVED_BELOW_SOURCE": (
        "error",
        "复制或转述了涉密来源{sources_zh}的内容，本文件{own_zh}，低于来源：派生文件应不低于来源的"
        "密级和保密期限，应标为“{want}”",
        "copies or reproduces the classified source {sources_en} and is {own_en}: a derived "
        "document carries its sources' highest level and longest period, here '{want}'"),
    "DERIVED_ABOVE_SOURCE": (
        "warning",
        "本文件标为“{own}”，高于或长于其全部有效来源{sources_zh}，且无保密事项范围条目依据",
        "marked '{own}', higher or longer than every live source {sources_en}, with no catalogue "
        "item of its own"),
    "SOURCE_DECLASSIFIED": (
        "info",
        "本文件的全部来源{sources_zh}均已到期或解密，本文件仍标有“{own}”：可随来源一并审核解密",
        "every source {sources_en} has expired or been declassified while this document is still "
        "marked '{own}': review it for declassification with them"),
}

# judged across documents (:mod:`scanner.derived`), never from one file: their cases are in
# tests/scanner/test_derived_judge.py, not in the single-document case table
CROSS_DOCUMENT = frozenset({"DERIVED_BELOW_SOURCE", "DERIVED_ABOVE_SOURCE", "SOURCE_DECLASSIFIED"})


def make(code: str, location: str | None = None, evidence: tuple[Evidence, ...] = (),
         **values: object) -> Finding:
    """Build the finding ``code`` with its messages filled from ``values``."""
    severity, zh, en = CODES[code]
    return Finding(code, severity, zh.format(**values), en.format(**values), location, evidence)
