"""The name of each finding code (and of each reason a file was not read) in Chinese and English,
for people who act on them (the gate's reasons in the API and the watch log)."""

from __future__ import annotations

from scanner.messages import Msg

CODE_NAMES: dict[str, Msg] = {
    "MARK_NO_STAR": Msg("标志缺少★", "mark without ★"),
    "MARK_WRONG_SYMBOL": Msg("标志符号错误", "wrong symbol in the mark"),
    "MARK_SPACING": Msg("标志内含空格", "spaces inside the mark"),
    "PERIOD_MISSING": Msg("未标保密期限", "no term"),
    "PERIOD_EXCEEDS_MAX": Msg("保密期限超过法定最长期限", "term above the statutory maximum"),
    "PERIOD_NOT_ARABIC": Msg("保密期限未用阿拉伯数字", "term not in Arabic digits"),
    "PERIOD_UNIT": Msg("保密期限计量单位不当", "term in the wrong unit"),
    "PERIOD_INVALID": Msg("保密期限无效", "invalid term"),
    "LONG_TERM_REVIEW": Msg("“长期”需核对依据", "长期 needs a basis"),
    "CONDITION_MANUAL": Msg("解密条件需人工判断", "declassification condition to judge"),
    "SCOPE_MISSING": Msg("未标知悉范围", "no distribution scope"),
    "COPY_NO_MISSING": Msg("未标份号", "no copy number"),
    "MARK_POSITION": Msg("标志位置不当", "mark out of place"),
    "HEADER_ORDER": Msg("版头要素顺序不当", "header elements out of order"),
    "MARK_CONFLICT": Msg("标志相互矛盾", "conflicting marks"),
    "WORK_SECRET_CONFUSION": Msg("工作秘密与国家秘密混用",
                                 "work secret confused with a state secret"),
    "DATE_FORMAT": Msg("成文日期格式不当", "document date in the wrong form"),
    "EXPIRED": Msg("保密期限已届满", "term expired"),
    "EXPIRY_SOON": Msg("保密期限即将届满", "term ends soon"),
    "DECLASS_CONFLICT": Msg("已解密但标志未作废", "declassified, mark not cancelled"),
    "AUTHORITY_EXCEEDED": Msg("超出定密权限", "above the unit's classification authority"),
    "NO_BASIS": Msg("未找到定密依据", "no basis found"),
    "OVER_CLASSIFIED": Msg("可能定密过高", "possibly over-classified"),
    "UNDER_CLASSIFIED": Msg("可能定密过低", "possibly under-classified"),
    "UNMARKED_MATCH": Msg("可能应定未定", "likely classified, unmarked"),
    "PERIOD_ABOVE_CATALOG": Msg("保密期限长于事项规定", "term longer than the catalogue item's"),
    "PERIOD_NOT_COMPARED": Msg("保密期限未能比对", "term not compared"),
    "LEVEL_STATED_UNMARKED": Msg("文中声明密级但未标志", "level stated in the text, no mark"),
    "OCR_LOW_CONFIDENCE": Msg("OCR 识别置信度低", "low OCR confidence"),
    "DERIVED_BELOW_SOURCE": Msg("派生文件低于来源", "derived below its source"),
    "DERIVED_ABOVE_SOURCE": Msg("派生文件高于来源", "derived above its sources"),
    "SOURCE_DECLASSIFIED": Msg("来源已解密或到期", "sources declassified or expired"),
    "unreadable": Msg("无法读取", "unreadable"),
    "unsupported": Msg("不支持的格式", "unsupported format"),
    "needs_ocr": Msg("需要 OCR", "needs OCR"),
}


def code_name(code: str) -> Msg:
    """The name of ``code`` (the code itself when it has none)."""
    return CODE_NAMES.get(code, Msg(code, code))
